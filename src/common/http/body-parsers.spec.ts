import { describe, expect, it } from '@jest/globals';
import { findDuplicateKey } from './body-parsers.js';

describe('findDuplicateKey', () => {
  it.each([
    ['{"a":1,"a":2}', 'a'],
    ['{"a":{"b":1,"c":{"d":1,"d":2}}}', 'd'],
    ['[{"x":1},{"y":[{"z":1,"z":1}]}]', 'z'],
    ['{"\\u0061":1,"a":2}', 'a'],
  ])('finds the repeated key in %s', (text, key) => {
    expect(findDuplicateKey(text)).toBe(key);
  });

  it.each(['{}', '{"a":1,"b":{"a":2}}', '[{"a":1},{"a":2}]', '"text"', '{"a":', ''])('finds none in %s', (text) => {
    expect(findDuplicateKey(text)).toBeUndefined();
  });
});
