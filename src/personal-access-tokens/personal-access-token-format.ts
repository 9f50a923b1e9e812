import { createHash, randomBytes } from 'node:crypto';

/** A recognisable prefix (as GitHub's `ghp_`), so that secret scanners can find leaked tokens. */
export const PERSONAL_ACCESS_TOKEN_PREFIX = 'gat_pat_';

/** A new token: the prefix and 32 random bytes, base64url. */
export const newPersonalAccessToken = (): string => PERSONAL_ACCESS_TOKEN_PREFIX + randomBytes(32).toString('base64url');

/** Whether a bearer string is a personal access token (rather than a JWT access token). */
export const isPersonalAccessToken = (token: string): boolean => token.startsWith(PERSONAL_ACCESS_TOKEN_PREFIX);

/** The first characters of a token, kept to let its owner recognise it. */
export const personalAccessTokenDisplayPrefix = (token: string): string => token.slice(0, PERSONAL_ACCESS_TOKEN_PREFIX.length + 4);

/** Tokens are stored as their SHA-256 only. */
export const personalAccessTokenHash = (token: string): string => createHash('sha256').update(token).digest('hex');
