import { ApiProperty } from '@nestjs/swagger';

/** The answer to a not-before push (clients and organizations). */
export class NotBeforeDto {
  @ApiProperty({ format: 'date-time', description: 'Tokens issued before this instant are refused' })
  not_before: string;

  @ApiProperty({ description: "The same in epoch seconds: the token response's `not-before-policy` from now on" })
  'not-before-policy': number;

  static of(notBefore: Date): NotBeforeDto {
    return { not_before: notBefore.toISOString(), 'not-before-policy': Math.floor(notBefore.getTime() / 1000) };
  }
}
