#!/usr/bin/env node
import { randomBytes } from 'node:crypto';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { ApiClient, requestToken, segment, type TokenResponse } from './api-client.js';
import { CliError, EXIT } from './errors.js';
import { readSecret } from './input.js';
import { note, print, printJson, printRecord, printTable } from './output.js';
import { type Credentials, insecureUrlWarning, loadCredentials, normalizeUrl, removeCredentials, saveCredentials, settingsFile } from './settings.js';

/**
 * `gatehouse`: the command line for a Gatehouse server. The API commands call only the public
 * REST API over HTTP, with a token from the client credentials grant; the operator commands
 * (migrate, reset-admin-password, create-root-client) open the server's database with the
 * server's own configuration and modules, loaded only for them.
 */

interface Page<T> {
  items: T[];
  total: number;
  page: number;
  size: number;
  pages: number;
}

interface Client {
  client_id: string;
  organization_id: string;
  name: string | null;
  description: string | null;
  scopes: string[];
  permissions: string[];
  disabled: boolean;
  public: boolean;
  grant_types: string[];
  [field: string]: unknown;
}

interface Organization {
  id: string;
  name: string;
  display_name: string;
  oauth_enabled: boolean;
  [field: string]: unknown;
}

interface Project {
  id: string;
  name: string;
  description: string | null;
  scope: string;
  [field: string]: unknown;
}

interface User {
  id: string;
  email: string;
  name: string | null;
  disabled: boolean;
  memberships: { organization_id: string; role: string }[];
  [field: string]: unknown;
}

interface SigningKey {
  kid: string;
  alg: string;
  status: string;
  created_at: string;
  retired_at: string | null;
  published_until: string | null;
}

interface AuditEvent {
  occurred_at: string;
  actor: { type: string; id: string };
  action: string;
  target: { type: string; id: string };
  organization_id: string | null;
}

const HELP_FOOTER = `
Exit codes:
  0  success
  1  the server refused the request (not found, conflict, forbidden, invalid
     value) or the operation failed
  2  bad usage: unknown command or option, missing or invalid argument, or an
     invalid server configuration (operator commands)
  3  authentication failed: not logged in, or the client id, secret or token
     was refused
  4  the server could not be reached

Credentials:
  gatehouse login stores the server URL, client id and secret in
  $XDG_CONFIG_HOME/gatehouse/config.json (default ~/.config/gatehouse/config.json),
  readable by you only. GATEHOUSE_URL, GATEHOUSE_CLIENT_ID and
  GATEHOUSE_CLIENT_SECRET, when set, are used instead (GATEHOUSE_URL alone
  points the stored credentials at another server).

Output:
  Tables for people by default; --json prints the API's JSON for scripts.
  Results and secrets go to stdout, each secret once; messages and errors go
  to stderr.

Operator commands (migrate, reset-admin-password, create-root-client) read the
server's configuration (DATABASE_URL and the rest) from the environment, as
the server does, and open its database directly; they need no running server.
`;

function integer(name: string, min: number, max: number) {
  return (value: string): number => {
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) throw new InvalidArgumentError(`${name} must be an integer from ${min} to ${max}.`);
    return Number(value);
  };
}

/** A repeatable option whose values may also be given together, separated by commas or spaces. */
function list(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(/[\s,]+/).filter(Boolean)];
}

function boolean(value: string): boolean {
  if (value === 'true' || value === 'yes' || value === 'on') return true;
  if (value === 'false' || value === 'no' || value === 'off') return false;
  throw new InvalidArgumentError('Expected true or false.');
}

function timestamp(value: string): string {
  if (Number.isNaN(Date.parse(value))) throw new InvalidArgumentError('Expected a date or time such as 2026-01-31 or 2026-01-31T12:00:00Z.');
  return new Date(value).toISOString();
}

/** Whether --json was given, wherever on the command line. */
function json(command: Command): boolean {
  return command.optsWithGlobals<{ json?: boolean }>().json === true;
}

