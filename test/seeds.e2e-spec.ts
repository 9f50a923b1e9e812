import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type TestApp, startApp } from './support/test-app.js';
import { type Credentials, decodeJwt, ROOT, tokenFor } from './support/oauth.js';
import { createClientIn, createOrganization, createProject, type Project } from './support/tenants.js';

const run = promisify(execFile);

/**
 * The seeds' commands, copied character for character from the seed documents (placeholders
 * included); substitute() only fills in the placeholders, so what runs is what a reader of the
 * seed would type. Polar's curl lines use /api/v1/oauth2/… paths (see issue 17).
 */
const SEED = {
  polarisTokenRequest: `curl --request POST "https://id.imply.io/auth/realms/ORGANIZATION_NAME/protocol/openid-connect/token" \\
--header "Content-Type: application/x-www-form-urlencoded" \\
--data "client_id=CLIENT_ID" \\
--data "client_secret=CLIENT_SECRET" \\
--data "grant_type=client_credentials" \\
--data "scope=project-PROJECT_ID" \\
`,
  polarisExample: `curl --request POST "https://id.imply.io/auth/realms/ORGANIZATION_NAME/protocol/openid-connect/token" \\
--header "Content-Type: application/x-www-form-urlencoded" \\
--data "client_id=MPS-test" \\
--data "client_secret=NERkooqiyW8LLmlfnV28tSkZsjxxxxxx" \\
--data "grant_type=client_credentials" \\
--data "scope=project-45c024f4-1254-4b58-8207-4111d2xxxxxx"`,
  polarisExport: `export IMPLY_TOKEN="$(curl -s -d grant_type=client_credentials -d client_id={client_id} -d client_secret={client_secret} "https://id.imply.io/auth/realms/{organization_name}/protocol/openid-connect/token" | sed -e 's/.*"access_token"\\s*:\\s*"\\([^"]*\\)\\".*/\\1/')"`,
  implyHybrid: `curl --request POST 'https://id.imply.io/auth/realms/{organization_name}/protocol/openid-connect/token' \\
--header 'Content-Type: application/x-www-form-urlencoded' \\
--data-urlencode 'client_id={client_id}' \\
--data-urlencode 'client_secret={client_secret}' \\
--data-urlencode 'grant_type=client_credentials'`,
  fidesToken: `curl \\
  -X POST 'http://<HOST>:8080/api/v1/oauth/token' \\
  -d client_id={oauth_root_client_id} \\
  -d client_secret={oauth_root_client_secret} \\
  -d grant_type=client_credentials`,
  // As in the seed: the Authorization line lacks its trailing backslash, so the shell runs the
  // last two lines as commands of their own and curl posts no body.
  fidesCreateClient: `curl \\
  -X POST 'http://<HOST>:8080/api/v1/oauth/client' \\
  -H 'Authorization: Bearer <root_access_token>'
  -H 'Content-Type: application/json'
  -d '{ "scopes": ["policy:read", "rule:read"]}'`,
  atlasToken: `#!/bin/bash
curl -X POST https://auth.is2.app/auth/realms/{YOUREREALM}/protocol/openid-connect/token \\
-H "Authorization: Basic $(echo -n YourClientId:YourClientSecret | base64)" \\
-d "grant_type=client_credentials"`,
} as const;

/** Fills in a seed command's placeholders; fails if one is not in the command (a mistyped seed). */
function substitute(command: string, values: Record<string, string>): string {
  let out = command;
  for (const [placeholder, value] of Object.entries(values)) {
    if (!out.includes(placeholder)) throw new Error(`${placeholder} is not in the seed command`);
    out = out.split(placeholder).join(value);
  }
  return out;
}

const bash = async (script: string) => (await run('bash', ['-c', script], { timeout: 20_000 })).stdout;

/**
 * The seeds' own commands, run by a real shell and curl against a listening Gatehouse, with the
 * credentials Gatehouse generates (no custom short client id). The Python example runs against
 * the example resource server, in test/resource-server.e2e-spec.ts.
 */
