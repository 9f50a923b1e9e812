import { BadRequestException, type PipeTransform } from '@nestjs/common';
import { MAX_SCOPES_PER_CLIENT } from './create-client.dto.js';
import { SCOPE_TOKEN } from '../../scopes/scope-definition.js';

/** A bare JSON array of scope names, as Fides's `PUT /oauth/client/{id}/scope` takes it. */
export class ScopeListPipe implements PipeTransform<unknown, string[]> {
  transform(value: unknown): string[] {
    if (!Array.isArray(value)) throw new BadRequestException('The body must be a JSON array of scope names, e.g. ["policy:read"]');
    if (value.length > MAX_SCOPES_PER_CLIENT) throw new BadRequestException(`At most ${MAX_SCOPES_PER_CLIENT} scopes`);
    const invalid = value.filter((scope) => typeof scope !== 'string' || scope.length > 128 || !SCOPE_TOKEN.test(scope));
    if (invalid.length > 0) throw new BadRequestException(`Not valid scope names: ${invalid.map((scope) => JSON.stringify(scope)).join(', ')}`);
    if (new Set(value).size !== value.length) throw new BadRequestException('The scope list has duplicates');
    return value as string[];
  }
}
