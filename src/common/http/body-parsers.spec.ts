import { describe, expect, it } from '@jest/globals';
import { checkedJsonText, exceedsDepth, MAX_JSON_DEPTH, parseForm } from './body-parsers.js';

const nested = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

describe('checkedJsonText', () => {
  it.each([
    ['{"a":1,"a":2}', 'a'],
    ['{"a":{"b":1,"c":{"d":1,"d":2}}}', 'd'],
    ['[{"x":1},{"y":[{"z":1,"z":1}]}]', 'z'],
    ['{"\\u0061":1,"a":2}', 'a'],
    ['\uFEFF{"scope":"a","scope":"key:rotate"}', 'scope'],
    [' \n{"scope":"a","scope":"b"}', 'scope'],
  ])('refuses the repeated key in %j', (text, key) => {
    expect(() => checkedJsonText(text)).toThrow(`The JSON body repeats the key ${JSON.stringify(key)}`);
  });

  it('refuses a repeated key hidden beyond the nesting bound as too deep, never unchecked', () => {
    const deep = `{"scopes":[],"scopes":["key:rotate"],"name":${nested(5000)}}`;
    expect(() => checkedJsonText(deep)).toThrow(`nested more than ${MAX_JSON_DEPTH} levels deep`);
  });

  it.each([
    ['an object', nested(MAX_JSON_DEPTH + 1)],
    ['an array', `${'['.repeat(MAX_JSON_DEPTH + 1)}${']'.repeat(MAX_JSON_DEPTH + 1)}`],
    ['3,000 levels in an 18 KB body', `{"scopes":[],"name":${nested(3000)}}`],
    ['an unterminated deep body', '['.repeat(100_000)],
  ])('refuses nesting deeper than the bound: %s', (_name, text) => {
    expect(() => checkedJsonText(text)).toThrow(`nested more than ${MAX_JSON_DEPTH} levels deep`);
  });

  it('accepts nesting up to the bound, and brackets inside strings are not nesting', () => {
    expect(checkedJsonText(nested(MAX_JSON_DEPTH))).toBe(nested(MAX_JSON_DEPTH));
    const text = JSON.stringify({ name: '[['.repeat(100), quote: '\\"{{{{', b: '\\' });
    expect(checkedJsonText(text)).toBe(text);
  });

  it('drops one leading byte-order mark, so the check and the parse read the same text', () => {
    expect(checkedJsonText('\uFEFF{"a":1}')).toBe('{"a":1}');
    expect(() => checkedJsonText('\uFEFF\uFEFF{"a":1}')).toThrow('not valid JSON');
  });

  it.each(['{"a":', '', ' ', '\uFEFF', '{"a":1}x', "{'a':1}", '{"a":1,}', '{"a":1 // c\n}'])('refuses text it cannot check, %j, instead of passing it on', (text) => {
    expect(() => checkedJsonText(text)).toThrow(/JSON/);
  });

  it.each(['{}', '{"a":1,"b":{"a":2}}', '[{"a":1},{"a":2}]', '"text"', '[]', 'null'])('accepts %s', (text) => {
    expect(checkedJsonText(text)).toBe(text);
  });
});

describe('exceedsDepth', () => {
  it('counts only brackets outside strings', () => {
    expect(exceedsDepth('[[[]]]', 2)).toBe(true);
    expect(exceedsDepth('[["[[[["]]', 2)).toBe(false);
    expect(exceedsDepth('["\\"[[[["]', 1)).toBe(false);
  });
});

describe('parseForm', () => {
  it('reads one string per parameter', () => {
    expect({ ...parseForm('grant_type=client_credentials&scope=a+b%20c&empty=') }).toEqual({ grant_type: 'client_credentials', scope: 'a b c', empty: '' });
  });

  it.each(['scope=a&scope=key:rotate', 'a=1&b=2&a=1', 'scope=a&scop%65=b'])('refuses a repeated parameter in %s', (body) => {
    expect(() => parseForm(body)).toThrow(/is repeated; send each parameter once/);
  });

  it('keeps __proto__ a plain parameter', () => {
    const form = parseForm('__proto__=x&constructor=y');
    expect(Object.getPrototypeOf(form)).toBeNull();
    expect(form.__proto__).toBe('x');
  });
});
