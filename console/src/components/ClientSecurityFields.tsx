import { Group, Radio, Switch, Textarea, TextInput } from '@mantine/core';
import { type ApiError } from '../api';

/**
 * What the Create dialog and a client's Security tab share: the DPoP and PAR switches, how a client
 * authenticates, and a private_key_jwt client's public keys, checked the server's way before sending
 * (src/clients/client-auth-methods.ts).
 */

/** The server's bounds of a client's JWK Set (src/clients/client-auth-methods.ts). */
const MAX_JWKS_KEYS = 10;
const MAX_JWKS_BYTES = 64 * 1024;
/** Members only a private or symmetric JWK has. */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

/** The methods a confidential client may be created with (a public one has `none`). */
export const CONFIDENTIAL_AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'client_secret_jwt'] as const;
export type ConfidentialAuthMethod = (typeof CONFIDENTIAL_AUTH_METHODS)[number];

/** What each token endpoint authentication method means, in words. */
export function authMethodWords(method: string): string {
  switch (method) {
    case 'none':
      return 'None: a public client has no secret; it uses PKCE';
    case 'client_secret_basic':
      return 'Client secret, by HTTP Basic (client_secret_post is taken too)';
    case 'client_secret_post':
      return 'Client secret, in the request body';
    case 'client_secret_jwt':
      return 'A JWT signed with the client secret (HMAC); the secret itself is never sent';
    case 'private_key_jwt':
      return "A JWT signed with the client's private key; Gatehouse keeps only its public keys";
    default:
      return method;
  }
}

/** A private_key_jwt client's public keys as typed: by URL or pasted (one of the two). */
export interface PublicKeys {
  keySource: 'uri' | 'inline';
  jwksUri: string;
  jwks: string;
}

export const noPublicKeys: PublicKeys = { keySource: 'uri', jwksUri: '', jwks: '' };

export type PublicKeysErrors = Partial<Record<'jwksUri' | 'jwks', string>>;

/** The server's jwks_uri rule (https; http to this machine only where the operator allows it, which the server decides), said before sending. */
export function jwksUriProblem(value: string): string | undefined {
  if (value === '') return 'Give the URL of the JWK Set, or paste the keys instead';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `${value} is not a URL`;
  }
  if (url.username !== '' || url.password !== '' || url.hash !== '') return 'The JWKS URI must have no user name, password or fragment';
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (url.protocol === 'https:' || (url.protocol === 'http:' && loopback)) return undefined;
  return 'The JWKS URI must use https';
}

/** The server's jwks rule (a JWK Set of public keys), said before sending; the server still imports each key. */
export function jwksProblem(text: string): string | undefined {
  if (text.trim() === '') return 'Paste the JWK Set (JSON with a keys array), or give its URL instead';
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return `Not JSON: ${(error as Error).message}`;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'A JWK Set is a JSON object with a keys array';
  const keys = (value as { keys?: unknown }).keys;
  if (!Array.isArray(keys) || keys.length === 0) return 'The JWK Set needs a non-empty keys array';
  if (keys.length > MAX_JWKS_KEYS) return `At most ${MAX_JWKS_KEYS} keys`;
  if (JSON.stringify(value).length > MAX_JWKS_BYTES) return `At most ${MAX_JWKS_BYTES / 1024} KB`;
  for (const key of keys) {
    if (typeof key !== 'object' || key === null || Array.isArray(key)) return 'Each key must be a JWK: a JSON object';
    const jwk = key as Record<string, unknown>;
    if (!['RSA', 'EC', 'OKP'].includes(jwk.kty as string)) return 'Each key needs kty RSA, EC or OKP (public keys only)';
    if (PRIVATE_MEMBERS.some((member) => member in jwk)) return 'This is a private key: paste only public keys, and treat that private key as leaked';
  }
  return undefined;
}

/** The problem with the keys as typed, by the field that shows it (none: an empty object). */
export function publicKeysErrors(keys: PublicKeys): PublicKeysErrors {
  const problem = keys.keySource === 'uri' ? jwksUriProblem(keys.jwksUri.trim()) : jwksProblem(keys.jwks);
  if (problem === undefined) return {};
  return keys.keySource === 'uri' ? { jwksUri: problem } : { jwks: problem };
}

