import { describe, expect, it } from '@jest/globals';
import { Clock } from '../common/clock.js';
import { validateEnvironment } from '../config/environment.js';
import { GatehouseConfig } from '../config/gatehouse-config.js';
import { addressKey } from '../common/http/address-key.js';
import { ClientLockout, MAX_TRACKED } from './client-lockout.js';

class ManualClock extends Clock {
  time = Date.UTC(2026, 0, 1);
  override now(): number {
    return this.time;
  }
}

function lockout(environment: Record<string, string> = {}): { lockout: ClientLockout; clock: ManualClock } {
  const clock = new ManualClock();
  const config = new GatehouseConfig(validateEnvironment({ BRUTE_FORCE_MAX_FAILURES: '3', BRUTE_FORCE_MAX_FAILURES_OVERALL: '5', BRUTE_FORCE_LOCKOUT_SECONDS: '10', ...environment }));
  return { lockout: new ClientLockout(config, clock), clock };
}

describe('ClientLockout', () => {
  it('counts an IPv4 address as itself, mapped or not, and an IPv6 address as its /64', () => {
    expect(addressKey('203.0.113.7')).toBe('203.0.113.7');
    expect(addressKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(addressKey('2001:db8:0:1:aaaa::1')).toBe('2001:db8:0:1::/64');
    expect(addressKey('2001:0db8:0000:0001:ffff:ffff:ffff:ffff')).toBe('2001:db8:0:1::/64');
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
  });

  it('locks one IPv6 /64 as a whole', () => {
    const { lockout: counters } = lockout();
    for (let index = 1; index <= 3; index += 1) counters.recordFailure('app', `2001:db8:0:1::${index}`);
    expect(counters.retryAfterSeconds('app', '2001:db8:0:1::ffff')).toBe(10);
    expect(counters.retryAfterSeconds('app', '2001:db8:0:2::1')).toBe(0);
  });

  it('doubles the wait with each lockout of an address, and starts over after an hour without one', () => {
    const { lockout: counters, clock } = lockout({ BRUTE_FORCE_MAX_FAILURES_OVERALL: '0' });
    const lockOut = () => {
      for (let index = 0; index < 3; index += 1) counters.recordFailure('app', '198.51.100.1');
      return counters.retryAfterSeconds('app', '198.51.100.1');
    };
    expect(lockOut()).toBe(10);
    clock.time += 10_000;
    expect(lockOut()).toBe(20);
    clock.time += 20_000;
    expect(lockOut()).toBe(40);
    clock.time += 40_000 + 3_600_001;
    expect(lockOut()).toBe(10);
  });

  it('does not let successes refill the overall budget; past it, serves only known addresses', () => {
    const { lockout: counters } = lockout({ BRUTE_FORCE_MAX_FAILURES: '100' });
    for (let index = 0; index < 4; index += 1) {
      counters.recordFailure('app', `198.51.100.${index}`);
      counters.recordSuccess('app', '192.0.2.1');
    }
    expect(counters.status('app')).toMatchObject({ failures: 4, locked: false });
    expect(counters.recordFailure('app', '198.51.100.9')).toEqual([{ scope: 'overall', address: '198.51.100.9', lockedUntil: expect.any(String) }]);
    expect(counters.retryAfterSeconds('app', '198.51.100.10')).toBe(10);
    expect(counters.retryAfterSeconds('app', '192.0.2.1')).toBe(0);
    // Another id is not affected.
    expect(counters.retryAfterSeconds('other', '198.51.100.10')).toBe(0);
  });

  it('forgets a known address after 30 days', () => {
    const { lockout: counters, clock } = lockout();
    counters.recordSuccess('app', '192.0.2.1');
    clock.time += 30 * 86_400_000;
    for (let index = 0; index < 5; index += 1) counters.recordFailure('app', `198.51.100.${index}`);
    expect(counters.retryAfterSeconds('app', '192.0.2.1')).toBe(10);
  });

  it('keeps its memory bounded, and huge ids small', () => {
    const { lockout: counters } = lockout({ BRUTE_FORCE_MAX_FAILURES: '1000', BRUTE_FORCE_MAX_FAILURES_OVERALL: '1000', BRUTE_FORCE_MAX_FAILURES_PER_ADDRESS: '0' });
    const tables = tablesOf(counters);
    for (let index = 0; index < MAX_TRACKED + 50; index += 1) counters.recordFailure(`id-${index}`, '198.51.100.1');
    expect(tables.byAddressAndId.size).toBe(MAX_TRACKED);
    expect(tables.overall.size).toBe(MAX_TRACKED);
    flood(counters, MAX_TRACKED + 50);
    expect(tables.byAddressAndId.size).toBe(MAX_TRACKED);
    expect(tables.overall.size).toBe(MAX_TRACKED);
    expect(tables.byAddress.size).toBe(0);
    const { lockout: fresh } = lockout();
    fresh.recordFailure('x'.repeat(60_000), '198.51.100.1');
    const keys = [...tablesOf(fresh).overall.entries()].map(([key]) => key);
    expect(keys).toHaveLength(1);
    expect(keys[0]!.length).toBeLessThan(400);
  });

  it('locks an address that sprays failures over many ids out of every id it is not known to', () => {
    const { lockout: counters } = lockout({ BRUTE_FORCE_MAX_FAILURES_PER_ADDRESS: '5' });
    counters.recordSuccess('mine', '198.51.100.1');
    for (let index = 0; index < 4; index += 1) counters.recordFailure(`user:${index}@example.com`, '198.51.100.1');
    // Its own successes do not refill its budget.
    counters.recordSuccess('mine', '198.51.100.1');
    expect(counters.retryAfterSeconds('user:new@example.com', '198.51.100.1')).toBe(0);
    counters.recordFailure('user:4@example.com', '198.51.100.1');
    expect(counters.retryAfterSeconds('user:new@example.com', '198.51.100.1')).toBe(10);
    expect(counters.retryAfterSeconds('app', '198.51.100.1')).toBe(10);
    // The id it authenticated as keeps serving it; other addresses are not affected.
    expect(counters.retryAfterSeconds('mine', '198.51.100.1')).toBe(0);
    expect(counters.retryAfterSeconds('app', '198.51.100.2')).toBe(0);
  });

  describe('when flooded with failures on other ids', () => {
    // Failures on distinct unknown ids from distinct addresses, each answered 401 and counted.
    const setUp = () => {
      const { lockout: counters, clock } = lockout({ BRUTE_FORCE_MAX_FAILURES_PER_ADDRESS: '0' });
      counters.recordSuccess('app', '192.0.2.1');
      return { counters, clock };
    };

    it('keeps a locked-out id locked out, and its doubling', () => {
      const { counters, clock } = setUp();
      for (let index = 0; index < 5; index += 1) counters.recordFailure('app', `198.51.100.${index}`);
      expect(counters.retryAfterSeconds('app', '198.51.100.9')).toBe(10);
      flood(counters, MAX_TRACKED);
      // (A new address is now refused for the flood's 61 s anyway: see below.)
      expect(counters.retryAfterSeconds('app', '198.51.100.0')).toBe(10);
      expect(counters.status('app')).toMatchObject({ locked: true, lockouts: 1 });
      // Once the flood's counters are spent the room is used again, and the next lockout still doubles.
      clock.time += 61_000;
      for (let index = 0; index < 5; index += 1) counters.recordFailure('app', `198.51.100.${index + 10}`);
      expect(counters.retryAfterSeconds('app', '198.51.100.9')).toBe(20);
    });

    it('keeps an id counting towards its overall lockout, and an address towards its own', () => {
      const { counters } = setUp();
      counters.recordFailure('app', '198.51.100.1');
      counters.recordFailure('app', '198.51.100.2');
      counters.recordFailure('app', '203.0.113.5');
      counters.recordFailure('app', '203.0.113.5');
      flood(counters, MAX_TRACKED);
      expect(counters.recordFailure('app', '203.0.113.5')).toEqual([
        { scope: 'address', address: '203.0.113.5', lockedUntil: expect.any(String) },
        { scope: 'overall', address: '203.0.113.5', lockedUntil: expect.any(String) },
      ]);
      expect(counters.retryAfterSeconds('app', '198.51.100.1')).toBe(10);
    });

    it('refuses what it cannot count, except at addresses known to the id, until the flood is spent', () => {
      const { counters, clock } = setUp();
      flood(counters, MAX_TRACKED + 10);
      // Every counter is live for the 60 s window: a new id cannot be counted, so it is not checked.
      expect(counters.retryAfterSeconds('user:someone@example.com', '198.51.100.9')).toBe(61);
      expect(counters.retryAfterSeconds('app', '198.51.100.9')).toBe(61);
      // The real client at its own address is served, and its success changes nothing.
      expect(counters.retryAfterSeconds('app', '192.0.2.1')).toBe(0);
      counters.recordSuccess('app', '192.0.2.1');
      // The wait counts down to when the flood's counters are spent, and then new ids are counted again.
      clock.time += 30_000;
      expect(counters.retryAfterSeconds('app', '198.51.100.9')).toBe(31);
      clock.time += 31_001;
      expect(counters.retryAfterSeconds('app', '198.51.100.9')).toBe(0);
      expect(counters.recordFailure('user:someone@example.com', '198.51.100.9')).toEqual([]);
      expect(counters.status('user:someone@example.com')).toMatchObject({ failures: 1 });
    });

    it('stops serving a known address whose failure it cannot count', () => {
      const { counters } = setUp();
      flood(counters, MAX_TRACKED);
      expect(counters.retryAfterSeconds('app', '192.0.2.1')).toBe(0);
      counters.recordFailure('app', '192.0.2.1');
      expect(counters.retryAfterSeconds('app', '192.0.2.1')).toBe(61);
    });

    it('keeps the known addresses of an id under its overall lockout when successes on other ids fill their table', () => {
      const { counters } = setUp();
      for (let index = 0; index < 5; index += 1) counters.recordFailure('app', `198.51.100.${index}`);
      for (let index = 0; index < MAX_TRACKED + 10; index += 1) counters.recordSuccess(`own-${index}`, '203.0.113.1');
      expect(counters.retryAfterSeconds('app', '192.0.2.1')).toBe(0);
      expect(counters.retryAfterSeconds('app', '198.51.100.9')).toBe(10);
      // The least recently used ids not under a lockout went instead.
      expect(tablesOf(counters).knownAddresses.size).toBe(MAX_TRACKED);
      expect(tablesOf(counters).knownAddresses.has('own-0')).toBe(false);
    });
  });
});

interface Table {
  size: number;
  entries(): IterableIterator<[string, unknown]>;
}

function tablesOf(counters: ClientLockout): { byAddressAndId: Table; overall: Table; byAddress: Table; knownAddresses: Map<string, unknown> } {
  return counters as unknown as { byAddressAndId: Table; overall: Table; byAddress: Table; knownAddresses: Map<string, unknown> };
}

/** `count` failures, each on a new unknown id from a new address in 10.0.0.0/8. */
function flood(counters: ClientLockout, count: number): void {
  for (let index = 0; index < count; index += 1) counters.recordFailure(`no-such-client-${index}`, `10.${(index >> 16) & 255}.${(index >> 8) & 255}.${index & 255}`);
}
