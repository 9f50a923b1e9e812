import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** RFC 6749 §5.2 / RFC 6750 §3.1 error body, used by the OAuth endpoints and bearer-token failures. */
export class OAuthErrorDto {
  @ApiProperty({ example: 'invalid_client' })
  error: string;

  @ApiProperty({ example: 'Client authentication failed' })
  error_description: string;
}

/** Body of every other error of the REST API. */
export class ApiErrorDto {
  @ApiProperty({ example: 404 })
  statusCode: number;

  @ApiProperty({ example: 'Not Found' })
  error: string;

  @ApiProperty({ example: 'No client with id 3f2a…' })
  message: string;

  @ApiPropertyOptional({ type: [String], description: 'One line per invalid field, for validation errors' })
  details?: string[];
}

/** The body Imply Polaris documents for an expired token, kept byte for byte. */
export class ExpiredTokenDto {
  @ApiProperty({ example: 'Token claims invalid: ["exp"]="token expired"' })
  message: string;
}
