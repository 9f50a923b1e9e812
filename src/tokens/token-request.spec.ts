import { describe, expect, it } from '@jest/globals';
import { InvalidRequest, InvalidScope } from '../common/errors/oauth-errors.js';
import { parseScopeParameter, parseTokenRequest } from './token-request.js';

describe('parseTokenRequest', () => {
  it('keeps single string parameters, unknown ones included (RFC 6749 §3.2 says ignore them)', () => {
    expect(parseTokenRequest({ grant_type: 'client_credentials', scope: 'a b', extra: 'x' })).toEqual({ grant_type: 'client_credentials', scope: 'a b', extra: 'x' });
  });

  it('treats an absent body as no parameters', () => {
    expect(parseTokenRequest(undefined)).toEqual({});
    expect(parseTokenRequest('')).toEqual({});
  });

  it.each([
    ['a repeated parameter', { client_id: ['a', 'b'] }, 'The parameter client_id is repeated; send each parameter once'],
    ['a number', { client_secret: 1 }, 'The parameter client_secret must be a string'],
    ['an object', { scope: { a: 1 } }, 'The parameter scope must be a string'],
    ['a JSON array body', ['grant_type'], 'The token request body must be application/x-www-form-urlencoded or a JSON object'],
    ['a text body', 'grant_type=client_credentials', 'The token request body must be application/x-www-form-urlencoded or a JSON object'],
    ['an over-long value', { client_id: 'x'.repeat(4097) }, 'The parameter client_id is longer than 4096 characters'],
  ])('refuses %s', (_case, body, message) => {
    expect(() => parseTokenRequest(body)).toThrow(new InvalidRequest(message));
  });

  it('does not let a __proto__ parameter reach the prototype', () => {
    const params = parseTokenRequest(JSON.parse('{"__proto__": "x", "grant_type": "client_credentials"}'));
    expect(Object.getPrototypeOf(params)).toBeNull();
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});

describe('parseScopeParameter', () => {
  it('splits on spaces, drops empty parts and duplicates, keeps order', () => {
    expect(parseScopeParameter('b  a b ')).toEqual(['b', 'a']);
    expect(parseScopeParameter(undefined)).toEqual([]);
    expect(parseScopeParameter('   ')).toEqual([]);
  });

  it('refuses characters RFC 6749 §3.3 excludes', () => {
    expect(() => parseScopeParameter('ok "quoted"')).toThrow(InvalidScope);
    expect(() => parseScopeParameter('back\\slash')).toThrow(InvalidScope);
    expect(() => parseScopeParameter('tab\there')).toThrow(InvalidScope);
  });

  it('refuses more than 200 scopes', () => {
    expect(() => parseScopeParameter(Array.from({ length: 201 }, (_, i) => `s${i}`).join(' '))).toThrow(InvalidScope);
  });
});
