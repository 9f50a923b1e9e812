import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { GatehouseConfig } from '../config/gatehouse-config.js';
import { addressKey } from '../common/http/address-key.js';
import { MAX_TRACKED } from '../lockout/client-lockout.js';
import { RegistrationRateLimited } from './registration-errors.js';

const HOUR_MS = 3_600_000;

/**
 * Anonymous registrations per source address (IPv6 by its /64, as the lockouts count): at most
 * OPEN_REGISTRATION_PER_HOUR in a fixed hour window. Counters are per instance, like the lockouts.
 * Every anonymous attempt counts, refused ones too: the limit is on what an address may try.
 */
@Injectable()
export class OpenRegistrationLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly config: GatehouseConfig,
    private readonly clock: Clock,
  ) {}

  take(ip: string): void {
    const now = this.clock.now();
    const key = addressKey(ip);
    let window = this.windows.get(key);
    if (window === undefined || now - window.start >= HOUR_MS) {
      this.windows.delete(key);
      // Bounded memory: the oldest window goes first (Map keeps insertion order).
      if (this.windows.size >= MAX_TRACKED) this.windows.delete(this.windows.keys().next().value!);
      window = { start: now, count: 0 };
      this.windows.set(key, window);
    }
    if (window.count >= this.config.openRegistrationPerHour) throw new RegistrationRateLimited(Math.ceil((window.start + HOUR_MS - now) / 1000));
    window.count += 1;
  }
}
