import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsString, MaxLength } from 'class-validator';
import { PageQueryDto } from '../../common/dto/page.dto.js';
import { Omittable } from '../../common/dto/omittable.decorator.js';

/** The columns a client list can be sorted by. */
export const CLIENT_SORT_FIELDS = ['created_at', 'name', 'client_id'] as const;
export type ClientSortField = (typeof CLIENT_SORT_FIELDS)[number];

/** `?page=&size=` plus the search and sort of Polaris's "Manage OAuth clients" table. */
export class ClientListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: 'export', maxLength: 200, description: 'Keeps the clients whose id, name or description contains this text (case-insensitive)' })
  @Omittable()
  @IsString()
  @MaxLength(200)
  search?: string;

  @ApiPropertyOptional({ enum: CLIENT_SORT_FIELDS, default: 'created_at' })
  @Omittable()
  @IsIn(CLIENT_SORT_FIELDS, { message: `sort must be one of: ${CLIENT_SORT_FIELDS.join(', ')}` })
  sort: ClientSortField = 'created_at';

  @ApiPropertyOptional({ enum: ['asc', 'desc'], description: 'Default: desc for created_at (newest first), asc otherwise' })
  @Omittable()
  @IsIn(['asc', 'desc'], { message: 'order must be asc or desc' })
  order?: 'asc' | 'desc';
}
