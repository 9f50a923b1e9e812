import { AuthorizationResponse, type ResponseMode } from '../html/authorization-response.js';
import { errorDescription, type OAuthError } from './oauth-errors.js';

/**
 * An authorization endpoint error that goes back to the client through its (already validated)
 * redirect URI, as RFC 6749 §4.1.2.1 says, with `state` and RFC 9207's `iss`, in the response
 * mode the request asked for.
 */
export class RedirectToClient extends Error {
  constructor(
    readonly reason: OAuthError,
    readonly redirectUri: string,
    readonly state: string | undefined,
    readonly issuer: string,
    readonly responseMode: ResponseMode = 'query',
  ) {
    super(reason.description);
  }

  response(): AuthorizationResponse {
    return new AuthorizationResponse(
      this.redirectUri,
      {
        error: this.reason.error,
        error_description: errorDescription(this.reason.description),
        ...(this.state !== undefined && { state: this.state }),
        iss: this.issuer,
      },
      this.responseMode,
    );
  }
}

/**
 * An error shown to the person in the browser, never redirected: an unknown client or a
 * redirect URI that is not registered (redirecting would make Gatehouse an open redirector), a
 * bad CSRF token, a malformed sign-in.
 */
export class PageError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    message: string,
  ) {
    super(message);
  }
}
