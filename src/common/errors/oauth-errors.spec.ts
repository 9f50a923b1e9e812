import { describe, expect, it } from '@jest/globals';
import { errorDescription, InvalidRequest } from './oauth-errors.js';

describe('error_description (RFC 6749 §5.2)', () => {
  it("keeps printable ASCII, turns double quotes into single ones and backslashes, control and non-ASCII characters into ?", () => {
    expect(errorDescription('resource https://ü.example.com/"\\x\n is unknown')).toBe("resource https://?.example.com/'?x? is unknown");
    expect(errorDescription("The client may not request: a:b c'd [e]")).toBe("The client may not request: a:b c'd [e]");
  });

  it('is what an OAuth error body carries', () => {
    expect(new InvalidRequest('bad "value"').body()).toEqual({ error: 'invalid_request', error_description: "bad 'value'" });
  });
});
