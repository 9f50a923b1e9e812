import { type TestApp } from './test-app.js';
import { type Credentials, ROOT, tokenFor } from './oauth.js';

export interface Organization {
  id: string;
  name: string;
  issuer: string;
  token_endpoint: string;
}

export interface Project {
  id: string;
  scope: string;
}

async function asRoot(app: TestApp): Promise<string> {
  return tokenFor(app, ROOT);
}

function expectStatus(response: { status: number; body: unknown }, status: number, what: string): void {
  if (response.status !== status) throw new Error(`${what}: ${response.status} ${JSON.stringify(response.body)}`);
}

export async function createOrganization(app: TestApp, body: Record<string, unknown>): Promise<Organization> {
  const response = await app.http().post('/api/v1/organizations').set('Authorization', `Bearer ${await asRoot(app)}`).send({ display_name: String(body.name), ...body });
  expectStatus(response, 201, 'organization creation');
  return response.body as Organization;
}

/** A client of `organization`, created by the root client. */
export async function createClientIn(app: TestApp, organization: string, body: Record<string, unknown>): Promise<Credentials> {
  const response = await app.http().post('/api/v1/oauth/client').set('Authorization', `Bearer ${await asRoot(app)}`).send({ scopes: [], organization, ...body });
  expectStatus(response, 201, 'client creation');
  return response.body as Credentials;
}

export async function createProject(app: TestApp, organization: string, name: string): Promise<Project> {
  const response = await app.http().post(`/api/v1/organizations/${organization}/projects`).set('Authorization', `Bearer ${await asRoot(app)}`).send({ name });
  expectStatus(response, 201, 'project creation');
  return response.body as Project;
}

export function realmTokenRequest(app: TestApp, realm: string, credentials: Credentials, scope?: string) {
  return app
    .http()
    .post(`/auth/realms/${realm}/protocol/openid-connect/token`)
    .type('form')
    .send({ grant_type: 'client_credentials', ...credentials, ...(scope !== undefined && { scope }) });
}

export async function realmToken(app: TestApp, realm: string, credentials: Credentials, scope?: string): Promise<string> {
  const response = await realmTokenRequest(app, realm, credentials, scope);
  expectStatus(response, 200, 'realm token');
  return (response.body as { access_token: string }).access_token;
}
