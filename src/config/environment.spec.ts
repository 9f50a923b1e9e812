import { describe, expect, it } from '@jest/globals';
import { Environment, validateEnvironment } from './environment.js';
import { GatehouseConfig } from './gatehouse-config.js';

describe('validateEnvironment', () => {
  it('applies documented defaults', () => {
    const config = new GatehouseConfig(validateEnvironment({}));
    expect(config).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      metricsPort: undefined,
      databaseUrl: 'sqlite:data/gatehouse.sqlite',
      issuer: 'http://localhost:8080',
      audience: 'http://localhost:8080',
      defaultAccessTokenLifespanSeconds: 3600,
      signingAlgorithm: 'ES256',
      rootClient: undefined,
      production: false,
      admin: { email: 'admin@gatehouse.local', password: undefined },
      secureCookies: false,
      signInRateLimitPerMinute: 30,
      passwordHashCost: 15,
    });
  });

  it('reads every variable', () => {
    const config = new GatehouseConfig(
      validateEnvironment({
        NODE_ENV: 'production',
        PORT: '9000',
        HOST: '127.0.0.1',
        METRICS_PORT: '9100',
        DATABASE_URL: 'mysql://root@127.0.0.1:3306/test',
        PUBLIC_URL: 'https://auth.example.com/',
        OAUTH_ROOT_CLIENT_ID: 'root',
        OAUTH_ROOT_CLIENT_SECRET: 's'.repeat(32),
        OAUTH_ACCESS_TOKEN_EXPIRE_MINUTES: '5',
        OAUTH_SIGNING_ALG: 'EdDSA',
        OAUTH_TOKEN_AUDIENCE: 'https://api.example.com',
        ADMIN_EMAIL: 'Ops@Example.com',
        ADMIN_PASSWORD: 'a long admin passphrase',
        SESSION_LIFESPAN_SECONDS: '3600',
        REFRESH_TOKEN_LIFESPAN_SECONDS: '86400',
        SIGN_IN_RATE_LIMIT_PER_MINUTE: '5',
        PASSWORD_HASH_COST: '16',
      }),
    );
    expect(config).toMatchObject({
      production: true,
      port: 9000,
      host: '127.0.0.1',
      metricsPort: 9100,
      issuer: 'https://auth.example.com',
      audience: 'https://api.example.com',
      rootClient: { id: 'root', secret: 's'.repeat(32) },
      admin: { email: 'ops@example.com', password: 'a long admin passphrase' },
      sessionLifespanMs: 3_600_000,
      refreshTokenLifespanSeconds: 86400,
      signInRateLimitPerMinute: 5,
      passwordHashCost: 16,
      secureCookies: true,
      defaultAccessTokenLifespanSeconds: 300,
      signingAlgorithm: 'EdDSA',
    });
  });

  it('names every invalid variable at once', () => {
    expect(() => validateEnvironment({ PORT: '8080abc', OAUTH_SIGNING_ALG: 'HS256', PUBLIC_URL: 'ftp://x' })).toThrow(/PORT[\s\S]*PUBLIC_URL[\s\S]*OAUTH_SIGNING_ALG/);
  });

  it.each(['127.0.0.1', '::', '::1', 'localhost', 'gatehouse.internal'])('takes HOST %s as the listen address', (host) => {
    expect(new GatehouseConfig(validateEnvironment({ HOST: host })).host).toBe(host);
  });

  it.each(['0.0.0.0:8080', 'http://localhost', 'a b', '-x'])('refuses HOST %s', (host) => {
    expect(() => validateEnvironment({ HOST: host })).toThrow('HOST must be an IP address or a host name');
  });

  it('refuses a METRICS_PORT that is PORT, or no port at all', () => {
    expect(() => validateEnvironment({ PORT: '9000', METRICS_PORT: '9000' })).toThrow('METRICS_PORT must differ from PORT');
    expect(() => validateEnvironment({ METRICS_PORT: '8080' })).toThrow('METRICS_PORT must differ from PORT');
    expect(() => validateEnvironment({ METRICS_PORT: '0' })).toThrow('METRICS_PORT');
    expect(() => validateEnvironment({ METRICS_PORT: 'abc' })).toThrow('METRICS_PORT');
  });

  it('requires the root client in production, and both halves together', () => {
    expect(() => validateEnvironment({ NODE_ENV: 'production' })).toThrow('OAUTH_ROOT_CLIENT_ID and OAUTH_ROOT_CLIENT_SECRET must be set when NODE_ENV=production');
    expect(() => validateEnvironment({ OAUTH_ROOT_CLIENT_SECRET: 's'.repeat(32) })).toThrow('must be set together');
  });

  it('takes a lower PASSWORD_HASH_COST outside production only, and none below 10 or above 17', () => {
    expect(new GatehouseConfig(validateEnvironment({ NODE_ENV: 'test', PASSWORD_HASH_COST: '10' })).passwordHashCost).toBe(10);
    const production = { NODE_ENV: 'production', OAUTH_ROOT_CLIENT_ID: 'root', OAUTH_ROOT_CLIENT_SECRET: 's'.repeat(32), ADMIN_EMAIL: 'ops@example.com', ADMIN_PASSWORD: 'an admin passphrase' };
    expect(() => validateEnvironment({ ...production, PASSWORD_HASH_COST: '14' })).toThrow('PASSWORD_HASH_COST must be at least 15 when NODE_ENV=production');
    for (const cost of ['9', '18', 'x']) expect(() => validateEnvironment({ PASSWORD_HASH_COST: cost })).toThrow('PASSWORD_HASH_COST');
  });

  it('never echoes a secret value in its message', () => {
    expect(() => validateEnvironment({ OAUTH_ROOT_CLIENT_ID: 'root', OAUTH_ROOT_CLIENT_SECRET: 'tooshort-secret' })).toThrow(/^(?![\s\S]*tooshort-secret)/);
  });

  const problems = (raw: Record<string, string>): string[] => {
    try {
      validateEnvironment(raw);
      return [];
    } catch (error) {
      return (error as Error).message.split('\n').slice(1).map((line) => line.replace(/^\s+- /, ''));
    }
  };

  it('says one thing per variable: not a number, or out of range, never both', () => {
    expect(problems({ PORT: 'abc' })).toEqual(['PORT must be an integer number']);
    expect(problems({ PORT: '70000' })).toEqual(['PORT must not be greater than 65535']);
    expect(problems({ SHUTDOWN_GRACE_SECONDS: '-1' })).toEqual(['SHUTDOWN_GRACE_SECONDS must not be less than 0']);
    expect(problems({ SHUTDOWN_GRACE_SECONDS: '1.5', PORT: '-80' })).toEqual(['PORT must not be less than 0', 'SHUTDOWN_GRACE_SECONDS must be an integer number']);
  });

  it('reads every numeric setting given as text (as the environment gives it) as its number', () => {
    const defaults = new Environment() as unknown as Record<string, unknown>;
    const numeric = Object.keys(defaults).filter((key) => typeof defaults[key] === 'number');
    expect(numeric).toEqual(expect.arrayContaining(['PORT', 'DPOP_PROOF_MAX_AGE_SECONDS', 'PAR_REQUEST_URI_LIFETIME_SECONDS', 'CLIENT_ASSERTION_MAX_LIFETIME_SECONDS']));
    const asText = Object.fromEntries(numeric.map((key) => [key, String(defaults[key])]));
    const read = validateEnvironment({ ...asText, METRICS_PORT: '9464' }) as unknown as Record<string, unknown>;
    for (const key of [...numeric, 'METRICS_PORT']) expect([key, typeof read[key]]).toEqual([key, 'number']);
  });

  it('takes ADMIN_PASSWORD alone outside production, for the default email; production asks for both', () => {
    expect(new GatehouseConfig(validateEnvironment({ ADMIN_PASSWORD: 'a long admin passphrase' })).admin).toEqual({ email: 'admin@gatehouse.local', password: 'a long admin passphrase' });
    const root = { NODE_ENV: 'production', OAUTH_ROOT_CLIENT_ID: 'root', OAUTH_ROOT_CLIENT_SECRET: 's'.repeat(32) };
    expect(problems({ ...root, ADMIN_PASSWORD: 'a long admin passphrase' })).toEqual(['ADMIN_EMAIL must be set with ADMIN_PASSWORD when NODE_ENV=production']);
    expect(problems({ ...root, ADMIN_EMAIL: 'ops@example.com' })).toEqual(['ADMIN_PASSWORD must be set with ADMIN_EMAIL when NODE_ENV=production']);
  });

  it('reads LOG_FORMAT, and refuses any other value than json or pretty', () => {
    expect(validateEnvironment({ LOG_FORMAT: 'pretty' }).LOG_FORMAT).toBe('pretty');
    expect(problems({ LOG_FORMAT: 'xml' })).toEqual(['LOG_FORMAT must be one of the following values: json, pretty']);
  });
});
