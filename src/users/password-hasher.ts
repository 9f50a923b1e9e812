import { randomBytes, scrypt, type ScryptOptions, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import pLimit from 'p-limit';
import { GatehouseConfig } from '../config/gatehouse-config.js';

const VERSION = 'scrypt';
/**
 * One of OWASP's equivalent scrypt settings (N=2^17 r=8 p=1, ..., N=2^15 r=8 p=3) by default
 * (PASSWORD_HASH_COST=15): it needs 32 MiB per check rather than 128, so that a burst of
 * sign-ins cannot exhaust memory.
 */
const BLOCK = { r: 8, p: 3 } as const;
const KEY_LENGTH = 32;

/**
 * scrypt runs on libuv's thread pool (UV_THREADPOOL_SIZE threads, 4 unless set), which also signs
 * every token (see compact-jws.ts). Each derivation holds a thread for a long time next to a
 * signature: unbounded, a burst of sign-ins held every thread and token requests waited behind
 * it (figures in bench/README.md). At most half the pool derives at once; further sign-ins wait
 * their turn here, where they cost nothing but time.
 */
export const scryptDerivations = pLimit(Math.max(1, Math.floor((Number(process.env.UV_THREADPOOL_SIZE) || 4) / 2)));

function derive(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return scryptDerivations(
    () =>
      new Promise<Buffer>((resolve, reject) =>
        scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, { ...options, maxmem: 128 * options.N! * options.r! * 2 }, (error, key) => (error ? reject(error) : resolve(key))),
      ),
  );
}

/**
 * User passwords, unlike client secrets, are chosen by people and can be guessed: they get a
 * memory-hard KDF (scrypt, built into Node) so that a stolen table is slow to crack. The stored
 * form names its parameters, so they can be raised later without invalidating older hashes.
 */
@Injectable()
export class PasswordHasher {
  private readonly parameters: { N: number; r: number; p: number };

  constructor(config: GatehouseConfig) {
    this.parameters = { N: 2 ** config.passwordHashCost, ...BLOCK };
  }

  async hash(password: string): Promise<string> {
    const salt = randomBytes(16);
    const { N, r, p } = this.parameters;
    const key = await derive(password, salt, { N, r, p });
    return `${VERSION}$${N}$${r}$${p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
  }

  /** Constant-time comparison; `false` for a malformed stored hash. */
  async verify(password: string, stored: string): Promise<boolean> {
    const [version, n, r, p, salt, expected] = stored.split('$');
    if (version !== VERSION || !n || !r || !p || !salt || !expected) return false;
    const wanted = Buffer.from(expected, 'base64url');
    const actual = await derive(password, Buffer.from(salt, 'base64url'), { N: Number(n), r: Number(r), p: Number(p) });
    return actual.length === wanted.length && timingSafeEqual(actual, wanted);
  }
}
