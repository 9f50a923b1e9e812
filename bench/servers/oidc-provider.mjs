// node-oidc-provider configured as close to Gatehouse as it allows: client_credentials,
// client_secret_basic (and _post), ES256 JWT access tokens through a resource indicator, its
// default in-memory adapter. Also a private_key_jwt client (its public key in CLIENT_JWK) and
// DPoP (features.dPoP, no nonce, as Gatehouse by default). Started by bench/run.mjs with PORT,
// CLIENT_SECRET and CLIENT_JWK.
import { exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';

const port = Number(process.env.PORT);
const secret = process.env.CLIENT_SECRET;
const clientJwk = JSON.parse(process.env.CLIENT_JWK);
const { privateKey } = await generateKeyPair('ES256', { extractable: true });
const signingKey = { ...(await exportJWK(privateKey)), alg: 'ES256', use: 'sig', kid: 'bench' };

const client = (id, method) => ({ client_id: id, client_secret: secret, grant_types: ['client_credentials'], response_types: [], redirect_uris: [], token_endpoint_auth_method: method, scope: 'api:read', id_token_signed_response_alg: 'ES256' });

const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [
    client('bench-basic', 'client_secret_basic'),
    client('bench-post', 'client_secret_post'),
    { ...client('bench-pkjwt', 'private_key_jwt'), client_secret: undefined, jwks: { keys: [clientJwk] } },
  ],
  clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'private_key_jwt'],
  jwks: { keys: [signingKey] },
  scopes: ['api:read'],
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    dPoP: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => 'https://api.example.com',
      useGrantedResource: () => true,
      getResourceServerInfo: () => ({ scope: 'api:read', audience: 'https://api.example.com', accessTokenTTL: 3600, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'ES256' } } }),
    },
  },
});
provider.listen(port, '127.0.0.1', () => process.stdout.write(`oidc-provider listening on port ${port}\n`));
