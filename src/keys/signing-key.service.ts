import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { calculateJwkThumbprint, exportJWK, exportPKCS8, generateKeyPair, type JWK } from 'jose';
import { IsNull, LessThan, type Repository } from 'typeorm';
import { type Actor, SYSTEM_ACTOR } from '../audit/actor.js';
import { UnitOfWork } from '../audit/unit-of-work.js';
import { DEFAULT_ID_TOKEN_ALGORITHM, SIGNING_ALGORITHMS, type SigningAlgorithm } from '../config/environment.js';
import { GatehouseConfig } from '../config/gatehouse-config.js';
import { type DecodedJws, signCompactJws, verifyCompactJws } from './compact-jws.js';
import { SigningKeyEntity } from './entities/signing-key.entity.js';
import { Clock } from '../common/clock.js';

interface LoadedKey {
  kid: string;
  alg: SigningAlgorithm;
  publicJwk: JWK;
  publicKey: KeyObject;
  privateKey: KeyObject;
  createdAt: Date;
  retiredAt: Date | null;
}

export interface SigningKeySummary {
  kid: string;
  alg: string;
  status: 'active' | 'retired';
  created_at: string;
  retired_at: string | null;
  /** When a retired key stops being published: the moment its last token has expired. */
  published_until: string | null;
}

/**
 * An unknown `kid` makes a process re-read the keys (another process may have rotated), at most
 * once per this interval whatever the kids: a request with an unknown kid waits for the next
 * re-read, which starts after it arrived, so a real new key is found within this interval, and
 * tokens with made-up kids cost at most one query per interval, however many there are.
 */
export const UNKNOWN_KID_RELOAD_INTERVAL_MS = 250;

/** Our kids are RFC 7638 thumbprints (SHA-256, base64url): anything else is no key of ours and triggers nothing. */
const KID_FORMAT = /^[A-Za-z0-9_-]{43}$/;

/**
 * Holds the signing keys in memory (loaded once, then re-read on a timer) and verifies signatures
 * with any key still published. There is one active key per algorithm (SIGNING_ALGORITHMS), each
 * rotated on its own: access tokens are signed with OAUTH_SIGNING_ALG's, ID tokens with the one
 * their client chose (RS256 by default).
 */
