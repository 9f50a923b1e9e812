import * as oauth from 'oauth4webapi';

/**
 * The first challenge of a WWW-Authenticate header (RFC 9110 §11.6.1), as oauth4webapi parses it
 * when a response carries one: any of its response processors throws it as the error's cause.
 */
export async function challengeOf(header: string | undefined): Promise<oauth.WWWAuthenticateChallenge | undefined> {
  const response = new Response(null, { status: 401, headers: { 'WWW-Authenticate': header ?? '' } });
  try {
    await oauth.processUserInfoResponse({ issuer: 'https://parser.invalid' }, { client_id: 'parser' }, oauth.skipSubjectCheck, response);
  } catch (error) {
    if (error instanceof oauth.WWWAuthenticateChallengeError) return error.cause[0];
  }
  return undefined;
}
