import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type Repository } from 'typeorm';
import { OAuthClientEntity } from '../clients/entities/oauth-client.entity.js';

/** How a client presents itself on the consent page (Polar's name, logo, terms and privacy policy). */
@Injectable()
export class ClientPresentation {
  constructor(@InjectRepository(OAuthClientEntity) private readonly repository: Repository<OAuthClientEntity>) {}

  async describe(clientId: string): Promise<{ name: string; logoUri: string | null; tosUri: string | null; policyUri: string | null }> {
    const client = await this.repository.findOneByOrFail({ id: clientId });
    return { name: client.name ?? client.id, logoUri: client.logoUri, tosUri: client.tosUri, policyUri: client.policyUri };
  }
}
