import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, MoreThan, type Repository } from 'typeorm';
import { Clock } from '../common/clock.js';
import { GatehouseConfig } from '../config/gatehouse-config.js';
import { ExpiredRows } from '../database/expired-rows.js';
import { PushedAuthorizationRequestEntity } from './entities/pushed-authorization-request.entity.js';

/** RFC 9126 §2.2: the form of the request_uri the PAR endpoint answers. */
export const PUSHED_REQUEST_URI_PREFIX = 'urn:ietf:params:oauth:request_uri:';
/**
 * Once the authorization endpoint has taken a request_uri, the person may need longer than the
 * push's short lifetime to sign in and consent: the sign-in and consent pages come back to the
 * authorization endpoint with the same request_uri.
 */
const INTERACTION_LIFETIME_MS = 10 * 60_000;
/** Used and expired requests stay this long so that a second use is told what happened. */
const KEEP_EXPIRED_MS = 10 * 60_000;

const requestUriHash = (requestUri: string) => createHash('sha256').update(requestUri).digest('hex');

export function isPushedRequestUri(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith(PUSHED_REQUEST_URI_PREFIX);
}

/** A pushed request as the authorization endpoint finds it. */
export interface PushedRequest {
  readonly requestUriHash: string;
  readonly parameters: Readonly<Record<string, string>>;
  /** When it was pushed: a `prompt=login` in it is satisfied by a sign-in after this. */
  readonly pushedAt: Date;
}

/**
 * What a request_uri presented with a client_id at an issuer's authorization endpoint is: usable,
 * the client's own but expired or used (its redirect URI and state still carry the error back), or
 * nothing this client may know about (unknown, another client's, another issuer's).
 */
export type PushedRequestLookup = { readonly state: 'usable' | 'expired' | 'used'; readonly request: PushedRequest } | { readonly state: 'unknown' };

/**
 * Pushed Authorization Requests (RFC 9126): stored under the SHA-256 of their random request_uri,
 * in the database that every instance shares; short-lived, single use, bound to the client that
 * pushed them and to the issuer (server-wide or realm) it pushed them to.
 */
@Injectable()
export class PushedAuthorizationRequests {
  private readonly expired: ExpiredRows<PushedAuthorizationRequestEntity>;

  constructor(
    @InjectRepository(PushedAuthorizationRequestEntity) private readonly repository: Repository<PushedAuthorizationRequestEntity>,
    private readonly config: GatehouseConfig,
    private readonly clock: Clock,
  ) {
    this.expired = new ExpiredRows(repository, KEEP_EXPIRED_MS);
  }

  /** Stores a request the authorization endpoint's rules have accepted; answers RFC 9126 §2.2's response. */
  async push(clientId: string, realm: string | undefined, parameters: Readonly<Record<string, string>>): Promise<{ request_uri: string; expires_in: number }> {
    const requestUri = `${PUSHED_REQUEST_URI_PREFIX}${randomBytes(32).toString('base64url')}`;
    const now = this.clock.date();
    const lifetime = this.config.pushedRequestLifetimeSeconds;
    // No audit event, as for authorization codes: one step of a sign-in to a client.
    await this.repository.insert({
      requestUriHash: requestUriHash(requestUri),
      clientId,
      realm: realm ?? null,
      parameters: Object.entries(parameters),
      expiresAt: new Date(now.getTime() + lifetime * 1000),
      openedAt: null,
      consumedAt: null,
      createdAt: now,
    });
    await this.expired.prune(now.getTime());
    return { request_uri: requestUri, expires_in: lifetime };
  }

  /**
   * Finds the request `requestUri` names for `clientId` at `realm`'s authorization endpoint
   * (undefined: the server-wide one). Everything is checked before anything is written: a
   * request_uri presented with another client's id, at another issuer, or expired, changes
   * nothing. The first usable presentation gives the sign-in and consent that follow their time.
   */
  async open(requestUri: string, clientId: unknown, realm: string | undefined): Promise<PushedRequestLookup> {
    const row = await this.repository.findOneBy({ requestUriHash: requestUriHash(requestUri) });
    if (!row || row.clientId !== clientId || row.realm !== (realm ?? null)) return { state: 'unknown' };
    const request: PushedRequest = { requestUriHash: row.requestUriHash, parameters: Object.fromEntries(row.parameters), pushedAt: row.createdAt };
    const now = this.clock.now();
    if (row.consumedAt !== null) return { state: 'used', request };
    if (row.expiresAt.getTime() <= now) return { state: 'expired', request };
    if (row.openedAt === null) {
      await this.repository.update({ requestUriHash: row.requestUriHash, openedAt: IsNull() }, { openedAt: new Date(now), expiresAt: new Date(now + INTERACTION_LIFETIME_MS) });
    }
    return { state: 'usable', request };
  }

  /** Uses the request up, once everything else has been checked: false when it was used (or expired) meanwhile. */
  async consume(request: PushedRequest): Promise<boolean> {
    const now = this.clock.date();
    const result = await this.repository.update({ requestUriHash: request.requestUriHash, consumedAt: IsNull(), expiresAt: MoreThan(now) }, { consumedAt: now });
    return result.affected === 1;
  }
}
