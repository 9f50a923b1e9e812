import { describe, expect, it } from '@jest/globals';
import { Clock } from '../common/clock.js';
import { validateEnvironment } from '../config/environment.js';
import { GatehouseConfig } from '../config/gatehouse-config.js';
import { addressKey, ClientLockout } from './client-lockout.js';

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
    const { lockout: counters } = lockout({ BRUTE_FORCE_MAX_FAILURES: '1000', BRUTE_FORCE_MAX_FAILURES_OVERALL: '1000' });
    const internals = counters as unknown as { byAddress: Map<string, unknown>; overall: Map<string, unknown> };
    for (let index = 0; index < 100_050; index += 1) counters.recordFailure(`id-${index}`, '198.51.100.1');
    expect(internals.byAddress.size).toBe(100_000);
    expect(internals.overall.size).toBe(100_000);
    counters.recordFailure('x'.repeat(60_000), '198.51.100.1');
    expect(Math.max(...[...internals.overall.keys()].map((key) => key.length))).toBeLessThan(400);
  });
});
