import { createHash } from 'node:crypto';
import { type FastifyReply } from 'fastify';
import { DOCUMENT_SECURITY_HEADERS } from './document-security-headers.js';
import { html, layout, SafeHtml } from './html.js';

/** How an authorization response reaches the client: RFC 6749's query, or OAuth 2.0 Form Post Response Mode. */
export const RESPONSE_MODES = ['query', 'form_post'] as const;
export type ResponseMode = (typeof RESPONSE_MODES)[number];

export const isResponseMode = (value: string): value is ResponseMode => (RESPONSE_MODES as readonly string[]).includes(value);

/** The form post page's one script; the CSP allows exactly this text by its hash. */
const AUTO_SUBMIT = 'document.forms[0].submit();';
export const FORM_POST_SCRIPT_HASH = `'sha256-${createHash('sha256').update(AUTO_SUBMIT).digest('base64')}'`;

/**
 * The form post page's policy: its one script by hash, nothing else loads. No form-action: the
 * form's only target is the client's registered redirect URI, and form-action would also bind
 * where the client's callback redirects the browser next, which is the client's business.
 */
export const FORM_POST_CONTENT_SECURITY_POLICY = ["default-src 'none'", `script-src ${FORM_POST_SCRIPT_HASH}`, "style-src 'unsafe-inline'", "frame-ancestors 'none'", "base-uri 'none'"].join('; ');

/**
 * OAuth 2.0 Form Post Response Mode: a page that posts the response fields to the redirect URI
 * at once, or at the press of its button in a browser without script.
 */
export function formPostPage(redirectUri: string, fields: Readonly<Record<string, string>>): string {
  return layout(
    'Returning to the application',
    html`<h1>Returning to the application</h1>
<form method="post" action="${redirectUri}">
${Object.entries(fields).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}
<p>If nothing happens, continue to <strong>${new URL(redirectUri).origin}</strong>:</p>
<button class="primary" type="submit">Continue</button>
</form>
<script>${new SafeHtml(AUTO_SUBMIT)}</script>`,
  );
}

/** An authorization response (a code, or an error) on its way back to the client's validated redirect URI. */
export class AuthorizationResponse {
  constructor(
    readonly redirectUri: string,
    readonly fields: Readonly<Record<string, string>>,
    readonly mode: ResponseMode,
  ) {}

  /** The redirect URI with the fields in its query (response_mode=query). */
  location(): string {
    const url = new URL(this.redirectUri);
    for (const [name, value] of Object.entries(this.fields)) url.searchParams.set(name, value);
    return url.toString();
  }

  send(reply: FastifyReply, redirectStatus: 302 | 303): void {
    reply.header('Cache-Control', 'no-store');
    if (this.mode === 'query') {
      reply.redirect(this.location(), redirectStatus);
      return;
    }
    reply
      .status(200)
      .headers(DOCUMENT_SECURITY_HEADERS)
      .header('Content-Security-Policy', FORM_POST_CONTENT_SECURITY_POLICY)
      // The page's URL holds the authorization request; the client needs none of it from a Referer.
      .header('Referrer-Policy', 'no-referrer')
      .type('text/html; charset=utf-8')
      .send(formPostPage(this.redirectUri, this.fields));
  }
}
