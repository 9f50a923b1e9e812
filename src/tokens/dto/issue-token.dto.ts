import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';

export class IssueTokenDto {
  @ApiPropertyOptional({ description: "Space-separated subset of the client's scopes (or `project-{id}`); all of them when left out", example: 'client:read' })
  @IsOptional()
  @IsString()
  @MaxLength(4096)
  scope?: string;
}
