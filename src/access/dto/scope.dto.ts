import { ApiProperty } from '@nestjs/swagger';

export class ScopeDto {
  @ApiProperty({ example: 'client:create' })
  name: string;

  @ApiProperty({ example: 'Create OAuth clients' })
  description: string;
}
