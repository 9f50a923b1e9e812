import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** Documentation of the token request; the body itself is read by `parseTokenRequest`. */
export class TokenRequestDto {
  @ApiProperty({ enum: ['client_credentials'], example: 'client_credentials' })
  grant_type: string;

  @ApiPropertyOptional({ description: 'With client_secret_post; leave out when using HTTP Basic' })
  client_id?: string;

  @ApiPropertyOptional({ description: 'With client_secret_post; leave out when using HTTP Basic' })
  client_secret?: string;

  @ApiPropertyOptional({ description: 'Space-separated subset of the client\'s scopes; all of them when left out', example: 'client:read' })
  scope?: string;
}
