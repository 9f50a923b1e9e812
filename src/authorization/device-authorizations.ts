import { randomBytes, randomInt } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type EntityManager, IsNull, MoreThan, QueryFailedError, type Repository } from 'typeorm';
import { type Actor } from '../audit/actor.js';
import { type Change, UnitOfWork } from '../audit/unit-of-work.js';
import { Clock } from '../common/clock.js';
import { ExpiredRows } from '../database/expired-rows.js';
import { codeHash } from './authorization-codes.js';
import { Consents } from './consents.js';
import { AccessPolicy } from '../access/access-policy.js';
import { PageError } from '../common/errors/authorization-errors.js';
import { OrganizationDirectory, type OrganizationRecord } from '../organizations/organization-directory.js';
import { RoleDirectory } from '../roles/role-directory.js';
import { roleIn, type UserRecord } from '../users/user-directory.js';
import { DeviceAuthorizationEntity } from './entities/device-authorization.entity.js';

/** RFC 8628 `verification_uri`'s path: the page where a user enters a device's code, for every issuer. */
export const DEVICE_PAGE_PATH = '/device';

/** RFC 8628 §6.1: consonants only (no vowels, so no words; no look-alikes such as 0/O or 1/I), in upper case. */
export const USER_CODE_ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ';
const USER_CODE_LENGTH = 8;
const CANONICAL_USER_CODE = new RegExp(`^[${USER_CODE_ALPHABET}]{${USER_CODE_LENGTH}}$`);
/** How long the user has to answer (RFC 8628 §3.2 `expires_in`). */
export const DEVICE_CODE_LIFETIME_MS = 10 * 60_000;
/** RFC 8628 §3.2's default polling interval, and what each `slow_down` adds to it (§3.5). */
export const DEVICE_POLL_INTERVAL_SECONDS = 5;
/** Expired and redeemed requests stay this long, so that a late poll is still told what became of its code. */
const KEEP_EXPIRED_MS = 10 * 60_000;

/**
 * The one canonical form of a user code: what the user typed, in upper case, without the dash and
 * spaces people type or copy along; undefined when that is not eight letters of the alphabet.
 */
export function canonicalUserCode(typed: unknown): string | undefined {
  if (typeof typed !== 'string' || typed.length > 32) return undefined;
  const canonical = typed.toUpperCase().replace(/[\s-]/g, '');
  return CANONICAL_USER_CODE.test(canonical) ? canonical : undefined;
}

/** How a user code is shown and sent: XXXX-XXXX, easier to read out and to type. */
export function displayedUserCode(canonical: string): string {
  return `${canonical.slice(0, 4)}-${canonical.slice(4)}`;
}

function newUserCode(): string {
  return Array.from({ length: USER_CODE_LENGTH }, () => USER_CODE_ALPHABET[randomInt(USER_CODE_ALPHABET.length)]).join('');
}


export interface StartedDeviceAuthorization {
  readonly deviceCode: string;
  /** Canonical form. */
  readonly userCode: string;
  readonly expiresInSeconds: number;
  readonly intervalSeconds: number;
}

/**
 * Device authorization requests (RFC 8628), in the database so that any server process answers
 * the page and the polls: the device code stored as its SHA-256, the user code in its canonical
 * form. The user approves or denies on the /device page; the token endpoint redeems an approved
 * request once (DeviceCodeGrant).
 */
@Injectable()
export class DeviceAuthorizations {
  private readonly expired: ExpiredRows<DeviceAuthorizationEntity>;

  constructor(
    @InjectRepository(DeviceAuthorizationEntity) private readonly repository: Repository<DeviceAuthorizationEntity>,
    private readonly consents: Consents,
    private readonly organizations: OrganizationDirectory,
    private readonly roles: RoleDirectory,
    private readonly policy: AccessPolicy,
    private readonly unitOfWork: UnitOfWork,
    private readonly clock: Clock,
  ) {
    this.expired = new ExpiredRows(repository, KEEP_EXPIRED_MS);
  }

  /**
   * A new request of `clientId` for `scopes`, and for `resource` alone when it named one (checked
   * already, with the scopes, as at the authorization endpoint); no audit event: nothing is granted
   * until the user answers.
   */
  async start(request: { clientId: string; organizationId: string; scopes: readonly string[]; resource: string | undefined }): Promise<StartedDeviceAuthorization> {
    const deviceCode = randomBytes(32).toString('base64url');
    const now = this.clock.date();
    await this.expired.prune(now.getTime());
    // 20^8 codes: a collision with a live one is rare, and the unique index refuses it; draw again then.
    for (let attempt = 1; ; attempt++) {
      const userCode = newUserCode();
      try {
        await this.repository.insert({
          deviceCodeHash: codeHash(deviceCode),
          userCode,
          clientId: request.clientId,
          organizationId: request.organizationId,
          scopes: [...request.scopes],
          resource: request.resource ?? null,
          status: 'pending',
          userId: null,
          authTime: null,
          intervalSeconds: DEVICE_POLL_INTERVAL_SECONDS,
          lastPolledAt: null,
          expiresAt: new Date(now.getTime() + DEVICE_CODE_LIFETIME_MS),
          consumedAt: null,
          createdAt: now,
        });
        return { deviceCode, userCode, expiresInSeconds: DEVICE_CODE_LIFETIME_MS / 1000, intervalSeconds: DEVICE_POLL_INTERVAL_SECONDS };
      } catch (error) {
        if (!(error instanceof QueryFailedError) || attempt >= 3) throw error;
      }
    }
  }

