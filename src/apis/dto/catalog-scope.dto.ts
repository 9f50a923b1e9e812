import { ApiPropertyOptional } from '@nestjs/swagger';
import { ScopeDto } from '../../access/dto/scope.dto.js';

/** A scope as GET /api/v1/oauth/scope lists it: Gatehouse's own, or one of an API's, marked with the API's identifier. */
export class CatalogScopeDto extends ScopeDto {
  @ApiPropertyOptional({ example: 'https://orders.example.com', description: "The identifier of the API that defines the scope; absent for Gatehouse's own scopes" })
  api?: string;
}
