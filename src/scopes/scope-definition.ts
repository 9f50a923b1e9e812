/** A permission an access token can carry, declared beside the routes that require it. */
export interface ScopeDefinition {
  readonly name: string;
  readonly description: string;
}

/** RFC 6749 §3.3 scope-token characters. */
export const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

export function defineScope(name: string, description: string): ScopeDefinition {
  if (!SCOPE_TOKEN.test(name)) throw new Error(`Invalid scope name ${JSON.stringify(name)}`);
  return Object.freeze({ name, description });
}
