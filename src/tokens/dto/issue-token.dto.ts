import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import { Omittable } from '../../common/dto/omittable.decorator.js';

export class IssueTokenDto {
  @ApiPropertyOptional({ description: "Space-separated subset of the client's scopes (or `project-{id}`); all of them when left out", example: 'client:read' })
  @Omittable()
  @IsString()
  @MaxLength(4096)
  scope?: string;
}
