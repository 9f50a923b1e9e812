import { SCOPE_TOKEN } from './scope-definition.js';

/**
 * A role may name scopes by a trailing wildcard (`orders:*`): every scope its organization knows
 * that starts with what comes before the `*`, worked out each time the role is resolved, so that
 * a scope added to an API later is covered by the roles that name its prefix.
 */
export const WILDCARD = '*';

/** `orders:*`: something before the one `*`, which ends it. A bare `*` would be every scope, and is not a pattern. */
export function isScopePattern(name: string): boolean {
  return name.length > 1 && name.endsWith(WILDCARD) && name.indexOf(WILDCARD) === name.length - 1 && SCOPE_TOKEN.test(name);
}

/** The scopes of `known` a pattern stands for, in the order of `known`. */
export function matchesOf(pattern: string, known: Iterable<string>): string[] {
  const prefix = pattern.slice(0, -WILDCARD.length);
  return [...known].filter((scope) => scope.startsWith(prefix) && !isScopePattern(scope));
}

/**
 * What a list of scope names and patterns grants among the scopes `known` holds: each name that
 * is known, and every known scope a pattern matches, once each. A name that is no longer known
 * (an API scope removed since) grants nothing.
 */
export function expandScopes(names: readonly string[], known: ReadonlySet<string>): string[] {
  const granted = new Set<string>();
  for (const name of names) {
    if (isScopePattern(name)) for (const scope of matchesOf(name, known)) granted.add(scope);
    else if (known.has(name)) granted.add(name);
  }
  return [...granted];
}
