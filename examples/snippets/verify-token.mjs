// Verify a Gatehouse access token for your API in Node, with jose (npm install jose).
// Usage: GATEHOUSE_ISSUER=http://localhost:8080/auth/realms/imply API_IDENTIFIER=https://orders.example.com \
//          node verify-token.mjs <access_token> [required scope]
// Prints the token's claims (exit 0); an invalid token exits 1, a missing scope 2.
import { createRemoteJWKSet, jwtVerify } from 'jose';

const issuer = process.env.GATEHOUSE_ISSUER; // the realm: exactly the token's `iss`
const audience = process.env.API_IDENTIFIER; // your API's identifier: must be in the token's `aud`

// The realm's discovery document names its JWKS; jose fetches and caches the keys (and refetches on a new kid).
const metadata = await (await fetch(`${issuer}/.well-known/openid-configuration`)).json();
if (metadata.issuer !== issuer) throw new Error(`discovery names another issuer: ${metadata.issuer}`);
const jwks = createRemoteJWKSet(new URL(metadata.jwks_uri));

async function verify(token, requiredScope) {
  // Signature from the realm's keys, iss, aud, exp, and typ at+jwt (RFC 9068: not an ID token).
  const { payload } = await jwtVerify(token, jwks, { issuer, audience, typ: 'at+jwt', requiredClaims: ['exp'] });
  const scopes = typeof payload.scope === 'string' ? payload.scope.split(' ') : [];
  if (requiredScope && !scopes.includes(requiredScope)) {
    throw Object.assign(new Error(`the token lacks the scope ${requiredScope}`), { code: 'insufficient_scope' });
  }
  return payload; // payload.org_id: the organization; payload.project_id: the project of a project-scoped token
}

const [token, requiredScope] = process.argv.slice(2);
try {
  console.log(JSON.stringify(await verify(token, requiredScope)));
} catch (error) {
  const insufficient = error.code === 'insufficient_scope';
  console.error(`${insufficient ? 'insufficient_scope' : 'invalid_token'}: ${error.message}`);
  process.exitCode = insufficient ? 2 : 1;
}
