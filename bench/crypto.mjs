// Side-by-side measurements behind the README's crypto claims, as ratios of two things timed in
// the same run (absolute times on a shared machine mean little):
//   1. ES256 signing and verification: node:crypto as Gatehouse does it (dist/keys/compact-jws.js)
//      against jose's SignJWT / jwtVerify, on the same key and the same claims.
//   2. Checking a client secret: HMAC-SHA-256 as ClientSecretHasher does it, against a password
//      KDF (PasswordHasher's scrypt), to show what a KDF would cost the token endpoint.
// Run after `npm run build`: node bench/crypto.mjs (BENCH_CRYPTO_MS: time per measurement, default 2000).
import { generateKeyPair, SignJWT, jwtVerify } from 'jose';
import { signCompactJws, decodeCompactJws, verifyCompactJws } from '../dist/keys/compact-jws.js';
import { ClientSecretHasher } from '../dist/clients/client-secret-hasher.js';
import { PasswordHasher } from '../dist/users/password-hasher.js';
import { validateEnvironment } from '../dist/config/environment.js';
import { GatehouseConfig } from '../dist/config/gatehouse-config.js';

const BUDGET_MS = Number(process.env.BENCH_CRYPTO_MS ?? 2000);
/** Keeps this many operations in flight: both libraries run on libuv's thread pool or the event loop as they would in the server. */
const IN_FLIGHT = 32;

/** Operations per second of `operation`, run for BUDGET_MS with IN_FLIGHT at once (after a short warm-up). */
async function rate(operation, budgetMs = BUDGET_MS) {
  const run = async (ms) => {
    let done = 0;
    const until = performance.now() + ms;
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (performance.now() < until) {
          await operation();
          done += 1;
        }
      }),
    );
    return done;
  };
  await run(Math.min(300, budgetMs / 4));
  const started = performance.now();
  const done = await run(budgetMs);
  return done / ((performance.now() - started) / 1000);
}

const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
const header = { alg: 'ES256', typ: 'at+jwt', kid: 'bench' };
const claims = { iss: 'https://gatehouse.example', sub: 'client', aud: 'https://api.example', client_id: 'client', iat: 1_800_000_000, exp: 4_000_000_000, jti: 'jti', scope: 'a b c', org_id: 'org' };

const token = await signCompactJws(header, claims, 'ES256', privateKey);
const decoded = decodeCompactJws(token);
if (!(await verifyCompactJws(decoded, 'ES256', publicKey))) throw new Error('node:crypto did not verify its own token');
await jwtVerify(token, publicKey, { typ: 'at+jwt' });

const results = {};
results.signNode = await rate(() => signCompactJws(header, claims, 'ES256', privateKey));
results.signJose = await rate(() => new SignJWT(claims).setProtectedHeader(header).sign(privateKey));
results.verifyNode = await rate(() => verifyCompactJws(decodeCompactJws(token), 'ES256', publicKey));
results.verifyJose = await rate(() => jwtVerify(token, publicKey, { typ: 'at+jwt' }));

const secrets = new ClientSecretHasher();
const { secret, hash } = secrets.generate();
const passwords = new PasswordHasher(new GatehouseConfig(validateEnvironment({})));
const passwordHash = await passwords.hash(secret);
results.hmacCheck = await rate(async () => {
  if (!secrets.verify(secret, hash)) throw new Error('HMAC check failed');
});
results.scryptCheck = await rate(async () => {
  if (!(await passwords.verify(secret, passwordHash))) throw new Error('scrypt check failed');
}, Math.max(BUDGET_MS, 3000));

const ratio = (a, b) => `${(a / b).toFixed(1)}x`;
console.log(`ES256 sign, node:crypto over jose SignJWT:      ${ratio(results.signNode, results.signJose)}`);
console.log(`ES256 verify, node:crypto over jose jwtVerify:  ${ratio(results.verifyNode, results.verifyJose)}`);
console.log(`client secret check, HMAC-SHA-256 over scrypt:  ${ratio(results.hmacCheck, results.scryptCheck)}`);
console.log(`(operations per second, this run only: ${Object.entries(results).map(([name, value]) => `${name} ${Math.round(value)}`).join(', ')})`);
