import { createHash } from 'node:crypto';
import escapeHtml from 'escape-html';

/** Markup that is already safe to send: what `html` returns. Anything else interpolated is escaped. */
export class SafeHtml {
  constructor(readonly value: string) {}

  toString(): string {
    return this.value;
  }
}

function render(value: unknown): string {
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === undefined || value === null || value === false) return '';
  return escapeHtml(String(value));
}

/**
 * A template tag for server-rendered pages: every interpolated value is HTML-escaped unless it is
 * itself `html` output, so user-controlled text (client names, scopes, emails) cannot inject markup.
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0]!;
  values.forEach((value, index) => (out += render(value) + strings[index + 1]!));
  return new SafeHtml(out);
}

/**
 * One column that never touches the screen's edges (at 320 px too: border-box, padding that
 * shrinks with the viewport). Scope codes are `code.token`: each one never breaks (nowrap, and an
 * over-long one scrolls inside itself rather than widening the page); lines wrap between codes.
 */
const STYLE = `
  :root { color-scheme: light dark; --accent: #2454c5; --link: #1f4bb4; --focus: #2454c5; }
  @media (prefers-color-scheme: dark) { :root { --link: #9db8ff; --focus: #9db8ff; } }
  *, *::before, *::after { box-sizing: border-box; }
  body { font: 16px/1.5 system-ui, sans-serif; margin: 0; display: flex; justify-content: center; background: Canvas; color: CanvasText; }
  main { width: min(28rem, 100% - 1rem); margin: 1.5rem 0.5rem; padding: clamp(1rem, 5vw, 2rem); border: 1px solid #8884; border-radius: 12px; overflow-wrap: break-word; }
  main.wide { width: min(42rem, 100% - 1rem); }
  h1 { font-size: 1.4rem; margin: 0 0 1rem; }
  h2 { font-size: 1.1rem; margin: 1.5rem 0 0.5rem; }
  a { color: var(--link); }
  code { font-size: 0.9em; }
  .scope-code { white-space: nowrap; }
  code.token { white-space: nowrap; display: inline-block; max-width: 100%; overflow-x: auto; vertical-align: bottom; }
  label { display: block; margin: 1rem 0 0.25rem; font-weight: 600; }
  fieldset { border: 1px solid #8886; border-radius: 6px; margin: 1rem 0 0; padding: 0.5rem 0.8rem; min-width: 0; }
  legend { font-weight: 600; padding: 0 0.25rem; }
  fieldset label.check { display: flex; gap: 0.5rem; align-items: baseline; font-weight: normal; margin: 0.4rem 0; }
  input[type=email], input[type=password], input[type=text], input[type=number], select { width: 100%; padding: 0.6rem; font: inherit; border: 1px solid #8888; border-radius: 6px; }
  input[type=checkbox] { width: 1.1rem; height: 1.1rem; flex: none; margin: 0; }
  input[aria-invalid=true] { border-color: #c22; }
  button { font: inherit; padding: 0.6rem 1.2rem; border-radius: 6px; border: 1px solid var(--accent); cursor: pointer; margin: 1.25rem 0.5rem 0 0; }
  button.primary { background: var(--accent); color: white; }
  button.secondary { background: transparent; color: inherit; }
  button.link { border: none; background: none; padding: 0; margin: 0; color: var(--link); text-decoration: underline; }
  :focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
  .error { border: 1px solid #c22; background: #c221; padding: 0.6rem 0.8rem; border-radius: 6px; }
  .notice { border: 1px solid #8888; background: #8881; padding: 0.6rem 0.8rem; border-radius: 6px; }
  .notice input { font-family: ui-monospace, monospace; }
  .client { display: flex; gap: 1rem; align-items: center; }
  .client img { width: 48px; height: 48px; object-fit: contain; }
  ul.scopes { padding-left: 1.2rem; }
  ul.scopes li, ul.items > li { margin: 0.4rem 0; }
  ul.items { list-style: none; padding: 0; }
  ul.items > li { border-top: 1px solid #8884; padding-top: 0.6rem; }
  ul.items form { display: inline; }
  .fine { font-size: 0.9rem; }
  .inline { display: inline; }
`;

/** The frame of every page: one column, readable, usable with a keyboard and a screen reader, no JavaScript. */
export function layout(title: string, body: SafeHtml, options: { wide?: boolean; script?: string } = {}): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<title>${title} · Gatehouse</title>
<style>${new SafeHtml(STYLE)}</style>
</head>
<body>
<main${options.wide ? html` class="wide"` : ''}>
${body}
</main>${options.script === undefined ? '' : html`
<script>${new SafeHtml(options.script)}</script>`}
</body>
</html>
`.value;
}

/**
 * The pages' referrer policy: no Referer leaves for another site (the authorization request's
 * parameters and the code are in URLs), but a form posted to Gatehouse itself keeps its Origin
 * header, which the CSRF check reads (under `no-referrer` browsers send `Origin: null`).
 */
export const PAGE_REFERRER_POLICY = 'same-origin';

/**
 * The pages' Content-Security-Policy: no scripts but those allowed by hash (`scriptHashes`, e.g.
 * the account page's copy button), inline styles, logos from https, and forms that post here only.
 * `formTargets` are origins a form submission may end up at after a redirect (the client's
 * redirect URI): browsers apply form-action to redirects too.
 */
export function pageContentSecurityPolicy(formTargets: readonly string[] = [], scriptHashes: readonly string[] = []): string {
  return [
    "default-src 'none'",
    ...(scriptHashes.length > 0 ? [`script-src ${scriptHashes.join(' ')}`] : []),
    "style-src 'unsafe-inline'",
    'img-src https: data:',
    `form-action 'self' ${formTargets.join(' ')}`.trim(),
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

/** A CSP source expression allowing exactly this inline script. */
export function scriptHash(script: string): string {
  return `'sha256-${createHash('sha256').update(script).digest('base64')}'`;
}
