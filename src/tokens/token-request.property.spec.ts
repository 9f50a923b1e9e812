import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { InvalidRequest, InvalidScope, OAuthError } from '../common/errors/oauth-errors.js';
import { narrowScopes, parseScopeParameter, parseTokenRequest } from './token-request.js';

/** RFC 6749 §3.3 scope-token characters. */
const scopeChar = fc.constantFrom(...[0x21, ...Array.from({ length: 0x5b - 0x23 + 1 }, (_, i) => 0x23 + i), ...Array.from({ length: 0x7e - 0x5d + 1 }, (_, i) => 0x5d + i)].map((code) => String.fromCharCode(code)));
const scopeToken = fc.string({ unit: scopeChar, minLength: 1, maxLength: 20 });
const spaces = fc.string({ unit: fc.constant(' '), minLength: 1, maxLength: 3 });

describe('token request parser (properties)', () => {
  it('keeps any record of string values as it is', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 1, maxLength: 20 }), fc.string({ maxLength: 100 })), (body) => {
        expect({ ...parseTokenRequest(body) }).toEqual({ ...body });
      }),
    );
  });

  it('refuses any body in which some parameter is repeated (an array), with invalid_request', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 1, maxLength: 10 }), fc.string()), fc.string({ minLength: 1, maxLength: 10 }), fc.array(fc.string(), { minLength: 2, maxLength: 4 }), (body, name, values) => {
        expect(() => parseTokenRequest({ ...body, [name]: values })).toThrow(InvalidRequest);
      }),
    );
  });

  it('never fails with anything but an OAuth error, whatever JSON it is given', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (body) => {
        try {
          parseTokenRequest(body);
        } catch (error) {
          expect(error).toBeInstanceOf(OAuthError);
        }
      }),
    );
  });
});

describe('scope parameter and scope matcher (properties)', () => {
  it('reads back any list of scope tokens joined by runs of spaces, without duplicates, in order', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(scopeToken, spaces), { maxLength: 30 }), spaces, (parts, leading) => {
        const text = leading + parts.map(([token, gap]) => token + gap).join('');
        const expected = [...new Set(parts.map(([token]) => token))];
        expect(parseScopeParameter(text)).toEqual(expected);
      }),
    );
  });

  it('refuses any scope with a character RFC 6749 excludes, with invalid_scope', () => {
    fc.assert(
      fc.property(scopeToken, fc.constantFrom('"', '\\', '\t', '\n', '\u0000', 'é', '\u{1F600}'), scopeToken, (before, bad, after) => {
        expect(() => parseScopeParameter(`${before}${bad}${after}`)).toThrow(InvalidScope);
      }),
    );
  });

  it('grants exactly a held subset, all held scopes when none are asked for, and nothing beyond them', () => {
    fc.assert(
      fc.property(fc.uniqueArray(scopeToken, { maxLength: 15 }), fc.array(scopeToken, { maxLength: 10 }), (held, wanted) => {
        const requested = [...new Set(wanted)];
        if (requested.every((scope) => held.includes(scope))) {
          const granted = narrowScopes(held, requested);
          expect(granted).toEqual(requested.length > 0 ? requested : held);
          for (const scope of granted) expect(held).toContain(scope);
        } else {
          expect(() => narrowScopes(held, requested)).toThrow(InvalidScope);
        }
      }),
    );
  });
});
