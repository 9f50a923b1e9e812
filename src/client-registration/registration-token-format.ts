import { createHash, randomBytes } from 'node:crypto';

/** Recognisable prefixes (as the personal access token's `gat_pat_`), so that secret scanners can find leaked tokens. */
export const INITIAL_ACCESS_TOKEN_PREFIX = 'gat_iat_';
export const REGISTRATION_ACCESS_TOKEN_PREFIX = 'gat_rat_';

/** A new token: its prefix and 32 random bytes, base64url. */
export const newToken = (prefix: string): string => prefix + randomBytes(32).toString('base64url');

/** Tokens are stored as their SHA-256 only: 256 random bits need no slow hash. */
export const tokenHash = (token: string): string => createHash('sha256').update(token).digest('hex');

/** The first characters of a token, kept so that its owner can recognise it. */
export const tokenDisplayPrefix = (token: string): string => token.slice(0, INITIAL_ACCESS_TOKEN_PREFIX.length + 4);