async function session(): Promise<{ credentials: Credentials; api: ApiClient }> {
  const credentials = await loadCredentials();
  const token = await requestToken(credentials.url, credentials.clientId, credentials.clientSecret);
  return { credentials, api: new ApiClient(credentials.url, token.access_token) };
}

async function api(): Promise<ApiClient> {
  return (await session()).api;
}

/** Only the fields given: an update leaves every other field as it is. */
function defined(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}

function printSecret(command: Command, body: { client_id: string; client_secret?: string }, what: string): void {
  if (json(command)) printJson(body);
  else printRecord({ client_id: body.client_id, ...(body.client_secret === undefined ? {} : { client_secret: body.client_secret }) });
  if (body.client_secret !== undefined) note(`${what} This is the only time the secret is shown: store it now.`);
}

/** The table's columns; the organization by its name where the caller may read organizations, else by id. */
const clientColumns = (organizationNames: ReadonlyMap<string, string>) =>
  [
    ['CLIENT ID', (client: Client) => client.client_id],
    ['NAME', (client: Client) => client.name],
    ['ORGANIZATION', (client: Client) => organizationNames.get(client.organization_id) ?? client.organization_id],
    ['DISABLED', (client: Client) => (client.disabled ? 'yes' : 'no')],
    ['SCOPES', (client: Client) => client.scopes],
  ] as const;

function clientSettingsOptions(command: Command): Command {
  return command
    .option('--name <name>', 'display name')
    .option('--description <text>', 'description')
    .option('--scope <scope>', 'a scope the client may request, one you hold (repeatable, or comma-separated)', list)
    .option('--permission <permission>', 'a permission (bundle of scopes) such as administer-clients (repeatable, or comma-separated)', list)
    .option('--lifespan <seconds>', 'access token lifespan in seconds', integer('--lifespan', 1, 31_536_000))
    .option('--redirect-uri <uri>', 'a redirect URI, for the authorization code flow (repeatable, or comma-separated)', list)
    .option('--grant-type <type>', 'a grant type the client may use (repeatable, or comma-separated; default: all of them for a confidential client)', list);
}

function clientSettings(options: Record<string, unknown>): Record<string, unknown> {
  return defined({
    name: options.name,
    description: options.description,
    scopes: options.scope,
    permissions: options.permission,
    access_token_lifespan: options.lifespan,
    redirect_uris: options.redirectUri,
    grant_types: options.grantType,
  });
}

