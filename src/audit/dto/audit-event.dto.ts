import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsISO8601, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { type AuditEventEntity } from '../entities/audit-event.entity.js';
import { Omittable } from '../../common/dto/omittable.decorator.js';

export class AuditQueryDto {
  @ApiPropertyOptional({ description: 'Only events by this actor (a client or user id)' })
  @Omittable()
  @IsString()
  @MaxLength(64)
  actor?: string;

  @ApiPropertyOptional({ description: 'Only events about this target (a client, user, organization, project or API id, or a token jti)' })
  @Omittable()
  @IsString()
  @MaxLength(64)
  target?: string;

  @ApiPropertyOptional({ example: 'client.secret_regenerated' })
  @Omittable()
  @Matches(/^[a-z_]+\.[a-z_]+$/, { message: 'action must look like client.created' })
  action?: string;

  @ApiPropertyOptional({ description: 'ISO 8601; events at or after this time', example: '2026-11-22T00:00:00Z' })
  @Omittable()
  @IsISO8601({ strict: true })
  since?: string;

  @ApiPropertyOptional({ description: 'ISO 8601; events before this time' })
  @Omittable()
  @IsISO8601({ strict: true })
  until?: string;

  @ApiPropertyOptional({ description: 'The `next_cursor` of the previous page' })
  @Omittable()
  @Matches(/^[0-9]{1,12}$/, { message: 'cursor must be a next_cursor returned by this API' })
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @Omittable()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit: number = 50;
}

class AuditPartyDto {
  @ApiProperty({ example: 'client' })
  type: string;

  @ApiProperty()
  id: string;
}

export class AuditEventDto {
  @ApiProperty()
  id: string;

  @ApiProperty({ example: '2026-11-22T10:00:00.000Z' })
  occurred_at: string;

  @ApiProperty({ type: AuditPartyDto })
  actor: AuditPartyDto;

  @ApiProperty({ nullable: true, type: String })
  organization_id: string | null;

  @ApiProperty({ example: 'client.secret_regenerated' })
  action: string;

  @ApiProperty({ type: AuditPartyDto })
  target: AuditPartyDto;

  @ApiProperty({ nullable: true, type: String })
  source_ip: string | null;

  @ApiProperty({ nullable: true, type: String })
  request_id: string | null;

  @ApiProperty({ type: 'object', additionalProperties: true, description: 'What changed (never a secret or a token)' })
  details: Record<string, unknown>;

  static from(row: AuditEventEntity): AuditEventDto {
    return {
      id: String(row.id),
      occurred_at: row.occurredAt.toISOString(),
      actor: { type: row.actorType, id: row.actorId },
      organization_id: row.organizationId,
      action: row.action,
      target: { type: row.targetType, id: row.targetId },
      source_ip: row.sourceIp,
      request_id: row.requestId,
      details: row.details ? (JSON.parse(row.details) as Record<string, unknown>) : {},
    };
  }
}

export class AuditPageDto {
  @ApiProperty({ type: [AuditEventDto] })
  events: AuditEventDto[];

  @ApiProperty({ nullable: true, type: String, description: 'Pass as `cursor` for the next (older) page; null on the last page' })
  next_cursor: string | null;
}
