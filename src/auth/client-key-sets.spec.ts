import { describe, expect, it } from '@jest/globals';
import { isPublicAddress } from './client-key-sets.js';
import { jwksUriProblem, publicJwksProblem } from '../clients/client-auth-methods.js';

describe('where a jwks_uri may be fetched from', () => {
  it('counts only public unicast addresses as public', () => {
    for (const address of ['127.0.0.1', '127.8.9.10', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '224.0.0.1', '255.255.255.255', '::1', '::', 'fe80::1', 'fc00::1', 'fd12:3456::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1', '::ffff:7f00:1', 'ff02::1', 'not an address']) {
      expect({ address, public: isPublicAddress(address) }).toEqual({ address, public: false });
    }
    for (const address of ['93.184.216.34', '8.8.8.8', '172.32.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8']) {
      expect({ address, public: isPublicAddress(address) }).toEqual({ address, public: true });
    }
  });

  it('counts IPv6 forms that carry an IPv4 address by the address they carry (review 19, F3)', () => {
    // IPv4-compatible (::a.b.c.d), SIIT IPv4-translated (::ffff:0:a.b.c.d), local-use NAT64 (64:ff9b:1::/48) and 6to4 (2002::/16)
    // reach an IPv4 host through a translator or a tunnel this host may have: a loopback or private one must not pass.
    for (const address of ['::127.0.0.1', '::7f00:1', '::a00:1', '::ffff:0:a00:1', '::ffff:0:127.0.0.1', '64:ff9b:1::a00:1', '2002:7f00:1::1', '2002:a00:1::1', '2002:a9fe:a9fe::1', 'fec0::1']) {
      expect({ address, public: isPublicAddress(address) }).toEqual({ address, public: false });
    }
    // 6to4 of a public IPv4 address stays public.
    expect(isPublicAddress('2002:808:808::1')).toBe(true);
  });

  it('takes https, and http only to a loopback host where private addresses are allowed', () => {
    expect(jwksUriProblem('https://keys.example.com/jwks.json', false)).toBeUndefined();
    expect(jwksUriProblem('http://keys.example.com/jwks.json', true)).toMatch(/https/);
    expect(jwksUriProblem('http://127.0.0.1:8080/jwks.json', false)).toMatch(/https/);
    expect(jwksUriProblem('http://127.0.0.1:8080/jwks.json', true)).toBeUndefined();
    expect(jwksUriProblem('http://[::1]:8080/jwks.json', true)).toBeUndefined();
    expect(jwksUriProblem('https://user:pass@keys.example.com/jwks.json', false)).toMatch(/user name/);
    expect(jwksUriProblem('https://keys.example.com/jwks.json#frag', false)).toMatch(/fragment/);
    expect(jwksUriProblem('keys.example.com', false)).toMatch(/absolute/);
  });

  it('keeps public keys only in a client jwks', () => {
    const ec = { kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0' };
    expect(publicJwksProblem({ keys: [ec] })).toBeUndefined();
    expect(publicJwksProblem({ keys: [{ ...ec, d: 'private' }] })).toMatch(/public keys only/);
    expect(publicJwksProblem({ keys: [{ kty: 'oct', k: 'c2VjcmV0' }] })).toMatch(/public keys only/);
    expect(publicJwksProblem({ keys: [] })).toMatch(/non-empty/);
    expect(publicJwksProblem([ec])).toMatch(/JWK Set/);
    expect(publicJwksProblem({ keys: Array.from({ length: 11 }, () => ec) })).toMatch(/at most 10/);
    expect(publicJwksProblem({ keys: [{ ...ec, kid: 7 }] })).toMatch(/kid/);
  });
});
