import { ApiProperty } from '@nestjs/swagger';
import { type MembershipEntity, MEMBERSHIP_ACTIVE, MEMBERSHIP_INVITED } from '../entities/membership.entity.js';

/** An organization's invitation to the calling user (`invited`), or the membership it became once accepted (`active`). */
export class InvitationDto {
  @ApiProperty({ example: 'default', description: 'The organization that invited the user' })
  organization: string;

  @ApiProperty({ format: 'uuid' })
  organization_id: string;

  @ApiProperty({ example: 'member', description: 'The role the invitation gives once accepted' })
  role: string;

  @ApiProperty({ enum: [MEMBERSHIP_INVITED, MEMBERSHIP_ACTIVE] })
  status: string;

  @ApiProperty({ format: 'date-time' })
  invited_at: string;

  static from(membership: Pick<MembershipEntity, 'organizationId' | 'role' | 'status' | 'createdAt'>, organization: { readonly name: string }): InvitationDto {
    return { organization: organization.name, organization_id: membership.organizationId, role: membership.role, status: membership.status, invited_at: membership.createdAt.toISOString() };
  }
}
