import { BadRequestException, type PipeTransform } from '@nestjs/common';
import { isPermission, PERMISSIONS } from '../../scopes/permissions.js';

/** A bare JSON array of permission names, for `PUT /oauth/client/{id}/permissions`. */
export class PermissionListPipe implements PipeTransform<unknown, string[]> {
  transform(value: unknown): string[] {
    if (!Array.isArray(value)) throw new BadRequestException('The body must be a JSON array of permission names, e.g. ["administer-clients"]');
    const unknown = value.filter((name) => typeof name !== 'string' || !isPermission(name));
    if (unknown.length > 0) {
      throw new BadRequestException(`Unknown permissions: ${unknown.map((name) => JSON.stringify(name)).join(', ')}; known: ${PERMISSIONS.map((permission) => permission.name).join(', ')}`);
    }
    if (new Set(value).size !== value.length) throw new BadRequestException('The permission list has duplicates');
    return value as string[];
  }
}
