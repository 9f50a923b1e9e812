import { Injectable } from '@nestjs/common';
import { ClientDirectory, type ClientRecord } from '../clients/client-directory.js';
import { OrganizationDirectory, type OrganizationRecord } from '../organizations/organization-directory.js';
import { PageError, RedirectToClient } from '../common/errors/authorization-errors.js';
import { InvalidRequest, InvalidRequestUri, InvalidScope, type OAuthError, RequestNotSupported, RequestUriNotSupported, UnauthorizedClient, UnsupportedResponseType } from '../common/errors/oauth-errors.js';
import { isResponseMode, type ResponseMode } from '../common/html/authorization-response.js';
import { CLIENT_ID_PATTERN } from '../config/environment.js';
import { IDENTITY_SCOPE_NAMES } from '../scopes/identity.scopes.js';
import { narrowScopes, parseScopeParameter } from '../scopes/scope-parameter.js';
import { TokenPolicy } from '../token-policy/token-policy.js';
import { requestedGrant } from '../token-policy/token-target.js';
import { ApiDirectory } from '../apis/api-directory.js';
import { GatehouseConfig } from '../config/gatehouse-config.js';
import { type SubjectType } from './entities/authorization-code.entity.js';
import { isPushedRequestUri, type PushedRequest, type PushedRequestLookup, PushedAuthorizationRequests } from './pushed-authorization-requests.js';
import { isFirstPartyRequest } from '../clients/first-party-clients.js';
import { BUILT_IN_ORGANIZATION_ID } from '../organizations/entities/organization.entity.js';

/**
 * Where an authorization request arrived: in the browser's URL or the consent form (`front`), or
 * at the PAR endpoint (`pushed`, RFC 9126), which checks it by the same rules before storing it.
 */
export type AuthorizationChannel = 'front' | 'pushed';

/** The parameters the authorization endpoint reads (RFC 6749 §4.1.1, RFC 7636, OpenID Connect Core §3.1.2.1). */
export const AUTHORIZE_PARAMETERS = ['response_type', 'response_mode', 'client_id', 'redirect_uri', 'scope', 'state', 'code_challenge', 'code_challenge_method', 'nonce', 'prompt', 'sub_type', 'resource', 'audience', 'dpop_jkt'] as const;

/** RFC 7636 §4.1: BASE64URL(SHA256(verifier)) is 43 characters; the alphabet allows up to 128. */
const CODE_CHALLENGE = /^[A-Za-z0-9._~-]{43,128}$/;
const PROMPTS = new Set(['none', 'login', 'consent']);
/** A JWK SHA-256 thumbprint (RFC 7638), base64url: RFC 9449 §10's `dpop_jkt`. */
const JWK_THUMBPRINT = /^[A-Za-z0-9_-]{43}$/;
const MAX_PARAMETER_LENGTH = 2048;

/** A checked authorization request: who asks, where the answer goes, and for what. */
export interface AuthorizationRequest {
  readonly client: ClientRecord;
  readonly organization: OrganizationRecord;
  /** The issuer tokens from this request carry, and RFC 9207's `iss` in the redirect. */
  readonly issuer: string;
  readonly redirectUri: string;
  /** How the response goes back: in the redirect URI's query (the default) or posted by a form. */
  readonly responseMode: ResponseMode;
  readonly state: string | undefined;
  readonly scopes: readonly string[];
  readonly codeChallenge: string | undefined;
  readonly nonce: string | undefined;
  readonly prompt: 'none' | 'login' | 'consent' | undefined;
  /** The API the grant is for (RFC 8707 `resource`, or `audience`), when the request names one. */
  readonly resource: string | undefined;
  /** Polar's `sub_type`: a token for the user (default), or for an organization the user picks. */
  readonly subjectType: SubjectType;
  /** RFC 9449 §10: the DPoP key the code is bound to, when the request names one. */
  readonly dpopJkt: string | undefined;
  /**
   * The parameters as received, carried through the sign-in and consent forms and checked again
   * there; for a pushed request, its `client_id` and `request_uri` (the pushed ones are looked up again).
   */
  readonly parameters: Readonly<Record<string, string>>;
  /** The pushed request (RFC 9126) this one came from, to be used up when the code is issued or the user denies. */
  readonly pushed: PushedRequest | undefined;
}

/**
 * Checks an authorization request in the order RFC 6749 §4.1.2.1 needs: first the client and its
 * redirect URI, whose errors are shown on a page (never redirected: that would make Gatehouse an
 * open redirector); then everything else, whose errors go back to the client's redirect URI.
 * OAuth 2.1 / RFC 9700 rules: `response_type=code` only, exact redirect URI match, PKCE S256
 * required for public clients and `plain` refused for everyone.
 */
