import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { BadRequestException, ConflictException, HttpException, HttpStatus, Injectable, NotFoundException } from '@nestjs/common';
import { AccessPolicy } from '../access/access-policy.js';
import { InjectRepository } from '@nestjs/typeorm';
import { In, QueryFailedError, type Repository } from 'typeorm';
import { actorOf, type Actor } from '../audit/actor.js';
import { UnitOfWork, type Change } from '../audit/unit-of-work.js';
import { type AuthContext } from '../access/auth-context.js';
import { InvitationCodeLockout, UserSignInLockout } from '../lockout/client-lockout.js';
import { GatehouseConfig } from '../config/gatehouse-config.js';
import { canonicalEmail } from '../common/canonical-email.js';
import { type PageQueryDto, PageDto } from '../common/dto/page.dto.js';
import { OrganizationsService } from '../organizations/organizations.service.js';
import { UserDirectory } from './user-directory.js';
import { MEMBER_ROLE } from '../scopes/permissions.js';
import { RoleDirectory } from '../roles/role-directory.js';
import { type CreateUserDto, type UpdateUserDto, UserDto } from './dto/user.dto.js';
import { MEMBERSHIP_ACTIVE, MEMBERSHIP_INVITED, MembershipEntity } from './entities/membership.entity.js';
import { OrganizationDirectory } from '../organizations/organization-directory.js';
import { InvitationDto } from './dto/invitation.dto.js';
import { UserEntity } from './entities/user.entity.js';
import { PasswordHasher } from './password-hasher.js';
import { Clock } from '../common/clock.js';

/** Emails are stored, looked up, locked out and compared in one form: see canonicalEmail. */
export function normalizeEmail(email: string): string {
  return canonicalEmail(email);
}

/** SHA-256 (hex) of an invitation code: what is stored and compared. */
function hashInvitationCode(code: string): string {
  return createHash('sha256').update(code, 'utf8').digest('hex');
}

/** The code itself, whether given alone or as the invitation link that carries it. */
function invitationCodeOf(codeOrLink: string): string {
  const trimmed = codeOrLink.trim();
  if (!trimmed.includes('?')) return trimmed;
  try {
    return new URL(trimmed).searchParams.get('code') ?? '';
  } catch {
    return '';
  }
}

/**
 * The rules of the user API, bounded by organization as the client API is: an administrator sees
 * and changes the users of their own organization only (404 for everyone else), and grants no
 * role they do not hold.
 */
