import { Global, Injectable, Module } from '@nestjs/common';

/**
 * The time, as one injectable part: everything that reads the time of day (expiry, lockouts,
 * caches, key rotation, audit timestamps) asks this, so that tests can move it on instead of sleeping.
 */
@Injectable()
export class Clock {
  /** Epoch milliseconds. */
  now(): number {
    return Date.now();
  }

  /** The present as a Date. */
  date(): Date {
    return new Date(this.now());
  }
}

/** Provides the one `Clock` to every module; global because nearly every module reads the time. */
@Global()
@Module({ providers: [Clock], exports: [Clock] })
export class ClockModule {}
