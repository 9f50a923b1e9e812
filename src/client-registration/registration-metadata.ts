import { validate } from 'class-validator';
import { plainToInstance } from 'class-transformer';
import { CreateClientDto, type SUB_TYPES } from '../clients/dto/create-client.dto.js';
import { GRANT_TYPES, type GrantType } from '../token-policy/token-policy.js';
import { InvalidClientMetadata, InvalidRedirectUri } from './registration-errors.js';

import { TOKEN_ENDPOINT_AUTH_METHODS, type TokenEndpointAuthMethod } from '../clients/client-auth-methods.js';

export { TOKEN_ENDPOINT_AUTH_METHODS, type TokenEndpointAuthMethod };

/** RFC 7591 §2 client metadata, checked and with the server's defaults filled in. */
export interface RegistrationMetadata {
  readonly clientName: unknown;
  readonly redirectUris: string[];
  readonly clientUri: unknown;
  readonly logoUri: unknown;
  readonly tosUri: unknown;
  readonly policyUri: unknown;
  readonly tokenEndpointAuthMethod: TokenEndpointAuthMethod;
  readonly grantTypes: GrantType[];
  /** `undefined`: the client did not ask (the server picks). */
  readonly scopes: string[] | undefined;
  readonly defaultSubType: (typeof SUB_TYPES)[number] | undefined;
  /** OpenID Connect RP-Initiated Logout's `post_logout_redirect_uris`. */
  readonly postLogoutRedirectUris: string[] | undefined;
  /** OpenID Connect Registration's `id_token_signed_response_alg`. */
  readonly idTokenSignedResponseAlg: unknown;
  /** RFC 9126 §6's `require_pushed_authorization_requests`. */
  readonly requirePushedAuthorizationRequests: unknown;
  /** private_key_jwt's keys (RFC 7591 `jwks`, `jwks_uri`) and OpenID Connect Registration's `token_endpoint_auth_signing_alg`. */
  readonly jwks: unknown;
  readonly jwksUri: unknown;
  readonly tokenEndpointAuthSigningAlg: unknown;
  /** RFC 9449 §5.2's `dpop_bound_access_tokens`. */
  readonly dpopBoundAccessTokens: unknown;
}

/**
 * The client API's own rules for what a registration asks (CreateClientDto's validators: https
 * redirect URIs, lengths, scope names, sub types), in RFC 7591's errors: a bad redirect URI is
 * `invalid_redirect_uri`, anything else `invalid_client_metadata`.
 */
export async function checkClientRules(dto: CreateClientDto): Promise<void> {
  const errors = await validate(plainToInstance(CreateClientDto, dto), { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length === 0) return;
  const messages = (property: string) => errors.filter((error) => error.property === property).flatMap((error) => Object.values(error.constraints ?? {}));
  if (errors.some((error) => error.property === 'redirect_uris')) throw new InvalidRedirectUri(messages('redirect_uris').join('; '));
  throw new InvalidClientMetadata(errors.flatMap((error) => Object.values(error.constraints ?? {})).join('; '));
}

/**
 * Reads a registration request's JSON body (RFC 7591 §3.1; RFC 7592 §2.2 for an update, where an
 * omitted field means its default): RFC 7591's own rules (auth methods, defaults, grant and
 * response types agreeing); the values' rules are the client API's (checkClientRules). Unknown
 * fields are ignored, as RFC 7591 §2 asks; a field
 * sent as `null` counts as omitted. `defaultMethod` stands for an omitted
 * `token_endpoint_auth_method`: RFC 7591's `client_secret_basic`, but `none` for an anonymous
 * registration, which registers public clients only (RFC 7591 §3.2.1 lets the server substitute a
 * value, and the response says which), and the registered one on an RFC 7592 update.
 */
export function parseRegistrationMetadata(body: unknown, defaultMethod: TokenEndpointAuthMethod): RegistrationMetadata {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new InvalidClientMetadata('The request body must be a JSON object of client metadata (RFC 7591)');
  const fields = body as Record<string, unknown>;
  const field = (name: string): unknown => (fields[name] === null ? undefined : fields[name]);

  const redirectUris = stringList(field('redirect_uris'), 'redirect_uris', InvalidRedirectUri) ?? [];

  const method = field('token_endpoint_auth_method') ?? defaultMethod;
  if (!(TOKEN_ENDPOINT_AUTH_METHODS as readonly unknown[]).includes(method)) throw new InvalidClientMetadata(`token_endpoint_auth_method must be one of: ${TOKEN_ENDPOINT_AUTH_METHODS.join(', ')}`);

  // RFC 7591 §2: omitted, grant_types is authorization_code and response_types is code.
  const grantTypes = stringList(field('grant_types'), 'grant_types', InvalidClientMetadata) ?? ['authorization_code'];
  const unsupported = grantTypes.filter((grant) => !(GRANT_TYPES as readonly string[]).includes(grant));
  if (unsupported.length > 0) throw new InvalidClientMetadata(`Unsupported grant_types: ${unsupported.join(', ')}; supported: ${GRANT_TYPES.join(', ')}`);
  const usesCode = grantTypes.includes('authorization_code');
  const responseTypes = stringList(field('response_types'), 'response_types', InvalidClientMetadata) ?? (usesCode ? ['code'] : []);
  if (responseTypes.some((type) => type !== 'code')) throw new InvalidClientMetadata('response_types may hold only code');
  // RFC 7591 §2.1: grant_types and response_types must agree.
  if (usesCode !== responseTypes.includes('code')) throw new InvalidClientMetadata('grant_types authorization_code and response_types code go together');
  if (usesCode && redirectUris.length === 0) throw new InvalidRedirectUri('A client using the authorization_code grant needs at least one redirect URI');
  if (method === 'none' && grantTypes.includes('client_credentials')) throw new InvalidClientMetadata('A public client (token_endpoint_auth_method none) cannot use the client_credentials grant: it has no secret');

  const scope = field('scope');
  if (scope !== undefined && typeof scope !== 'string') throw new InvalidClientMetadata('scope must be a string of space-separated scope names');
  // RFC 6749 §3.3: a space-separated list, whose order and repeats mean nothing.
  const scopes = scope === undefined ? undefined : [...new Set(scope.split(' ').filter((name) => name !== ''))];

  return {
    clientName: field('client_name'),
    redirectUris,
    clientUri: field('client_uri'),
    logoUri: field('logo_uri'),
    tosUri: field('tos_uri'),
    policyUri: field('policy_uri'),
    tokenEndpointAuthMethod: method as TokenEndpointAuthMethod,
    grantTypes: [...new Set(grantTypes)] as GrantType[],
    scopes,
    defaultSubType: field('default_sub_type') as RegistrationMetadata['defaultSubType'],
    postLogoutRedirectUris: stringList(field('post_logout_redirect_uris'), 'post_logout_redirect_uris', InvalidClientMetadata),
    idTokenSignedResponseAlg: field('id_token_signed_response_alg'),
    requirePushedAuthorizationRequests: field('require_pushed_authorization_requests'),
    jwks: field('jwks'),
    jwksUri: field('jwks_uri'),
    tokenEndpointAuthSigningAlg: field('token_endpoint_auth_signing_alg'),
    dpopBoundAccessTokens: field('dpop_bound_access_tokens'),
  };
}

function stringList(value: unknown, name: string, error: new (description: string) => Error): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) throw new error(`${name} must be an array of strings`);
  return value as string[];
}
