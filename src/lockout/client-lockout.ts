import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { addressKey } from '../common/http/address-key.js';
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

/** Counters one table holds at most: enough for any real attack on one instance. */
export const MAX_TRACKED = 100_000;
const MAX_LOCKOUT_MS = 3_600_000;
/** A full table is swept for counters that can go at most this often, so that no one can make sweeping cost more. */
const SWEEP_INTERVAL_MS = 1_000;
/** How long an address that authenticated as an id stays "known" to it, and how many are kept per id. */
const KNOWN_ADDRESS_MS = 30 * 86_400_000;
const MAX_KNOWN_ADDRESSES = 16;
/** How many of the least recently used ids are looked at for one whose known addresses may go. */
const KNOWN_EVICTION_SCAN = 64;
/** Longer identifiers (no client id or email is) are counted under their hash, so that memory stays bounded. */
const MAX_IDENTIFIER_LENGTH = 320;

/**
 * Counters under one kind of key, at most MAX_TRACKED of them. A counter goes only once it is the
 * same as a fresh one (no failure left in its window, no lockout, no doubling left to remember), so
 * forgetting it changes nothing, and a flood of failures under other keys cannot evict the state
 * that bounds guessing. While every counter is live, a key without one cannot be counted: the
 * caller refuses it rather than leave its failures uncounted (see ClientLockout.retryAfterSeconds).
 */
class CounterTable {
  private readonly counters = new Map<string, Counter>();
  /** The table is not swept again before this time; while full, nothing can have room before it either. */
  private nextSweepAt = 0;

  constructor(private readonly windowMs: number) {}

  get(key: string): Counter | undefined {
    return this.counters.get(key);
  }

  /** Only for a key that `canCount` accepted. */
  set(key: string, counter: Counter): void {
    this.counters.set(key, counter);
  }

  delete(key: string): void {
    this.counters.delete(key);
  }

  entries(): IterableIterator<[string, Counter]> {
    return this.counters.entries();
  }

  get size(): number {
    return this.counters.size;
  }

  /** Whether `key` has a counter or can have one now. */
  canCount(key: string, now: number): boolean {
    if (this.counters.has(key) || this.counters.size < MAX_TRACKED) return true;
    if (now < this.nextSweepAt) return false;
    this.sweep(now);
    return this.counters.size < MAX_TRACKED;
  }

  /** For a key that `canCount` refused: how long until the table may have room. */
  msUntilRoom(now: number): number {
    return Math.max(this.nextSweepAt - now, 1);
  }

  private sweep(now: number): void {
    let firstExpiry = Number.POSITIVE_INFINITY;
    for (const [key, counter] of this.counters) {
      const expiry = this.expiry(counter);
      if (expiry < now) this.counters.delete(key);
      else firstExpiry = Math.min(firstExpiry, expiry);
    }
    this.nextSweepAt = Math.max(now + SWEEP_INTERVAL_MS, this.counters.size < MAX_TRACKED ? 0 : firstExpiry + 1);
  }

  /** The last moment at which the counter differs from a fresh one (see ClientLockout.count). */
  private expiry(counter: Counter): number {
    const windowEnd = counter.failures > 0 ? counter.windowStart + this.windowMs : 0;
    const lockEnd = counter.lockouts > 0 ? counter.lockedUntil + MAX_LOCKOUT_MS : counter.lockedUntil;
    return Math.max(windowEnd, lockEnd);
  }
}

/**
 * Brute-force protection for client authentication (and, in a store of its own, for users'
 * sign-in: see UserSignInLockout). Three counters, because an id (a client_id is public in every authorization URL) must not be
 * something a stranger can lock:
 *
 * - per id **and source address**: BRUTE_FORCE_MAX_FAILURES failures in the window lock that
 *   address out for that id, for a wait that doubles with each lockout. This stops one address
 *   guessing one secret or password, without touching the real client or user at their own address.
 * - per id, **all addresses together**: BRUTE_FORCE_MAX_FAILURES_OVERALL failures in the window
 *   start the same growing wait, during which only addresses that authenticated as the id in
 *   the last 30 days are served; the others get 429 unchecked. This bounds guessing spread over
 *   many addresses (a botnet against one password), while the real client or user, at an address
 *   they used before, keeps working.
 * - per source address, **all ids together**: BRUTE_FORCE_MAX_FAILURES_PER_ADDRESS failures in the
 *   window lock that address out of every id it is not known to. This stops one address spraying
 *   guesses over many ids (one password against every account), each below its own bounds.
 *
 * Unknown ids are counted the same way, so a lockout says nothing about which ids exist. An IPv6
 * address counts as its /64, which one subscriber usually holds whole. A wait's doubling starts
 * again after an hour without a lockout.
 *
 * The counters live in this process's memory, bounded: a failed attempt costs no database write,
 * which an attacker could otherwise use to load the database, and with N instances an attacker
 * gets at most N times the attempts. A counter is forgotten only once it no longer matters (see
 * CounterTable); when a table is full of live counters, an address is refused for any id it is
 * not known to whose failure could not be counted, as if under an overall lockout.
 */
@Injectable()
export class ClientLockout {
  private readonly byAddressAndId: CounterTable;
  private readonly overall: CounterTable;
  private readonly byAddress: CounterTable;
  /** For each id, the addresses that authenticated as it, with when they last did; least recently used id first. */
  private readonly knownAddresses = new Map<string, Map<string, number>>();

  constructor(
    private readonly config: GatehouseConfig,
    private readonly clock: Clock,
  ) {
    const { windowMs } = config.bruteForce;
    this.byAddressAndId = new CounterTable(windowMs);
    this.overall = new CounterTable(windowMs);
    this.byAddress = new CounterTable(windowMs);
  }