@Injectable()
export class AuthorizationRequests {
  constructor(
    private readonly clients: ClientDirectory,
    private readonly organizations: OrganizationDirectory,
    private readonly tokenPolicy: TokenPolicy,
    private readonly apis: ApiDirectory,
    private readonly config: GatehouseConfig,
    private readonly pushedRequests: PushedAuthorizationRequests,
  ) {}

  async parse(raw: unknown, realmName?: string, channel: AuthorizationChannel = 'front'): Promise<AuthorizationRequest> {
    const received = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
    // RFC 9126 §4: a request_uri from the PAR endpoint, with the client_id that pushed it, stands
    // for the pushed parameters, and only those: any other parameter sent beside it is ignored.
    // An expired or used one still gives its redirect URI and state, for the error to go back to the client.
    const lookup: PushedRequestLookup | undefined = channel === 'front' && isPushedRequestUri(received.request_uri) ? await this.pushedRequests.open(received.request_uri, received.client_id, realmName) : undefined;
    const source: Record<string, unknown> = lookup !== undefined && lookup.state !== 'unknown' ? lookup.request.parameters : received;
    const pushed = lookup?.state === 'usable' ? lookup.request : undefined;
    const repeated = AUTHORIZE_PARAMETERS.filter((name) => Array.isArray(source[name]));
    const parameters: Record<string, string> = {};
    for (const name of AUTHORIZE_PARAMETERS) {
      const value = source[name];
      if (typeof value === 'string' && value !== '') parameters[name] = value;
    }

    // OpenID Connect Core §6: request objects are refused, never ignored (their parameters would
    // silently not apply). RFC 6749 §3.1: a parameter sent without a value counts as absent.
    const requestObject = (['request', 'request_uri'] as const).find((name) => source[name] !== undefined && source[name] !== '');

    // 1. The client and its redirect URI: shown to the person, never redirected.
    if (repeated.includes('client_id') || repeated.includes('redirect_uri')) throw new PageError(400, 'Invalid request', 'client_id and redirect_uri must each be sent once.');
    const clientId = parameters.client_id;
    if (clientId === undefined && requestObject !== undefined && !isPushedRequestUri(source.request_uri)) throw new PageError(400, 'Invalid request', `This server does not accept request objects (${requestObject}): send the authorization request's parameters themselves.`);
    if (clientId === undefined) throw new PageError(400, 'Invalid request', 'The request names no client (client_id is missing).');
    const client = CLIENT_ID_PATTERN.test(clientId) ? await this.clients.find(clientId) : undefined;
    const realm = realmName === undefined ? undefined : await this.organizations.findByName(realmName);
    if (realmName !== undefined && !realm) throw new PageError(404, 'Unknown realm', `There is no realm named ${realmName}.`);
    if (!client || client.disabled || client.isRoot || (realm && client.organizationId !== realm.id)) {
      throw new PageError(400, 'Unknown application', 'The application that sent you here is not registered with this server, or has been disabled.');
    }
    const redirectUri = parameters.redirect_uri ?? (client.redirectUris.length === 1 ? client.redirectUris[0] : undefined);
    if (redirectUri === undefined) throw new PageError(400, 'Invalid request', 'The request has no redirect_uri, and the application has not registered exactly one.');
    if (!client.redirectUris.includes(redirectUri)) {
      throw new PageError(400, 'Invalid redirect', 'The application asked to send you to an address it has not registered. For your safety you are not being sent there.');
    }

    // 2. Everything else goes back to the client.
    const organization = realm ?? (await this.organizations.findById(client.organizationId));
    if (!organization) throw new PageError(400, 'Unknown application', 'The application that sent you here is not registered with this server.');
    const issuer = this.tokenPolicy.issuer(organization, realm !== undefined);
    const state = typeof source.state === 'string' ? source.state : undefined;
    // Errors go back in the response mode asked for when it is one we serve, else in the query.
    const requestedMode = parameters.response_mode;
    const responseMode: ResponseMode = requestedMode !== undefined && isResponseMode(requestedMode) && !repeated.includes('response_mode') ? requestedMode : 'query';
    const refuse = (reason: OAuthError) => new RedirectToClient(reason, redirectUri, state, issuer, responseMode);

    if (repeated.length > 0) throw refuse(new InvalidRequest(`Repeated parameter: ${repeated.join(', ')}`));
    if (requestedMode !== undefined && !isResponseMode(requestedMode)) throw refuse(new InvalidRequest('response_mode must be query or form_post'));
    if (requestObject === 'request') throw refuse(new RequestNotSupported('Request objects (the request parameter) are not supported: send the parameters themselves'));
    if (requestObject === 'request_uri' && channel === 'pushed') throw refuse(new InvalidRequest('request_uri cannot be pushed (RFC 9126, section 2.1)'));
    if (requestObject === 'request_uri' && isPushedRequestUri(source.request_uri)) throw refuse(new InvalidRequestUri('The request_uri is not known for this client at this issuer'));
    if (requestObject === 'request_uri') throw refuse(new RequestUriNotSupported('Only request_uri values from the pushed authorization request endpoint are accepted: send the parameters themselves, or push them'));
    if (lookup?.state === 'expired') throw refuse(new InvalidRequestUri('The request_uri expired: push the request again'));
    if (lookup?.state === 'used') throw refuse(new InvalidRequestUri('The request_uri was used already: push the request again'));
    // The console and /docs are Gatehouse's own pages: an organization requiring PAR must not lock its administrators out.
    const pushRequired = (client.requirePushedAuthorizationRequests || organization.requirePushedAuthorizationRequests) && !isFirstPartyRequest({ client, redirectUri }, this.config.issuer, BUILT_IN_ORGANIZATION_ID);
    if (channel === 'front' && pushed === undefined && pushRequired) throw refuse(new InvalidRequest('This client must push its authorization requests to the pushed authorization request endpoint first (RFC 9126)'));
    const tooLong = Object.entries(parameters).find(([, value]) => value.length > MAX_PARAMETER_LENGTH);
    if (tooLong) throw refuse(new InvalidRequest(`The parameter ${tooLong[0]} is longer than ${MAX_PARAMETER_LENGTH} characters`));
    if (parameters.response_type === undefined) throw refuse(new InvalidRequest('response_type is missing'));
    if (parameters.response_type !== 'code') throw refuse(new UnsupportedResponseType('Only response_type=code is supported (OAuth 2.1)'));
    if (!organization.oauthEnabled) throw refuse(new UnauthorizedClient(`OAuth is not enabled for the organization ${organization.name}`));
    // RFC 6749 §4.1.2.1: a code is of no use to a client that may not redeem it.
    if (!client.grantTypes.includes('authorization_code')) throw refuse(new UnauthorizedClient('The client may not use the authorization_code grant'));

    const method = parameters.code_challenge_method;
    const challenge = parameters.code_challenge;
    if (method !== undefined && method !== 'S256') throw refuse(new InvalidRequest('code_challenge_method must be S256; plain is not allowed'));
    if (challenge !== undefined && method === undefined) throw refuse(new InvalidRequest('code_challenge_method=S256 is required with code_challenge (plain is not allowed)'));
    if (method !== undefined && challenge === undefined) throw refuse(new InvalidRequest('code_challenge is missing'));
    if (challenge !== undefined && !CODE_CHALLENGE.test(challenge)) throw refuse(new InvalidRequest('code_challenge must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~'));
    if (client.isPublic && challenge === undefined) throw refuse(new InvalidRequest('PKCE is required for public clients: send code_challenge and code_challenge_method=S256'));

    let scopes: string[];
    try {
      scopes = narrowScopes(client.scopes, parseScopeParameter(parameters.scope));
    } catch (error) {
      throw refuse(error as OAuthError);
    }
    if (scopes.length === 0) throw refuse(new InvalidScope('The client holds no scope to ask for'));
    let resource: string | undefined;
    try {
      ({ resource, scopes } = await requestedGrant({ parameters, requested: parameters.scope !== undefined, scopes, apis: () => this.apis.ofOrganization(organization.id), ownAudience: this.config.audience, organizationName: organization.name }));
    } catch (error) {
      throw refuse(error as OAuthError);
    }

    if (parameters.dpop_jkt !== undefined && !JWK_THUMBPRINT.test(parameters.dpop_jkt)) throw refuse(new InvalidRequest('dpop_jkt must be a JWK SHA-256 thumbprint: 43 characters of base64url'));
    const prompt = parameters.prompt;
    if (prompt !== undefined && !PROMPTS.has(prompt)) throw refuse(new InvalidRequest('prompt must be none, login or consent'));
    const subjectType = parameters.sub_type ?? client.defaultSubType ?? 'user';
    if (subjectType !== 'user' && subjectType !== 'organization') throw refuse(new InvalidRequest('sub_type must be user or organization'));
    // An organization token names no person: identity scopes do not apply to it.
    if (subjectType === 'organization') scopes = scopes.filter((scope) => !IDENTITY_SCOPE_NAMES.has(scope));
    if (scopes.length === 0) throw refuse(new InvalidScope('An organization token needs at least one scope besides openid, email and profile'));

    return {
      client,
      organization,
      issuer,
      redirectUri,
      responseMode,
      state,
      scopes,
      codeChallenge: challenge,
      nonce: parameters.nonce,
      prompt: prompt as AuthorizationRequest['prompt'],
      subjectType,
      resource,
      dpopJkt: parameters.dpop_jkt,
      parameters: pushed === undefined ? { ...parameters, redirect_uri: redirectUri } : { client_id: client.id, request_uri: received.request_uri as string },
      pushed,
    };
  }
}
