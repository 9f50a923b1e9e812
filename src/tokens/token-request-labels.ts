import { Injectable } from '@nestjs/common';
import { OrganizationDirectory } from '../organizations/organization-directory.js';
import { clientCallOf } from './authenticated-client.js';
import { isGrantType } from '../token-policy/token-policy.js';

/** How a token request is counted (see registerRequestMetrics): its grant type, and the organization it is counted under. */
@Injectable()
export class TokenRequestLabels {
  constructor(private readonly organizations: OrganizationDirectory) {}

  /** Read from the body, not from what the guard parsed: a request it refused early is counted by what it asked for too. */
  grantType(request: { body?: unknown }): string {
    const grant = (request.body as { grant_type?: unknown } | undefined)?.grant_type;
    return typeof grant !== 'string' ? 'missing' : isGrantType(grant) ? grant : 'other';
  }

  /** Its realm, else its authenticated client's organization, else `unknown`. */
  async organization(request: object): Promise<string> {
    const { realm, client } = clientCallOf(request);
    if (realm) return realm.name;
    if (!client) return 'unknown';
    return (await this.organizations.findById(client.organizationId))?.name ?? 'unknown';
  }
}
