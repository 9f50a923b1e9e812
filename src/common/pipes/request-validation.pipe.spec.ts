import { describe, expect, it } from '@jest/globals';
import { BadRequestException } from '@nestjs/common';
import { IsDefined, IsOptional, IsString, Matches } from 'class-validator';
import { RequestValidationPipe } from './request-validation.pipe.js';

class OptionalQuery {
  @IsOptional()
  @Matches(/^[a-z]+$/)
  organization?: string;
}

class RequiredQuery {
  @IsDefined()
  @IsString()
  name!: string;
}

class QueryWithDefault {
  @IsOptional()
  @IsString()
  order: string = 'asc';
}

const pipe = () => new RequestValidationPipe({ whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true, transform: true });
const query = (metatype: new () => unknown) => ({ type: 'query' as const, metatype });

describe('RequestValidationPipe', () => {
  it('answers an empty query with a fresh instance of the DTO, the first time and every time after', async () => {
    const validation = pipe();
    const first = await validation.transform({}, query(OptionalQuery));
    const second = await validation.transform(Object.create(null), query(OptionalQuery));
    expect(first).toBeInstanceOf(OptionalQuery);
    expect(second).toBeInstanceOf(OptionalQuery);
    expect(second).not.toBe(first);
    expect(Object.keys(second as object)).toEqual([]);
  });

  it('still refuses an empty query for a DTO that requires a field, every time', async () => {
    const validation = pipe();
    await expect(validation.transform({}, query(RequiredQuery))).rejects.toThrow(BadRequestException);
    await expect(validation.transform({}, query(RequiredQuery))).rejects.toThrow(BadRequestException);
  });

  it("keeps a DTO's defaults for an empty query", async () => {
    const validation = pipe();
    await validation.transform({}, query(QueryWithDefault));
    expect(await validation.transform({}, query(QueryWithDefault))).toEqual(Object.assign(new QueryWithDefault(), { order: 'asc' }));
  });

  it('validates a query that is not empty, after an empty one was remembered', async () => {
    const validation = pipe();
    await validation.transform({}, query(OptionalQuery));
    await expect(validation.transform({ organization: 'Not A Name' }, query(OptionalQuery))).rejects.toThrow(BadRequestException);
    await expect(validation.transform({ unknown: 'x' }, query(OptionalQuery))).rejects.toThrow(BadRequestException);
    expect(await validation.transform({ organization: 'acme' }, query(OptionalQuery))).toEqual(Object.assign(new OptionalQuery(), { organization: 'acme' }));
  });

  it('leaves bodies to the full validation, even when empty', async () => {
    const validation = pipe();
    await expect(validation.transform({}, { type: 'body', metatype: RequiredQuery })).rejects.toThrow(BadRequestException);
  });
});
