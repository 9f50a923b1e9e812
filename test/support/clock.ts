import { jest } from '@jest/globals';
import { Clock } from '../../src/common/clock.js';
import { type TestApp } from './test-app.js';

/** A clock that stands still until the test moves it on, for parts built by hand (unit and medium specs). */
export class ManualClock extends Clock {
  constructor(private time = Date.now()) {
    super();
  }

  override now(): number {
    return this.time;
  }

  advance(ms: number): void {
    this.time += ms;
  }
}

/** Stops the app's clock at the present; the test moves it on with `advance` instead of sleeping. */
export function manualClock(app: TestApp): { now(): number; advance(ms: number): void } {
  let now = Date.now();
  jest.spyOn(app.app.get(Clock), 'now').mockImplementation(() => now);
  return {
    now: () => now,
    advance(ms: number) {
      now += ms;
    },
  };
}
