import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsString, MaxLength, MinLength } from 'class-validator';
import { type DataTableEntity } from '../entities/data-table.entity.js';
import { Omittable } from '../../common/dto/omittable.decorator.js';

export class CreateTableDto {
  @ApiProperty({ example: 'Koalas', maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  @ApiPropertyOptional({ enum: ['detail', 'aggregate'], default: 'detail' })
  @Omittable()
  @IsIn(['detail', 'aggregate'])
  type?: string;

  @ApiPropertyOptional({ maxLength: 1000 })
  @Omittable()
  @IsString()
  @MaxLength(1000)
  description?: string;

  @ApiPropertyOptional({ enum: ['hour', 'day', 'week', 'month', 'year', 'all'], default: 'day' })
  @Omittable()
  @IsIn(['hour', 'day', 'week', 'month', 'year', 'all'])
  partitioningGranularity?: string;

  @ApiPropertyOptional({ enum: ['flexible', 'strict'], default: 'flexible' })
  @Omittable()
  @IsIn(['flexible', 'strict'])
  schemaMode?: string;
}

class TableUserDto {
  @ApiProperty()
  userId: string;

  @ApiProperty()
  username: string;
}

/** One table in the shape of the Polaris seed's sample response. */
export class TableDto {
  @ApiProperty({ enum: ['available'] })
  availability: string;

  @ApiProperty({ type: TableUserDto })
  createdByUser: TableUserDto;

  @ApiProperty({ format: 'date-time' })
  createdOnTimestamp: string;

  @ApiProperty({ type: String, nullable: true })
  description: string | null;

  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ type: TableUserDto })
  modifiedByUser: TableUserDto;

  @ApiProperty({ format: 'date-time' })
  modifiedOnTimestamp: string;

  @ApiProperty()
  name: string;

  @ApiProperty()
  partitioningGranularity: string;

  @ApiProperty()
  schemaMode: string;

  @ApiProperty({ type: 'null', description: 'Always null: the example server keeps no storage policy (Polaris sends one for tables that have it)' })
  storagePolicy: null;

  @ApiProperty()
  totalDataSizeBytes: number;

  @ApiProperty()
  totalRows: number;

  @ApiProperty({ enum: ['detail', 'aggregate'] })
  type: string;

  @ApiProperty()
  version: number;

  static from(table: DataTableEntity): TableDto {
    const user = { userId: table.createdBy, username: table.createdBy };
    const timestamp = table.createdAt.toISOString();
    return {
      availability: 'available',
      createdByUser: user,
      createdOnTimestamp: timestamp,
      description: table.description,
      id: table.id,
      modifiedByUser: user,
      modifiedOnTimestamp: timestamp,
      name: table.name,
      partitioningGranularity: table.partitioningGranularity,
      schemaMode: table.schemaMode,
      storagePolicy: null,
      totalDataSizeBytes: 0,
      totalRows: 0,
      type: table.type,
      version: 0,
    };
  }
}

export class TableListDto {
  @ApiProperty({ type: [TableDto] })
  values: TableDto[];
}
