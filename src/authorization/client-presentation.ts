import { Injectable } from '@nestjs/common';
import { EntityNotFoundError } from 'typeorm';
import { ClientDirectory } from '../clients/client-directory.js';
import { OAuthClientEntity } from '../clients/entities/oauth-client.entity.js';

/** How a client presents itself on the consent page (Polar's name, logo, terms and privacy policy), read through the clients module. */
@Injectable()
export class ClientPresentation {
  constructor(private readonly clients: ClientDirectory) {}

  async describe(clientId: string): Promise<{ name: string; logoUri: string | null; tosUri: string | null; policyUri: string | null }> {
    const client = (await this.clients.presentations([clientId])).get(clientId);
    // As findOneByOrFail did: the consent page is shown only for a client the request already found.
    if (!client) throw new EntityNotFoundError(OAuthClientEntity, { id: clientId });
    return { name: client.name, logoUri: client.logoUri, tosUri: client.tosUri, policyUri: client.policyUri };
  }
}
