import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean } from 'class-validator';
import { Omittable } from '../../common/dto/omittable.decorator.js';

export class RegenerateSecretQueryDto {
  @ApiPropertyOptional({
    default: true,
    description:
      'true (the default): every token issued before the regeneration is refused at once, as for a leaked secret. ' +
      'false: tokens already issued live out their lifespan, and only the old secret stops working (Polaris\'s behaviour).',
  })
  @Omittable()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: 'revoke_tokens must be true or false' })
  revoke_tokens: boolean = true;
}
