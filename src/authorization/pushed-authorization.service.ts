import { Injectable } from '@nestjs/common';
import { type ClientRecord } from '../clients/client-directory.js';
import { PageError, RedirectToClient } from '../common/errors/authorization-errors.js';
import { InvalidRequest } from '../common/errors/oauth-errors.js';
import { type OrganizationRecord } from '../organizations/organization-directory.js';
import { AUTHORIZE_PARAMETERS, AuthorizationRequests } from './authorization-request.js';
import { PushedAuthorizationRequests } from './pushed-authorization-requests.js';

/** What the PAR endpoint reads besides the authorization request's own parameters: the request objects it refuses. */
const PUSHABLE = new Set<string>([...AUTHORIZE_PARAMETERS, 'request', 'request_uri']);

/**
 * The PAR endpoint's work (RFC 9126 §2): the request of an authenticated client, checked by the
 * authorization endpoint's own rules, refused in RFC 6749 terms (a JSON error, never a page or a
 * redirect), and stored for the authorization endpoint to take by its request_uri.
 */
@Injectable()
export class PushedAuthorizationService {
  constructor(
    private readonly requests: AuthorizationRequests,
    private readonly pushed: PushedAuthorizationRequests,
  ) {}

  async push(client: ClientRecord, params: Readonly<Record<string, string>>, realm: OrganizationRecord | undefined): Promise<{ request_uri: string; expires_in: number }> {
    // Client authentication (HTTP Basic) may leave client_id out of the body; the guard made sure any one sent is the client's.
    const request = { ...Object.fromEntries(Object.entries(params).filter(([name]) => PUSHABLE.has(name))), client_id: client.id };
    let checked;
    try {
      checked = await this.requests.parse(request, realm?.name, 'pushed');
    } catch (error) {
      if (error instanceof RedirectToClient) throw error.reason;
      // The client and redirect URI checks, which the authorization endpoint shows on a page.
      if (error instanceof PageError) throw new InvalidRequest(error.message);
      throw error;
    }
    return this.pushed.push(client.id, realm?.name, checked.parameters);
  }
}
