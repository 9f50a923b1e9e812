import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type TestApp, startApp } from './support/test-app.js';
import { type Credentials, decodeJwt } from './support/oauth.js';
import { createClientIn, createOrganization, createProject, type Project } from './support/tenants.js';

const run = promisify(execFile);

/**
 * The seeds' own commands, run by a real shell and curl against a listening Gatehouse; only host,
 * realm and credentials differ. The Python example runs against the example resource server, in
 * test/resource-server.e2e-spec.ts.
 */
describe('the seed documents, run against a local server', () => {
  let gatehouse: TestApp;
  let base: string;
  let client: Credentials;
  let project: Project;

  const bash = async (script: string) => (await run('bash', ['-c', script], { timeout: 20_000 })).stdout;

  beforeAll(async () => {
    gatehouse = await startApp();
    await gatehouse.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(gatehouse.app.getHttpServer().address() as { port: number }).port}`;
    await createOrganization(gatehouse, { name: 'imply', oauth_enabled: true });
    client = await createClientIn(gatehouse, 'imply', { client_id: 'MPS-test', scopes: ['table:read', 'table:write'] });
    project = await createProject(gatehouse, 'imply', 'seed-project');
  });
  afterAll(() => gatehouse.close());

  it('Imply Polaris: the project-scoped token request answers as the sample response does', async () => {
    const output = await bash(`curl --request POST "${base}/auth/realms/imply/protocol/openid-connect/token" \\
--header "Content-Type: application/x-www-form-urlencoded" \\
--data "client_id=MPS-test" \\
--data "client_secret=${client.client_secret}" \\
--data "grant_type=client_credentials" \\
--data "scope=project-${project.id}"`);
    const body = JSON.parse(output) as Record<string, unknown>;
    expect(body).toMatchObject({ expires_in: 300, refresh_expires_in: 0, token_type: 'Bearer', 'not-before-policy': 0 });
    expect((body.scope as string).split(' ')).toContain(`project-${project.id}`);
    expect(decodeJwt(body.access_token as string).payload).toMatchObject({ project_id: project.id, org: 'imply' });
  });

  it("Imply Polaris: the seed's `export IMPLY_TOKEN=...` line extracts a working token with sed", async () => {
    const output = await bash(`export IMPLY_TOKEN="$(curl -s -d grant_type=client_credentials -d client_id=${client.client_id} -d client_secret=${client.client_secret} "${base}/auth/realms/imply/protocol/openid-connect/token" | sed -e 's/.*"access_token"\\s*:\\s*"\\([^"]*\\)\\".*/\\1/')"
echo "$IMPLY_TOKEN"`);
    const token = output.trim();
    expect(decodeJwt(token).payload).toMatchObject({ client_id: 'MPS-test', iss: 'http://localhost:8080/auth/realms/imply' });
  });

  it('Imply Hybrid: the --data-urlencode token request works', async () => {
    const output = await bash(`curl --request POST '${base}/auth/realms/imply/protocol/openid-connect/token' \\
--header 'Content-Type: application/x-www-form-urlencoded' \\
--data-urlencode 'client_id=${client.client_id}' \\
--data-urlencode 'client_secret=${client.client_secret}' \\
--data-urlencode 'grant_type=client_credentials'`);
    expect(JSON.parse(output)).toMatchObject({ token_type: 'Bearer', expires_in: 300 });
  });

  it('Atlas: the HTTP Basic token request works, and the JWT carries exp', async () => {
    const output = await bash(`curl -X POST ${base}/auth/realms/imply/protocol/openid-connect/token \\
-H "Authorization: Basic $(echo -n ${client.client_id}:${client.client_secret} | base64)" \\
-d "grant_type=client_credentials"`);
    const body = JSON.parse(output) as { access_token: string; token_type: string; expires_in: number };
    expect(body.token_type).toBe('Bearer');
    const { payload } = decodeJwt(body.access_token);
    expect(payload.exp).toBe((payload.iat as number) + body.expires_in);
  });
});