function clientsCommand(): Command {
  const clients = new Command('clients').description('OAuth clients of the organizations you can reach');
  clients
    .command('list')
    .description('list clients, newest first (the root client is not listed)')
    .option('--page <n>', 'page number', integer('--page', 1, 1_000_000), 1)
    .option('--size <n>', 'clients per page', integer('--size', 1, 100), 50)
    .action(async (options: { page: number; size: number }, command: Command) => {
      const client = await api();
      const page = await client.get<Page<Client>>('/api/v1/oauth/client', { page: options.page, size: options.size });
      if (json(command)) return printJson(page);
      // Names read better than ids; a caller without organization:read (403) sees the ids.
      const organizations = await client.get<Organization[]>('/api/v1/organizations').catch((error: unknown) => {
        if (error instanceof CliError && error.status === 403) return [];
        throw error;
      });
      printTable(page.items, clientColumns(new Map(organizations.map((organization) => [organization.id, organization.name]))), 'No clients.');
      if (page.pages > page.page) note(`Page ${page.page} of ${page.pages} (${page.total} clients): --page ${page.page + 1} for more.`);
    });
  clientSettingsOptions(
    clients
      .command('create')
      .description('create a client and print its id and secret (the only time the secret is shown)')
      .option('--client-id <id>', 'choose the client id (default: generated)')
      .option('--organization <name>', 'organization of the client (default: your own)')
      .option('--public', 'a public client (no secret: a browser or native app using PKCE)'),
  ).action(async (options: Record<string, unknown>, command: Command) => {
    const body = { client_id: options.clientId, organization: options.organization, public: options.public === true ? true : undefined, ...clientSettings(options) };
    const created = await (await api()).post<{ client_id: string; client_secret?: string }>('/api/v1/oauth/client', { scopes: [], ...defined(body) });
    printSecret(command, created, `Created client ${created.client_id}.`);
  });
  clients
    .command('show')
    .description("show a client's settings")
    .argument('<client_id>')
    .action(async (id: string, _options: unknown, command: Command) => {
      const client = await (await api()).get<Client>(`/api/v1/oauth/client/${segment(id)}`);
      if (json(command)) printJson(client);
      else printRecord(client);
    });
  clientSettingsOptions(
    clients
      .command('update')
      .description('change a client: the fields given, and only those')
      .argument('<client_id>')
      .addOption(new Option('--disable', 'refuse its tokens and credentials at once').conflicts('enable'))
      .option('--enable', 'accept it again'),
  ).action(async (id: string, options: Record<string, unknown>, command: Command) => {
    const disabled = options.disable === true ? true : options.enable === true ? false : undefined;
    const body = { ...clientSettings(options), ...defined({ disabled }) };
    if (Object.keys(body).length === 0) command.error('error: nothing to change: give at least one option (see gatehouse clients update --help)', { exitCode: EXIT.usage });
    const client = await (await api()).put<Client>(`/api/v1/oauth/client/${segment(id)}`, body);
    if (json(command)) printJson(client);
    else printRecord(client);
  });
  clients
    .command('regenerate-secret')
    .description('give a client a new secret and print it (the old one stops working at once)')
    .argument('<client_id>')
    .option('--keep-tokens', 'let tokens issued before live out their lifespan (default: they are refused at once)')
    .action(async (id: string, options: { keepTokens?: boolean }, command: Command) => {
      const body = await (await api()).post<{ client_id: string; client_secret: string }>(`/api/v1/oauth/client/${segment(id)}/secret`, undefined, { revoke_tokens: options.keepTokens ? false : undefined });
      printSecret(command, body, `New secret for ${body.client_id}.`);
    });
  clients
    .command('token')
    .description("get an access token as another client, with that client's secret read from stdin (or typed, unechoed); prints the token only")
    .argument('<client_id>')
    .option('--scope <scope>', "a scope to ask for (repeatable, or comma-separated; default: all of the client's)", list)
    .action(async (id: string, options: { scope?: string[] }, command: Command) => {
      const credentials = await loadCredentials();
      const secret = await readSecret(`Secret of ${id}: `);
      const token = await requestToken(credentials.url, id, secret, options.scope?.join(' '));
      printToken(command, token);
    });
  clients
    .command('delete')
    .description('delete a client; its tokens are refused from then on')
    .argument('<client_id>')
    .action(async (id: string, _options: unknown, command: Command) => {
      await (await api()).delete(`/api/v1/oauth/client/${segment(id)}`);
      if (json(command)) printJson({ deleted: id });
      else print(`Deleted client ${id}.`);
    });
  return clients;
}

const organizationColumns = [
  ['NAME', (organization: Organization) => organization.name],
  ['DISPLAY NAME', (organization: Organization) => organization.display_name],
  ['OAUTH', (organization: Organization) => (organization.oauth_enabled ? 'enabled' : 'disabled')],
  ['ID', (organization: Organization) => organization.id],
] as const;

function organizationOptions(command: Command): Command {
  return command
    .option('--lifespan <seconds>', 'default access token lifespan of its clients, in seconds', integer('--lifespan', 1, 31_536_000))
    .option('--oauth-enabled <bool>', 'whether its clients may get tokens (true or false)', boolean)
    .option('--require-project-scoped-tokens <bool>', 'whether its tokens must name a project (true or false)', boolean)
    .option('--open-registration <bool>', 'whether anyone may register a client in it (true or false)', boolean);
}

function organizationSettings(options: Record<string, unknown>): Record<string, unknown> {
  return defined({
    display_name: options.displayName,
    access_token_lifespan: options.lifespan,
    oauth_enabled: options.oauthEnabled,
    require_project_scoped_tokens: options.requireProjectScopedTokens,
    open_registration: options.openRegistration,
  });
}

