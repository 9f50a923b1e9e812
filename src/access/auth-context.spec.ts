import { describe, expect, it } from '@jest/globals';
import { authContextOf, type TokenPrincipal } from './auth-context.js';

describe('authContextOf', () => {
  it('carries every field of the principal, and where the request came from', () => {
    const principal: TokenPrincipal = {
      clientId: 'client',
      userId: 'user',
      organizationId: 'organization',
      projectId: 'project',
      isRoot: false,
      scopes: new Set(['policy:read']),
      tokenId: 'jti',
    };
    const administered = new Set(['orders:read']);
    const context = authContextOf(principal, '203.0.113.7', 'request-1', administered);
    expect(context).toEqual({ ...principal, administeredApiScopes: administered, sourceIp: '203.0.113.7', requestId: 'request-1' });
    expect(Object.keys(context).sort()).toEqual([...Object.keys(principal), 'administeredApiScopes', 'sourceIp', 'requestId'].sort());
    expect(authContextOf(principal, '203.0.113.7', 'request-1').administeredApiScopes.size).toBe(0);
  });
});
