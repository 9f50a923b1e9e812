import { type MigrationInterface, type QueryRunner, TableColumn } from 'typeorm';

/**
 * An invitation's one-time code: its SHA-256 (the code itself is shown once, to the inviting
 * administrator) and when it expires. Accepting needs it, so that whoever made an account for an
 * email cannot accept another organization's invitation to it. Pending invitations from before
 * have no code and must be sent again (POST /api/v1/users/{id}/invitation) to be accepted.
 */
export class InvitationCodes1764620000000 implements MigrationInterface {
  name = 'InvitationCodes1764620000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns('organization_membership', [
      new TableColumn({ name: 'invitation_code_hash', type: 'varchar', length: '64', isNullable: true }),
      new TableColumn({ name: 'invitation_expires_at', type: 'datetime', precision: 3, isNullable: true }),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('organization_membership', 'invitation_expires_at');
    await queryRunner.dropColumn('organization_membership', 'invitation_code_hash');
  }
}
