import { jest } from '@jest/globals';
import { Clock } from '../../src/common/clock.js';
import { type TestApp } from './test-app.js';

/** Stops the app's clock at the present; the test moves it on with `advance` instead of sleeping. */
export function manualClock(app: TestApp): { advance(ms: number): void } {
  let now = Date.now();
  jest.spyOn(app.app.get(Clock), 'now').mockImplementation(() => now);
  return {
    advance(ms: number) {
      now += ms;
    },
  };
}
