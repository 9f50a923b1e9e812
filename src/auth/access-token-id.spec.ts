import { describe, expect, it } from '@jest/globals';
import { issuedAtMsOf, newAccessTokenId } from './access-token-id.js';

describe('access token ids', () => {
  it('are distinct UUIDv7s that carry their issue time to the millisecond', () => {
    const issuedAt = Date.UTC(2026, 10, 22, 12, 0, 0, 123);
    const first = newAccessTokenId(issuedAt);
    const second = newAccessTokenId(issuedAt);
    expect(first).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(second).not.toBe(first);
    expect(issuedAtMsOf(first, Math.floor(issuedAt / 1000))).toBe(issuedAt);
  });

  it('falls back to the end of the iat second for other ids, and to 0 without iat', () => {
    expect(issuedAtMsOf('test-jti', 1_700_000_000)).toBe(1_700_000_000_999);
    expect(issuedAtMsOf('3b241101-e2bb-4255-8caf-4136c566a962', 10)).toBe(10_999);
    expect(issuedAtMsOf('test-jti', undefined)).toBe(0);
  });
});
