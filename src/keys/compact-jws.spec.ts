import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { compactVerify, importSPKI } from 'jose';
import { type SigningAlgorithm } from '../config/environment.js';
import { decodeCompactJws, signCompactJws, verifyCompactJws } from './compact-jws.js';

const pairs: Record<SigningAlgorithm, ReturnType<typeof generateKeyPairSync>> = {
  ES256: generateKeyPairSync('ec', { namedCurve: 'P-256' }),
  RS256: generateKeyPairSync('rsa', { modulusLength: 2048 }),
  EdDSA: generateKeyPairSync('ed25519'),
};

describe('compact JWS with node:crypto', () => {
  it.each(Object.keys(pairs) as SigningAlgorithm[])('%s tokens verify here and with jose, and fail when tampered', async (alg) => {
    const { privateKey, publicKey } = pairs[alg];
    const token = await signCompactJws({ alg, typ: 'at+jwt', kid: 'k' }, { sub: 'x' }, alg, privateKey);
    const decoded = decodeCompactJws(token)!;
    expect(decoded.header).toEqual({ alg, typ: 'at+jwt', kid: 'k' });
    await expect(verifyCompactJws(decoded, alg, publicKey)).resolves.toBe(true);

    const spki = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    await expect(compactVerify(token, await importSPKI(spki, alg))).resolves.toBeDefined();

    const tampered = decodeCompactJws(token.replace(decoded.signingInput.split('.')[1], Buffer.from('{"sub":"y"}').toString('base64url')))!;
    await expect(verifyCompactJws(tampered, alg, publicKey)).resolves.toBe(false);
  });

  it('decodes nothing that is not three base64url JSON-object segments', () => {
    for (const token of ['', 'a.b', 'a.b.c.d', 'e30.e30', '!!.e30.e30', 'bnVsbA.e30.e30', 'WzFd.e30.e30']) expect(decodeCompactJws(token)).toBeUndefined();
  });

  it('rejects, rather than throwing later or signing anyway, when the key does not fit the algorithm', async () => {
    // An Ed25519 key asked for an ES256 (SHA-256) signature: OpenSSL's error reaches the caller through the thread pool.
    await expect(signCompactJws({ alg: 'ES256', typ: 'at+jwt', kid: 'k' }, { sub: 'x' }, 'ES256', pairs.EdDSA.privateKey)).rejects.toThrow(/digest/);
  });
});
