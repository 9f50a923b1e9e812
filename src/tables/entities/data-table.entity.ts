import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { ProjectEntity } from '../../projects/entities/project.entity.js';

/** A table of a project, as Polaris's Tables API shows it. */
@Entity('data_table')
@Index('uq_data_table_project_name', ['projectId', 'name'], { unique: true })
export class DataTableEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'project_id', type: 'varchar', length: 36 })
  projectId: string;

  @ManyToOne(() => ProjectEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'project_id', foreignKeyConstraintName: 'fk_data_table_project' })
  project?: Relation<ProjectEntity>;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'varchar', length: 16 })
  type: string;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  description: string | null;

  @Column({ name: 'partitioning_granularity', type: 'varchar', length: 16 })
  partitioningGranularity: string;

  @Column({ name: 'schema_mode', type: 'varchar', length: 16 })
  schemaMode: string;

  /** The client that created it (a client-credentials token names no user). */
  @Column({ name: 'created_by', type: 'varchar', length: 64 })
  createdBy: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;
}
