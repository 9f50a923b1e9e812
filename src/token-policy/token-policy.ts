import { Injectable } from '@nestjs/common';
import { GatehouseConfig } from '../config/gatehouse-config.js';

/** RFC 8628 §3.4: the device authorization grant, for devices and command-line tools without a browser of their own. */
export const DEVICE_CODE_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:device_code';

/** RFC 8693 token exchange: a service trades a token it received for one aimed at another API. */
export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';

/** Every grant type the token endpoint knows (RFC 6749 §4.1, §4.4, §6, RFC 8628, RFC 8693), in the order discovery lists them. */
export const GRANT_TYPES = ['client_credentials', 'authorization_code', 'refresh_token', DEVICE_CODE_GRANT_TYPE, TOKEN_EXCHANGE_GRANT] as const;
export type GrantType = (typeof GRANT_TYPES)[number];

const SUPPORTED: ReadonlySet<string> = new Set(GRANT_TYPES);

export function isGrantType(name: string): name is GrantType {
  return SUPPORTED.has(name);
}

/**
 * The grant types a client may use when none were chosen for it (RFC 7591 `grant_types`): a
 * confidential client the grants of RFC 6749, and token exchange only with an exchange policy
 * (`withTokenExchange`); a public client (no secret) only those that act for a user who signed
 * in, with PKCE. The device grant is asked for by name: a user code typed on another screen is a
 * phishing lure for any client that does not need it (RFC 8628 §5.4).
 */
export function defaultGrantTypes(isPublic: boolean, withTokenExchange = false): GrantType[] {
  if (isPublic) return ['authorization_code', 'refresh_token'];
  return ['client_credentials', 'authorization_code', 'refresh_token', ...(withTokenExchange ? [TOKEN_EXCHANGE_GRANT] as const : [])];
}

/** What a token's lifespan, not-before and issuer are read from. */
interface ClientTokenSettings {
  readonly accessTokenLifespan: number | null;
  /** Epoch ms: tokens issued before it are refused. */
  readonly notBefore: number;
  /** Epoch ms of the client's last not-before push (0: none). */
  readonly notBeforePolicy: number;
}
interface OrganizationTokenSettings {
  readonly accessTokenLifespan: number | null;
  readonly notBefore: number;
  readonly builtIn: boolean;
  readonly issuer: string;
}

/**
 * The rules every token Gatehouse issues follows, whatever its grant: how long it lives, the
 * not-before it must be newer than, the `not-before-policy` its response reports, and the
 * issuer it carries.
 */
@Injectable()
export class TokenPolicy {
  constructor(private readonly config: GatehouseConfig) {}

  /** Precedence: the client's own lifespan, then its organization's, then the server default. */
  lifespanSeconds(client: ClientTokenSettings, organization: OrganizationTokenSettings): number {
    return client.accessTokenLifespan ?? organization.accessTokenLifespan ?? this.config.defaultAccessTokenLifespanSeconds;
  }

  /**
   * Epoch ms before which a token for `client` in `organization` counts as revoked: the latest of
   * their not-before pushes, and of `others` (a user's, when the token speaks for one).
   */
  notBefore(client: ClientTokenSettings, organization: OrganizationTokenSettings, ...others: number[]): number {
    return Math.max(client.notBefore, organization.notBefore, ...others);
  }

  /** Keycloak's `not-before-policy`: the latest not-before push for the client or its organization, in epoch seconds (0: none). */
  notBeforePolicy(client: ClientTokenSettings, organization: OrganizationTokenSettings): number {
    return Math.floor(Math.max(client.notBeforePolicy, organization.notBefore) / 1000);
  }

  /**
   * The issuer tokens carry: the realm's when its endpoint was called (`viaRealm`); without one
   * (the Fides paths) the organization's, except that the built-in organization signs as the
   * server itself.
   */
  issuer(organization: OrganizationTokenSettings, viaRealm: boolean): string {
    return !viaRealm && organization.builtIn ? this.config.issuer : organization.issuer;
  }
}
