import { randomBytes } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { type Repository } from 'typeorm';
import { GatehouseConfig } from '../config/gatehouse-config.js';
import { validateEnvironment } from '../config/environment.js';
import { ClientSecretCipher } from './client-secret-cipher.js';
import { type OAuthClientEntity } from './entities/oauth-client.entity.js';

const cipherWith = (key: string | undefined, clientsUsingIt = 0) =>
  new ClientSecretCipher(new GatehouseConfig(validateEnvironment({ NODE_ENV: 'test', ...(key !== undefined && { CLIENT_SECRET_ENCRYPTION_KEY: key }) })), { countBy: async () => clientsUsingIt } as unknown as Repository<OAuthClientEntity>);

describe('ClientSecretCipher', () => {
  const key = randomBytes(32).toString('base64');

  it('gives the secret back for the client it was encrypted for, and only with the same key', () => {
    const cipher = cipherWith(key);
    const stored = cipher.encrypt('client-a', 'the secret');
    expect(stored).not.toContain('the secret');
    expect(cipher.decrypt('client-a', stored)).toBe('the secret');
    // The client id is authenticated: a copy moved to another client does not decrypt.
    expect(cipher.decrypt('client-b', stored)).toBeUndefined();
    expect(cipherWith(randomBytes(32).toString('base64')).decrypt('client-a', stored)).toBeUndefined();
    expect(cipherWith(undefined).decrypt('client-a', stored)).toBeUndefined();
    const [version, iv, ciphertext, tag] = stored.split('$');
    const flipped = Buffer.from(ciphertext!, 'base64url');
    flipped[0]! ^= 1;
    expect(cipher.decrypt('client-a', [version, iv, flipped.toString('base64url'), tag].join('$'))).toBeUndefined();
    expect(cipher.decrypt('client-a', 'garbage')).toBeUndefined();
  });

  it('encrypts each time anew', () => {
    const cipher = cipherWith(key);
    expect(cipher.encrypt('c', 's')).not.toBe(cipher.encrypt('c', 's'));
  });

  it('refuses to start without a key while a client_secret_jwt client exists, and starts without one otherwise', async () => {
    await expect(cipherWith(undefined, 2).onApplicationBootstrap()).rejects.toThrow('CLIENT_SECRET_ENCRYPTION_KEY must be set: 2 client(s) authenticate with client_secret_jwt');
    await expect(cipherWith(undefined, 0).onApplicationBootstrap()).resolves.toBeUndefined();
    await expect(cipherWith(key, 2).onApplicationBootstrap()).resolves.toBeUndefined();
  });

  it('takes only a 32-byte key in base64 or base64url', () => {
    for (const bad of ['short', randomBytes(16).toString('base64'), `${randomBytes(32).toString('base64')}x`]) {
      expect(() => validateEnvironment({ CLIENT_SECRET_ENCRYPTION_KEY: bad })).toThrow('CLIENT_SECRET_ENCRYPTION_KEY');
    }
    expect(new GatehouseConfig(validateEnvironment({ CLIENT_SECRET_ENCRYPTION_KEY: randomBytes(32).toString('base64url') })).clientSecretEncryptionKey).toHaveLength(32);
  });
});
