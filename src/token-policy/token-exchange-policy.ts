/**
 * What a client may do with RFC 8693 token exchange: the audiences it may exchange tokens for,
 * and in which of the two ways. Without one, a client exchanges nothing.
 */
export interface TokenExchangePolicy {
  /** The `aud` values it may ask for: Gatehouse's own audience or identifiers of its organization's APIs. */
  readonly audiences: readonly string[];
  /** Delegation: with an `actor_token`, the new token names the actor in `act` (RFC 8693 §4.1). */
  readonly delegation: boolean;
  /** Impersonation: without an actor, the new token speaks for the subject alone. */
  readonly impersonation: boolean;
}
