import { describe, expect, it } from '@jest/globals';
import { validateEnvironment } from '../config/environment.js';
import { GatehouseConfig } from '../config/gatehouse-config.js';
import { defaultGrantTypes, GRANT_TYPES, isGrantType, TokenPolicy } from './token-policy.js';

const policy = new TokenPolicy(new GatehouseConfig(validateEnvironment({ OAUTH_ACCESS_TOKEN_EXPIRE_MINUTES: '5', PUBLIC_URL: 'https://id.example.com' })));
const client = { accessTokenLifespan: null, notBefore: 1_000, notBeforePolicy: 0 };
const organization = { accessTokenLifespan: null, notBefore: 0, builtIn: false, issuer: 'https://id.example.com/auth/realms/acme' };

describe('TokenPolicy', () => {
  it("takes the client's lifespan, else its organization's, else the server default", () => {
    expect(policy.lifespanSeconds(client, organization)).toBe(300);
    expect(policy.lifespanSeconds(client, { ...organization, accessTokenLifespan: 600 })).toBe(600);
    expect(policy.lifespanSeconds({ ...client, accessTokenLifespan: 42 }, { ...organization, accessTokenLifespan: 600 })).toBe(42);
  });

  it('takes the latest not-before of the client, the organization and any other party', () => {
    expect(policy.notBefore(client, organization)).toBe(1_000);
    expect(policy.notBefore(client, { ...organization, notBefore: 2_000 })).toBe(2_000);
    expect(policy.notBefore(client, organization, 5_000, 3_000)).toBe(5_000);
  });

  it("reports the latest not-before push, the client's or the organization's, in seconds (0: none)", () => {
    // A client's creation is its not-before, but not a push.
    expect(policy.notBeforePolicy(client, organization)).toBe(0);
    expect(policy.notBeforePolicy({ ...client, notBeforePolicy: 7_999 }, organization)).toBe(7);
    expect(policy.notBeforePolicy({ ...client, notBeforePolicy: 7_999 }, { ...organization, notBefore: 9_000 })).toBe(9);
  });

  it("signs as the realm called, and as the server itself for the built-in organization's Fides paths", () => {
    expect(policy.issuer(organization, false)).toBe(organization.issuer);
    expect(policy.issuer({ ...organization, builtIn: true }, true)).toBe(organization.issuer);
    expect(policy.issuer({ ...organization, builtIn: true }, false)).toBe('https://id.example.com');
  });
});

describe('grant types', () => {
  it("gives a confidential client RFC 6749's grants (token exchange only with an exchange policy) and a public client the user grants; the device grant only to a client that asks for it", () => {
    expect(defaultGrantTypes(false)).toEqual(['client_credentials', 'authorization_code', 'refresh_token']);
    expect(defaultGrantTypes(false, true)).toEqual(['client_credentials', 'authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:token-exchange']);
    expect(defaultGrantTypes(true, true)).toEqual(['authorization_code', 'refresh_token']);
    expect(defaultGrantTypes(true)).toEqual(['authorization_code', 'refresh_token']);
    expect(GRANT_TYPES.filter(isGrantType)).toEqual([...GRANT_TYPES]);
    expect(isGrantType('password')).toBe(false);
  });
});
