import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { Injectable } from '@nestjs/common';
import { createLocalJWKSet, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import { type ClientRecord } from '../clients/client-directory.js';
import { jwksUriProblem, MAX_JWKS_BYTES, publicJwksProblem } from '../clients/client-auth-methods.js';
import { Clock } from '../common/clock.js';
import { GatehouseConfig } from '../config/gatehouse-config.js';

/** How long a fetched JWK Set is used before it is fetched again. */
export const JWKS_CACHE_TTL_MS = 5 * 60_000;
/** An assertion naming a key the cached set lacks (a rotation) refetches the set, at most this often per client. */
export const JWKS_REFETCH_INTERVAL_MS = 30_000;
const FETCH_TIMEOUT_MS = 5_000;
/** Clients whose fetched sets are kept; the least recently fetched go first. */
const MAX_CACHED_SETS = 10_000;

/** Why a client's keys could not be had; the guard logs it, the client is told only `invalid_client`. */
export class KeySetUnavailable extends Error {
  override readonly name = 'KeySetUnavailable';
}

interface FetchedSet {
  readonly uri: string;
  readonly keys: JWTVerifyGetKey;
  readonly fetchedAt: number;
}

/**
 * Addresses that are not the public internet: loopback, private, link-local, shared, multicast,
 * reserved. One list per family: a BlockList matches IPv4 addresses against IPv6 rules in their
 * mapped form, so `::ffff:0:0/96` would block every IPv4 address.
 */
const NON_PUBLIC_IPV4 = new BlockList();
for (const [network, prefix] of [['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12], ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24], ['203.0.113.0', 24], ['224.0.0.0', 3]] as const) {
  NON_PUBLIC_IPV4.addSubnet(network, prefix, 'ipv4');
}
const NON_PUBLIC_IPV6 = new BlockList();
// ::/96 (IPv4-compatible, with :: and ::1), ::ffff:0:0:0/96 (SIIT) and the NAT64 prefixes carry an IPv4 address a translator may reach; fec0::/10 is the old site-local.
for (const [network, prefix] of [['::', 96], ['::ffff:0:0', 96], ['::ffff:0:0:0', 96], ['64:ff9b::', 96], ['64:ff9b:1::', 48], ['100::', 64], ['2001:db8::', 32], ['fc00::', 7], ['fe80::', 10], ['fec0::', 10], ['ff00::', 8]] as const) {
  NON_PUBLIC_IPV6.addSubnet(network, prefix, 'ipv6');
}

export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  // An IPv4-mapped IPv6 address is the IPv4 address it carries.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return !NON_PUBLIC_IPV4.check(mapped[1]!, 'ipv4');
  if (family === 4) return !NON_PUBLIC_IPV4.check(address, 'ipv4');
  // 6to4 (2002::/16) goes to the IPv4 address in its next 32 bits, through a tunnel this host may have.
  const sixToFour = sixToFourAddress(address);
  if (sixToFour !== undefined && NON_PUBLIC_IPV4.check(sixToFour, 'ipv4')) return false;
  return !NON_PUBLIC_IPV6.check(address, 'ipv6');
}

/** The IPv4 address a 6to4 address (2002:AABB:CCDD::/48) stands for; undefined for any other address. */
function sixToFourAddress(address: string): string | undefined {
  const [first, second = '0', third = '0'] = address.toLowerCase().split(':');
  if (first !== '2002' || address.startsWith('2002::')) return first === '2002' ? '0.0.0.0' : undefined;
  const high = Number.parseInt(second || '0', 16);
  const low = Number.parseInt(third || '0', 16);
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
}

/**
 * A DNS lookup for the connection itself that refuses non-public addresses: the check applies to
 * the very addresses connected to, so a name that resolves differently the second time (DNS
 * rebinding) gains nothing.
 */
function publicOnlyLookup(): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      const refused = addresses.find((address) => !isPublicAddress(address.address));
      if (refused || addresses.length === 0) return callback(Object.assign(new Error(`${hostname} resolves to a non-public address`), { code: 'ENONPUBLIC' }), '', 0);
      if (options.all) return (callback as unknown as (error: null, addresses: LookupAddress[]) => void)(null, addresses);
      callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}

/**
 * The keys that verify a private_key_jwt client's assertions: its inline `jwks`, or its `jwks_uri`
 * fetched with a timeout and a size limit, cached for JWKS_CACHE_TTL_MS and refetched early (at
 * most every JWKS_REFETCH_INTERVAL_MS) when an assertion names a key the set lacks. Imported keys
 * are kept by jose's local set, so an assertion costs a signature check and no fetch or import.
 */
@Injectable()
export class ClientKeySets {
  private readonly inline = new WeakMap<JSONWebKeySet, JWTVerifyGetKey>();
  private readonly fetched = new Map<string, FetchedSet>();
  private readonly inFlight = new Map<string, Promise<FetchedSet>>();
  private readonly allowPrivateAddresses: boolean;

  constructor(
    config: GatehouseConfig,
    private readonly clock: Clock,
  ) {
    this.allowPrivateAddresses = config.clientAssertions.jwksUriAllowPrivateAddresses;
  }

  /** A key resolver for jose's jwtVerify; `refetch` is called when the resolver found no key for the header. */
  async keysOf(client: ClientRecord): Promise<{ keys: JWTVerifyGetKey; refetch: () => Promise<JWTVerifyGetKey | undefined> }> {
    if (client.jwks !== null) {
      let keys = this.inline.get(client.jwks);
      if (!keys) this.inline.set(client.jwks, (keys = createLocalJWKSet(client.jwks)));
      return { keys, refetch: async () => undefined };
    }
    const uri = client.jwksUri;
    if (uri === null) throw new KeySetUnavailable('The client has neither jwks nor jwks_uri');
    const cached = this.fetched.get(client.id);
    const now = this.clock.now();
    const current = cached?.uri === uri && now - cached.fetchedAt < JWKS_CACHE_TTL_MS ? cached : await this.fetch(client.id, uri);
    return {
      keys: current.keys,
      refetch: async () => (this.clock.now() - current.fetchedAt >= JWKS_REFETCH_INTERVAL_MS ? (await this.fetch(client.id, uri)).keys : undefined),
    };
  }

  /** One fetch per client at a time: concurrent assertions wait for the same one. */
  private fetch(clientId: string, uri: string): Promise<FetchedSet> {
    const key = `${clientId}\0${uri}`;
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = this.download(uri)
        .then((jwks) => {
          const set = { uri, keys: createLocalJWKSet(jwks), fetchedAt: this.clock.now() };
          this.fetched.delete(clientId);
          this.fetched.set(clientId, set);
          if (this.fetched.size > MAX_CACHED_SETS) this.fetched.delete(this.fetched.keys().next().value!);
          return set;
        })
        .finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    return pending;
  }

  private async download(uri: string): Promise<JSONWebKeySet> {
    const problem = jwksUriProblem(uri, this.allowPrivateAddresses);
    if (problem) throw new KeySetUnavailable(problem);
    const url = new URL(uri);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    // An address in the URL is connected to without a lookup: checked here instead.
    if (!this.allowPrivateAddresses && isIP(host) !== 0 && !isPublicAddress(host)) throw new KeySetUnavailable(`jwks_uri ${url.origin} is a non-public address`);
    const body = await new Promise<string>((resolve, reject) => {
      const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
      const outgoing = send(url, { method: 'GET', headers: { Accept: 'application/jwk-set+json, application/json' }, timeout: FETCH_TIMEOUT_MS, ...(!this.allowPrivateAddresses && { lookup: publicOnlyLookup() }) }, (response: IncomingMessage) => {
        // Redirects are not followed: the client registered this URL, not another.
        if (response.statusCode !== 200) {
          response.resume();
          return reject(new KeySetUnavailable(`jwks_uri answered ${response.statusCode}`));
        }
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_JWKS_BYTES) {
            response.destroy();
            reject(new KeySetUnavailable(`jwks_uri answered more than ${MAX_JWKS_BYTES} bytes`));
          } else chunks.push(chunk);
        });
        response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        response.on('error', (error) => reject(new KeySetUnavailable(`jwks_uri could not be read: ${error.message}`)));
      });
      // The timeout covers the whole exchange, not only idle gaps: a slow drip must not hold a request open.
      const deadline = setTimeout(() => outgoing.destroy(new Error('timed out')), FETCH_TIMEOUT_MS);
      outgoing.on('close', () => clearTimeout(deadline));
      outgoing.on('timeout', () => outgoing.destroy(new Error('timed out')));
      outgoing.on('error', (error) => reject(new KeySetUnavailable(`jwks_uri could not be fetched: ${error.message}`)));
      outgoing.end();
    });
    let jwks: unknown;
    try {
      jwks = JSON.parse(body);
    } catch {
      throw new KeySetUnavailable('jwks_uri did not answer JSON');
    }
    const problem2 = publicJwksProblem(jwks);
    if (problem2) throw new KeySetUnavailable(`jwks_uri: ${problem2}`);
    return jwks as JSONWebKeySet;
  }
}
