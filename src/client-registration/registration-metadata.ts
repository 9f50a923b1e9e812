import { isWebUri } from '../clients/dto/web-uri.validator.js';
import { MAX_SCOPES_PER_CLIENT, SUB_TYPES } from '../clients/dto/create-client.dto.js';
import { SCOPE_TOKEN } from '../scopes/scope-definition.js';
import { GRANT_TYPES, type GrantType } from '../token-policy/token-policy.js';
import { InvalidClientMetadata, InvalidRedirectUri } from './registration-errors.js';

export const TOKEN_ENDPOINT_AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'none'] as const;
export type TokenEndpointAuthMethod = (typeof TOKEN_ENDPOINT_AUTH_METHODS)[number];
/** What the client model holds room for (ClientSettingsDto). */
const MAX_REDIRECT_URIS = 10;

/** RFC 7591 §2 client metadata, checked and with the server's defaults filled in. */
export interface RegistrationMetadata {
  readonly clientName: string | undefined;
  readonly redirectUris: string[];
  readonly clientUri: string | undefined;
  readonly logoUri: string | undefined;
  readonly tosUri: string | undefined;
  readonly policyUri: string | undefined;
  readonly tokenEndpointAuthMethod: TokenEndpointAuthMethod;
  readonly grantTypes: GrantType[];
  /** `undefined`: the client did not ask (the server picks). */
  readonly scopes: string[] | undefined;
  readonly defaultSubType: (typeof SUB_TYPES)[number] | undefined;
}

/**
 * Reads a registration request's JSON body (RFC 7591 §3.1; RFC 7592 §2.2 for an update, where an
 * omitted field means its default). Unknown fields are ignored, as RFC 7591 §2 asks; a field
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
  if (redirectUris.length > MAX_REDIRECT_URIS) throw new InvalidRedirectUri(`At most ${MAX_REDIRECT_URIS} redirect_uris`);
  const badUri = redirectUris.find((uri) => !isWebUri(uri));
  if (badUri !== undefined) throw new InvalidRedirectUri(`Not a valid redirect URI: ${badUri}; each must be an https URL (http only on localhost / 127.0.0.1 / [::1]) without a fragment`);
  if (new Set(redirectUris).size !== redirectUris.length) throw new InvalidRedirectUri('redirect_uris has duplicates');

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
  const scopes = scope === undefined ? undefined : [...new Set(scope.split(' ').filter((name) => name !== ''))];
  if (scopes !== undefined) {
    if (scopes.length > MAX_SCOPES_PER_CLIENT) throw new InvalidClientMetadata(`At most ${MAX_SCOPES_PER_CLIENT} scopes`);
    const invalid = scopes.filter((name) => name.length > 128 || !SCOPE_TOKEN.test(name));
    if (invalid.length > 0) throw new InvalidClientMetadata(`Not valid scope names: ${invalid.join(', ')}`);
  }

  const subType = field('default_sub_type');
  if (subType !== undefined && !(SUB_TYPES as readonly unknown[]).includes(subType)) throw new InvalidClientMetadata(`default_sub_type must be one of: ${SUB_TYPES.join(', ')}`);

  return {
    clientName: text(field('client_name'), 'client_name', 200),
    redirectUris,
    clientUri: webUri(field('client_uri'), 'client_uri'),
    logoUri: webUri(field('logo_uri'), 'logo_uri'),
    tosUri: webUri(field('tos_uri'), 'tos_uri'),
    policyUri: webUri(field('policy_uri'), 'policy_uri'),
    tokenEndpointAuthMethod: method as TokenEndpointAuthMethod,
    grantTypes: [...new Set(grantTypes)] as GrantType[],
    scopes,
    defaultSubType: subType as RegistrationMetadata['defaultSubType'],
  };
}

function stringList(value: unknown, name: string, error: new (description: string) => Error): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) throw new error(`${name} must be an array of strings`);
  return value as string[];
}

function text(value: unknown, name: string, maxLength: number): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0 || value.length > maxLength) throw new InvalidClientMetadata(`${name} must be a string of 1 to ${maxLength} characters`);
  return value;
}

function webUri(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (!isWebUri(value)) throw new InvalidClientMetadata(`${name} must be an https URL (http only on localhost / 127.0.0.1 / [::1]) without a fragment`);
  return value as string;
}
