import { ApiProperty } from '@nestjs/swagger';

export class PermissionDto {
  @ApiProperty({ example: 'administer-clients' })
  name: string;

  @ApiProperty()
  description: string;

  @ApiProperty({ type: [String], example: ['client:create', 'client:read', 'client:update', 'client:delete', 'scope:read'] })
  scopes: string[];
}
