import { BadRequestException, type PipeTransform } from '@nestjs/common';
import { MAX_PERMISSIONS_PER_CLIENT } from './create-client.dto.js';
import { ROLE_NAME_PATTERN } from '../../scopes/permissions.js';

/**
 * A bare JSON array of permission names, for `PUT /oauth/client/{id}/permissions`. Whether each
 * is a built-in permission or a role of the client's organization is the service's to check.
 */
export class PermissionListPipe implements PipeTransform<unknown, string[]> {
  transform(value: unknown): string[] {
    if (!Array.isArray(value)) throw new BadRequestException('The body must be a JSON array of permission names, e.g. ["administer-clients"]');
    if (value.length > MAX_PERMISSIONS_PER_CLIENT) throw new BadRequestException(`At most ${MAX_PERMISSIONS_PER_CLIENT} permissions`);
    const invalid = value.filter((name) => typeof name !== 'string' || !ROLE_NAME_PATTERN.test(name));
    if (invalid.length > 0) throw new BadRequestException(`Unknown permissions: ${invalid.map((name) => JSON.stringify(name)).join(', ')}; a permission is named by a lowercase slug (see GET /api/v1/oauth/role)`);
    if (new Set(value).size !== value.length) throw new BadRequestException('The permission list has duplicates');
    return value as string[];
  }
}
