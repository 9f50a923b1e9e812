import { Injectable, Logger } from '@nestjs/common';
import { SYSTEM_ACTOR } from '../audit/actor.js';
import { UnitOfWork } from '../audit/unit-of-work.js';
import { ClientLockedOut, InvalidClient } from '../common/errors/oauth-errors.js';
import { CLIENT_ID_PATTERN } from '../config/environment.js';
import { ClientDirectory, type ClientRecord } from '../clients/client-directory.js';
import { ClientLockout, type StartedLockout } from '../lockout/client-lockout.js';
import { ClientSecretHasher } from '../clients/client-secret-hasher.js';

/** Hashed for unknown client ids, so that they take as long to refuse as a wrong secret. */
const DECOY_HASH = new ClientSecretHasher().hash('decoy');

/**
 * Checks a client id and secret (client_secret_basic or client_secret_post). Every failure, be it
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
  ) {}

  private readonly logger = new Logger(ClientCredentialsAuthenticator.name);

  async authenticate(clientId: string, clientSecret: string, viaBasic: boolean, address: string): Promise<ClientRecord> {
    const retryAfter = this.lockout.retryAfterSeconds(clientId, address);
    if (retryAfter > 0) throw new ClientLockedOut(retryAfter);
    const client = CLIENT_ID_PATTERN.test(clientId) ? await this.clients.find(clientId) : undefined;
    const secretMatches = this.hasher.verify(clientSecret, client?.secretHash ?? DECOY_HASH);
    if (!client || !secretMatches || client.disabled) {
      const lockouts = this.lockout.recordFailure(clientId, address);
      if (client) for (const lockout of lockouts) await this.recordLockout(client, lockout);
      throw new InvalidClient('Client authentication failed', viaBasic);
    }
    this.lockout.recordSuccess(clientId, address);
    return client;
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
