import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** RFC 6749 §5.2 / RFC 6750 §3.1 error body, used by the OAuth endpoints and bearer-token failures. */
export class OAuthErrorDto {
  @ApiProperty({ example: 'invalid_request', description: 'An RFC 6749 §5.2, RFC 6750 §3.1 or RFC 7591 §3.2.2 error code' })
  error: string;

  @ApiProperty({ example: 'The grant_type parameter is missing' })
  error_description: string;

  @ApiPropertyOptional({ example: 'client:read', description: '`insufficient_scope` only: the scope the endpoint requires' })
  scope?: string;
}

/** Body of every other error of the REST API. */
export class ApiErrorDto {
  @ApiProperty({ example: 404, description: 'The HTTP status' })
  statusCode: number;

  @ApiProperty({ example: 'Not Found', description: 'The HTTP reason phrase' })
  error: string;

  @ApiProperty({ example: 'No client with id nope' })
  message: string;

  @ApiPropertyOptional({ type: [String], description: 'One line per invalid field, for validation errors' })
  details?: string[];
}

/** The body Imply Polaris documents for an expired token, kept byte for byte. */
export class ExpiredTokenDto {
  @ApiProperty({ example: 'Token claims invalid: ["exp"]="token expired"' })
  message: string;
}
