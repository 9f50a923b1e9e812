import { html, layout, type SafeHtml } from '../common/html/html.js';
import { type ScopeDefinition } from '../scopes/scope-definition.js';

const hidden = (fields: Readonly<Record<string, string>>): SafeHtml[] => Object.entries(fields).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`);

export function signInPage(view: { csrf: string; returnTo: string | undefined; email?: string; error?: string }): string {
  return layout(
    'Sign in',
    html`<h1>Sign in to Gatehouse</h1>
${view.error ? html`<p class="error" role="alert" id="sign-in-error">${view.error}</p>` : ''}
<form method="post" action="/oauth2/sign-in">
${hidden({ csrf_token: view.csrf, ...(view.returnTo !== undefined && { return_to: view.returnTo }) })}
<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="username" required autofocus value="${view.email ?? ''}"${view.error ? html` aria-describedby="sign-in-error"` : ''}>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button class="primary" type="submit">Sign in</button>
</form>`,
  );
}

export function consentPage(view: {
  csrf: string;
  action: string;
  client: { name: string; logoUri: string | null; tosUri: string | null; policyUri: string | null };
  userEmail: string;
  organizationName: string;
  scopes: readonly ScopeDefinition[];
  parameters: Readonly<Record<string, string>>;
}): string {
  const { client } = view;
  return layout(
    `Allow ${client.name}?`,
    html`<div class="client">
${client.logoUri ? html`<img src="${client.logoUri}" alt="">` : ''}
<h1>${client.name} wants to access your account</h1>
</div>
<p>Signed in as <strong>${view.userEmail}</strong> (${view.organizationName}).</p>
<p>If you allow it, ${client.name} will be able to:</p>
<ul class="scopes">
${view.scopes.map((scope) => html`<li>${scope.description} <span class="fine">(<code>${scope.name}</code>)</span></li>`)}
</ul>
${
  client.tosUri || client.policyUri
    ? html`<p class="fine">Before you allow it, read ${client.name}'s ${client.tosUri ? html`<a href="${client.tosUri}" rel="noopener noreferrer">terms of service</a>` : ''}${client.tosUri && client.policyUri ? ' and ' : ''}${client.policyUri ? html`<a href="${client.policyUri}" rel="noopener noreferrer">privacy policy</a>` : ''}.</p>`
    : html`<p class="fine">${client.name} has not published terms of service or a privacy policy.</p>`
}
<form method="post" action="${view.action}">
${hidden({ ...view.parameters, csrf_token: view.csrf })}
<button class="primary" type="submit" name="decision" value="allow">Allow</button>
<button class="secondary" type="submit" name="decision" value="deny">Deny</button>
</form>
<p class="fine">You can take this access back at any time.</p>`,
  );
}

export function messagePage(title: string, message: string): string {
  return layout(title, html`<h1>${title}</h1><p>${message}</p>`);
}
