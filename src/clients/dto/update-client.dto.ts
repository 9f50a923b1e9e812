import { ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';
import { ClientSettingsDto } from './create-client.dto.js';

/** Fields left out keep their value. */
export class UpdateClientDto extends PartialType(OmitType(ClientSettingsDto, ['client_id', 'organization'] as const)) {
  @ApiPropertyOptional({ description: 'A disabled client gets no tokens, and its existing tokens are refused' })
  @IsOptional()
  @IsBoolean()
  disabled?: boolean;
}