@Injectable()
export class UsersService {
  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    @InjectRepository(MembershipEntity) private readonly memberships: Repository<MembershipEntity>,
    private readonly hasher: PasswordHasher,
    private readonly organizations: OrganizationsService,
    private readonly unitOfWork: UnitOfWork,
    private readonly lockout: UserSignInLockout,
    private readonly policy: AccessPolicy,
    private readonly directory: UserDirectory,
    private readonly clock: Clock,
    private readonly roles: RoleDirectory,
    private readonly organizationDirectory: OrganizationDirectory,
    private readonly codeLockout: InvitationCodeLockout,
    private readonly config: GatehouseConfig,
  ) {}

  /**
   * The root client creates an account with an active membership (409 if the email is taken: it
   * sees every organization). Anyone else invites: see invite.
   */
  async create(auth: AuthContext, dto: CreateUserDto): Promise<UserDto> {
    const organizationId = dto.organization === undefined ? auth.organizationId : (await this.organizations.resolve(auth, dto.organization)).id;
    const role = dto.role ?? MEMBER_ROLE;
    await this.checkGrantRole(auth, organizationId, role);
    const email = normalizeEmail(dto.email);
    if (!auth.isRoot) return this.invite(auth, organizationId, role, email, dto);
    if (await this.users.existsBy({ email })) throw new ConflictException(`A user with email ${email} exists already`);
    const user = await this.createAccount(actorOf(auth), { email, password: dto.password, name: dto.name ?? null, emailVerified: false }, organizationId, role);
    return UserDto.from(user.account, [user.membership]);
  }

  /**
   * An administrator adds someone by invitation: a membership that gives nothing until the
   * account holder accepts it. Accounts are shared across organizations, so the answer must not
   * tell the caller whether the email already has an account elsewhere: a new account (with the
   * password given) and an existing one (whose password stays as it is) get the same invitation,
   * the same answer and the same audit event, after the same scrypt work. Only an email already
   * in the caller's organization, which the caller sees anyway, answers 409.
   */
  private async invite(auth: AuthContext, organizationId: string, role: string, email: string, dto: CreateUserDto): Promise<UserDto> {
    const passwordHash = await this.hasher.hash(dto.password);
    const now = this.clock.date();
    // Twice at most: an account made for this email meanwhile (another organization's invitation) is invited the second time.
    for (let attempt = 1; ; attempt += 1) {
      const existing = await this.users.findOneBy({ email });
      if (existing && (await this.memberships.existsBy({ userId: existing.id, organizationId }))) {
        throw new ConflictException(`${email} is a member of this organization already, or invited to it`);
      }
      const userId = existing?.id ?? randomUUID();
      const code = this.newInvitationCode(now);
      const membership = this.memberships.create({ userId, organizationId, role, status: MEMBERSHIP_INVITED, createdAt: now, ...code.columns });
      try {
        await this.unitOfWork.run(actorOf(auth), async (change) => {
          if (!existing) {
            await change.manager.insert(UserEntity, { id: userId, email, name: dto.name ?? null, passwordHash, emailVerified: false, disabled: false, notBefore: null, createdAt: now, updatedAt: now });
          }
          await change.manager.insert(MembershipEntity, { ...membership });
          await this.record(change, userId, organizationId, 'user.invited', { email, role });
        });
      } catch (error) {
        if (existing || attempt > 1 || !(error instanceof QueryFailedError)) throw error;
        continue;
      }
      return { ...UserDto.invited(userId, email, [membership]), invitation_url: code.url };
    }
  }

  /**
   * A new one-time code for an invitation: 256 random bits, kept only as its SHA-256 (a value
   * that long needs no slow hash), shown once in the link the inviting administrator passes on.
   * Accepting needs it, so an account made by whoever knew its password cannot take another
   * organization's invitation to the same email.
   */
  private newInvitationCode(now: Date): { url: string; columns: { invitationCodeHash: string; invitationExpiresAt: Date } } {
    const code = randomBytes(32).toString('base64url');
    return {
      url: `${this.config.issuer}/oauth2/account/invitations/accept?code=${code}`,
      columns: { invitationCodeHash: hashInvitationCode(code), invitationExpiresAt: new Date(now.getTime() + this.config.invitationLifetimeSeconds * 1000) },
    };
  }

  /**
   * A new code for a pending invitation of the caller's organization (the named one for the root
   * client): the old one stops working. Administrators of that organization only, as for withdrawing it.
   */
  async resendInvitation(auth: AuthContext, id: string, organizationName: string | undefined): Promise<UserDto> {
    const organizationId = organizationName === undefined ? auth.organizationId : (await this.organizations.resolve(auth, organizationName)).id;
    const { user } = await this.findVisible(auth, id);
    const membership = await this.memberships.findOneBy({ userId: user.id, organizationId });
    if (!membership) throw new NotFoundException(`No user with id ${id}`);
    await this.checkActOn(auth, membership);
    if (membership.status !== MEMBERSHIP_INVITED) throw new ConflictException('The user accepted this invitation already');
    const code = this.newInvitationCode(this.clock.date());
    await this.unitOfWork.run(actorOf(auth), async (change) => {
      await change.manager.update(MembershipEntity, { userId: user.id, organizationId, status: MEMBERSHIP_INVITED }, code.columns);
      await this.record(change, user.id, organizationId, 'user.invitation_renewed', { email: user.email });
    });
    return { ...(await this.get(auth, id)), invitation_url: code.url };
  }

  /**
   * Creates a user and their first membership in one transaction (also used by the bootstrap
   * administrator). The caller has checked the email is free; the unique index settles a race.
   */
  async createAccount(
    actor: Actor,
    fields: { email: string; password: string; name: string | null; emailVerified: boolean },
    organizationId: string,
    role: string,
  ): Promise<{ account: UserEntity; membership: MembershipEntity }> {
    const now = this.clock.date();
    const account = this.users.create({
      id: randomUUID(),
      email: fields.email,
      name: fields.name,
      passwordHash: await this.hasher.hash(fields.password),
      emailVerified: fields.emailVerified,
      disabled: false,
      notBefore: null,
      createdAt: now,
      updatedAt: now,
    });
    const membership = this.memberships.create({ userId: account.id, organizationId, role, status: MEMBERSHIP_ACTIVE, createdAt: now });
    await this.unitOfWork.run(actor, async (change) => {
      await change.manager.insert(UserEntity, { ...account });
      await change.manager.insert(MembershipEntity, { ...membership });
      await this.record(change, account.id, organizationId, 'user.created', { email: account.email, role });
    });
    return { account, membership };
  }

  /**
   * The user with this email and password, `undefined`, or how long this email is locked out for
   * `address` (the caller's). An unknown email costs the same scrypt work as a wrong password and
   * is counted and locked out the same way, so neither the time taken nor a lockout tells which
   * emails have accounts. Lockouts follow the clients' brute-force rules (BRUTE_FORCE_*, per
   * email and address, per email overall and per address over all emails: see ClientLockout) in
   * counters of their own (UserSignInLockout), keyed `user:<canonical email>`, per instance as for clients.
   */
  async authenticate(email: string, password: string, address: string): Promise<UserEntity | { lockedForSeconds: number } | undefined> {
    const key = `user:${normalizeEmail(email)}`;
    const retryAfter = this.lockout.retryAfterSeconds(key, address);
    if (retryAfter > 0) return { lockedForSeconds: retryAfter };
    const user = await this.users.findOneBy({ email: normalizeEmail(email) });
    const matches = await this.hasher.verify(password, user?.passwordHash ?? (await this.decoy()));
    if (!user || !matches || user.disabled) {
      this.lockout.recordFailure(key, address);
      return undefined;
    }
    this.lockout.recordSuccess(key, address);
    return user;
  }

  private decoyHash: Promise<string> | undefined;
  private decoy(): Promise<string> {
    this.decoyHash ??= this.hasher.hash('decoy password for unknown emails');
    return this.decoyHash;
  }

  async list(auth: AuthContext, query: PageQueryDto): Promise<PageDto<UserDto>> {
    const builder = this.users.createQueryBuilder('user');
    const listed = this.policy.listFilter(auth);
    if (listed.organizationId !== undefined) {
      // Newest member first, by when they joined or were invited: the account's own age would tell of an account older than its invitation.
      builder.innerJoin(MembershipEntity, 'membership', 'membership.user_id = user.id AND membership.organization_id = :organizationId', listed).orderBy('membership.created_at', 'DESC');
    } else {
      builder.orderBy('user.created_at', 'DESC');
    }
    // One membership per user and organization: the join repeats no row, so plain LIMIT and OFFSET page it.
    builder.addOrderBy('user.id', 'ASC').offset((query.page - 1) * query.size).limit(query.size);
    const [users, total] = await builder.getManyAndCount();
    const memberships = users.length === 0 ? [] : await this.memberships.findBy({ userId: In(users.map((user) => user.id)), ...listed });
    return PageDto.of(
      users.map((user) => this.view(auth, user, memberships.filter((membership) => membership.userId === user.id))),
      total,
      query,
    );
  }

  async get(auth: AuthContext, id: string): Promise<UserDto> {
    const { user, memberships } = await this.findVisible(auth, id);
    return this.view(auth, user, memberships);
  }

  /**
   * What the caller sees of a user: all of it, unless the caller knows them only by its own
   * invitation, which tells it nothing of the account (not its name, its age, or whether it is
   * disabled) until the account holder accepts.
   */
  private view(auth: AuthContext, user: UserEntity, memberships: MembershipEntity[]): UserDto {
    const invitedOnly = !auth.isRoot && memberships.length > 0 && memberships.every((membership) => membership.status === MEMBERSHIP_INVITED);
    return invitedOnly ? UserDto.invited(user.id, user.email, memberships) : UserDto.from(user, memberships);
  }

  async update(auth: AuthContext, id: string, dto: UpdateUserDto): Promise<UserDto> {
    const { user, memberships } = await this.findVisible(auth, id);
    const membership = memberships.find((candidate) => candidate.organizationId === auth.organizationId) ?? memberships[0];
    // The role is the organization's; name, password and disabled are the account's, which may span organizations.
    if (membership) await this.checkActOn(auth, membership);
    if (dto.role !== undefined && membership) await this.checkGrantRole(auth, membership.organizationId, dto.role);
    if (dto.name !== undefined || dto.password !== undefined || dto.disabled !== undefined) await this.checkAccountChange(auth, user.id);
    const now = this.clock.date();
    const endsSessions = dto.password !== undefined || (dto.disabled === true && !user.disabled);
    const changes: Partial<UserEntity> = {
      ...(dto.name !== undefined && { name: dto.name }),
      ...(dto.password !== undefined && { passwordHash: await this.hasher.hash(dto.password) }),
      ...(dto.disabled !== undefined && { disabled: dto.disabled }),
      ...(endsSessions && { notBefore: now }),
      updatedAt: now,
    };
    await this.unitOfWork.run(actorOf(auth), async (change) => {
      await change.manager.update(UserEntity, { id: user.id }, changes);
      if (dto.role !== undefined && membership) await change.manager.update(MembershipEntity, { userId: user.id, organizationId: membership.organizationId }, { role: dto.role });
      const details = { ...(dto.name !== undefined && { name: dto.name }), ...(dto.password !== undefined && { password_changed: true }), ...(dto.disabled !== undefined && { disabled: dto.disabled }), ...(dto.role !== undefined && { previous_role: membership?.role, role: dto.role }) };
      await this.record(change, user.id, membership?.organizationId ?? null, dto.disabled === true ? 'user.disabled' : 'user.updated', details);
    });
    return this.get(auth, id);
  }

  /**
   * Puts a user in an organization with a role, or changes their role there. The caller must
   * see the organization (its own, or any for the root client) and hold the role; only the root
   * client can add someone from another organization, since others cannot see them.
   */
  async setMembership(auth: AuthContext, id: string, organizationName: string, role: string): Promise<UserDto> {
    const organization = await this.organizations.resolve(auth, organizationName);
    const { user } = await this.findVisible(auth, id);
    await this.checkGrantRole(auth, organization.id, role);
    const existing = await this.memberships.findOneBy({ userId: user.id, organizationId: organization.id });
    if (existing) await this.checkActOn(auth, existing);
    const now = this.clock.date();
    // Only the root client can reach a user outside its organization; anyone else would be inviting, with a code.
    const code = existing || auth.isRoot ? undefined : this.newInvitationCode(now);
    await this.unitOfWork.run(actorOf(auth), async (change) => {
      if (existing) await change.manager.update(MembershipEntity, { userId: user.id, organizationId: organization.id }, { role });
      else await change.manager.insert(MembershipEntity, { userId: user.id, organizationId: organization.id, role, status: code ? MEMBERSHIP_INVITED : MEMBERSHIP_ACTIVE, createdAt: now, ...code?.columns });
      await this.record(change, user.id, organization.id, existing ? 'user.role_changed' : 'user.membership_added', { organization: organization.name, role, ...(existing && { previous_role: existing.role }) });
    });
    const answer = await this.get(auth, id);
    return code ? { ...answer, invitation_url: code.url } : answer;
  }

  /**
   * Takes the user out of the caller's organization; a user left in no organization they accepted
   * (or any user, for the root client) is deleted with their sessions, consents and refresh tokens.
   * Withdrawing an invitation takes the invitation only, and deletes the account only when nothing
   * else holds it (the account this invitation made), so that it neither reaches an account of
   * another organization nor tells whether one exists.
   */
  async delete(auth: AuthContext, id: string): Promise<void> {
    const { user, memberships } = await this.findVisible(auth, id);
    const all = await this.memberships.findBy({ userId: user.id });
    const own = auth.isRoot ? all : all.filter((membership) => membership.organizationId === auth.organizationId);
    for (const membership of own) await this.checkActOn(auth, membership);
    const withdrawal = !auth.isRoot && own.every((membership) => membership.status === MEMBERSHIP_INVITED);
    const rest = all.filter((membership) => !own.includes(membership));
    const deletesAccount = withdrawal ? rest.length === 0 : !rest.some((membership) => membership.status === MEMBERSHIP_ACTIVE);
    if (deletesAccount && !withdrawal) await this.checkAccountChange(auth, user.id);
    await this.unitOfWork.run(actorOf(auth), async (change) => {
      if (deletesAccount) await change.manager.delete(UserEntity, { id: user.id });
      else await change.manager.delete(MembershipEntity, { userId: user.id, organizationId: auth.organizationId });
      const action = withdrawal ? 'user.invitation_withdrawn' : deletesAccount ? 'user.deleted' : 'user.removed';
      await this.record(change, user.id, auth.isRoot ? (memberships[0]?.organizationId ?? null) : auth.organizationId, action, { email: user.email });
    });
  }

  /** The organizations that invited the calling user, oldest invitation first. */
  async invitations(userId: string): Promise<InvitationDto[]> {
    const invited = await this.memberships.find({ where: { userId, status: MEMBERSHIP_INVITED }, order: { createdAt: 'ASC', organizationId: 'ASC' } });
    const organizations = await Promise.all(invited.map((membership) => this.organizationDirectory.findById(membership.organizationId)));
    return invited.flatMap((membership, index) => {
      const organization = organizations[index];
      return organization ? [InvitationDto.from(membership, organization)] : [];
    });
  }

  /**
   * The calling user accepts an organization's invitation with its one-time code (or the link
   * carrying it): from now on its role there counts. An unknown organization, no invitation, a
   * wrong code and an expired one answer alike and consume nothing; the code is checked in full,
   * then spent by a conditional update, so that of two attempts with it only one accepts. Wrong
   * codes count towards a lockout per account and source address (429), as failed sign-ins do.
   */
  async acceptInvitation(actor: Actor, userId: string, organizationName: string, code: string): Promise<InvitationDto> {
    const organization = await this.organizationDirectory.findByName(organizationName);
    return this.acceptMatching(actor, userId, code, organization ? { organizationId: organization.id } : undefined, `No invitation from an organization named ${organizationName} with this code`);
  }

  /** Accepts whichever of the calling user's invitations the code belongs to (the invitation link names no organization). */
  acceptInvitationByCode(actor: Actor, userId: string, code: string): Promise<InvitationDto> {
    return this.acceptMatching(actor, userId, code, {}, 'No invitation of yours with this code');
  }

  /** The calling user's pending invitation that the code opens, to confirm before accepting; consumes nothing. */
  async invitationByCode(actor: Actor, userId: string, code: string): Promise<InvitationDto> {
    const { membership, organization } = await this.matchCode(actor, userId, code, {}, 'No invitation of yours with this code');
    return InvitationDto.from(membership, organization);
  }

  private async acceptMatching(actor: Actor, userId: string, code: string, where: { organizationId?: string } | undefined, notFound: string): Promise<InvitationDto> {
    const { membership, organization } = await this.matchCode(actor, userId, code, where, notFound);
    await this.unitOfWork.run(actor, async (change) => {
      const spent = await change.manager.update(
        MembershipEntity,
        { userId, organizationId: organization.id, status: MEMBERSHIP_INVITED, invitationCodeHash: membership.invitationCodeHash! },
        { status: MEMBERSHIP_ACTIVE, invitationCodeHash: null, invitationExpiresAt: null },
      );
      if (spent.affected !== 1) throw new NotFoundException(notFound);
      await this.record(change, userId, organization.id, 'user.invitation_accepted', { organization: organization.name, role: membership.role });
    });
    return InvitationDto.from({ ...membership, status: MEMBERSHIP_ACTIVE }, organization);
  }

  /** The pending, unexpired invitation of this user that the code opens (in `where`'s organization if named), or the one answer for every failure. */
  private async matchCode(actor: Actor, userId: string, code: string, where: { organizationId?: string } | undefined, notFound: string) {
    const key = `invitation:${userId}`;
    const address = actor.sourceIp ?? '';
    const retryAfter = this.codeLockout.retryAfterSeconds(key, address);
    if (retryAfter > 0) throw new HttpException({ statusCode: 429, error: 'Too Many Requests', message: `Too many wrong invitation codes; try again in ${retryAfter} seconds` }, HttpStatus.TOO_MANY_REQUESTS);
    const hash = hashInvitationCode(invitationCodeOf(code));
    const membership = where && (await this.memberships.findOneBy({ userId, status: MEMBERSHIP_INVITED, invitationCodeHash: hash, ...where }));
    // Looked up by the hash of a 256-bit value: the lookup itself tells nothing worth timing.
    const organization = membership && membership.invitationExpiresAt && membership.invitationExpiresAt.getTime() > this.clock.now() ? await this.organizationDirectory.findById(membership.organizationId) : undefined;
    if (!membership || !organization) {
      this.codeLockout.recordFailure(key, address);
      throw new NotFoundException(notFound);
    }
    return { membership, organization };
  }

  /** The calling user declines an invitation; an account then in no organization at all is deleted, as when its last membership is removed. */
  async declineInvitation(actor: Actor, userId: string, organizationName: string): Promise<void> {
    const { organization } = await this.findInvitation(userId, organizationName);
    const others = await this.memberships.countBy({ userId });
    await this.unitOfWork.run(actor, async (change) => {
      if (others <= 1) await change.manager.delete(UserEntity, { id: userId });
      else await change.manager.delete(MembershipEntity, { userId, organizationId: organization.id });
      await this.record(change, userId, organization.id, 'user.invitation_declined', { organization: organization.name });
    });
  }

  /** The user's pending invitation from the organization named so; an unknown organization answers like one that did not invite them. */
  private async findInvitation(userId: string, organizationName: string) {
    const organization = await this.organizationDirectory.findByName(organizationName);
    const membership = organization && (await this.memberships.findOneBy({ userId, organizationId: organization.id, status: MEMBERSHIP_INVITED }));
    if (!organization || !membership) throw new NotFoundException(`No invitation from an organization named ${organizationName}`);
    return { membership, organization };
  }

  private async record(change: Change, userId: string, organizationId: string | null, action: string, details: Record<string, unknown>): Promise<void> {
    await change.audit({ action, targetType: 'user', targetId: userId, organizationId, details });
    change.announce({ kind: 'user', subject: userId });
  }

  /** Users outside the caller's organization answer 404 exactly like ids that do not exist. */
  private async findVisible(auth: AuthContext, id: string): Promise<{ user: UserEntity; memberships: MembershipEntity[] }> {
    const user = await this.users.findOneBy({ id });
    const memberships = user ? await this.memberships.findBy({ userId: id, ...this.policy.listFilter(auth) }) : [];
    if (!user || (!auth.isRoot && memberships.length === 0)) throw new NotFoundException(`No user with id ${id}`);
    return { user, memberships };
  }

  /** Acting on a user's membership needs every scope their role there gives (the access policy's rule 3). */
  private async checkActOn(auth: AuthContext, membership: MembershipEntity): Promise<void> {
    this.policy.checkActOn(auth, { organizationId: membership.organizationId, scopes: await this.roles.scopesOfRole(membership.organizationId, membership.role) }, `user ${membership.userId}`);
  }

  /** A role must be `member`, a built-in permission or one of the organization's roles, and the caller must hold all it gives there. */
  private async checkGrantRole(auth: AuthContext, organizationId: string, role: string): Promise<void> {
    if (!(await this.roles.isRole(organizationId, role))) {
      throw new BadRequestException(`Unknown role ${JSON.stringify(role)}; known: ${[MEMBER_ROLE, ...(await this.roles.permissionNames(organizationId))].join(', ')}`);
    }
    this.policy.checkGrantRole(auth, role, await this.roles.scopesOfRole(organizationId, role));
  }

  /**
   * A change to the account itself needs authority over every organization the user belongs to
   * (rule 4). Invitations not yet accepted do not count: the inviter gains no authority over the
   * account by inviting it, and the organizations it belongs to keep theirs.
   */
  private async checkAccountChange(auth: AuthContext, userId: string): Promise<void> {
    if (auth.isRoot) return;
    const memberships = await Promise.all(
      (await this.memberships.findBy({ userId, status: MEMBERSHIP_ACTIVE })).map(async ({ organizationId, role }) => ({ organizationId, role, scopes: await this.roles.scopesOfRole(organizationId, role) })),
    );
    const caller = auth.userId === undefined ? undefined : await this.directory.find(auth.userId);
    const callerRoles = caller && new Map(await Promise.all([...caller.roles].map(async ([organizationId, role]) => [organizationId, await this.roles.scopesOfRole(organizationId, role)] as const)));
    this.policy.checkAccountChange(auth, callerRoles, memberships);
  }
}
