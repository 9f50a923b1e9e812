import { describe, expect, it } from '@jest/globals';
import { InvalidRequest, InvalidScope, InvalidTarget } from '../common/errors/oauth-errors.js';
import { requestedGrant, requestedResource, resolveTarget, type TargetApi } from './token-target.js';

const OWN = 'https://gatehouse.example/api';
const orders: TargetApi = { identifier: 'https://orders.example.com', name: 'Orders', scopes: [{ name: 'orders:read' }, { name: 'orders:write' }], accessTokenLifespanSeconds: 600, requireProjectScopedTokens: false };
const billing: TargetApi = { identifier: 'https://billing.example.com', name: 'Billing', scopes: [{ name: 'billing:read' }], accessTokenLifespanSeconds: null, requireProjectScopedTokens: false };
const apis = [orders, billing];

function resolve(input: { resource?: string; requested?: string[]; held: string[] }) {
  return resolveTarget({ resource: input.resource, requested: input.requested ?? [], held: input.held, apis, ownAudience: OWN, organizationName: 'acme' });
}

describe('requestedResource', () => {
  it('takes resource or audience, and both when they agree', () => {
    expect(requestedResource({})).toBeUndefined();
    expect(requestedResource({ resource: orders.identifier })).toBe(orders.identifier);
    expect(requestedResource({ audience: orders.identifier })).toBe(orders.identifier);
    expect(requestedResource({ resource: orders.identifier, audience: orders.identifier })).toBe(orders.identifier);
  });

  it('refuses two different APIs, relative or fragment URIs, and an empty value', () => {
    expect(() => requestedResource({ resource: orders.identifier, audience: billing.identifier })).toThrow(InvalidTarget);
    expect(() => requestedResource({ resource: '/orders' })).toThrow(InvalidTarget);
    expect(() => requestedResource({ resource: 'https://orders.example.com/#x' })).toThrow(InvalidTarget);
    expect(() => requestedResource({ resource: 'https://orders.example.com/ x' })).toThrow(InvalidTarget);
    expect(() => requestedResource({ resource: `https://x.example/${'a'.repeat(300)}` })).toThrow(InvalidTarget);
    expect(() => requestedResource({ resource: '' })).toThrow(InvalidRequest);
  });
});

describe('resolveTarget', () => {
  it('a named API gets a token with its own scopes only, and its identifier as audience', () => {
    const target = resolve({ resource: orders.identifier, held: ['orders:read', 'client:read', 'billing:read', 'openid'] });
    expect(target.api).toBe(orders);
    expect(target.audience).toBe(orders.identifier);
    expect(target.scopes).toEqual(['orders:read', 'openid']);
  });

  it("naming Gatehouse's own audience gives a Gatehouse token", () => {
    const target = resolve({ resource: OWN, held: ['orders:read', 'client:read'] });
    expect(target).toEqual({ api: undefined, audience: OWN, scopes: ['client:read'] });
  });

  it('refuses an unknown resource, and requested scopes of another resource than the one named', () => {
    expect(() => resolve({ resource: 'https://unknown.example.com', held: ['orders:read'] })).toThrow(/not an API of the organization acme/);
    expect(() => resolve({ resource: orders.identifier, requested: ['orders:read', 'billing:read'], held: ['orders:read', 'billing:read'] })).toThrow(InvalidTarget);
    expect(() => resolve({ resource: orders.identifier, requested: ['client:read'], held: ['client:read'] })).toThrow(/not scopes of https:\/\/orders/);
  });

  it('without resource, the requested scopes name the API', () => {
    expect(resolve({ requested: ['orders:write'], held: ['orders:read', 'orders:write', 'client:read'] })).toEqual({ api: orders, audience: orders.identifier, scopes: ['orders:write'] });
    expect(resolve({ requested: ['client:read', 'openid'], held: ['orders:read', 'client:read', 'openid'] })).toEqual({ api: undefined, audience: OWN, scopes: ['client:read', 'openid'] });
  });

  it('requested scopes of two APIs, Gatehouse counting as one, are invalid_target', () => {
    expect(() => resolve({ requested: ['orders:read', 'billing:read'], held: ['orders:read', 'billing:read'] })).toThrow(/several APIs/);
    expect(() => resolve({ requested: ['orders:read', 'client:read'], held: ['orders:read', 'client:read'] })).toThrow(InvalidTarget);
  });

  it('with neither, the held scopes decide, and Gatehouse wins when they span it', () => {
    expect(resolve({ held: ['orders:read', 'openid'] })).toEqual({ api: orders, audience: orders.identifier, scopes: ['orders:read', 'openid'] });
    expect(resolve({ held: ['orders:read', 'client:read'] })).toEqual({ api: undefined, audience: OWN, scopes: ['client:read'] });
    expect(resolve({ held: [] })).toEqual({ api: undefined, audience: OWN, scopes: [] });
    expect(() => resolve({ held: ['orders:read', 'billing:read'] })).toThrow(/held belong to several APIs/);
  });
});

