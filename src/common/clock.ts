import { Injectable } from '@nestjs/common';

/** The time, as one injectable part, so that tests can move it on instead of sleeping. */
@Injectable()
export class Clock {
  /** Epoch milliseconds. */
  now(): number {
    return Date.now();
  }
}
