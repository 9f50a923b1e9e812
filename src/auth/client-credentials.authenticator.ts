import { Injectable, Logger } from '@nestjs/common';
import { SYSTEM_ACTOR } from '../audit/actor.js';
import { AuditTrail } from '../audit/audit-trail.js';
import { ClientLockedOut, InvalidClient } from '../common/errors/oauth-errors.js';
import { CLIENT_ID_PATTERN } from '../config/environment.js';
import { ClientDirectory, type ClientRecord } from './client-directory.js';
import { ClientLockout } from './client-lockout.js';
import { ClientSecretHasher } from './client-secret-hasher.js';

/** Hashed for unknown client ids, so that they take as long to refuse as a wrong secret. */
const DECOY_HASH = new ClientSecretHasher().hash('decoy');

/**
 * Checks a client id and secret (client_secret_basic or client_secret_post). Every failure, be it
 * an unknown client, a wrong secret or a disabled client, gives the same `invalid_client`, so the
 * response says nothing about which client ids exist.
 */
@Injectable()
export class ClientCredentialsAuthenticator {
  constructor(
    private readonly clients: ClientDirectory,
    private readonly hasher: ClientSecretHasher,
    private readonly lockout: ClientLockout,
    private readonly audit: AuditTrail,
  ) {}

  private readonly logger = new Logger(ClientCredentialsAuthenticator.name);

  async authenticate(clientId: string, clientSecret: string, viaBasic: boolean): Promise<ClientRecord> {
    const retryAfter = this.lockout.retryAfterSeconds(clientId);
    if (retryAfter > 0) throw new ClientLockedOut(retryAfter);
    const client = CLIENT_ID_PATTERN.test(clientId) ? await this.clients.find(clientId) : undefined;
    const secretMatches = this.hasher.verify(clientSecret, client?.secretHash ?? DECOY_HASH);
    if (!client || !secretMatches || client.disabled) {
      const lockout = this.lockout.recordFailure(clientId);
      if (lockout && client) await this.recordLockout(client, lockout.locked_until);
      throw new InvalidClient('Client authentication failed', viaBasic);
    }
    this.lockout.recordSuccess(clientId);
    return client;
  }

  /** A public client (no secret) naming itself; a confidential client must authenticate. */
  async authenticatePublic(clientId: string): Promise<ClientRecord> {
    const client = CLIENT_ID_PATTERN.test(clientId) ? await this.clients.find(clientId) : undefined;
    if (!client || !client.isPublic || client.disabled) throw new InvalidClient('Client authentication failed: send client_secret, or use HTTP Basic');
    return client;
  }

  /** Lockouts of existing clients go to the audit trail (unknown ids would only let anyone fill it). */
  private async recordLockout(client: ClientRecord, lockedUntil: string | null): Promise<void> {
    try {
      await this.audit.record(SYSTEM_ACTOR, { action: 'client.locked_out', targetType: 'client', targetId: client.id, organizationId: client.organizationId, details: { locked_until: lockedUntil } });
    } catch (error) {
      // The lockout holds all the same; a database outage must not turn a refusal into a 503.
      this.logger.warn(`Could not record the lockout of client ${client.id}: ${(error as Error).message}`);
    }
  }
}
