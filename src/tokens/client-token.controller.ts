import { Body, Controller, Header, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Auth, type AuthContext } from '../access/auth-context.js';
import { Authenticated } from '../access/authenticated.decorator.js';
import { ClientScopes } from '../scopes/client.scopes.js';
import { ApiErrorDto } from '../common/dto/error.dto.js';
import { ClientIdPipe } from '../common/pipes/client-id.pipe.js';
import { ClientTokens } from './client-tokens.js';
import { IssueTokenDto } from './dto/issue-token.dto.js';
import { TokenResponseDto } from './dto/token-response.dto.js';

const clientId = ApiParam({ name: 'client_id', example: '8d2c1f0b4e6a49f3a1d0' });

/** The clients API's "Download Token" route (see ClientTokens for why it lives in tokens/). */
@ApiTags('clients')
@ApiBadRequestResponse({ type: ApiErrorDto, description: 'Invalid body, query or client id' })
@Controller('api/v1/oauth/client')
export class ClientTokenController {
  constructor(private readonly clients: ClientTokens) {}

  @Post(':client_id/token')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Authenticated({ scope: ClientScopes.update, reach: 'organization' })
  @ApiOperation({
    summary: 'Issue a token for a client (Imply "Download Token")',
    description: 'A fresh access token for the client without its secret; the caller must hold every scope the client holds. Recorded in the audit trail.',
  })
  @clientId
  @ApiBody({ type: IssueTokenDto, required: false })
  @ApiOkResponse({ type: TokenResponseDto })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'The client is disabled' })
  issueToken(@Auth() auth: AuthContext, @Param('client_id', ClientIdPipe) id: string, @Body() dto: IssueTokenDto): Promise<TokenResponseDto> {
    return this.clients.issueToken(auth, id, dto ?? {});
  }

}