function organizationsCommand(): Command {
  const orgs = new Command('orgs').description('organizations (realms)');
  orgs
    .command('list')
    .description('list the organizations you can reach')
    .action(async (_options: unknown, command: Command) => {
      const list = await (await api()).get<Organization[]>('/api/v1/organizations');
      if (json(command)) printJson(list);
      else printTable(list, organizationColumns, 'No organizations.');
    });
  organizationOptions(
    orgs
      .command('create')
      .description('create an organization')
      .argument('<name>', 'realm name: a-z 0-9 - (used in its issuer URL)')
      .option('--display-name <text>', 'name shown to people (default: the name)'),
  ).action(async (name: string, options: Record<string, unknown>, command: Command) => {
    const organization = await (await api()).post<Organization>('/api/v1/organizations', { name, display_name: name, ...organizationSettings(options) });
    if (json(command)) printJson(organization);
    else printRecord(organization);
  });
  orgs
    .command('show')
    .description('show an organization')
    .argument('<name>')
    .action(async (name: string, _options: unknown, command: Command) => {
      const organization = await (await api()).get<Organization>(`/api/v1/organizations/${segment(name)}`);
      if (json(command)) printJson(organization);
      else printRecord(organization);
    });
  organizationOptions(orgs.command('update').description('change an organization: the fields given, and only those').argument('<name>').option('--display-name <text>', 'name shown to people')).action(
    async (name: string, options: Record<string, unknown>, command: Command) => {
      const body = organizationSettings(options);
      if (Object.keys(body).length === 0) command.error('error: nothing to change: give at least one option (see gatehouse orgs update --help)', { exitCode: EXIT.usage });
      const organization = await (await api()).put<Organization>(`/api/v1/organizations/${segment(name)}`, body);
      if (json(command)) printJson(organization);
      else printRecord(organization);
    },
  );
  orgs
    .command('delete')
    .description('delete an organization')
    .argument('<name>')
    .action(async (name: string, _options: unknown, command: Command) => {
      await (await api()).delete(`/api/v1/organizations/${segment(name)}`);
      if (json(command)) printJson({ deleted: name });
      else print(`Deleted organization ${name}.`);
    });
  return orgs;
}

function projectsCommand(): Command {
  const projects = new Command('projects').description("an organization's projects (their scope, project-<id>, bounds a token to the project)");
  const org = () => new Option('--org <name>', 'the organization').makeOptionMandatory();
  projects
    .command('list')
    .description("list an organization's projects")
    .addOption(org())
    .action(async (options: { org: string }, command: Command) => {
      const list = await (await api()).get<Project[]>(`/api/v1/organizations/${segment(options.org)}/projects`);
      if (json(command)) return printJson(list);
      printTable(
        list,
        [
          ['ID', (project: Project) => project.id],
          ['NAME', (project: Project) => project.name],
          ['SCOPE', (project: Project) => project.scope],
          ['DESCRIPTION', (project: Project) => project.description],
        ],
        'No projects.',
      );
    });
  projects
    .command('create')
    .description('create a project')
    .argument('<name>')
    .addOption(org())
    .option('--description <text>', 'description')
    .action(async (name: string, options: { org: string; description?: string }, command: Command) => {
      const project = await (await api()).post<Project>(`/api/v1/organizations/${segment(options.org)}/projects`, defined({ name, description: options.description }));
      if (json(command)) printJson(project);
      else printRecord(project);
    });
  projects
    .command('delete')
    .description('delete a project')
    .argument('<project_id>')
    .addOption(org())
    .action(async (id: string, options: { org: string }, command: Command) => {
      await (await api()).delete(`/api/v1/organizations/${segment(options.org)}/projects/${segment(id)}`);
      if (json(command)) printJson({ deleted: id });
      else print(`Deleted project ${id}.`);
    });
  return projects;
}