describe('the seed documents, run against a local server', () => {
  let gatehouse: TestApp;
  let base: string;
  let host: string;
  let client: Credentials;
  let project: Project;

  beforeAll(async () => {
    gatehouse = await startApp();
    await gatehouse.app.listen({ port: 0, host: '127.0.0.1' });
    const port = (gatehouse.app.getHttpServer().address() as { port: number }).port;
    base = `http://127.0.0.1:${port}`;
    host = `127.0.0.1:${port}`;
    await createOrganization(gatehouse, { name: 'imply', oauth_enabled: true });
    client = await createClientIn(gatehouse, 'imply', { scopes: ['table:read', 'table:write'] });
    project = await createProject(gatehouse, 'imply', 'seed-project');
  });
  afterAll(() => gatehouse.close());

  it('generates credentials whose `echo -n ID:SECRET | base64` is one line, on creation and on regeneration', async () => {
    const oneLine = async (credentials: Credentials) => {
      const encoded = await bash(`echo -n "$ID:$SECRET" | base64`.replace('$ID', credentials.client_id).replace('$SECRET', credentials.client_secret));
      expect(encoded.trimEnd().split('\n')).toHaveLength(1);
      expect(Buffer.from(encoded.trim(), 'base64').toString()).toBe(`${credentials.client_id}:${credentials.client_secret}`);
    };
    expect(client.client_id).toMatch(/^[0-9a-f]{20}$/);
    expect(client.client_secret).toMatch(/^[\w-]{32}$/);
    await oneLine(client);
    const other = await createClientIn(gatehouse, 'imply', { scopes: ['table:read'] });
    await oneLine(other);
    const regenerated = await gatehouse.http().post(`/api/v1/oauth/client/${other.client_id}/secret`).set('Authorization', `Bearer ${await tokenFor(gatehouse, ROOT)}`);
    expect(regenerated.status).toBe(200);
    await oneLine(regenerated.body as Credentials);
  });

  it('Imply Polaris: the project-scoped token request answers as the sample response does', async () => {
    const output = await bash(
      substitute(SEED.polarisTokenRequest, { 'https://id.imply.io': base, ORGANIZATION_NAME: 'imply', CLIENT_ID: client.client_id, CLIENT_SECRET: client.client_secret, PROJECT_ID: project.id }),
    );
    const body = JSON.parse(output) as Record<string, unknown>;
    expect(body).toMatchObject({ expires_in: 300, refresh_expires_in: 0, token_type: 'Bearer', 'not-before-policy': 0 });
    expect((body.scope as string).split(' ')).toContain(`project-${project.id}`);
    expect(decodeJwt(body.access_token as string).payload).toMatchObject({ project_id: project.id, org: 'imply' });
  });

  it("Imply Polaris: the MPS-test example, with a generated client's credentials", async () => {
    const output = await bash(
      substitute(SEED.polarisExample, {
        'https://id.imply.io': base,
        ORGANIZATION_NAME: 'imply',
        'MPS-test': client.client_id,
        NERkooqiyW8LLmlfnV28tSkZsjxxxxxx: client.client_secret,
        '45c024f4-1254-4b58-8207-4111d2xxxxxx': project.id,
      }),
    );
    const body = JSON.parse(output) as Record<string, unknown>;
    expect(body).toMatchObject({ expires_in: 300, token_type: 'Bearer' });
    expect(decodeJwt(body.access_token as string).payload).toMatchObject({ client_id: client.client_id, project_id: project.id });
  });

  it("Imply Polaris: the seed's `export IMPLY_TOKEN=...` line extracts a working token with sed", async () => {
    const output = await bash(
      `${substitute(SEED.polarisExport, { '{client_id}': client.client_id, '{client_secret}': client.client_secret, 'https://id.imply.io': base, '{organization_name}': 'imply' })}
echo "$IMPLY_TOKEN"`,
    );
    const token = output.trim();
    expect(decodeJwt(token).payload).toMatchObject({ client_id: client.client_id, iss: 'http://localhost:8080/auth/realms/imply' });
  });

  it('Imply Hybrid: the --data-urlencode token request works', async () => {
    const output = await bash(substitute(SEED.implyHybrid, { 'https://id.imply.io': base, '{organization_name}': 'imply', '{client_id}': client.client_id, '{client_secret}': client.client_secret }));
    expect(JSON.parse(output)).toMatchObject({ token_type: 'Bearer', expires_in: 300 });
  });

  it('Atlas: the HTTP Basic token request works with generated credentials, and the JWT carries exp', async () => {
    const output = await bash(
      substitute(SEED.atlasToken, { 'https://auth.is2.app': base, '{YOUREREALM}': 'imply', YourClientId: client.client_id, YourClientSecret: client.client_secret }),
    );
    const body = JSON.parse(output) as { access_token: string; token_type: string; expires_in: number };
    expect(body.token_type).toBe('Bearer');
    const { payload } = decodeJwt(body.access_token);
    expect(payload.exp).toBe((payload.iat as number) + body.expires_in);
  });

  it('Fides: the root token request, the client creation as printed, and a token for the new credentials', async () => {
    const rootToken = JSON.parse(
      await bash(substitute(SEED.fidesToken, { '<HOST>:8080': host, '{oauth_root_client_id}': ROOT.client_id, '{oauth_root_client_secret}': ROOT.client_secret })),
    ) as { access_token: string };
    expect(rootToken.access_token).toBeTruthy();

    // Run as printed, the shell reports the two stray lines as unknown commands (exit 127); the
    // curl before them posts no body, and is told what is missing rather than given a client.
    const script = substitute(SEED.fidesCreateClient, { '<HOST>:8080': host, '<root_access_token>': rootToken.access_token });
    const asPrinted = await run('bash', ['-c', script], { timeout: 20_000 }).then(
      () => undefined,
      (failure: { code: number; stdout: string }) => failure,
    );
    expect(asPrinted?.code).toBe(127);
    expect(JSON.parse(asPrinted!.stdout)).toMatchObject({ statusCode: 400, message: expect.stringContaining('scopes must be an array') });
    // With the missing line continuation restored, and nothing else changed, it creates the client.
    const created = JSON.parse(await bash(script.replace(/'\n(?= {2}-)/g, "' \\\n"))) as Credentials;
    expect(created.client_id).toMatch(/^[0-9a-f]{20}$/);
    expect(created.client_secret).toMatch(/^[\w-]{32}$/);

    const newToken = JSON.parse(
      await bash(substitute(SEED.fidesToken, { '<HOST>:8080': host, '{oauth_root_client_id}': created.client_id, '{oauth_root_client_secret}': created.client_secret })),
    ) as Record<string, unknown>;
    expect(newToken).toMatchObject({ token_type: 'Bearer', expires_in: expect.any(Number), scope: 'policy:read rule:read' });
    expect(decodeJwt(newToken.access_token as string).payload).toMatchObject({ client_id: created.client_id });
  });
});
