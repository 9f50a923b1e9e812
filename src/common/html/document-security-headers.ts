import { type IncomingMessage, type ServerResponse } from 'node:http';
import helmet, { type HelmetOptions } from 'helmet';

const HELMET_OPTIONS: HelmetOptions = {
  contentSecurityPolicy: {
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:'],
      fontSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      frameAncestors: ["'none'"],
      formAction: ["'self'"],
      baseUri: ["'self'"],
    },
  },
};

/**
 * helmet's headers, worked out once: they do not depend on the request, and `@fastify/helmet`
 * rebuilds helmet (parsing the CSP directives) on every request, which cost 7% of a bearer
 * request's CPU in the benchmark's profile. helmet answers synchronously; if a version ever did
 * not, starting would fail here rather than send documents without their headers.
 */
function helmetHeaders(): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader: (name: string, value: string) => (headers[name.toLowerCase()] = value),
    removeHeader: (name: string) => delete headers[name.toLowerCase()],
  };
  let done = false;
  helmet(HELMET_OPTIONS)({} as IncomingMessage, response as unknown as ServerResponse, (error?: unknown) => {
    if (error) throw error as Error;
    done = true;
  });
  if (!done) throw new Error('helmet did not set its headers synchronously');
  return Object.freeze(headers);
}

/**
 * Headers for HTML documents (Swagger UI at /docs, the sign-in, consent and account pages):
 * helmet's whole set, whose cross-origin isolation, DNS-prefetch and download options only mean
 * something to a browser rendering a page. The pages replace the CSP and referrer policy with
 * their own (sendPage).
 */
export const DOCUMENT_SECURITY_HEADERS = helmetHeaders();
