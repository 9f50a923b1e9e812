import { ApiProperty } from '@nestjs/swagger';

/** RFC 8628 §3.2's device authorization response. */
export class DeviceAuthorizationResponseDto {
  @ApiProperty({ description: 'What the device polls the token endpoint with (grant_type `urn:ietf:params:oauth:grant-type:device_code`); a secret of the device' })
  device_code: string;

  @ApiProperty({ example: 'BCDF-GHJK', description: 'What the user types at `verification_uri`: 8 letters, case and dash do not matter' })
  user_code: string;

  @ApiProperty({ example: 'https://id.example.com/device', description: 'Where the user goes, in a browser on any device' })
  verification_uri: string;

  @ApiProperty({ example: 'https://id.example.com/device?user_code=BCDF-GHJK', description: 'The same with the code filled in (e.g. for a QR code); the user still confirms it' })
  verification_uri_complete: string;

  @ApiProperty({ example: 600, description: 'Seconds until the codes expire' })
  expires_in: number;

  @ApiProperty({ example: 5, description: 'Seconds to wait between polls of the token endpoint' })
  interval: number;
}
