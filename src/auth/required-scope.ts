/** Route metadata key holding the ScopeDefinition an `@Authenticated` route requires. */
export const REQUIRED_SCOPE = 'gatehouse:required-scope';
