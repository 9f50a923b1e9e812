import { InvalidRequest, InvalidScope, InvalidTarget } from '../common/errors/oauth-errors.js';
import { IDENTITY_SCOPE_NAMES } from '../scopes/identity.scopes.js';

/** What a token target needs to know of a registered API (ApiRecord satisfies it). */
export interface TargetApi {
  readonly identifier: string;
  readonly name: string;
  readonly scopes: readonly { readonly name: string }[];
  readonly accessTokenLifespanSeconds: number | null;
  readonly requireProjectScopedTokens: boolean;
  /** The organization's default API. */
  readonly isDefault?: boolean;
}

/** Whom an access token is for: one of the organization's APIs, or Gatehouse's own API (`api` undefined). */
export interface TokenTarget<A extends TargetApi = TargetApi> {
  readonly api: A | undefined;
  /** The token's `aud`. */
  readonly audience: string;
  /** The token's scopes, all of them scopes of the target (or identity scopes). */
  readonly scopes: string[];
}

/** The longest resource indicator accepted, as long as an API identifier may be. */
const MAX_RESOURCE_LENGTH = 255;

/**
 * The resource a request names (RFC 8707 `resource`, or `audience` as Auth0 and many clients send
 * it), undefined when it names none. Both at once must agree.
 */
export function requestedResource(params: { readonly resource?: string; readonly audience?: string }): string | undefined {
  const { resource, audience } = params;
  if (resource !== undefined && audience !== undefined && resource !== audience) {
    throw new InvalidTarget('resource and audience name different APIs; a token is issued for one API at a time');
  }
  const named = resource ?? audience;
  if (named === undefined) return undefined;
  if (named === '') throw new InvalidRequest('The resource parameter is empty');
  if (named.length > MAX_RESOURCE_LENGTH || !isAbsoluteUriWithoutFragment(named)) {
    throw new InvalidTarget('resource must be an absolute URI without a fragment (RFC 8707 §2): the identifier of an API');
  }
  return named;
}

/**
 * What an authorization request asks for once it may name its API: at the authorization endpoint,
 * and a device's at the device authorization endpoint (RFC 8628 §3.1), both read by this one rule.
 * The resource named (RFC 8707 `resource`, or `audience`; see requestedResource), undefined when
 * none; and the scopes: those of that API (and identity scopes) among `scopes`, `invalid_target`
 * when the request asked for another API's scopes or the API is none of the organization's,
 * `invalid_scope` when nothing is left. `requested` is whether the request named its scopes
 * (`scopes` then holds those) or left them to what the client holds. The APIs are looked up only
 * when a resource is named.
 */
export async function requestedGrant<A extends TargetApi>(input: {
  readonly parameters: { readonly resource?: string; readonly audience?: string };
  readonly requested: boolean;
  readonly scopes: readonly string[];
  readonly apis: () => Promise<readonly A[]>;
  readonly ownAudience: string;
  readonly organizationName: string;
}): Promise<{ resource: string | undefined; scopes: string[] }> {
  const resource = requestedResource(input.parameters);
  if (resource === undefined) return { resource, scopes: [...input.scopes] };
  // A request that names its API asks for that API's scopes (and identity scopes) only.
  const { scopes } = resolveTarget({ resource, requested: input.requested ? input.scopes : [], held: input.scopes, apis: await input.apis(), ownAudience: input.ownAudience, organizationName: input.organizationName });
  if (scopes.length === 0) throw new InvalidScope(`The client holds no scope of ${resource} to ask for`);
  return { resource, scopes };
}

function isAbsoluteUriWithoutFragment(value: string): boolean {
  if (/\s/.test(value) || value.includes('#')) return false;
  try {
    return new URL(value).protocol.length > 1;
  } catch {
    return false;
  }
}

/**
 * Works out which API a token is for, and which of its scopes it carries (RFC 8707). A token is
 * for one API: an `aud` naming several would let each of them replay it at the others.
 * - `resource` names the API outright (Gatehouse's own audience names Gatehouse's API).
 * - Otherwise the scopes asked for name it: the scopes of one registered API make a token for
 *   that API; asking for the scopes of two APIs (Gatehouse's counting as one) is `invalid_target`.
 * - With neither, the organization's default API, if it has one and the scopes held include
 *   one of its scopes (or no API's at all); otherwise the scopes held (a client's, or those a user
 *   granted) decide in the same way as asked-for ones, except that Gatehouse's own API wins where
 *   they span it and others: that is what a token requested without parameters has always been for.
 * Identity scopes (openid, profile, email) go with any target. `requested` holds only scopes
 * already checked to be among `held`, without project scopes.
 */
export function resolveTarget<A extends TargetApi>(input: {
  readonly resource: string | undefined;
  readonly requested: readonly string[];
  readonly held: readonly string[];
  readonly apis: readonly A[];
  readonly ownAudience: string;
  readonly organizationName: string;
}): TokenTarget<A> {
  const { apis, ownAudience } = input;
  const apiOfScope = new Map<string, A>();
  for (const api of apis) for (const scope of api.scopes) apiOfScope.set(scope.name, api);
  const targetOf = (scope: string): A | 'own' | undefined => (IDENTITY_SCOPE_NAMES.has(scope) ? undefined : (apiOfScope.get(scope) ?? 'own'));
  // Only what is held may be asked for: a request naming more (a refresh after a demotion) gets what is left.
  const held = new Set(input.held);
  const requested = input.requested.filter((scope) => held.has(scope));
  const candidates = input.requested.length > 0 ? requested : input.held;

  let target: A | 'own';
  if (input.resource !== undefined) {
    const named = input.resource === ownAudience ? 'own' : apis.find((api) => api.identifier === input.resource);
    if (named === undefined) throw new InvalidTarget(`${input.resource} is not an API of the organization ${input.organizationName}`);
    target = named;
    const foreign = requested.filter((scope) => targetOf(scope) !== undefined && targetOf(scope) !== target);
    if (foreign.length > 0) throw new InvalidTarget(`These scopes are not scopes of ${input.resource}: ${foreign.join(' ')}`);
  } else {
    const targets = new Set(candidates.map(targetOf).filter((found) => found !== undefined));
    const fallback = apis.find((api) => api.isDefault);
    if (fallback !== undefined && (targets.size === 0 || (input.requested.length === 0 && targets.has(fallback)))) target = fallback;
    else if (targets.size <= 1) target = [...targets][0] ?? 'own';
    else if (input.requested.length === 0 && targets.has('own')) target = 'own';
    else {
      const names = [...targets].map((found) => (found === 'own' ? ownAudience : found.identifier));
      const why = input.requested.length > 0 ? 'The scopes asked for belong to several APIs' : 'The scopes held belong to several APIs';
      throw new InvalidTarget(`${why} (${names.join(', ')}); a token is for one API: name it with resource`);
    }
  }
  const scopes = candidates.filter((scope) => {
    const found = targetOf(scope);
    return found === undefined || found === target;
  });
  return target === 'own' ? { api: undefined, audience: ownAudience, scopes } : { api: target, audience: target.identifier, scopes };
}
