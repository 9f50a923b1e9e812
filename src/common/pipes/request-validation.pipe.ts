import { type ArgumentMetadata, ValidationPipe, type ValidationPipeOptions } from '@nestjs/common';

type Metatype = NonNullable<ArgumentMetadata['metatype']>;

/**
 * Nest's ValidationPipe, with one shortcut: a query string that is empty (most GETs carry none)
 * is transformed and validated once per DTO class, and the answer remembered. An empty input
 * always validates the same way, so later requests get a fresh instance without running
 * class-transformer and class-validator again. A DTO whose empty instance has fields of its own
 * (defaults), or that refuses an empty input, always takes the full path.
 */
export class RequestValidationPipe extends ValidationPipe {
  private readonly emptyQueryValid = new WeakMap<Metatype, boolean>();

  constructor(options: ValidationPipeOptions) {
    super(options);
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const { metatype } = metadata;
    if (metadata.type !== 'query' || !metatype || !isEmptyPlainObject(value)) return super.transform(value, metadata);
    const known = this.emptyQueryValid.get(metatype);
    if (known === true) return new (metatype as new () => unknown)();
    if (known === false) return super.transform(value, metadata);
    try {
      const transformed = await super.transform(value, metadata);
      this.emptyQueryValid.set(metatype, isInstanceWithoutFields(transformed, metatype));
      return transformed;
    } catch (error) {
      this.emptyQueryValid.set(metatype, false);
      throw error;
    }
  }
}

function isEmptyPlainObject(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (prototype !== Object.prototype && prototype !== null) return false;
  for (const key in value) if (Object.hasOwn(value, key)) return false;
  return Object.getOwnPropertySymbols(value).length === 0;
}

function isInstanceWithoutFields(value: unknown, metatype: Metatype): boolean {
  return value instanceof (metatype as new () => unknown) && Reflect.ownKeys(value as object).length === 0;
}
