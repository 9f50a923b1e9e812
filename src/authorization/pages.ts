import { html, layout, type SafeHtml } from '../common/html/html.js';
import { type ScopeDefinition } from '../scopes/scope-definition.js';

const hidden = (fields: Readonly<Record<string, string>>): SafeHtml[] => Object.entries(fields).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`);

/** A scope in words, its code beside it as the secondary text (never broken mid-word: code.token). */
const scopeInWords = (scope: { name: string; description: string }): SafeHtml =>
  scope.description === scope.name ? html`<code class="token">${scope.name}</code>` : html`${scope.description} <span class="fine scope-code">(<code class="token">${scope.name}</code>)</span>`;

/** Who asks the user to sign in, when the sign-in comes from an authorization request. */
export interface SignInAsker {
  readonly clientName: string;
  readonly organizationName: string;
}

export function signInPage(view: { csrf: string; returnTo: string | undefined; email?: string; error?: string; asker?: SignInAsker }): string {
  // After a failed attempt the email stays and the password is what to type again: focus goes there, with the error.
  const failed = view.error !== undefined;
  return layout(
    view.asker ? `Sign in to continue to ${view.asker.clientName}` : 'Sign in',
    html`<h1>Sign in to Gatehouse</h1>
${view.asker ? html`<p>to continue to <strong>${view.asker.clientName}</strong>, an application of <strong>${view.asker.organizationName}</strong>.</p>` : ''}
${failed ? html`<p class="error" role="alert" id="sign-in-error">${view.error}</p>` : ''}
<form method="post" action="/oauth2/sign-in">
${hidden({ csrf_token: view.csrf, ...(view.returnTo !== undefined && { return_to: view.returnTo }) })}
<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="username" required${failed ? '' : html` autofocus`} value="${view.email ?? ''}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required${failed ? html` autofocus aria-invalid="true" aria-describedby="sign-in-error"` : ''}>
<button class="primary" type="submit">Sign in</button>
</form>`,
  );
}

/** Where the user goes back to, as they can recognise it: the redirect URI's origin (or its scheme, for an app's own). */
export function destinationOf(uri: string): string {
  try {
    const url = new URL(uri);
    return url.host ? url.origin : url.protocol;
  } catch {
    return uri;
  }
}

export function consentPage(view: {
  csrf: string;
  action: string;
  client: { name: string; logoUri: string | null; tosUri: string | null; policyUri: string | null };
  userEmail: string;
  /** The client's organization, by its display name. */
  organizationName: string;
  /** Where the answer goes: the redirect URI, or for the device flow the device that shows this user code. */
  answerGoesTo: { redirectUri: string } | { deviceUserCode: string };
  /** The authorization request to come back to after "not you?" signs the user out. */
  returnTo: string;
  scopes: readonly ScopeDefinition[];
  parameters: Readonly<Record<string, string>>;
  /** For an organization token: the organizations the user picks from (realm name and display name). */
  organizations?: readonly { name: string; displayName: string }[];
  /** The one API (RFC 8707 resource) the request is for, when it named one: its name and identifier. */
  resource?: { name: string; identifier: string } | undefined;
}): string {
  const { client } = view;
  return layout(
    `Allow ${client.name}?`,
    html`<div class="client">
${client.logoUri ? html`<img src="${client.logoUri}" alt="">` : ''}
<h1>${client.name} wants to access your account</h1>
</div>
<p>${client.name} is an application of <strong>${view.organizationName}</strong>.</p>
<div>Signed in as <strong>${view.userEmail}</strong>.
<form class="inline" method="post" action="/oauth2/sign-out">${hidden({ csrf_token: view.csrf, return_to: view.returnTo })}<button class="link" type="submit">Not you? Sign in as someone else</button></form></div>
${
  view.organizations
    ? html`<p>${client.name} asks to act for one of your organizations, not for you personally. Within the organization you pick, it will be able to do what follows, as far as your role there allows:</p>`
    : html`<p>If you allow it, ${client.name} will be able to:</p>`
}
<ul class="scopes">
${view.scopes.map((scope) => html`<li>${scopeInWords(scope)}</li>`)}
</ul>
${view.resource ? html`<p id="resource">This access is for <strong>${view.resource.name}</strong>${view.resource.name === view.resource.identifier ? '' : html` <span class="fine scope-code">(<code class="token">${view.resource.identifier}</code>)</span>`} only.</p>` : ''}
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
<select id="organization" name="organization" required>${view.organizations.map((organization) => html`<option value="${organization.name}">${organization.displayName}</option>`)}</select>`
    : ''
}
${
  'redirectUri' in view.answerGoesTo
    ? html`<p class="fine" id="destination">Whichever you choose, you will then be sent to <strong>${destinationOf(view.answerGoesTo.redirectUri)}</strong>.</p>`
    : html`<p class="fine" id="destination">Allow only if you started signing in on a device or command-line tool yourself, and it shows the code <strong><code class="token">${view.answerGoesTo.deviceUserCode}</code></strong>. Your answer goes to that device.</p>`
}
<button class="primary" type="submit" name="decision" value="allow" aria-describedby="destination">Allow</button>
<button class="secondary" type="submit" name="decision" value="deny" aria-describedby="destination">Deny</button>
</form>
<p class="fine">You can take this access back at any time on <a href="/oauth2/account">your account page</a>.</p>`,
  );
}

