import { Injectable, Logger } from '@nestjs/common';
import { SYSTEM_ACTOR } from '../audit/actor.js';
import { UnitOfWork } from '../audit/unit-of-work.js';
import { ClientLockedOut, InvalidClient } from '../common/errors/oauth-errors.js';
import { CLIENT_ID_PATTERN } from '../config/environment.js';
import { ClientDirectory, type ClientRecord } from '../clients/client-directory.js';
import { ClientLockout, type StartedLockout } from '../lockout/client-lockout.js';
import { ClientSecretHasher } from '../clients/client-secret-hasher.js';
import { ASSERTION_METHODS } from '../clients/client-auth-methods.js';
import { AssertionRefused, ClientAssertionVerifier } from './client-assertion.verifier.js';

export { JWT_BEARER_ASSERTION_TYPE } from './client-assertion.verifier.js';

/** Hashed for unknown client ids, so that they take as long to refuse as a wrong secret. */
const DECOY_HASH = new ClientSecretHasher().hash('decoy');

/** Failures of assertions too malformed to name a client are counted under this id (and their address). */
const UNNAMED_CLIENT = '(unnamed assertion)';

/**
 * Checks a client id and secret (client_secret_basic or client_secret_post), or a client assertion
 * (private_key_jwt, client_secret_jwt; see ClientAssertionVerifier). A client registered with an
 * assertion method can use no other, so a leaked secret of a client_secret_jwt client is no
 * password, and a private_key_jwt client has no secret at all. Every failure, be it
 * an unknown client, a wrong secret or a disabled client, gives the same `invalid_client`, so the
 * response says nothing about which client ids exist. The id is used exactly as sent, for the
 * lookup and the lockout alike (the database compares it byte for byte). `address` is the
 * caller's (request.ip): lockouts are per id and address, see ClientLockout.
 */
@Injectable()
export class ClientCredentialsAuthenticator {
  constructor(
    private readonly clients: ClientDirectory,
    private readonly hasher: ClientSecretHasher,
    private readonly lockout: ClientLockout,
    private readonly unitOfWork: UnitOfWork,
    private readonly assertions: ClientAssertionVerifier,
  ) {}

  private readonly logger = new Logger(ClientCredentialsAuthenticator.name);

  async authenticate(clientId: string, clientSecret: string, viaBasic: boolean, address: string): Promise<ClientRecord> {
    const retryAfter = this.lockout.retryAfterSeconds(clientId, address);
    if (retryAfter > 0) throw new ClientLockedOut(retryAfter);
    const client = CLIENT_ID_PATTERN.test(clientId) ? await this.clients.find(clientId) : undefined;
    const secretMatches = this.hasher.verify(clientSecret, client?.secretHash ?? DECOY_HASH);
    if (!client || !secretMatches || client.disabled || ASSERTION_METHODS.includes(client.tokenEndpointAuthMethod)) {
      const lockouts = this.lockout.recordFailure(clientId, address);
      if (client) for (const lockout of lockouts) await this.recordLockout(client, lockout);
      throw new InvalidClient('Client authentication failed', viaBasic);
    }
    this.lockout.recordSuccess(clientId, address);
    return client;
  }

  /**
   * A client assertion (RFC 7523 §2.2): `audiences` are the values of `aud` that name this server
   * where it was called. The reason of a refusal is logged (never the assertion); the caller is
   * told `invalid_client` only, and the failure counts towards the client's lockout. A `client_id`
   * sent along must name the client the assertion is from (RFC 7521 §4.2). `organizationId`: on a
   * realm's path, the realm the client must belong to, checked before the `jti` is claimed.
   */
  async authenticateAssertion(assertion: string, audiences: readonly string[], address: string, clientIdParameter: string | undefined, organizationId?: string): Promise<ClientRecord> {
    let clientId = UNNAMED_CLIENT;
    try {
      clientId = this.assertions.claimedClient(assertion);
      if (clientIdParameter !== undefined && clientIdParameter !== clientId) throw new AssertionRefused('the client_id parameter differs from the assertion\'s sub');
      const retryAfter = this.lockout.retryAfterSeconds(clientId, address);
      if (retryAfter > 0) throw new ClientLockedOut(retryAfter);
      const client = CLIENT_ID_PATTERN.test(clientId) ? await this.clients.find(clientId) : undefined;
      if (!client) throw new AssertionRefused('no such client');
      if (client.disabled) throw new AssertionRefused('the client is disabled');
      if (organizationId !== undefined && client.organizationId !== organizationId) throw new AssertionRefused("the client belongs to another realm than the path's");
      await this.assertions.verify(assertion, client, audiences);
      this.lockout.recordSuccess(clientId, address);
      return client;
    } catch (error) {
      if (!(error instanceof AssertionRefused)) throw error;
      this.logger.warn(`Client assertion refused (client ${JSON.stringify(clientId.slice(0, 64))}, address ${address}): ${error.message}`);
      const lockouts = this.lockout.recordFailure(clientId, address);
      const client = lockouts.length > 0 && CLIENT_ID_PATTERN.test(clientId) ? await this.clients.find(clientId) : undefined;
      if (client) for (const lockout of lockouts) await this.recordLockout(client, lockout);
      throw new InvalidClient('Client authentication failed');
    }
  }

  /** A public client (no secret) naming itself; a confidential client must authenticate. */
  async authenticatePublic(clientId: string): Promise<ClientRecord> {
    const client = CLIENT_ID_PATTERN.test(clientId) ? await this.clients.find(clientId) : undefined;
    if (!client || !client.isPublic || client.disabled) throw new InvalidClient('Client authentication failed: send client_secret, or use HTTP Basic');
    return client;
  }

  /** Lockouts of existing clients go to the audit trail (unknown ids would only let anyone fill it). */
  private async recordLockout(client: ClientRecord, lockout: StartedLockout): Promise<void> {
    // scope "address": that address is locked out; "overall": every address that has not authenticated as the client recently.
    const details = { locked_until: lockout.lockedUntil, scope: lockout.scope, address: lockout.address };
    try {
      await this.unitOfWork.record(SYSTEM_ACTOR, { action: 'client.locked_out', targetType: 'client', targetId: client.id, organizationId: client.organizationId, details });
    } catch (error) {
      // The lockout holds all the same; a database outage must not turn a refusal into a 503.
      this.logger.warn(`Could not record the lockout of client ${client.id}: ${(error as Error).message}`);
    }
  }
}
