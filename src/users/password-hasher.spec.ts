import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { validateEnvironment } from '../config/environment.js';
import { GatehouseConfig } from '../config/gatehouse-config.js';
import { PasswordHasher, scryptDerivations } from './password-hasher.js';

const hasherAt = (environment: Record<string, string>) => new PasswordHasher(new GatehouseConfig(validateEnvironment(environment)));

describe('PasswordHasher', () => {
  const hasher = hasherAt({});

  it('verifies the password it hashed, and nothing else', async () => {
    const stored = await hasher.hash('correct horse battery staple');
    expect(stored).toMatch(/^scrypt\$32768\$8\$3\$[\w-]{22}\$[\w-]{43}$/);
    expect(stored).not.toContain('correct');
    await expect(hasher.verify('correct horse battery staple', stored)).resolves.toBe(true);
    await expect(hasher.verify('correct horse battery stapler', stored)).resolves.toBe(false);
  });

  it('hashes new passwords at PASSWORD_HASH_COST, and verifies hashes made at another cost', async () => {
    const cheap = hasherAt({ PASSWORD_HASH_COST: '10' });
    const stored = await cheap.hash('correct horse battery staple');
    expect(stored).toMatch(/^scrypt\$1024\$8\$3\$/);
    await expect(hasher.verify('correct horse battery staple', stored)).resolves.toBe(true);
    await expect(cheap.verify('correct horse battery staple', await hasher.hash('correct horse battery staple'))).resolves.toBe(true);
    await expect(cheap.verify('correct horse battery stapler', await hasher.hash('correct horse battery staple'))).resolves.toBe(false);
  });

  it('salts every hash', async () => {
    expect(await hasher.hash('same')).not.toBe(await hasher.hash('same'));
  });

  it('treats visually identical Unicode spellings as one password', async () => {
    await expect(hasher.verify('caf\u0065\u0301', await hasher.hash('caf\u00e9'))).resolves.toBe(true);
  });

  it('refuses malformed stored hashes instead of throwing', async () => {
    for (const stored of ['', 'hmac-sha256$a$b', 'scrypt$x']) await expect(hasher.verify('x', stored)).resolves.toBe(false);
  });

  it('leaves half the thread pool to token signing during a burst of sign-ins', async () => {
    const stored = await hasher.hash('correct horse battery staple');
    const burst = Array.from({ length: 8 }, () => hasher.verify('a wrong guess', stored));
    expect(scryptDerivations.activeCount).toBe(2);
    expect(scryptDerivations.pendingCount).toBe(6);
    // A token signature meanwhile takes a free pool thread, not a place behind eight derivations
    // of about 0.1 s each (half a second and more when the pool was unbounded).
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const started = performance.now();
    // Signed as keys/compact-jws signs a token: crypto.sign with a callback, which runs on the pool.
    await new Promise<Buffer>((resolve, reject) => sign('sha256', Buffer.from('header.payload'), { key: privateKey, dsaEncoding: 'ieee-p1363' }, (error, signature) => (error ? reject(error) : resolve(signature))));
    expect(performance.now() - started).toBeLessThan(150);
    expect(scryptDerivations.pendingCount).toBeGreaterThan(0);
    await expect(Promise.all(burst)).resolves.toEqual(Array(8).fill(false));
  });
});
