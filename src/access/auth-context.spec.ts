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
    const context = authContextOf(principal, '203.0.113.7', 'request-1');
    expect(context).toEqual({ ...principal, sourceIp: '203.0.113.7', requestId: 'request-1' });
    expect(Object.keys(context).sort()).toEqual([...Object.keys(principal), 'sourceIp', 'requestId'].sort());
  });
});
