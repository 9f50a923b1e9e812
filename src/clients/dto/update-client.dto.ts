import { ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { IsBoolean } from 'class-validator';
import { ClientSettingsDto } from './create-client.dto.js';
import { Omittable } from '../../common/dto/omittable.decorator.js';

/** Fields left out keep their value. */
export class UpdateClientDto extends PartialType(OmitType(ClientSettingsDto, ['client_id', 'organization'] as const), { skipNullProperties: false }) {
  @ApiPropertyOptional({ description: 'A disabled client gets no tokens, and its existing tokens are refused' })
  @Omittable()
  @IsBoolean()
  disabled?: boolean;
}
