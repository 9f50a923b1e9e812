import { Injectable } from '@nestjs/common';
import { GatehouseConfig } from '../config/gatehouse-config.js';

interface Attempts {
  failures: number;
  windowStart: number;
  lockedUntil: number;
  lockouts: number;
}

export interface LockoutStatus {
  client_id: string;
  failures: number;
  lockouts: number;
  locked: boolean;
  locked_until: string | null;
}

/** Enough ids for any real attack on one instance; beyond it the oldest entries go. */
const MAX_TRACKED_IDS = 100_000;
const MAX_LOCKOUT_MS = 3_600_000;

/**
 * Brute-force protection for client authentication, in the manner of Keycloak's. Failures are
 * counted per client_id string (known or not, so a lockout says nothing about which ids exist).
 * The counters live in this process's memory: a failed attempt costs no database write, which an
 * attacker could otherwise use to load the database, and with N instances an attacker gets at
 * most N times the attempts, which against 256-bit secrets changes nothing.
 */
@Injectable()
export class ClientLockout {
  private readonly attempts = new Map<string, Attempts>();

  constructor(private readonly config: GatehouseConfig) {}

  /** Seconds to wait if `clientId` is locked out now, else 0. */
  retryAfterSeconds(clientId: string): number {
    const attempts = this.attempts.get(clientId);
    const remaining = attempts ? attempts.lockedUntil - Date.now() : 0;
    return remaining > 0 ? Math.ceil(remaining / 1000) : 0;
  }

  /** Counts a failed authentication; returns the status when this failure started a lockout. */
  recordFailure(clientId: string): LockoutStatus | undefined {
    const { maxFailures, windowMs, lockoutMs } = this.config.bruteForce;
    if (maxFailures === 0) return undefined;
    const now = Date.now();
    let attempts = this.attempts.get(clientId);
    if (!attempts) {
      if (this.attempts.size >= MAX_TRACKED_IDS) this.attempts.delete(this.attempts.keys().next().value!);
      attempts = { failures: 0, windowStart: now, lockedUntil: 0, lockouts: 0 };
      this.attempts.set(clientId, attempts);
    }
    if (now - attempts.windowStart > windowMs) {
      attempts.failures = 0;
      attempts.windowStart = now;
    }
    attempts.failures += 1;
    if (attempts.failures >= maxFailures) {
      attempts.lockouts += 1;
      attempts.lockedUntil = now + Math.min(lockoutMs * 2 ** (attempts.lockouts - 1), MAX_LOCKOUT_MS);
      attempts.failures = 0;
      attempts.windowStart = now;
      return this.status(clientId);
    }
    return undefined;
  }

  recordSuccess(clientId: string): void {
    this.attempts.delete(clientId);
  }

  status(clientId: string): LockoutStatus {
    const attempts = this.attempts.get(clientId);
    const locked = this.retryAfterSeconds(clientId) > 0;
    return {
      client_id: clientId,
      failures: attempts?.failures ?? 0,
      lockouts: attempts?.lockouts ?? 0,
      locked,
      locked_until: locked ? new Date(attempts!.lockedUntil).toISOString() : null,
    };
  }

  clear(clientId: string): void {
    this.attempts.delete(clientId);
  }
}
