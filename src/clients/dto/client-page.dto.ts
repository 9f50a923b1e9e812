import { ApiProperty } from '@nestjs/swagger';
import { PageDto } from '../../common/dto/page.dto.js';
import { ClientDto } from './client.dto.js';

export class ClientPageDto extends PageDto<ClientDto> {
  @ApiProperty({ type: [ClientDto] })
  declare items: ClientDto[];
}
