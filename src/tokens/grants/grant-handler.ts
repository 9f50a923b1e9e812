import { type ClientRecord } from '../../auth/client-directory.js';
import { type TokenResponseDto } from '../dto/token-response.dto.js';
import { type TokenRequestParams } from '../token-request.js';

/** One OAuth grant type: what it is called, which parameters it reads, and how it answers. */
export interface GrantHandler {
  readonly grantType: string;
  readonly parameters: ReadonlySet<string>;
  handle(client: ClientRecord, params: TokenRequestParams): Promise<TokenResponseDto> | TokenResponseDto;
}
