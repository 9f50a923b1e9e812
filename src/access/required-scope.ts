/** Route metadata key holding the ScopeDefinition an `@Authenticated` route requires. */
export const REQUIRED_SCOPE = 'gatehouse:required-scope';
/** Route metadata key holding the whole RouteRule (scope and reach) the access policy enforces. */
export const ROUTE_RULE = 'gatehouse:route-rule';
