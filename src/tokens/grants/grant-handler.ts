import { type ClientRecord } from '../../clients/client-directory.js';
import { type OrganizationRecord } from '../../organizations/organization-directory.js';
import { type TokenResponseDto } from '../dto/token-response.dto.js';
import { type TokenRequestParams } from '../token-request.js';

/** What every grant is handed: the authenticated client, its organization, and the issuer to sign as. */
export interface GrantContext {
  readonly client: ClientRecord;
  readonly organization: OrganizationRecord;
  readonly issuer: string;
  readonly params: TokenRequestParams;
}

/** One OAuth grant type: what it is called, which parameters it reads, and how it answers. */
export interface GrantHandler {
  readonly grantType: string;
  readonly parameters: ReadonlySet<string>;
  handle(context: GrantContext): Promise<TokenResponseDto>;
}
