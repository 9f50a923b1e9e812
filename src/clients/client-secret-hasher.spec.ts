import { describe, expect, it } from '@jest/globals';
import { ClientSecretHasher } from './client-secret-hasher.js';

describe('ClientSecretHasher', () => {
  const hasher = new ClientSecretHasher();

  it('generates 192-bit URL-safe secrets that verify against their hash', () => {
    const { secret, hash } = hasher.generate();
    expect(Buffer.from(secret, 'base64url')).toHaveLength(24);
    expect(secret).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(hash).not.toContain(secret);
    expect(hasher.verify(secret, hash)).toBe(true);
    expect(hasher.verify(`${secret}x`, hash)).toBe(false);
    expect(hasher.verify('', hash)).toBe(false);
  });

  it('salts each hash, so equal secrets give different hashes', () => {
    expect(hasher.hash('same')).not.toBe(hasher.hash('same'));
  });

  it('refuses malformed stored hashes instead of throwing', () => {
    for (const stored of ['', 'plain', 'md5$salt$mac', 'hmac-sha256$$', 'hmac-sha256$salt$']) expect(hasher.verify('secret', stored)).toBe(false);
  });
});
