import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { IsBoolean, IsEmail, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { PageDto } from '../../common/dto/page.dto.js';
import { REALM_NAME_PATTERN } from '../../config/environment.js';
import { ROLE_NAME_PATTERN, ROLES } from '../../scopes/permissions.js';
import { type MembershipEntity, MEMBERSHIP_ACTIVE, MEMBERSHIP_INVITED } from '../entities/membership.entity.js';
import { type UserEntity } from '../entities/user.entity.js';
import { Omittable } from '../../common/dto/omittable.decorator.js';

/** NIST SP 800-63B: at least 8 characters, no composition rules, long passphrases welcome. */
export const MIN_PASSWORD_LENGTH = 8;
export const MAX_PASSWORD_LENGTH = 256;

export class CreateUserDto {
  @ApiProperty({ example: 'ada@example.com' })
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(254)
  email: string;

  @ApiProperty({ minLength: MIN_PASSWORD_LENGTH, maxLength: MAX_PASSWORD_LENGTH, description: 'Stored as an scrypt hash; never returned' })
  @IsString()
  @MinLength(MIN_PASSWORD_LENGTH)
  @MaxLength(MAX_PASSWORD_LENGTH)
  password: string;

  @ApiPropertyOptional({ example: 'Ada Lovelace', maxLength: 200 })
  @Omittable()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ example: 'member', default: 'member', description: `Role in the organization: a plain member, a built-in role (${ROLES.join(', ')}) or one the organization defines (GET /api/v1/oauth/role); the caller must hold every scope it gives` })
  @Omittable()
  @IsString()
  @Matches(ROLE_NAME_PATTERN, { message: 'role must be a role name: member, a built-in role or one of the organization\'s' })
  role?: string;

  @ApiPropertyOptional({ example: 'default', description: "The user's organization; only the root client may name another than its own" })
  @Omittable()
  @Matches(REALM_NAME_PATTERN, { message: 'organization must be an organization name' })
  organization?: string;
}

/** Fields left out keep their value. A new password or `disabled: true` ends the user's sessions and tokens. */
export class UpdateUserDto extends PartialType(OmitType(CreateUserDto, ['email', 'organization'] as const), { skipNullProperties: false }) {
  @ApiPropertyOptional()
  @Omittable()
  @IsBoolean()
  disabled?: boolean;
}

export class SetMembershipDto {
  @ApiProperty({ example: 'administer-clients', description: `A plain member, a built-in role (${ROLES.join(', ')}) or one the organization defines; the caller must hold every scope it gives` })
  @IsString()
  @Matches(ROLE_NAME_PATTERN, { message: 'role must be a role name: member, a built-in role or one of the organization\'s' })
  role: string;
}

export class MembershipDto {
  @ApiProperty({ format: 'uuid' })
  organization_id: string;

  @ApiProperty({ example: 'member', description: `member, a built-in role (${ROLES.join(', ')}) or one the organization defines` })
  role: string;

  @ApiProperty({ enum: [MEMBERSHIP_ACTIVE, MEMBERSHIP_INVITED], description: '`invited` until the user accepts: an invitation gives nothing in the organization' })
  status: string;

  static from(this: void, membership: MembershipEntity): MembershipDto {
    return { organization_id: membership.organizationId, role: membership.role, status: membership.status };
  }
}

/** A user as the API shows them: never the password or its hash. */
export class UserDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  email: string;

  @ApiProperty({ type: String, nullable: true })
  name: string | null;

  @ApiProperty()
  email_verified: boolean;

  @ApiProperty()
  disabled: boolean;

  @ApiProperty({ type: [MembershipDto], description: "The caller's organization only (every organization for the root client)" })
  memberships: MembershipDto[];

  @ApiProperty({ format: 'date-time' })
  created_at: string;

  @ApiProperty({ format: 'date-time' })
  updated_at: string;

  @ApiPropertyOptional({
    example: 'https://auth.example.com/oauth2/account/invitations/accept?code=…',
    description: 'Only in the answer that creates (or sends again) an invitation, and only then: the link with the one-time code the invited person needs to accept it. Pass it on to them; it is never shown again.',
  })
  invitation_url?: string;

  static from(user: UserEntity, memberships: MembershipEntity[]): UserDto {
    return {
      id: user.id,
      email: user.email,
      name: user.name,
      email_verified: user.emailVerified,
      disabled: user.disabled,
      memberships: memberships.map(MembershipDto.from),
      created_at: user.createdAt.toISOString(),
      updated_at: user.updatedAt.toISOString(),
    };
  }

  /**
   * A user an organization knows only by its own invitation: the email and the invitation, and
   * nothing of the account (whether it is new or was there before, its name, age or state) until
   * the user accepts.
   */
  static invited(id: string, email: string, memberships: MembershipEntity[]): UserDto {
    const invitedAt = new Date(Math.min(...memberships.map((membership) => membership.createdAt.getTime()))).toISOString();
    return { id, email, name: null, email_verified: false, disabled: false, memberships: memberships.map(MembershipDto.from), created_at: invitedAt, updated_at: invitedAt };
  }
}

export class UserPageDto extends PageDto<UserDto> {
  @ApiProperty({ type: [UserDto] })
  declare items: UserDto[];
}

/** The code that accepts an invitation, as the invitation link carries it (or the link itself). */
export class AcceptInvitationDto {
  @ApiProperty({ description: 'The one-time code of the invitation link, or the whole link' })
  @IsString()
  @MinLength(1)
  @MaxLength(2048)
  code: string;
}

/** Which of the user's invitations to send again: the caller's organization unless named (the root client). */
export class ResendInvitationDto {
  @ApiPropertyOptional({ example: 'default' })
  @Omittable()
  @Matches(REALM_NAME_PATTERN)
  organization?: string;
}
