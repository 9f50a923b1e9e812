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
  /** For an organization token: the organizations the user picks from. */
  organizations?: readonly string[];
}): string {
  const { client } = view;
  return layout(
    `Allow ${client.name}?`,
    html`<div class="client">
${client.logoUri ? html`<img src="${client.logoUri}" alt="">` : ''}
<h1>${client.name} wants to access your account</h1>
</div>
<p>Signed in as <strong>${view.userEmail}</strong> (${view.organizationName}).</p>
${
  view.organizations
    ? html`<p>${client.name} asks to act for one of your organizations, not for you personally. Within the organization you pick, it will be able to do what follows, as far as your role there allows:</p>`
    : html`<p>If you allow it, ${client.name} will be able to:</p>`
}
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
${
  view.organizations
    ? html`<label for="organization">Organization</label>
<select id="organization" name="organization" required>${view.organizations.map((name) => html`<option value="${name}">${name}</option>`)}</select>`
    : ''
}
<button class="primary" type="submit" name="decision" value="allow">Allow</button>
<button class="secondary" type="submit" name="decision" value="deny">Deny</button>
</form>
<p class="fine">You can take this access back at any time.</p>`,
  );
}

/** RP-Initiated Logout's question when the request does not show that the signed-in user asked for it (no or another user's id_token_hint). */
export function logoutConfirmationPage(view: { csrf: string; action: string; userEmail: string; clientName: string | undefined; parameters: Readonly<Record<string, string>> }): string {
  return layout(
    'Sign out?',
    html`<h1>Sign out of Gatehouse?</h1>
<p>${view.clientName ? html`${view.clientName} asks to sign you out.` : 'A sign-out was requested.'} You are signed in as <strong>${view.userEmail}</strong>.</p>
<form method="post" action="${view.action}">
${hidden({ ...view.parameters, csrf_token: view.csrf })}
<button class="primary" type="submit" name="confirm" value="yes">Sign out</button>
<button class="secondary" type="submit" name="confirm" value="no">Stay signed in</button>
</form>`,
  );
}

export function messagePage(title: string, message: string): string {
  return layout(title, html`<h1>${title}</h1><p>${message}</p>`);
}

export interface AccountView {
  csrf: string;
  email: string;
  consents: readonly { clientId: string; clientName: string; scopes: readonly string[]; grantedAt: Date }[];
  tokens: readonly { id: string; name: string; token_prefix: string; scopes: string[]; expires_at: string }[];
  organizations: readonly { name: string }[];
  created?: { name: string; token: string };
}

/** The user's own page: the apps they allowed (and taking that back), and their personal access tokens. */
export function accountPage(view: AccountView): string {
  const csrf = html`<input type="hidden" name="csrf_token" value="${view.csrf}">`;
  return layout(
    'Your account',
    html`<h1>Your account</h1>
<p>Signed in as <strong>${view.email}</strong>.</p>
<form method="post" action="/oauth2/sign-out">${csrf}<button class="secondary" type="submit">Sign out</button></form>
${
  view.created
    ? html`<section aria-labelledby="created-heading" class="error" role="status">
<h2 id="created-heading">New token “${view.created.name}”</h2>
<p>Copy it now: this is the only time it is shown.</p>
<p><code id="new-token">${view.created.token}</code></p>
</section>`
    : ''
}
<section aria-labelledby="apps-heading">
<h2 id="apps-heading">Apps you have allowed</h2>
${
  view.consents.length === 0
    ? html`<p>None.</p>`
    : html`<ul>${view.consents.map(
        (consent) => html`<li><strong>${consent.clientName}</strong>: <code>${consent.scopes.join(' ')}</code>, since ${consent.grantedAt.toISOString().slice(0, 10)}
<form method="post" action="/oauth2/account/consents/revoke">${csrf}<input type="hidden" name="client_id" value="${consent.clientId}"><button class="secondary" type="submit" aria-label="Revoke access for ${consent.clientName}">Revoke access</button></form></li>`,
      )}</ul>`
}
</section>
<section aria-labelledby="tokens-heading">
<h2 id="tokens-heading">Personal access tokens</h2>
${
  view.tokens.length === 0
    ? html`<p>None.</p>`
    : html`<ul>${view.tokens.map(
        (token) => html`<li><strong>${token.name}</strong> <code>${token.token_prefix}…</code>: <code>${token.scopes.join(' ')}</code>, expires ${token.expires_at.slice(0, 10)}
<form method="post" action="/oauth2/account/tokens/revoke">${csrf}<input type="hidden" name="id" value="${token.id}"><button class="secondary" type="submit" aria-label="Revoke token ${token.name}">Revoke</button></form></li>`,
      )}</ul>`
}
<form method="post" action="/oauth2/account/tokens">
${csrf}
<label for="token-name">Name</label>
<input id="token-name" name="name" type="text" required maxlength="100">
<label for="token-scopes">Scopes (separated by spaces)</label>
<input id="token-scopes" name="scopes" type="text" required>
<label for="token-days">Expires in (days, at most 366)</label>
<input id="token-days" name="expires_in_days" type="number" min="1" max="366" value="30" required>
<label for="token-organization">Organization</label>
<select id="token-organization" name="organization">${view.organizations.map((organization) => html`<option value="${organization.name}">${organization.name}</option>`)}</select>
<button class="primary" type="submit">Create token</button>
</form>
</section>`,
  );
}
