import { Injectable } from '@nestjs/common';
import { type Actor } from '../../audit/actor.js';
import { UnitOfWork } from '../../audit/unit-of-work.js';
import { DEVICE_PAGE_PATH, DeviceAuthorizations, displayedUserCode } from '../../authorization/device-authorizations.js';
import { ApiDirectory } from '../../apis/api-directory.js';
import { type ClientRecord } from '../../clients/client-directory.js';
import { GatehouseConfig } from '../../config/gatehouse-config.js';
import { type OrganizationRecord } from '../../organizations/organization-directory.js';
import { type DeviceAuthorizationResponseDto } from '../dto/device-authorization-response.dto.js';
import { narrowScopes, parseScopeParameter, type TokenRequestParams } from '../token-request.js';
import { type DeviceAuthorizationEntity } from '../../authorization/entities/device-authorization.entity.js';
import { retryOnDeadlock } from '../../database/deadlock-retry.js';
import { AuthorizationPending, DeviceAccessDenied, ExpiredDeviceCode, InvalidGrant, InvalidScope, SlowDown } from '../../common/errors/oauth-errors.js';
import { Clock } from '../../common/clock.js';
import { DEVICE_CODE_GRANT_TYPE } from '../../token-policy/token-policy.js';
import { requestedGrant, requestedResource } from '../../token-policy/token-target.js';
import { TokenTargets } from '../token-targets.js';
import { UserTokens } from '../user-tokens.js';
import { type GrantContext, type GrantHandler, type GrantParameters, type IssuedTokens } from './grant-handler.js';

type Optional = 'resource' | 'audience';

/** The parameters this grant reads besides client authentication (RFC 8628 §3.4). */
export const parameters: GrantParameters<'device_code', Optional> = { required: ['device_code'], optional: ['resource', 'audience'] };

const UNKNOWN = 'The device code is invalid';

/**
 * RFC 8628 §3.4–3.5: the device polls with its device code until the user has answered on the
 * /device page. Every check comes first (the code is this client's, not redeemed, not expired, the
 * poll not too early, the user approved); the code is consumed only then, in the transaction that
 * issues its tokens, so another client presenting it, or an early poll, takes nothing from the
 * device. Another client's code is answered as an unknown one, and its polling state is left alone.
 */
@Injectable()
export class DeviceCodeGrant implements GrantHandler<'device_code', Optional> {
  readonly grantType = DEVICE_CODE_GRANT_TYPE;
  readonly parameters = parameters;

  constructor(
    private readonly devices: DeviceAuthorizations,
    private readonly userTokens: UserTokens,
    private readonly targets: TokenTargets,
    private readonly unitOfWork: UnitOfWork,
    private readonly clock: Clock,
    private readonly config: GatehouseConfig,
    private readonly apis: ApiDirectory,
  ) {}

  async handle({ client, organization, issuer, params }: GrantContext<'device_code', Optional>): Promise<IssuedTokens> {
    const request = await this.devices.find(params.device_code);
    if (!request || request.clientId !== client.id) throw new InvalidGrant(UNKNOWN);
    if (request.consumedAt) throw new InvalidGrant('The device code has been redeemed already');
    if (request.expiresAt.getTime() <= this.clock.now()) throw new ExpiredDeviceCode('The device code expired before the user approved it; start again');
    if (!(await this.devices.poll(request))) throw new SlowDown(`Polling too fast: wait at least ${request.intervalSeconds + 5} seconds between requests`);
    if (request.status === 'denied') throw new DeviceAccessDenied('The user denied the request');
    if (request.status === 'pending') throw new AuthorizationPending('The user has not answered yet');
    return this.redeem(request, { client, organization, issuer, params });
  }

  /**
   * RFC 8628 §3.1–3.2: new codes for `client`, for the scopes it asks for among those it holds (all
   * of them when it names none), approved or denied at `{PUBLIC_URL}/device` whichever issuer was called.
   * RFC 8707 §2: a `resource` (or `audience`) names the one API the grant is for, read by the
   * authorization endpoint's rule (requestedGrant): an API of the organization or Gatehouse's
   * audience, whose scopes (and the identity scopes) are all the request then asks for.
   */
  async authorize(client: ClientRecord, organization: OrganizationRecord, params: TokenRequestParams): Promise<DeviceAuthorizationResponseDto> {
    const asked = parseScopeParameter(params.scope);
    const held = narrowScopes(client.scopes, asked);
    if (held.length === 0) throw new InvalidScope('The client holds no scope to ask for');
    const { resource, scopes } = await requestedGrant({ parameters: params, requested: asked.length > 0, scopes: held, apis: () => this.apis.ofOrganization(organization.id), ownAudience: this.config.audience, organizationName: organization.name });
    const started = await this.devices.start({ clientId: client.id, organizationId: organization.id, scopes, resource });
    const userCode = displayedUserCode(started.userCode);
    const verificationUri = `${this.config.issuer}${DEVICE_PAGE_PATH}`;
    return {
      device_code: started.deviceCode,
      user_code: userCode,
      verification_uri: verificationUri,
      verification_uri_complete: `${verificationUri}?${new URLSearchParams({ user_code: userCode })}`,
      expires_in: started.expiresInSeconds,
      interval: started.intervalSeconds,
    };
  }

  private async redeem(request: DeviceAuthorizationEntity, { client, organization, issuer, params, dpopJkt }: GrantContext<'device_code', Optional>): Promise<IssuedTokens> {
    const grant = { subjectType: 'user' as const, userId: request.userId!, organizationId: request.organizationId, authTime: request.authTime! };
    const subject = await this.userTokens.subjectOf(grant, organization);
    const scopes = this.userTokens.scopesFor(subject, request.scopes, client);
    // As at the code grant: a request that named its API is for it alone; one that named none is
    // for what the approved scopes reach, and a `resource` here may pick no more.
    const target = await this.targets.resolveForGrant({ organization: subject.organization, grantResource: request.resource, resource: requestedResource(params), requested: [], held: scopes });
    const actor: Actor = { type: 'client', id: client.id };
    const issued = await retryOnDeadlock(() =>
      this.unitOfWork.run(actor, async (change) => {
        if (!(await this.devices.consume(change.manager, request))) return undefined;
        const tokens = await this.userTokens.issue(change.manager, { client, issuer, subject, scopes, target, resource: request.resource, nonce: null, authTime: grant.authTime, familyId: request.deviceCodeHash, dpopJkt });
        await this.devices.audit(change, 'device_authorization.tokens_issued', { ...grant, clientId: client.id }, tokens.scopes, { jti: tokens.jti, refresh_token: tokens.response.refresh_token !== undefined, id_token: tokens.response.id_token !== undefined });
        return tokens;
      }),
    );
    // Lost the race to a concurrent poll, which got the tokens.
    if (!issued) throw new InvalidGrant('The device code has been redeemed already');
    return issued;
  }
}
