import { ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';
import { CreateClientDto } from './create-client.dto.js';

/** Fields left out keep their value. */
export class UpdateClientDto extends PartialType(CreateClientDto) {
  @ApiPropertyOptional({ description: 'A disabled client gets no tokens, and its existing tokens are refused' })
  @IsOptional()
  @IsBoolean()
  disabled?: boolean;
}