/** The device flow's first step (RFC 8628 §3.3): the user types the code their device shows, or confirms the one the link filled in. */
export function deviceCodePage(view: { csrf: string; userCode: string; userEmail: string; error?: string }): string {
  const failed = view.error !== undefined;
  return layout(
    'Connect a device',
    html`<h1>Connect a device</h1>
<p>Enter the code shown by the device or command-line tool you are signing in to. Signed in as <strong>${view.userEmail}</strong>.</p>
${failed ? html`<p class="error" role="alert" id="user-code-error">${view.error}</p>` : ''}
<form method="post" action="/device">
${hidden({ csrf_token: view.csrf })}
<label for="user_code">Code</label>
<input id="user_code" name="user_code" type="text" required autofocus autocomplete="off" autocapitalize="characters" spellcheck="false" maxlength="32" placeholder="XXXX-XXXX" value="${view.userCode}"${failed ? html` aria-invalid="true" aria-describedby="user-code-error"` : ''}>
<button class="primary" type="submit">Continue</button>
</form>`,
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

/** A scope with its words (the scope catalog's description). */
export interface DescribedScope {
  readonly name: string;
  readonly description: string;
}

export interface AccountConsentView {
  readonly clientId: string;
  readonly clientName: string;
  readonly redirectUris: readonly string[];
  readonly scopes: readonly DescribedScope[];
  readonly grantedAt: Date;
}

export interface AccountTokenView {
  readonly id: string;
  readonly name: string;
  readonly prefix: string;
  readonly organization: string;
  readonly scopes: readonly DescribedScope[];
  readonly expiresAt: string;
}

/** What the token form held when it was sent, kept when it is refused. */
export interface TokenForm {
  readonly name: string;
  readonly scopes: readonly string[];
  readonly days: string;
  readonly organization: string;
  readonly error?: string;
}

export interface AccountView {
  csrf: string;
  email: string;
  consents: readonly AccountConsentView[];
  tokens: readonly AccountTokenView[];
  /** Organizations that invited the user and wait for an answer. */
  invitations: readonly { organization: string; displayName: string; role: string }[];
  /** The user's organizations, each with the scopes a token there may hold. */
  organizations: readonly { name: string; displayName: string; scopes: readonly DescribedScope[] }[];
  created?: { name: string; token: string };
  form?: TokenForm;
}

/** The account page's one script, allowed by its hash (only when a new token is shown): the copy button. */
export const COPY_TOKEN_SCRIPT = `(function () {
  var field = document.getElementById('new-token'), button = document.getElementById('copy-token'), status = document.getElementById('copy-status');
  if (!field || !button) return;
  button.hidden = false;
  button.addEventListener('click', function () {
    field.select();
    var done = function () { status.textContent = 'Copied to the clipboard.'; };
    var fallback = function () { status.textContent = document.execCommand('copy') ? 'Copied to the clipboard.' : 'Select the token and copy it.'; };
    if (navigator.clipboard) navigator.clipboard.writeText(field.value).then(done, fallback); else fallback();
  });
})();`;

const minute = (date: Date) => `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** Where an app sends users back to, as hosts: with the end of its client id, how two apps of one name differ. */
const destinations = (redirectUris: readonly string[]) => [...new Set(redirectUris.map(destinationOf))];

const csrfField = (csrf: string) => html`<input type="hidden" name="csrf_token" value="${csrf}">`;

/** The user's own page: the apps they allowed (and taking that back), and their personal access tokens. */
export function accountPage(view: AccountView): string {
  const csrf = csrfField(view.csrf);
  const form = view.form;
  const chosenOrganization = form?.organization ?? view.organizations[0]?.name;
  // Every scope any of the user's organizations allows, in words; those not allowed everywhere say where.
  const pickable = new Map<string, { scope: DescribedScope; in: string[] }>();
  for (const organization of view.organizations) {
    for (const scope of organization.scopes) {
      const entry = pickable.get(scope.name) ?? { scope, in: [] };
      entry.in.push(organization.displayName);
      pickable.set(scope.name, entry);
    }
  }
  const checked = new Set(form?.scopes ?? []);
  const errorId = form?.error ? html` aria-describedby="token-error"` : '';
  return layout(
    'Your account',
    html`<h1>Your account</h1>
<p>Signed in as <strong>${view.email}</strong>.</p>
<form method="post" action="/oauth2/sign-out">${csrf}<button class="secondary" type="submit">Sign out</button></form>
${
  view.invitations.length > 0
    ? html`<section aria-labelledby="invitations-heading">
<h2 id="invitations-heading">Invitations</h2>
<ul class="items">${view.invitations.map(
        (invitation) => html`<li><strong>${invitation.displayName}</strong> invited you as <code class="token">${invitation.role}</code>
<form method="post" action="/oauth2/account/invitations/accept">${csrf}<input type="hidden" name="organization" value="${invitation.organization}"><label>Invitation link or code <input name="code" required autocomplete="off" aria-label="Invitation link or code from ${invitation.displayName}"></label><button class="primary" type="submit" aria-label="Accept the invitation of ${invitation.displayName}">Accept</button></form>
<form method="post" action="/oauth2/account/invitations/decline">${csrf}<input type="hidden" name="organization" value="${invitation.organization}"><button class="secondary" type="submit" aria-label="Decline the invitation of ${invitation.displayName}">Decline</button></form></li>`,
      )}</ul>
</section>`
    : ''
}
${
  view.created
    ? html`<section aria-labelledby="created-heading" class="notice">
<h2 id="created-heading">New token “${view.created.name}”</h2>
<p>Copy it now: this is the only time it is shown.</p>
<label for="new-token">Your new token</label>
<input id="new-token" type="text" readonly value="${view.created.token}" autocomplete="off" spellcheck="false">
<button class="secondary" type="button" id="copy-token" hidden>Copy</button> <span id="copy-status" role="status"></span>
</section>`
    : ''
}
<section aria-labelledby="apps-heading">
<h2 id="apps-heading">Apps you have allowed</h2>
${
  view.consents.length === 0
    ? html`<p>None.</p>`
    : html`<ul class="items">${view.consents.map(
        (consent) => html`<li><strong>${consent.clientName}</strong>
<div class="fine">${destinations(consent.redirectUris).length > 0 ? html`Sends you back to ${destinations(consent.redirectUris).map((host, index) => html`${index > 0 ? ', ' : ''}<code class="token">${host}</code>`)} · ` : ''}client id ending <code class="token">…${consent.clientId.slice(-8)}</code> · allowed ${minute(consent.grantedAt)}</div>
<p class="fine">It may:</p>
<ul class="scopes">${consent.scopes.map((scope) => html`<li>${scopeInWords(scope)}</li>`)}</ul>
<form method="post" action="/oauth2/account/consents/revoke">${csrf}<input type="hidden" name="client_id" value="${consent.clientId}"><button class="secondary" type="submit" aria-label="Revoke access for ${consent.clientName} (client id ending ${consent.clientId.slice(-8)})">Revoke access…</button></form></li>`,
      )}</ul>`
}
</section>
<section aria-labelledby="tokens-heading">
<h2 id="tokens-heading">Personal access tokens</h2>
${
  view.tokens.length === 0
    ? html`<p>None.</p>`
    : html`<ul class="items">${view.tokens.map(
        (token) => html`<li><strong>${token.name}</strong> <code class="token">${token.prefix}…</code>
<div class="fine">In ${token.organization} · expires ${token.expiresAt.slice(0, 10)}</div>
<ul class="scopes">${token.scopes.map((scope) => html`<li>${scopeInWords(scope)}</li>`)}</ul>
<form method="post" action="/oauth2/account/tokens/revoke">${csrf}<input type="hidden" name="id" value="${token.id}"><button class="secondary" type="submit" aria-label="Revoke token ${token.name}">Revoke…</button></form></li>`,
      )}</ul>`
}
<h3 id="new-token-heading">Create a token</h3>
${form?.error ? html`<p class="error" role="alert" id="token-error">${form.error}</p>` : ''}
<form method="post" action="/oauth2/account/tokens" aria-labelledby="new-token-heading">
${csrf}
<label for="token-name">Token name</label>
<input id="token-name" name="name" type="text" required maxlength="100" value="${form?.name ?? ''}"${errorId}>
${
  pickable.size === 0
    ? html`<p class="fine">Your role gives you no scope you can put in a token.</p>`
    : html`<fieldset${errorId}><legend>Scopes</legend>
${[...pickable.values()].map(
  (entry, index) => html`<label class="check" for="token-scope-${index}"><input type="checkbox" id="token-scope-${index}" name="scope.${entry.scope.name}" value="yes"${checked.has(entry.scope.name) ? html` checked` : ''}><span>${scopeInWords(entry.scope)}${
    view.organizations.length > 1 && entry.in.length < view.organizations.length ? html` <span class="fine">— only in ${entry.in.join(', ')}</span>` : ''
  }</span></label>`,
)}
</fieldset>`
}
<label for="token-days">Expires in (days, at most 366)</label>
<input id="token-days" name="expires_in_days" type="number" min="1" max="366" value="${form?.days ?? '30'}" required>
<label for="token-organization">Organization</label>
<select id="token-organization" name="organization">${view.organizations.map(
      (organization) => html`<option value="${organization.name}"${organization.name === chosenOrganization ? html` selected` : ''}>${organization.displayName}</option>`,
    )}</select>
<button class="primary" type="submit">Create token</button>
</form>
</section>`,
    { wide: true, ...(view.created && { script: COPY_TOKEN_SCRIPT }) },
  );
}

/** The confirmation before an app's access is taken back (a page, so that it needs no script). */
export function revokeConsentPage(view: { csrf: string; consent: AccountConsentView }): string {
  const { consent } = view;
  return layout(
    `Revoke access for ${consent.clientName}?`,
    html`<h1>Revoke access for ${consent.clientName}?</h1>
<p class="fine">${destinations(consent.redirectUris).length > 0 ? html`Sends you back to ${destinations(consent.redirectUris).map((host, index) => html`${index > 0 ? ', ' : ''}<code class="token">${host}</code>`)} · ` : ''}client id ending <code class="token">…${consent.clientId.slice(-8)}</code> · allowed ${minute(consent.grantedAt)}</p>
<p>${consent.clientName} will no longer be able to:</p>
<ul class="scopes">${consent.scopes.map((scope) => html`<li>${scopeInWords(scope)}</li>`)}</ul>
<p>The tokens it holds for you stop working now. If you use it again, it will ask for your permission again.</p>
<form method="post" action="/oauth2/account/consents/revoke">${csrfField(view.csrf)}<input type="hidden" name="client_id" value="${consent.clientId}"><input type="hidden" name="confirm" value="yes">
<button class="primary" type="submit">Revoke access</button>
</form>
<p><a href="/oauth2/account">Cancel and go back to your account</a></p>`,
  );
}

/** The confirmation before a personal access token is revoked. */
/** Where an invitation link leads once signed in: the organization that invites, to accept or decline. */
export function acceptInvitationPage(view: { csrf: string; email: string; code: string; invitation: { organization: string; displayName: string; role: string } }): string {
  const { invitation } = view;
  return layout(
    `Join ${invitation.displayName}?`,
    html`<h1>Join ${invitation.displayName}?</h1>
<p>${invitation.displayName} (<code class="token">${invitation.organization}</code>) invited you, ${view.email}, as <code class="token">${invitation.role}</code>.</p>
<form method="post" action="/oauth2/account/invitations/accept">${csrfField(view.csrf)}<input type="hidden" name="code" value="${view.code}">
<button class="primary" type="submit">Accept the invitation</button>
</form>
<form method="post" action="/oauth2/account/invitations/decline">${csrfField(view.csrf)}<input type="hidden" name="organization" value="${invitation.organization}">
<button class="secondary" type="submit">Decline</button>
</form>
<p><a href="/oauth2/account">Go to your account</a></p>`,
  );
}

export function revokeTokenPage(view: { csrf: string; token: AccountTokenView }): string {
  const { token } = view;
  return layout(
    `Revoke the token ${token.name}?`,
    html`<h1>Revoke the token “${token.name}”?</h1>
<p><code class="token">${token.prefix}…</code>, in ${token.organization}, expires ${token.expiresAt.slice(0, 10)}.</p>
<p>Whatever uses it stops working now. This cannot be undone.</p>
<form method="post" action="/oauth2/account/tokens/revoke">${csrfField(view.csrf)}<input type="hidden" name="id" value="${token.id}"><input type="hidden" name="confirm" value="yes">
<button class="primary" type="submit">Revoke the token</button>
</form>
<p><a href="/oauth2/account">Cancel and go back to your account</a></p>`,
  );
}
