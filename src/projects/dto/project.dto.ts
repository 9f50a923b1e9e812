import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { type ProjectEntity } from '../entities/project.entity.js';
import { Omittable } from '../../common/dto/omittable.decorator.js';

export class CreateProjectDto {
  @ApiProperty({ example: 'analytics', maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  @ApiPropertyOptional({ maxLength: 1000 })
  @Omittable()
  @IsString()
  @MaxLength(1000)
  description?: string;
}

export class UpdateProjectDto extends PartialType(CreateProjectDto, { skipNullProperties: false }) {}

export class ProjectDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  organization_id: string;

  @ApiProperty()
  name: string;

  @ApiProperty({ type: String, nullable: true })
  description: string | null;

  @ApiProperty({ example: 'project-45c024f4-1254-4b58-8207-4111d2a1b2c3', description: 'The scope that asks for a token bound to this project' })
  scope: string;

  @ApiProperty({ format: 'date-time' })
  created_at: string;

  @ApiProperty({ format: 'date-time' })
  updated_at: string;

  static from(project: ProjectEntity): ProjectDto {
    return {
      id: project.id,
      organization_id: project.organizationId,
      name: project.name,
      description: project.description,
      scope: `project-${project.id}`,
      created_at: project.createdAt.toISOString(),
      updated_at: project.updatedAt.toISOString(),
    };
  }
}
