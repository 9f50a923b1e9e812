import { describe, expect, it } from '@jest/globals';
import { canonicalEmail } from './canonical-email.js';

describe('canonicalEmail', () => {
  it('trims, lower-cases and composes, and keeps accents apart from their base letters', () => {
    expect(canonicalEmail('  Ada@Example.COM\t')).toBe('ada@example.com');
    expect(canonicalEmail('ZOE\u0308@example.com')).toBe('zo\u00eb@example.com');
    expect(canonicalEmail('zo\u00eb@example.com')).toBe('zo\u00eb@example.com');
    expect(canonicalEmail('l\u00f3ckme@example.com')).not.toBe(canonicalEmail('lockme@example.com'));
  });

  it('is idempotent', () => {
    for (const email of ['\u0130stanbul@example.com', 'STRASSE@example.com', 'stra\u00dfe@example.com', 'A\u030a@example.com']) {
      expect(canonicalEmail(canonicalEmail(email))).toBe(canonicalEmail(email));
    }
  });
});