  /**
   * The request a user code stands for, while the user may still answer it: pending and not
   * expired. Undefined otherwise, whatever the reason (malformed, unknown, expired, answered), so
   * that the page tells a guesser nothing.
   */
  async pending(typedUserCode: unknown): Promise<DeviceAuthorizationEntity | undefined> {
    const userCode = canonicalUserCode(typedUserCode);
    if (userCode === undefined) return undefined;
    return (await this.repository.findOneBy({ userCode, status: 'pending', consumedAt: IsNull(), expiresAt: MoreThan(this.clock.date()) })) ?? undefined;
  }

  /**
   * What `user` may grant of the request, as at the authorization endpoint: the scopes asked for
   * that their role in the client's organization gives (and the identity scopes). A page error for
   * anyone who may grant none of it; the request stays pending, for the right person to answer.
   */
  async grantable(request: DeviceAuthorizationEntity, user: UserRecord): Promise<{ organization: OrganizationRecord; scopes: string[]; resource: string | undefined }> {
    const organization = await this.organizations.findById(request.organizationId);
    if (!organization?.oauthEnabled) throw new PageError(400, 'Unavailable', 'This application cannot be used to sign in at the moment.');
    const role = roleIn(user, organization);
    if (role === undefined) throw new PageError(403, 'Not a member', `This account is not a member of ${organization.displayName}. Sign out and sign in with the account the device is for.`);
    const scopes = this.policy.scopesUserMayGrant(await this.roles.userScopesOfRole(organization.id, role), request.scopes);
    if (scopes.length === 0) throw new PageError(403, 'Nothing to allow', 'None of the access this device asks for is available to this account.');
    return { organization, scopes, resource: request.resource ?? undefined };
  }

  /**
   * The user's answer, with its audit event (and, for an approval, the consent it records), if the
   * request is still pending: false when it was answered meanwhile or expired.
   */
  async answer(request: DeviceAuthorizationEntity, answer: { approve: true; userId: string; authTime: Date; scopes: readonly string[] } | { approve: false; userId: string }, actor: Actor): Promise<boolean> {
    return this.unitOfWork.run(actor, async (change) => {
      const { userId } = answer;
      const decided = answer.approve ? { status: 'approved' as const, userId, authTime: answer.authTime, scopes: [...answer.scopes] } : { status: 'denied' as const, userId };
      const result = await change.manager.update(DeviceAuthorizationEntity, { deviceCodeHash: request.deviceCodeHash, status: 'pending', expiresAt: MoreThan(this.clock.date()) }, decided);
      if (result.affected !== 1) return false;
      const grant = { userId, clientId: request.clientId, organizationId: request.organizationId };
      if (answer.approve) await this.consents.rememberIn(change, grant, answer.scopes);
      await this.audit(change, answer.approve ? 'device_authorization.approved' : 'device_authorization.denied', grant, answer.approve ? answer.scopes : request.scopes);
      return true;
    });
  }

  /** The stored request of a device code, whatever its state: the caller checks everything before it consumes. */
  async find(deviceCode: string): Promise<DeviceAuthorizationEntity | undefined> {
    return (await this.repository.findOneBy({ deviceCodeHash: codeHash(deviceCode) })) ?? undefined;
  }

  /**
   * Counts a poll of the device: false when it came before the interval had passed since the last
   * one (or together with another poll), and the interval then grows by 5 seconds (RFC 8628 §3.5).
   * A compare-and-set on the last poll's time, so that concurrent polls on several processes count.
   */
  async poll(request: DeviceAuthorizationEntity): Promise<boolean> {
    const now = this.clock.date();
    const last = request.lastPolledAt;
    const tooSoon = last !== null && now.getTime() - last.getTime() < request.intervalSeconds * 1000;
    const intervalSeconds = tooSoon ? request.intervalSeconds + DEVICE_POLL_INTERVAL_SECONDS : request.intervalSeconds;
    // Not through the UnitOfWork: a poll changes no grant, and is neither audited nor announced.
    const result = await this.repository.update({ deviceCodeHash: request.deviceCodeHash, lastPolledAt: last === null ? IsNull() : last }, { lastPolledAt: now, intervalSeconds });
    return !tooSoon && result.affected === 1;
  }

  /** Consumes an approved request in the caller's transaction (the one that issues its tokens): false if a concurrent poll redeemed it first. */
  async consume(manager: EntityManager, request: DeviceAuthorizationEntity): Promise<boolean> {
    const result = await manager.update(DeviceAuthorizationEntity, { deviceCodeHash: request.deviceCodeHash, status: 'approved', consumedAt: IsNull() }, { consumedAt: this.clock.date() });
    return result.affected === 1;
  }

  /** An audit event about a request; never its codes. */
  async audit(change: Change, action: string, grant: { userId: string; clientId: string; organizationId: string }, scopes: readonly string[], details: Record<string, unknown> = {}): Promise<void> {
    await change.audit({ action, targetType: 'consent', targetId: grant.clientId, organizationId: grant.organizationId, details: { user_id: grant.userId, scopes, ...details } });
  }
}
