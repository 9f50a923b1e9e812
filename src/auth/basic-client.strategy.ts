import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { type FastifyRequest } from 'fastify';
import { BasicStrategy } from 'passport-http';
import { InvalidClient } from '../common/errors/oauth-errors.js';
import { ClientCredentialsAuthenticator } from './client-credentials.authenticator.js';
import { type ClientRecord } from '../clients/client-directory.js';

export const CLIENT_BASIC_STRATEGY = 'client-basic';

/** client_secret_basic (RFC 6749 §2.3.1) through passport-http. */
@Injectable()
export class BasicClientStrategy extends PassportStrategy(BasicStrategy, CLIENT_BASIC_STRATEGY) {
  constructor(private readonly authenticator: ClientCredentialsAuthenticator) {
    // The request, for its source address: lockouts are per client and address.
    super({ passReqToCallback: true });
  }

  async validate(request: FastifyRequest, username: string, password: string): Promise<ClientRecord> {
    // RFC 6749 §2.3.1: id and secret are form-urlencoded before they are put in the header.
    return this.authenticator.authenticate(formDecode(username), formDecode(password), true, request.ip);
  }
}

function formDecode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    throw new InvalidClient('The HTTP Basic credentials are not correctly encoded', true);
  }
}
