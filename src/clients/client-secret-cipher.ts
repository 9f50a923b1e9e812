import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type Repository } from 'typeorm';
import { GatehouseConfig } from '../config/gatehouse-config.js';
import { OAuthClientEntity } from './entities/oauth-client.entity.js';

const VERSION = 'aes-256-gcm';

/**
 * client_secret_jwt assertions are HMACs keyed with the client's secret, so checking one needs the
 * secret itself, which the hash (ClientSecretHasher) cannot give back. For those clients only, the
 * secret is also kept encrypted with AES-256-GCM under CLIENT_SECRET_ENCRYPTION_KEY, which lives
 * outside the database: a copy of the database alone does not give the secrets away. The client
 * id is the authenticated data, so that a ciphertext moved to another client does not decrypt.
 */
@Injectable()
export class ClientSecretCipher implements OnApplicationBootstrap {
  private readonly key: Buffer | undefined;

  constructor(
    config: GatehouseConfig,
    @InjectRepository(OAuthClientEntity) private readonly clients: Repository<OAuthClientEntity>,
  ) {
    this.key = config.clientSecretEncryptionKey;
  }

  /** Without the key, client_secret_jwt clients could not authenticate: better not to start than to fail them one request at a time. */
  async onApplicationBootstrap(): Promise<void> {
    if (this.key !== undefined) return;
    const count = await this.clients.countBy({ tokenEndpointAuthMethod: 'client_secret_jwt' });
    if (count > 0) throw new Error(`CLIENT_SECRET_ENCRYPTION_KEY must be set: ${count} client(s) authenticate with client_secret_jwt, whose secrets it encrypts`);
  }

  get configured(): boolean {
    return this.key !== undefined;
  }

  encrypt(clientId: string, secret: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.requiredKey(), iv).setAAD(Buffer.from(clientId, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return [VERSION, iv.toString('base64url'), ciphertext.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('$');
  }

  /** The secret, or undefined if the key is missing or another one, or the value was tampered with. */
  decrypt(clientId: string, stored: string): string | undefined {
    const [version, iv, ciphertext, tag] = stored.split('$');
    if (version !== VERSION || !iv || !ciphertext || !tag || this.key === undefined) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url')).setAAD(Buffer.from(clientId, 'utf8')).setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      return undefined;
    }
  }

  private requiredKey(): Buffer {
    if (this.key === undefined) throw new Error('CLIENT_SECRET_ENCRYPTION_KEY is not set');
    return this.key;
  }
}
