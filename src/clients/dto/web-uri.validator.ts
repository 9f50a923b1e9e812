import { registerDecorator, type ValidationOptions } from 'class-validator';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * An absolute https URL, or http on the loopback interface only (RFC 8252 §7.3 for native
 * apps; RFC 9700 §4.1 forbids cleartext redirects elsewhere). No fragment (RFC 6749 §3.1.2), no
 * credentials in the URL.
 */
export function isWebUri(value: unknown): boolean {
  if (typeof value !== 'string' || value.length > 2000) return false;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.hash !== '' || value.includes('#') || url.username !== '' || url.password !== '') return false;
  return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname));
}

export function IsWebUri(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isWebUri',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: `${String(propertyName)} must be an https URL (http only on localhost / 127.0.0.1 / [::1]) without a fragment`, ...options },
      validator: { validate: isWebUri },
    });
}
