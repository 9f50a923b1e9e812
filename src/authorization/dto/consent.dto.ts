import { ApiProperty } from '@nestjs/swagger';
import { type ConsentSummary } from '../consents.js';

/** An app the user allowed, and what they allowed it. */
export class ConsentDto {
  @ApiProperty({ example: 'b3f1c2d4-…' })
  client_id: string;

  @ApiProperty({ example: 'Acme dashboard', description: "The app's name (its client id when it has none)" })
  client_name: string;

  @ApiProperty({ type: [String], example: ['openid', 'profile', 'client:read'] })
  scopes: string[];

  @ApiProperty({ format: 'date-time', description: 'When the user first allowed it' })
  granted_at: string;

  static from(consent: ConsentSummary): ConsentDto {
    return { client_id: consent.clientId, client_name: consent.clientName, scopes: [...consent.scopes], granted_at: consent.grantedAt.toISOString() };
  }
}
