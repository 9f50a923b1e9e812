import { createHash } from 'node:crypto';
import { isIPv6 } from 'node:net';
import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { GatehouseConfig } from '../config/gatehouse-config.js';

interface Counter {
  failures: number;
  windowStart: number;
  lockedUntil: number;
  lockouts: number;
}

export interface AddressLockoutStatus {
  address: string;
  failures: number;
  lockouts: number;
  locked_until: string;
}

export interface LockoutStatus {
  client_id: string;
  /** Failures from all addresses in the current window. */
  failures: number;
  /** Times the overall budget was spent (each doubles the wait). */
  lockouts: number;
  /** The overall budget is spent: only addresses that authenticated as this id recently are served. */
  locked: boolean;
  locked_until: string | null;
  /** Addresses locked out for this id now. */
  locked_addresses: AddressLockoutStatus[];
}

/** A lockout that a failure started: of one address (`address`), or of every address not known to the id (`overall`). */
export interface StartedLockout {
  scope: 'address' | 'overall';
  address: string;
  lockedUntil: string;
}

/** Enough entries for any real attack on one instance; beyond it the least recently used go. */
const MAX_TRACKED = 100_000;
const MAX_LOCKOUT_MS = 3_600_000;
/** How long an address that authenticated as an id stays "known" to it, and how many are kept per id. */
const KNOWN_ADDRESS_MS = 30 * 86_400_000;
const MAX_KNOWN_ADDRESSES = 16;
/** Longer identifiers (no client id or email is) are counted under their hash, so that memory stays bounded. */
const MAX_IDENTIFIER_LENGTH = 320;

/**
 * Brute-force protection for client authentication and for users' sign-in (`user:<email>`).
 * Two counters, because an id (a client_id is public in every authorization URL) must not be
 * something a stranger can lock:
 *
 * - per id **and source address**: BRUTE_FORCE_MAX_FAILURES failures in the window lock that
 *   address out for that id, for a wait that doubles with each lockout. This stops one address
 *   guessing, without touching the real client or user at their own address.
 * - per id, **all addresses together**: BRUTE_FORCE_MAX_FAILURES_OVERALL failures in the window
 *   start the same growing wait, during which only addresses that authenticated as the id in
 *   the last 30 days are served; the others get 429 unchecked. This bounds guessing spread over
 *   many addresses (a botnet against one password), while the real client or user, at an address
 *   they used before, keeps working.
 *
 * Unknown ids are counted the same way, so a lockout says nothing about which ids exist. An IPv6
 * address counts as its /64, which one subscriber usually holds whole. A wait's doubling starts
 * again after an hour without a lockout.
 *
 * The counters live in this process's memory, bounded: a failed attempt costs no database write,
 * which an attacker could otherwise use to load the database, and with N instances an attacker
 * gets at most N times the attempts.
 */
@Injectable()
export class ClientLockout {
  private readonly byAddress = new Map<string, Counter>();
  private readonly overall = new Map<string, Counter>();
  /** For each id, the addresses that authenticated as it, with when they last did. */
  private readonly knownAddresses = new Map<string, Map<string, number>>();

  constructor(
    private readonly config: GatehouseConfig,
    private readonly clock: Clock,
  ) {}

  /** Seconds `address` must wait before it may try `identifier` again, else 0. */
  retryAfterSeconds(identifier: string, address: string): number {
    const id = identifierKey(identifier);
    const from = addressKey(address);
    const now = this.clock.now();
    const ownLock = this.byAddress.get(pairKey(from, id))?.lockedUntil ?? 0;
    const overallLock = this.overall.get(id)?.lockedUntil ?? 0;
    const until = Math.max(ownLock, overallLock > now && !this.isKnown(id, from, now) ? overallLock : 0);
    return until > now ? Math.ceil((until - now) / 1000) : 0;
  }

  /** Counts a failed authentication from `address`; answers the lockouts it started. */
  recordFailure(identifier: string, address: string): StartedLockout[] {
    const { maxFailures, maxFailuresOverall } = this.config.bruteForce;
    if (maxFailures === 0) return [];
    const id = identifierKey(identifier);
    const from = addressKey(address);
    const started: StartedLockout[] = [];
    const own = this.count(this.byAddress, pairKey(from, id), maxFailures);
    if (own) started.push({ scope: 'address', address: from, lockedUntil: new Date(own).toISOString() });
    const all = maxFailuresOverall > 0 ? this.count(this.overall, id, maxFailuresOverall) : undefined;
    if (all) started.push({ scope: 'overall', address: from, lockedUntil: new Date(all).toISOString() });
    return started;
  }

