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

const STYLE = `
  :root { color-scheme: light dark; --accent: #2454c5; }
  body { font: 16px/1.5 system-ui, sans-serif; margin: 0; display: flex; justify-content: center; background: Canvas; color: CanvasText; }
  main { width: min(28rem, 100% - 2rem); margin: 3rem 0; padding: 2rem; border: 1px solid #8884; border-radius: 12px; }
  h1 { font-size: 1.4rem; margin: 0 0 1rem; }
  h2 { font-size: 1.1rem; margin: 1.5rem 0 0.5rem; }
  code { word-break: break-all; }
  label { display: block; margin: 1rem 0 0.25rem; font-weight: 600; }
  input[type=email], input[type=password], input[type=text], input[type=number], select { width: 100%; box-sizing: border-box; padding: 0.6rem; font: inherit; border: 1px solid #8888; border-radius: 6px; }
  button { font: inherit; padding: 0.6rem 1.2rem; border-radius: 6px; border: 1px solid var(--accent); cursor: pointer; margin: 1.25rem 0.5rem 0 0; }
  button.primary { background: var(--accent); color: white; }
  button.secondary { background: transparent; color: inherit; }
  button:focus-visible, input:focus-visible, a:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
  .error { border: 1px solid #c22; background: #c221; padding: 0.6rem 0.8rem; border-radius: 6px; }
  .client { display: flex; gap: 1rem; align-items: center; }
  .client img { width: 48px; height: 48px; object-fit: contain; }
  ul.scopes li { margin: 0.4rem 0; }
  .fine { font-size: 0.9rem; opacity: 0.85; }
`;

/** The frame of every page: one column, readable, usable with a keyboard and a screen reader, no JavaScript. */
export function layout(title: string, body: SafeHtml): string {
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
<main>
${body}
</main>
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
 * The pages' Content-Security-Policy: no scripts at all, inline styles, logos from https, and
 * forms that post here only. `formTargets` are origins a form submission may end up at after a
 * redirect (the client's redirect URI): browsers apply form-action to redirects too.
 */
export function pageContentSecurityPolicy(formTargets: readonly string[] = []): string {
  return [
    "default-src 'none'",
    "style-src 'unsafe-inline'",
    'img-src https: data:',
    `form-action 'self' ${formTargets.join(' ')}`.trim(),
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}