  /** Seconds `address` must wait before it may try `identifier` again, else 0. */
  retryAfterSeconds(identifier: string, address: string): number {
    const id = identifierKey(identifier);
    const from = addressKey(address);
    const pair = pairKey(from, id);
    const now = this.clock.now();
    // This address's own lockout for the id holds even where the address is known to the id.
    let until = this.byAddressAndId.get(pair)?.lockedUntil ?? 0;
    if (!this.isKnown(id, from, now)) {
      until = Math.max(until, this.overall.get(id)?.lockedUntil ?? 0, this.byAddress.get(from)?.lockedUntil ?? 0);
      // A failure that could not be counted must not be risked: refused until a table has room.
      for (const [table, key] of [[this.byAddressAndId, pair], [this.overall, id], [this.byAddress, from]] as const) {
        if (!table.canCount(key, now)) until = Math.max(until, now + table.msUntilRoom(now));
      }
    }
    return until > now ? Math.ceil((until - now) / 1000) : 0;
  }

  /** Counts a failed authentication from `address`; answers the lockouts of the id it started. */
  recordFailure(identifier: string, address: string): StartedLockout[] {
    const { maxFailures, maxFailuresOverall, maxFailuresPerAddress } = this.config.bruteForce;
    if (maxFailures === 0) return [];
    const id = identifierKey(identifier);
    const from = addressKey(address);
    const pair = pairKey(from, id);
    const now = this.clock.now();
    const started: StartedLockout[] = [];
    if (this.byAddressAndId.canCount(pair, now)) {
      const own = this.count(this.byAddressAndId, pair, maxFailures, now);
      if (own) started.push({ scope: 'address', address: from, lockedUntil: new Date(own).toISOString() });
    } else {
      // Uncounted here, a known address would guess on unbounded: it is known no more, and so refused while the table is full.
      this.knownAddresses.get(id)?.delete(from);
    }
    if (maxFailuresOverall > 0 && this.overall.canCount(id, now)) {
      const all = this.count(this.overall, id, maxFailuresOverall, now);
      if (all) started.push({ scope: 'overall', address: from, lockedUntil: new Date(all).toISOString() });
    }
    if (maxFailuresPerAddress > 0 && this.byAddress.canCount(from, now)) this.count(this.byAddress, from, maxFailuresPerAddress, now);
    return started;
  }

  /**
   * Clears this address's count for the id and remembers the address as known to it. The
   * overall count and the address's count over all ids stay: successes must not refill an
   * attacker's budget (an attacker may hold a client or account of their own).
   */
  recordSuccess(identifier: string, address: string): void {
    const id = identifierKey(identifier);
    const from = addressKey(address);
    const now = this.clock.now();
    this.byAddressAndId.delete(pairKey(from, id));
    const known = this.knownAddresses.get(id);
    if (known) this.knownAddresses.delete(id);
    else if (this.knownAddresses.size >= MAX_TRACKED && !this.evictKnownAddresses(now)) return;
    const addresses = known ?? new Map<string, number>();
    addresses.delete(from);
    addresses.set(from, now);
    if (addresses.size > MAX_KNOWN_ADDRESSES) addresses.delete(addresses.keys().next().value!);
    this.knownAddresses.set(id, addresses);
  }

  status(identifier: string): LockoutStatus {
    const id = identifierKey(identifier);
    const now = this.clock.now();
    const overall = this.overall.get(id);
    const locked = overall !== undefined && overall.lockedUntil > now;
    const lockedAddresses: AddressLockoutStatus[] = [];
    for (const [key, counter] of this.byAddressAndId.entries()) {
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

  /**
   * Ends every lockout of the id and forgets its counts (the known addresses stay, and so do the
   * counts of addresses over all ids, which are not this id's).
   */
  clear(identifier: string): void {
    const id = identifierKey(identifier);
    this.overall.delete(id);
    for (const [key] of [...this.byAddressAndId.entries()]) if (addressOf(key, id) !== undefined) this.byAddressAndId.delete(key);
  }

  private isKnown(id: string, address: string, now: number): boolean {
    const lastSuccess = this.knownAddresses.get(id)?.get(address);
    return lastSuccess !== undefined && now - lastSuccess < KNOWN_ADDRESS_MS;
  }

  /**
   * Makes room for one more id's known addresses by forgetting those of the least recently used
   * id that is not under its overall lockout (there they are what keeps the real client or user
   * served). Answers false when none is found, and then the new id's address is not remembered.
   */
  private evictKnownAddresses(now: number): boolean {
    let looked = 0;
    for (const id of this.knownAddresses.keys()) {
      if (looked >= KNOWN_EVICTION_SCAN) return false;
      looked += 1;
      if ((this.overall.get(id)?.lockedUntil ?? 0) > now) continue;
      this.knownAddresses.delete(id);
      return true;
    }
    return false;
  }

  /** Counts one failure under `key`; answers when the lockout it started ends, if it started one. */
  private count(table: CounterTable, key: string, maxFailures: number, now: number): number | undefined {
    const { windowMs, lockoutMs } = this.config.bruteForce;
    const counter = table.get(key) ?? { failures: 0, windowStart: now, lockedUntil: 0, lockouts: 0 };
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
    table.set(key, counter);
    return lockedUntil;
  }
}

/**
 * The same protection for users' sign-in (ids `user:<canonical email>`), in counters of its own:
 * emails cost an attacker nothing to invent, and a spray of them over many addresses must neither
 * fill the tables that bound guessing on clients (which would refuse clients unchecked) nor evict
 * the addresses known to them.
 */
@Injectable()
export class UserSignInLockout extends ClientLockout {}

/** Wrong invitation codes, keyed `invitation:<user id>`, counted apart from sign-ins. */
@Injectable()
export class InvitationCodeLockout extends ClientLockout {}

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