/** A user by id, or by email (found by paging through the list). */
async function userId(client: ApiClient, idOrEmail: string): Promise<string> {
  if (!idOrEmail.includes('@')) return idOrEmail;
  const wanted = idOrEmail.trim().toLowerCase();
  for (let page = 1; ; page += 1) {
    const users = await client.get<Page<User>>('/api/v1/users', { page, size: 100 });
    const found = users.items.find((user) => user.email === wanted);
    if (found) return found.id;
    if (page >= users.pages) throw new CliError(`No user with email ${idOrEmail}`);
  }
}

const userColumns = [
  ['ID', (user: User) => user.id],
  ['EMAIL', (user: User) => user.email],
  ['NAME', (user: User) => user.name],
  ['DISABLED', (user: User) => (user.disabled ? 'yes' : 'no')],
  ['MEMBERSHIPS', (user: User) => user.memberships.map((membership) => `${membership.organization_id}:${membership.role}`)],
] as const;

function usersCommand(): Command {
  const users = new Command('users').description('people who sign in');
  users
    .command('list')
    .description('list users')
    .option('--page <n>', 'page number', integer('--page', 1, 1_000_000), 1)
    .option('--size <n>', 'users per page', integer('--size', 1, 100), 50)
    .action(async (options: { page: number; size: number }, command: Command) => {
      const page = await (await api()).get<Page<User>>('/api/v1/users', { page: options.page, size: options.size });
      if (json(command)) return printJson(page);
      printTable(page.items, userColumns, 'No users.');
      if (page.pages > page.page) note(`Page ${page.page} of ${page.pages} (${page.total} users): --page ${page.page + 1} for more.`);
    });
  users
    .command('create')
    .description('create a user; without --password-stdin a password is generated and printed once')
    .argument('<email>')
    .option('--name <name>', 'full name')
    .option('--role <role>', 'role in the organization (default: member)')
    .option('--organization <name>', 'organization (default: your own)')
    .option('--password-stdin', 'read the password from stdin (or type it, unechoed)')
    .action(async (email: string, options: { name?: string; role?: string; organization?: string; passwordStdin?: boolean }, command: Command) => {
      const password = options.passwordStdin ? await readSecret('Password: ') : randomBytes(18).toString('base64url');
      const user = await (await api()).post<User>('/api/v1/users', defined({ email, password, name: options.name, role: options.role, organization: options.organization }));
      const generated = options.passwordStdin ? undefined : password;
      if (json(command)) printJson(generated === undefined ? user : { ...user, password: generated });
      else printRecord(generated === undefined ? user : { ...user, password: generated });
      if (generated !== undefined) note('This is the only time the generated password is shown.');
    });
  for (const [name, disabled, description] of [
    ['disable', true, 'disable a user: their sessions and tokens are refused at once'],
    ['enable', false, 'enable a disabled user'],
  ] as const) {
    users
      .command(name)
      .description(description)
      .argument('<user>', 'user id or email')
      .action(async (who: string, _options: unknown, command: Command) => {
        const client = await api();
        const user = await client.patch<User>(`/api/v1/users/${segment(await userId(client, who))}`, { disabled });
        if (json(command)) printJson(user);
        else print(`${disabled ? 'Disabled' : 'Enabled'} user ${user.email} (${user.id}).`);
      });
  }
  return users;
}

const keyColumns = [
  ['KID', (key: SigningKey) => key.kid],
  ['ALG', (key: SigningKey) => key.alg],
  ['STATUS', (key: SigningKey) => key.status],
  ['CREATED', (key: SigningKey) => key.created_at],
  ['RETIRED', (key: SigningKey) => key.retired_at],
  ['PUBLISHED UNTIL', (key: SigningKey) => key.published_until],
] as const;

