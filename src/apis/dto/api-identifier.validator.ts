import { registerDecorator, type ValidationOptions } from 'class-validator';

export const MAX_API_IDENTIFIER_LENGTH = 255;

/** RFC 3986 §3.1: an absolute URI starts with its scheme. */
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;
/** Whitespace and control characters: a URL parser drops or escapes them, so the stored identifier would not be what resource servers compare `aud` with. */
const INVISIBLE = /[\s\p{Cc}]/u;

/**
 * An API identifier: an absolute URI (RFC 8707 §2: the `resource` parameter's form) with a
 * scheme and no fragment, at most 255 characters. It is stored and compared exactly as given, so
 * nothing a URL parser would quietly change (surrounding or embedded whitespace) is accepted.
 */
export function isApiIdentifier(value: unknown): boolean {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_API_IDENTIFIER_LENGTH) return false;
  if (INVISIBLE.test(value) || !SCHEME.test(value) || value.includes('#')) return false;
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
      options: { message: `${String(propertyName)} must be an absolute URI with a scheme and no fragment, without whitespace, at most ${MAX_API_IDENTIFIER_LENGTH} characters`, ...options },
      validator: { validate: isApiIdentifier },
    });
}
