import { type MigrationInterface, type QueryRunner, TableColumn } from 'typeorm';

/**
 * A membership's status: `active`, or `invited` until the account holder accepts it (an
 * organization's administrator adds people by invitation: see UsersService.create). Existing
 * memberships are active. The column takes the table's exact collation (see ExactIdentifiers).
 */
export class MembershipInvitations1764550000000 implements MigrationInterface {
  name = 'MembershipInvitations1764550000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('organization_membership', new TableColumn({ name: 'status', type: 'varchar', length: '16', default: "'active'" }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // An invitation nobody accepted gave nothing: it goes rather than becoming a membership.
    await queryRunner.query("DELETE FROM organization_membership WHERE status <> 'active'");
    await queryRunner.dropColumn('organization_membership', 'status');
  }
}
