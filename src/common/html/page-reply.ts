import { type FastifyReply } from 'fastify';
import { DOCUMENT_SECURITY_HEADERS } from './document-security-headers.js';
import { PAGE_REFERRER_POLICY, pageContentSecurityPolicy, scriptHash } from './html.js';

/**
 * Sends a server-rendered page: never cached, with helmet's document headers and its own CSP and
 * referrer policy. `redirectTarget` is where one of its forms may end up after redirects (a
 * client's redirect URI), which the CSP's form-action must allow; `scripts`, the page's inline
 * scripts, each allowed by its hash.
 */
export function sendPage(reply: FastifyReply, status: number, body: string, redirectTarget?: string, scripts: readonly string[] = []): void {
  const formTargets = redirectTarget && /^https?:\/\/[^\s;,']+$/.test(redirectTarget) ? [new URL(redirectTarget).origin] : [];
  reply
    .status(status)
    .headers(DOCUMENT_SECURITY_HEADERS)
    .header('Cache-Control', 'no-store')
    .header('Content-Security-Policy', pageContentSecurityPolicy(formTargets, scripts.map(scriptHash)))
    .header('Referrer-Policy', PAGE_REFERRER_POLICY)
    .type('text/html; charset=utf-8')
    .send(body);
}
