import { describe, expect, it } from '@jest/globals';
import { prettyStream } from './logger.js';

/** What the pretty format writes for each JSON line pino hands it, on a stream that is not a terminal (no colours). */
function pretty(entry: Record<string, unknown> | string): string {
  let written = '';
  prettyStream({ write: (text: string) => ((written += text), true) } as unknown as NodeJS.WritableStream).write(typeof entry === 'string' ? entry : JSON.stringify(entry));
  return written;
}

describe('the pretty log format', () => {
  const base = { level: 30, time: '2026-11-27T12:00:01.123Z', pid: 1, hostname: 'h', service: 'gatehouse' };

  it('writes a request as one line: method, path, status and time', () => {
    expect(pretty({ ...base, requestId: 'r1', method: 'POST', path: '/api/v1/oauth/token', statusCode: 200, responseTime: 4.4, msg: 'request completed' })).toBe('12:00:01 INFO  POST /api/v1/oauth/token 200 4 ms\n');
  });

  it("writes a message with its context and its other fields, and an error's stack indented below it", () => {
    expect(pretty({ ...base, level: 40, context: 'Keys', msg: 'Rotated', kid: 'abc' })).toBe('12:00:01 WARN  [Keys] Rotated kid=abc\n');
    expect(pretty({ ...base, level: 50, msg: 'request errored', err: { type: 'Error', message: 'boom', stack: 'Error: boom\n    at x' } })).toBe('12:00:01 ERROR request errored\n    Error: boom\n        at x\n');
  });

  it('passes a line that is not JSON through as it is', () => {
    expect(pretty('plain\n')).toBe('plain\n');
  });
});
