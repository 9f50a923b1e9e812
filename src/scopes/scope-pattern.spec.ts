import { describe, expect, it } from '@jest/globals';
import { expandScopes, isScopePattern, matchesOf } from './scope-pattern.js';

const KNOWN = new Set(['orders:read', 'orders:write', 'orders-archive:read', 'client:read', 'client:update', 'openid']);

describe('scope patterns', () => {
  it('are a prefix followed by one trailing *', () => {
    expect(isScopePattern('orders:*')).toBe(true);
    expect(isScopePattern('orders*')).toBe(true);
    expect(isScopePattern('*')).toBe(false);
    expect(isScopePattern('orders:read')).toBe(false);
    expect(isScopePattern('*:read')).toBe(false);
    expect(isScopePattern('orders:*:*')).toBe(false);
    expect(isScopePattern('or ders:*')).toBe(false);
  });

  it('match the known scopes that start with the prefix, and nothing else', () => {
    expect(matchesOf('orders:*', KNOWN)).toEqual(['orders:read', 'orders:write']);
    expect(matchesOf('orders*', KNOWN)).toEqual(['orders:read', 'orders:write', 'orders-archive:read']);
    expect(matchesOf('billing:*', KNOWN)).toEqual([]);
  });

  it('expand with the exact names into each granted scope once', () => {
    expect(expandScopes(['orders:*', 'orders:read', 'client:read'], KNOWN)).toEqual(['orders:read', 'orders:write', 'client:read']);
  });

  it('grant a scope added later, and nothing for a name no longer known', () => {
    expect(expandScopes(['orders:*', 'billing:read'], new Set([...KNOWN, 'orders:refund']))).toEqual(['orders:read', 'orders:write', 'orders:refund']);
  });
});
