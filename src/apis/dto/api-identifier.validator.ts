import { registerDecorator, type ValidationOptions } from 'class-validator';

export const MAX_API_IDENTIFIER_LENGTH = 255;

/** RFC 3986 §3.1: an absolute URI starts with its scheme. */
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;
/**
 * RFC 3986's characters (unreserved, reserved, and `%` of percent-encoding). Anything else
 * (whitespace, control characters, backslashes, non-ASCII) a URL parser drops, rewrites or
 * escapes, so the stored identifier would not be what resource servers compare `aud` with.
 */
const URI_CHARACTERS = /^[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]+$/;

/**
 * An API identifier: an absolute URI (RFC 8707 §2: the `resource` parameter's form) with a
 * scheme and no fragment, at most 255 characters, of RFC 3986's characters. It is stored and
 * compared exactly as given, so nothing a URL parser would quietly change is accepted.
 */
export function isApiIdentifier(value: unknown): boolean {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_API_IDENTIFIER_LENGTH) return false;
  if (!URI_CHARACTERS.test(value) || !SCHEME.test(value) || value.includes('#')) return false;
  try {
    new URL(value);
  } catch {
    return false;
  }
  return true;
}

export function IsApiIdentifier(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isApiIdentifier',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: `${String(propertyName)} must be an absolute URI with a scheme and no fragment, of RFC 3986 characters only (no whitespace), at most ${MAX_API_IDENTIFIER_LENGTH} characters`, ...options },
      validator: { validate: isApiIdentifier },
    });
}