@Injectable()
export class SigningKeyService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(SigningKeyService.name);
  private keys = new Map<string, LoadedKey>();
  /** The active key of each algorithm: the newest not retired. */
  private signers = new Map<SigningAlgorithm, LoadedKey>();
  /** When the last re-read started (whatever started it): the next one for an unknown kid waits for the interval to pass. */
  private lastReloadStarted = -Infinity;
  /** The re-read that unknown kids are waiting for, not started yet. */
  private nextReload: Promise<void> | undefined;
  private reloadsStarted = 0;
  private reloadApplied = 0;
  private reloadTimer: NodeJS.Timeout | undefined;

  constructor(
    @InjectRepository(SigningKeyEntity) private readonly repository: Repository<SigningKeyEntity>,
    private readonly config: GatehouseConfig,
    private readonly unitOfWork: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.reload();
    // First start, or a database from before keys per algorithm: every algorithm gets a key.
    for (const alg of SIGNING_ALGORITHMS) if (!this.signers.has(alg)) await this.rotate(SYSTEM_ACTOR, alg);
    this.reloadTimer = setInterval(() => {
      this.reload().catch((error: unknown) => this.logger.warn(`Could not re-read signing keys: ${String(error)}`));
    }, this.config.signingKeyReloadMs);
    this.reloadTimer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.reloadTimer);
  }

  /**
   * Signs a JWT with the active key of `alg` (OAUTH_SIGNING_ALG's by default, what access tokens
   * use). `typ` is the JOSE header type (`at+jwt` for access tokens).
   */
  sign(payload: Record<string, unknown>, typ: string, alg: SigningAlgorithm = this.config.signingAlgorithm): Promise<string> {
    const signer = this.signers.get(alg);
    if (!signer) throw new Error(`No ${alg} signing key is loaded`);
    return signCompactJws({ alg: signer.alg, typ, kid: signer.kid }, payload, signer.alg, signer.privateKey);
  }

  /**
   * True if the JWS is signed by one of our published keys with that key's algorithm. The `alg`
   * header must match the key's own algorithm, which rules out `none` and HMAC-with-public-key.
   */
  async verifySignature(jws: DecodedJws): Promise<boolean> {
    const kid = jws.header.kid;
    if (typeof kid !== 'string') return false;
    let key = this.keys.get(kid);
    if (!key && KID_FORMAT.test(kid)) {
      await this.reloadSoon();
      key = this.keys.get(kid);
    }
    if (!key || jws.header.alg !== key.alg) return false;
    return verifyCompactJws(jws, key.alg, key.publicKey);
  }

  /** The algorithms ID tokens can be signed with (those with an active key), RS256 first: what discovery advertises. */
  idTokenAlgorithms(): SigningAlgorithm[] {
    return [DEFAULT_ID_TOKEN_ALGORITHM, ...SIGNING_ALGORITHMS.filter((alg) => alg !== DEFAULT_ID_TOKEN_ALGORITHM)].filter((alg) => this.signers.has(alg));
  }

  /** The algorithm this process signs access tokens with (OAUTH_SIGNING_ALG). */
  accessTokenAlgorithms(): SigningAlgorithm[] {
    return [this.config.signingAlgorithm];
  }

  /** The public keys for the JWKS document. */
  jwks(): { keys: JWK[] } {
    return { keys: [...this.keys.values()].map((key) => ({ ...key.publicJwk, kid: key.kid, alg: key.alg, use: 'sig' })) };
  }

  summaries(): SigningKeySummary[] {
    return [...this.keys.values()]
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
      .map((key) => ({
        kid: key.kid,
        alg: key.alg,
        status: key.retiredAt ? 'retired' : 'active',
        created_at: key.createdAt.toISOString(),
        retired_at: key.retiredAt?.toISOString() ?? null,
        published_until: key.retiredAt ? new Date(key.retiredAt.getTime() + this.retentionMs()).toISOString() : null,
      }));
  }

  /**
   * Makes a new key the signer of `alg` (by default OAUTH_SIGNING_ALG, the access tokens') and
   * retires the others of that algorithm, which keep verifying until their tokens expire.
   */
  async rotate(actor: Actor = SYSTEM_ACTOR, alg: SigningAlgorithm = this.config.signingAlgorithm): Promise<SigningKeySummary> {
    const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true, ...(alg === 'RS256' ? { modulusLength: 2048 } : {}) });
    const publicJwk = await exportJWK(publicKey);
    const kid = await calculateJwkThumbprint(publicJwk);
    const now = this.clock.date();
    const privatePem = await exportPKCS8(privateKey);
    await this.unitOfWork.run(actor, async ({ manager, audit }) => {
      await manager.update(SigningKeyEntity, { alg, retiredAt: IsNull() }, { retiredAt: now });
      await manager.delete(SigningKeyEntity, { retiredAt: LessThan(new Date(now.getTime() - this.retentionMs())) });
      await manager.insert(SigningKeyEntity, { kid, alg, publicJwk: JSON.stringify(publicJwk), privateKey: privatePem, createdAt: now, retiredAt: null });
      // Server-wide: only the root client sees it (organization null).
      await audit({ action: 'signing_key.rotated', targetType: 'signing-key', targetId: kid, organizationId: null, details: { alg } });
    });
    await this.reload();
    this.logger.log(`Signing key ${kid} (${alg}) is now active`);
    return this.summaries().find((summary) => summary.kid === kid)!;
  }

  private retentionMs(): number {
    return this.config.maxAccessTokenLifespanSeconds * 1000;
  }

  /**
   * A re-read that starts after this call, at most one per interval since the last one started,
   * shared by every caller waiting meanwhile. A caller arriving once it has started waits for the
   * next one: a re-read that began before a rotation committed would not see its key.
   */
  private reloadSoon(): Promise<void> {
    if (this.nextReload) return this.nextReload;
    const next = delay(Math.max(0, this.lastReloadStarted + UNKNOWN_KID_RELOAD_INTERVAL_MS - performance.now())).then(() => {
      this.nextReload = undefined;
      return this.reload();
    });
    this.nextReload = next;
    return next;
  }

  private async reload(): Promise<void> {
    // Real elapsed time, not the clock: this spaces out database reads, which a timer then waits for.
    this.lastReloadStarted = performance.now();
    const sequence = ++this.reloadsStarted;
    const rows = await this.repository.find();
    // A slower re-read that started earlier (the timer's) must not undo what a later one found.
    if (sequence < this.reloadApplied) return;
    this.reloadApplied = sequence;
    const publishedAfter = this.clock.now() - this.retentionMs();
    const keys = new Map<string, LoadedKey>();
    for (const row of rows) {
      if (row.retiredAt && row.retiredAt.getTime() < publishedAfter) continue;
      const known = this.keys.get(row.kid);
      keys.set(row.kid, known ? { ...known, retiredAt: row.retiredAt } : load(row));
    }
    this.keys = keys;
    // The newest active key of each algorithm signs; when two processes generate a key at the same
    // moment, both keys are published and every process converges on the same signer at its next reload.
    const signers = new Map<SigningAlgorithm, LoadedKey>();
    const newestFirst = [...keys.values()].filter((key) => !key.retiredAt).sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || a.kid.localeCompare(b.kid));
    for (const key of newestFirst) if (!signers.has(key.alg)) signers.set(key.alg, key);
    this.signers = signers;
  }
}

function load(row: SigningKeyEntity): LoadedKey {
  const privateKey = createPrivateKey(row.privateKey);
  return {
    kid: row.kid,
    alg: row.alg as SigningAlgorithm,
    publicJwk: JSON.parse(row.publicJwk) as JWK,
    publicKey: createPublicKey(privateKey),
    privateKey,
    createdAt: row.createdAt,
    retiredAt: row.retiredAt,
  };
}
