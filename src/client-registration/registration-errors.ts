import { OAuthError } from '../common/errors/oauth-errors.js';

/** RFC 7591 §3.2.2: a metadata field's value is invalid, or one the server will not register. */
export class InvalidClientMetadata extends OAuthError {
  readonly error = 'invalid_client_metadata';
  readonly status = 400;
}

/** RFC 7591 §3.2.2: a redirection URI is invalid (or missing where the client needs one). */
export class InvalidRedirectUri extends OAuthError {
  readonly error = 'invalid_redirect_uri';
  readonly status = 400;
}

/** Too many anonymous registrations from one address (open registration). */
export class RegistrationRateLimited extends OAuthError {
  readonly error = 'temporarily_unavailable';
  readonly status = 429;

  constructor(readonly retryAfterSeconds: number) {
    super(`Too many client registrations from this address; retry in ${retryAfterSeconds} seconds`);
  }

  override headers(): Record<string, string> {
    return { 'Retry-After': String(this.retryAfterSeconds) };
  }
}