describe("resolveTarget with the organization's default API", () => {
  const withDefault = [orders, { ...billing, isDefault: true }];
  const resolveWithDefault = (input: { resource?: string; requested?: string[]; held: string[] }) =>
    resolveTarget({ resource: input.resource, requested: input.requested ?? [], held: input.held, apis: withDefault, ownAudience: OWN, organizationName: 'acme' });

  it('is the target of a request naming nothing, when the client holds one of its scopes', () => {
    expect(resolveWithDefault({ held: ['billing:read', 'client:read', 'orders:read'] })).toMatchObject({ audience: billing.identifier, scopes: ['billing:read'] });
  });

  it('is the target of a request asking for identity scopes only', () => {
    expect(resolveWithDefault({ requested: ['openid'], held: ['openid', 'client:read'] })).toMatchObject({ audience: billing.identifier, scopes: ['openid'] });
  });

  it('gives way to a named resource, to requested scopes of another API, and to held scopes that do not include its own', () => {
    expect(resolveWithDefault({ resource: orders.identifier, held: ['billing:read', 'orders:read'] }).audience).toBe(orders.identifier);
    expect(resolveWithDefault({ requested: ['orders:read'], held: ['billing:read', 'orders:read'] }).audience).toBe(orders.identifier);
    expect(resolveWithDefault({ held: ['client:read', 'orders:read'] }).audience).toBe(OWN);
  });
});

describe('resolveTarget and what is held', () => {
  it('never gives a scope that is asked for but no longer held (a refresh after a demotion)', () => {
    expect(resolve({ requested: ['orders:read', 'orders:write'], held: ['orders:write'] })).toMatchObject({ audience: orders.identifier, scopes: ['orders:write'] });
    expect(resolve({ resource: orders.identifier, requested: ['orders:read'], held: ['orders:write'] }).scopes).toEqual([]);
  });
});

describe('requestedGrant (what an authorization request, or a device authorization request, asks for)', () => {
  const looked: string[] = [];
  const grant = (parameters: { resource?: string; audience?: string }, scopes: string[], requested = false) =>
    requestedGrant({ parameters, requested, scopes, apis: async () => (looked.push('apis'), apis), ownAudience: OWN, organizationName: 'acme' });

  it('without a resource, keeps the scopes and looks no API up', async () => {
    looked.length = 0;
    expect(await grant({}, ['orders:read', 'billing:read', 'openid'])).toEqual({ resource: undefined, scopes: ['orders:read', 'billing:read', 'openid'] });
    expect(looked).toEqual([]);
  });

  it("with a resource (or audience), narrows what the client holds to that API's scopes and the identity scopes", async () => {
    expect(await grant({ resource: orders.identifier }, ['orders:read', 'billing:read', 'client:read', 'openid'])).toEqual({ resource: orders.identifier, scopes: ['orders:read', 'openid'] });
    expect(await grant({ audience: OWN }, ['orders:read', 'client:read'])).toEqual({ resource: OWN, scopes: ['client:read'] });
  });

  it("refuses scopes asked for of another API (invalid_target), and an API of which the client holds nothing (invalid_scope)", async () => {
    await expect(grant({ resource: orders.identifier }, ['orders:read', 'billing:read'], true)).rejects.toThrow(InvalidTarget);
    await expect(grant({ resource: orders.identifier }, ['billing:read'])).rejects.toThrow(new InvalidScope(`The client holds no scope of ${orders.identifier} to ask for`));
  });

  it('refuses an unknown or malformed resource (invalid_target), and an empty one (invalid_request)', async () => {
    await expect(grant({ resource: 'https://unknown.example.com' }, ['orders:read'])).rejects.toThrow(/not an API of the organization acme/);
    await expect(grant({ resource: 'orders' }, ['orders:read'])).rejects.toThrow(InvalidTarget);
    await expect(grant({ resource: '' }, ['orders:read'])).rejects.toThrow(InvalidRequest);
  });
});
