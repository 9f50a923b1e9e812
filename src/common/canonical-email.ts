/**
 * The one form of an email address that the database, the sign-in lockout and every comparison
 * use: surrounding space trimmed, lower-cased, in Unicode NFC. NFC on both sides of the case
 * mapping, so that an address typed precomposed (`ë`) or decomposed (`e` + U+0308) is one account.
 * Accents are kept: `lóckme@` and `lockme@` are different addresses.
 */
export function canonicalEmail(email: string): string {
  return email.trim().normalize('NFC').toLowerCase().normalize('NFC');
}
