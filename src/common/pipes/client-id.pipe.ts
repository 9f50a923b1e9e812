import { BadRequestException, type PipeTransform } from '@nestjs/common';
import { CLIENT_ID_PATTERN } from '../client-id.js';

/** Refuses over-long or odd client ids in paths before they reach a query. */
export class ClientIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!CLIENT_ID_PATTERN.test(value)) {
      throw new BadRequestException('client_id must be 1 to 64 characters of A-Z a-z 0-9 . _ ~ -');
    }
    return value;
  }
}