function keysCommand(): Command {
  const keys = new Command('keys').description('token signing keys');
  keys
    .command('list')
    .description('list signing keys, newest first')
    .action(async (_options: unknown, command: Command) => {
      const list = await (await api()).get<SigningKey[]>('/api/v1/oauth/keys');
      if (json(command)) printJson(list);
      else printTable(list, keyColumns, 'No signing keys.');
    });
  keys
    .command('rotate')
    .description('sign new tokens with a new key; the previous key stays published until its last token expires')
    .addOption(new Option('--alg <alg>', "the algorithm whose key to rotate (default: the server's access token algorithm)").choices(['ES256', 'RS256', 'EdDSA']))
    .action(async (options: { alg?: string }, command: Command) => {
      const key = await (await api()).post<SigningKey>('/api/v1/oauth/keys/rotate', undefined, { alg: options.alg });
      if (json(command)) printJson(key);
      else printRecord({ ...key });
    });
  return keys;
}

function auditCommand(): Command {
  return new Command('audit')
    .description('the audit trail, newest first')
    .option('--actor <id>', 'only events by this client or user id')
    .option('--target <id>', 'only events about this id (client, user, organization...)')
    .option('--action <action>', 'only this action, such as client.created')
    .option('--since <time>', 'only events at or after this time (ISO 8601)', timestamp)
    .option('--until <time>', 'only events before this time (ISO 8601)', timestamp)
    .option('--limit <n>', 'at most this many events', integer('--limit', 1, 500), 50)
    .option('--cursor <cursor>', 'continue after the last page (printed at its end)')
    .action(async (options: Record<string, string | number | undefined>, command: Command) => {
      const query = { actor: options.actor, target: options.target, action: options.action, since: options.since, until: options.until, limit: options.limit, cursor: options.cursor };
      const page = await (await api()).get<{ events: AuditEvent[]; next_cursor: string | null }>('/api/v1/audit', query);
      if (json(command)) return printJson(page);
      printTable(
        page.events,
        [
          ['TIME', (event: AuditEvent) => event.occurred_at],
          ['ACTOR', (event: AuditEvent) => `${event.actor.type}:${event.actor.id}`],
          ['ACTION', (event: AuditEvent) => event.action],
          ['TARGET', (event: AuditEvent) => `${event.target.type}:${event.target.id}`],
          ['ORGANIZATION', (event: AuditEvent) => event.organization_id],
        ],
        'No events.',
      );
      if (page.next_cursor) note(`More: --cursor ${page.next_cursor}`);
    });
}

function printToken(command: Command, token: TokenResponse): void {
  if (json(command)) printJson(token);
  else print(token.access_token);
}

function accountCommands(program: Command): void {
  program
    .command('login')
    .description('check and store the server URL and client credentials (client credentials grant)')
    .option('--url <url>', 'server URL, such as https://auth.example.com (default: GATEHOUSE_URL)')
    .option('--client-id <id>', 'client id (default: GATEHOUSE_CLIENT_ID)')
    .addHelpText('after', '\nThe secret is read from GATEHOUSE_CLIENT_SECRET, else from stdin (typed unechoed at a terminal):\n  echo "$SECRET" | gatehouse login --url http://localhost:3000 --client-id "$ID"')
    .action(async (options: { url?: string; clientId?: string }, command: Command) => {
      const url = options.url ?? process.env.GATEHOUSE_URL;
      const clientId = options.clientId ?? process.env.GATEHOUSE_CLIENT_ID;
      if (!url) command.error('error: give --url or set GATEHOUSE_URL', { exitCode: EXIT.usage });
      if (!clientId) command.error('error: give --client-id or set GATEHOUSE_CLIENT_ID', { exitCode: EXIT.usage });
      const clientSecret = process.env.GATEHOUSE_CLIENT_SECRET || (await readSecret('Client secret: '));
      const base = normalizeUrl(url);
      const warning = insecureUrlWarning(base);
      if (warning) note(warning);
      const token = await requestToken(base, clientId, clientSecret);
      const file = await saveCredentials({ url: base, clientId, clientSecret });
      if (json(command)) printJson({ url: base, client_id: clientId, scope: token.scope ?? null, config_file: file });
      else print(`Logged in to ${base} as ${clientId}; credentials saved in ${file}.`);
    });
  program
    .command('logout')
    .description('forget the stored credentials')
    .action(async (_options: unknown, command: Command) => {
      const removed = await removeCredentials();
      if (json(command)) printJson({ removed });
      else print(removed ? `Removed ${settingsFile()}.` : 'Not logged in.');
    });
  program
    .command('config')
    .description('show where the credentials come from (never the secret)')
    .action(async (_options: unknown, command: Command) => {
      const credentials = await loadCredentials();
      const shown = { url: credentials.url, client_id: credentials.clientId, client_secret: '(set, not shown)', source: credentials.source === 'file' ? settingsFile() : 'environment' };
      if (json(command)) printJson({ url: shown.url, client_id: shown.client_id, source: shown.source });
      else printRecord(shown);
    });
  program
    .command('token')
    .description('print a fresh access token for scripts, and nothing else, on stdout')
    .option('--scope <scope>', "a scope to ask for (repeatable, or comma-separated; default: all of the client's)", list)
    .addHelpText('after', '\nExample:\n  curl -H "Authorization: Bearer $(gatehouse token)" http://localhost:3000/api/v1/oauth/client')
    .action(async (options: { scope?: string[] }, command: Command) => {
      const credentials = await loadCredentials();
      printToken(command, await requestToken(credentials.url, credentials.clientId, credentials.clientSecret, options.scope?.join(' ')));
    });
}