  /**
   * Clears this address's count for the id and remembers the address as known to it. The
   * overall count stays: the real client's successes must not refill an attacker's budget.
   */
  recordSuccess(identifier: string, address: string): void {
    const id = identifierKey(identifier);
    const from = addressKey(address);
    this.byAddress.delete(pairKey(from, id));
    let known = this.knownAddresses.get(id);
    if (known) this.knownAddresses.delete(id);
    else known = new Map();
    known.delete(from);
    known.set(from, this.clock.now());
    if (known.size > MAX_KNOWN_ADDRESSES) known.delete(known.keys().next().value!);
    setBounded(this.knownAddresses, id, known);
  }

  status(identifier: string): LockoutStatus {
    const id = identifierKey(identifier);
    const now = this.clock.now();
    const overall = this.overall.get(id);
    const locked = overall !== undefined && overall.lockedUntil > now;
    const lockedAddresses: AddressLockoutStatus[] = [];
    for (const [key, counter] of this.byAddress) {
      const address = addressOf(key, id);
      if (address !== undefined && counter.lockedUntil > now) {
        lockedAddresses.push({ address, failures: counter.failures, lockouts: counter.lockouts, locked_until: new Date(counter.lockedUntil).toISOString() });
      }
    }
    return {
      client_id: identifier,
      failures: overall && now - overall.windowStart <= this.config.bruteForce.windowMs ? overall.failures : 0,
      lockouts: overall?.lockouts ?? 0,
      locked,
      locked_until: locked ? new Date(overall.lockedUntil).toISOString() : null,
      locked_addresses: lockedAddresses,
    };
  }

  /** Ends every lockout of the id and forgets its counts (the known addresses stay). */
  clear(identifier: string): void {
    const id = identifierKey(identifier);
    this.overall.delete(id);
    for (const key of [...this.byAddress.keys()]) if (addressOf(key, id) !== undefined) this.byAddress.delete(key);
  }

  private isKnown(id: string, address: string, now: number): boolean {
    const lastSuccess = this.knownAddresses.get(id)?.get(address);
    return lastSuccess !== undefined && now - lastSuccess < KNOWN_ADDRESS_MS;
  }

  /** Counts one failure under `key`; answers when the lockout it started ends, if it started one. */
  private count(counters: Map<string, Counter>, key: string, maxFailures: number): number | undefined {
    const { windowMs, lockoutMs } = this.config.bruteForce;
    const now = this.clock.now();
    const counter = counters.get(key) ?? { failures: 0, windowStart: now, lockedUntil: 0, lockouts: 0 };
    if (counter.lockouts > 0 && now - counter.lockedUntil > MAX_LOCKOUT_MS) counter.lockouts = 0;
    if (now - counter.windowStart > windowMs) {
      counter.failures = 0;
      counter.windowStart = now;
    }
    counter.failures += 1;
    let lockedUntil: number | undefined;
    if (counter.failures >= maxFailures) {
      counter.lockouts += 1;
      counter.lockedUntil = lockedUntil = now + Math.min(lockoutMs * 2 ** (counter.lockouts - 1), MAX_LOCKOUT_MS);
      counter.failures = 0;
      counter.windowStart = now;
    }
    counters.delete(key);
    setBounded(counters, key, counter);
    return lockedUntil;
  }
}

/** Sets `key` as the most recently used entry, dropping the least recently used one beyond the bound. */
function setBounded<V>(map: Map<string, V>, key: string, value: V): void {
  if (!map.has(key) && map.size >= MAX_TRACKED) map.delete(map.keys().next().value!);
  map.set(key, value);
}

function identifierKey(identifier: string): string {
  return identifier.length <= MAX_IDENTIFIER_LENGTH ? identifier : `sha256:${createHash('sha256').update(identifier).digest('hex')}`;
}

/** Addresses hold no space; ids may. */
function pairKey(address: string, id: string): string {
  return `${address} ${id}`;
}

function addressOf(pair: string, id: string): string | undefined {
  const space = pair.indexOf(' ');
  return pair.slice(space + 1) === id ? pair.slice(0, space) : undefined;
}

/** The address a counter is kept for: IPv4 as such (also when mapped into IPv6), IPv6 by its /64. */
export function addressKey(ip: string): string {
  const address = /^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(ip) ? ip.slice(7) : ip;
  if (!isIPv6(address)) return address;
  return `${ipv6Groups(address).slice(0, 4).join(':')}::/64`;
}

/** The eight groups of an IPv6 address, without leading zeros. */
function ipv6Groups(address: string): string[] {
  const [head = '', tail] = address.split('%')[0]!.split('::');
  const groupsOf = (part: string) => (part === '' ? [] : part.split(':').flatMap((group) => (group.includes('.') ? ['0', '0'] : [group])));
  const front = groupsOf(head);
  const back = tail === undefined ? [] : groupsOf(tail);
  const groups = [...front, ...Array<string>(Math.max(0, 8 - front.length - back.length)).fill('0'), ...back];
  return groups.map((group) => parseInt(group, 16).toString(16));
}