/** The body fields of checked keys: the one that is chosen. */
export function publicKeysBody(keys: PublicKeys): { jwks_uri: string } | { jwks: object } {
  return keys.keySource === 'uri' ? { jwks_uri: keys.jwksUri.trim() } : { jwks: JSON.parse(keys.jwks) as object };
}

/**
 * Where the API puts a refusal of the keys: a validation error names its field in `details`; the
 * service's own refusal is one message that starts with it (jwks_uri …, jwks.keys[0] …).
 */
export function publicKeysApiErrors(error: ApiError): PublicKeysErrors {
  const message = error.details.length === 0 ? error.message : undefined;
  return {
    jwksUri: error.about('jwks_uri') ?? (message?.startsWith('jwks_uri') ? message : undefined),
    jwks: error.about('jwks') ?? (message !== undefined && /^jwks[ .]/.test(message) ? message : undefined),
  };
}

/** The two ways to give the public keys, and the one chosen. */
export function PublicKeysFields({ values, errors, onChange, readOnly = false, description }: { values: PublicKeys; errors: PublicKeysErrors; onChange: (change: Partial<PublicKeys>) => void; readOnly?: boolean; description: string }) {
  return (
    <>
      <Radio.Group label="Public keys" description={description} value={values.keySource} onChange={(value) => onChange({ keySource: value as PublicKeys['keySource'] })} readOnly={readOnly}>
        <Group mt="xs">
          <Radio value="uri" label="From a JWKS URI" disabled={readOnly} />
          <Radio value="inline" label="A JWK Set pasted here" disabled={readOnly} />
        </Group>
      </Radio.Group>
      {values.keySource === 'uri' ? (
        <TextInput label="JWKS URI" description="https; fetched and cached, and fetched again when an assertion names an unknown key" value={values.jwksUri} onChange={(event) => onChange({ jwksUri: event.currentTarget.value })} error={errors.jwksUri} readOnly={readOnly} spellCheck={false} />
      ) : (
        <Textarea label="JWKS" description="The JWK Set (JSON) of the public keys that verify its assertions; never a private key" value={values.jwks} onChange={(event) => onChange({ jwks: event.currentTarget.value })} error={errors.jwks} readOnly={readOnly} autosize minRows={4} maxRows={16} spellCheck={false} ff="monospace" />
      )}
    </>
  );
}

/** RFC 9449 `dpop_bound_access_tokens` and RFC 9126 `require_pushed_authorization_requests`. */
export interface Requirements {
  dpop: boolean;
  par: boolean;
}

export type RequirementsErrors = Partial<Record<'dpop' | 'par', string>>;

export function requirementsApiErrors(error: ApiError): RequirementsErrors {
  return { dpop: error.about('dpop_bound_access_tokens'), par: error.about('require_pushed_authorization_requests') };
}

/** The body fields of the two switches. */
export function requirementsBody(values: Requirements): { dpop_bound_access_tokens: boolean; require_pushed_authorization_requests: boolean } {
  return { dpop_bound_access_tokens: values.dpop, require_pushed_authorization_requests: values.par };
}

export function RequireSwitches({ values, errors, onChange, readOnly = false }: { values: Requirements; errors: RequirementsErrors; onChange: (change: Partial<Requirements>) => void; readOnly?: boolean }) {
  return (
    <>
      <Switch
        label="Require DPoP"
        description="Every token request of this client must carry a DPoP proof (RFC 9449), so each token it gets is bound to its key; without one the token endpoint answers invalid_dpop_proof"
        checked={values.dpop}
        onChange={(event) => onChange({ dpop: event.currentTarget.checked })}
        disabled={readOnly}
        error={errors.dpop}
      />
      <Switch
        label="Require PAR"
        description="The authorization endpoint takes this client's requests only through the pushed authorization request endpoint (RFC 9126); the organization may require it of every client too"
        checked={values.par}
        onChange={(event) => onChange({ par: event.currentTarget.checked })}
        disabled={readOnly}
        error={errors.par}
      />
    </>
  );
}