function operatorCommands(program: Command): void {
  const operator = 'Operator commands (the server\'s own database, from DATABASE_URL):';
  program
    .command('migrate')
    .helpGroup(operator)
    .description('apply pending database migrations to DATABASE_URL (the server also does it at start)')
    .action(async (_options: unknown, command: Command) => {
      const { migrate } = await import('./operator.js');
      await migrate({ json: json(command) });
    });
  program
    .command('reset-admin-password')
    .helpGroup(operator)
    .description("set a new password for the administrator (ADMIN_EMAIL) and print it once; ends the administrator's sessions")
    .option('--password-stdin', 'read the new password from stdin (or type it, unechoed) instead of generating one')
    .action(async (options: { passwordStdin?: boolean }, command: Command) => {
      const { resetAdminPassword } = await import('./operator.js');
      await resetAdminPassword({ json: json(command), passwordStdin: options.passwordStdin === true });
    });
  program
    .command('create-root-client')
    .helpGroup(operator)
    .description('replace the root client (which holds every scope) with a new one and print its id and secret once; refused when OAUTH_ROOT_CLIENT_ID is set')
    .action(async (_options: unknown, command: Command) => {
      const { createRootClient } = await import('./operator.js');
      await createRootClient({ json: json(command) });
    });
}

export function buildProgram(): Command {
  const program = new Command('gatehouse')
    .description('Manage a Gatehouse OAuth 2.0 / OpenID Connect server from the command line.')
    .option('--json', 'print JSON for scripts instead of tables')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(text) })
    .addHelpText('after', HELP_FOOTER);
  program.commandsGroup('Account commands:');
  accountCommands(program);
  program.commandsGroup('API commands:');
  for (const command of [clientsCommand(), organizationsCommand(), projectsCommand(), usersCommand(), keysCommand(), auditCommand()]) {
    program.addCommand(command);
  }
  operatorCommands(program);
  // Every subcommand reports usage errors the same way, with exit code 2.
  const configure = (command: Command): void => {
    command.exitOverride().showHelpAfterError('(run with --help for usage)');
    command.commands.forEach(configure);
  };
  program.commands.forEach(configure);
  return program;
}

async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help asked for and the version are successes; every other parse error, and a group
      // command given no subcommand (commander shows its help with exit code 1), is bad usage.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (error instanceof CliError) {
      process.stderr.write(`gatehouse: ${error.message}\n`);
      return error.exitCode;
    }
    process.stderr.write(`gatehouse: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.failure;
  }
}

// An explicit exit: an idle keep-alive socket or database pool must not keep a script waiting.
process.exit(await main(process.argv));
