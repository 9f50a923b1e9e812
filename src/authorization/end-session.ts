import { Injectable } from '@nestjs/common';
import { ClientDirectory, type ClientRecord } from '../clients/client-directory.js';
import { CLIENT_ID_PATTERN } from '../config/environment.js';
import { PageError } from '../common/errors/authorization-errors.js';
import { decodeCompactJws } from '../keys/compact-jws.js';
import { SigningKeyService } from '../keys/signing-key.service.js';
import { OrganizationDirectory, type OrganizationRecord } from '../organizations/organization-directory.js';

/** OpenID Connect RP-Initiated Logout 1.0 §2 parameters; `ui_locales` is accepted and not used. */
const END_SESSION_PARAMETERS = ['id_token_hint', 'post_logout_redirect_uri', 'state', 'client_id', 'logout_hint', 'ui_locales'] as const;
/** An ID token with many claims stays well below this; anything longer is no hint of ours. */
const MAX_PARAMETER_LENGTH = 8192;

/** A logout request, checked: whom it is from, whom its hint names, and where to send the browser afterwards. */
export interface EndSessionRequest {
  /** Named by `client_id` or by the hint's audience; absent when neither was sent. */
  readonly client: ClientRecord | undefined;
  /** The `sub` of a valid `id_token_hint`. */
  readonly subject: string | undefined;
  /** Registered by the client, matched exactly. */
  readonly postLogoutRedirectUri: string | undefined;
  readonly state: string | undefined;
  /** What a confirmation form carries back. */
  readonly parameters: Readonly<Record<string, string>>;
}

const invalid = (message: string) => new PageError(400, 'Invalid logout request', message);

/**
 * Checks a logout request. Everything wrong with it is a page for the person, never a redirect:
 * until the client and its post-logout redirect URI are known good there is nowhere safe to send them.
 */
@Injectable()
export class EndSessionRequests {
  constructor(
    private readonly keys: SigningKeyService,
    private readonly clients: ClientDirectory,
    private readonly organizations: OrganizationDirectory,
  ) {}

  async parse(raw: unknown, realmName?: string): Promise<EndSessionRequest> {
    const source = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
    const parameters: Record<string, string> = {};
    for (const name of END_SESSION_PARAMETERS) {
      const value = source[name];
      if (Array.isArray(value)) throw invalid(`${name} must be sent once.`);
      if (typeof value === 'string' && value !== '') {
        if (value.length > MAX_PARAMETER_LENGTH) throw invalid(`${name} is too long.`);
        parameters[name] = value;
      }
    }
    const realm = realmName === undefined ? undefined : await this.organizations.findByName(realmName);
    if (realmName !== undefined && !realm) throw new PageError(404, 'Unknown realm', `There is no realm named ${realmName}.`);

    const hint = parameters.id_token_hint === undefined ? undefined : await this.verifyHint(parameters.id_token_hint);
    if (hint && parameters.client_id !== undefined && !hint.audience.includes(parameters.client_id)) {
      throw invalid('The id_token_hint was not issued to the client named by client_id.');
    }
    const clientId = parameters.client_id ?? hint?.clientId;
    const client = clientId === undefined ? undefined : await this.knownClient(clientId, realm);
    if (hint) {
      // The hint's client is known (checked above): its issuer must be one its tokens carry here.
      const organization = realm ?? (await this.organizations.findById(client!.organizationId));
      // At a realm's endpoint, the realm's own; elsewhere any its tokens carry (for the built-in organization also the server's).
      const issuers = !organization ? [] : realm ? [realm.issuer] : this.organizations.issuers(organization);
      if (!issuers.includes(hint.issuer)) {
        throw invalid('The id_token_hint was issued by another issuer.');
      }
    }

    const postLogoutRedirectUri = parameters.post_logout_redirect_uri;
    if (postLogoutRedirectUri !== undefined) {
      if (!client) throw invalid('A post_logout_redirect_uri needs its client: send id_token_hint or client_id.');
      if (!client.postLogoutRedirectUris.includes(postLogoutRedirectUri)) {
        throw invalid('The application asked to send you to an address it has not registered for after sign-out. For your safety you are not being sent there.');
      }
    }
    const carried: Record<string, string> = {};
    for (const name of ['id_token_hint', 'post_logout_redirect_uri', 'state'] as const) if (parameters[name] !== undefined) carried[name] = parameters[name];
    if (client) carried.client_id = client.id;
    return { client, subject: hint?.subject, postLogoutRedirectUri, state: parameters.state, parameters: carried };
  }

  /**
   * An ID token this server signed, with any of its published keys. An expired one is accepted
   * (RP-Initiated Logout §2: the hint is usually old by the time the user signs out); its
   * issuer is checked against its client's once the client is known.
   */
  private async verifyHint(token: string): Promise<{ issuer: string; subject: string; audience: string[]; clientId: string }> {
    const jws = decodeCompactJws(token);
    const bad = invalid('The id_token_hint is not an ID token issued by this server.');
    // An access token (typ at+jwt) is signed with the same keys but is no ID token.
    if (!jws || jws.header.typ === 'at+jwt' || !(await this.keys.verifySignature(jws))) throw bad;
    const { iss, sub, aud, azp } = jws.payload;
    const audience = typeof aud === 'string' ? [aud] : Array.isArray(aud) && aud.every((value) => typeof value === 'string') ? aud : undefined;
    if (typeof iss !== 'string' || typeof sub !== 'string' || !audience || audience.length === 0) throw bad;
    const clientId = typeof azp === 'string' && audience.includes(azp) ? azp : audience.length === 1 ? audience[0]! : undefined;
    if (clientId === undefined) throw bad;
    return { issuer: iss, subject: sub, audience, clientId };
  }

  private async knownClient(id: string, realm: OrganizationRecord | undefined): Promise<ClientRecord> {
    const client = CLIENT_ID_PATTERN.test(id) ? await this.clients.find(id) : undefined;
    if (!client || client.disabled || client.isRoot || (realm && client.organizationId !== realm.id)) {
      throw new PageError(400, 'Unknown application', 'The application that sent you here is not registered with this server, or has been disabled.');
    }
    return client;
  }
}
