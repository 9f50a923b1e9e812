import { type TestApp, ROOT_CLIENT_ID, ROOT_CLIENT_SECRET } from './test-app.js';

export interface Credentials {
  client_id: string;
  client_secret: string;
}

export const ROOT: Credentials = { client_id: ROOT_CLIENT_ID, client_secret: ROOT_CLIENT_SECRET };

/** A token by client_secret_post; fails the test unless the server answers 200. */
export async function tokenFor(app: TestApp, credentials: Credentials, scope?: string): Promise<string> {
  const response = await app
    .http()
    .post('/api/v1/oauth/token')
    .type('form')
    .send({ grant_type: 'client_credentials', ...credentials, ...(scope !== undefined && { scope }) });
  if (response.status !== 200) throw new Error(`token request failed: ${response.status} ${JSON.stringify(response.body)}`);
  return (response.body as { access_token: string }).access_token;
}

/** Creates a client through the API with a token of `creator` (the root client unless said otherwise). */
export async function createClient(app: TestApp, body: Record<string, unknown>, creator: Credentials = ROOT): Promise<Credentials> {
  const token = await tokenFor(app, creator);
  const response = await app.http().post('/api/v1/oauth/client').set('Authorization', `Bearer ${token}`).send(body);
  if (response.status !== 201) throw new Error(`client creation failed: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body as Credentials;
}

export function basic(credentials: Credentials): string {
  return `Basic ${Buffer.from(`${credentials.client_id}:${credentials.client_secret}`).toString('base64')}`;
}

export function decodeJwt(token: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const [header, payload] = token.split('.');
  return {
    header: JSON.parse(Buffer.from(header, 'base64url').toString()) as Record<string, unknown>,
    payload: JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>,
  };
}
