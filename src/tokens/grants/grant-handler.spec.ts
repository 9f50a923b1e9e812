import { describe, expect, it } from '@jest/globals';
import { InvalidRequest } from '../../common/errors/oauth-errors.js';
import { parameters as authorizationCode } from './authorization-code.grant.js';
import { parameters as clientCredentials } from './client-credentials.grant.js';
import { grantParameters } from './grant-handler.js';
import { parameters as refreshToken } from './refresh-token.grant.js';

const request = { grant_type: 'x', client_id: 'app', client_secret: 's', code: 'c', code_verifier: 'v', redirect_uri: 'https://app.example/cb', refresh_token: 'r', scope: 'a b', made_up: 'm' };

describe('grantParameters', () => {
  it('hands each grant exactly the parameters it declares, never client authentication or another grant\'s', () => {
    expect({ ...grantParameters(clientCredentials, request) }).toEqual({ scope: 'a b' });
    expect({ ...grantParameters(authorizationCode, request) }).toEqual({ code: 'c', code_verifier: 'v', redirect_uri: 'https://app.example/cb' });
    expect({ ...grantParameters(refreshToken, request) }).toEqual({ refresh_token: 'r', scope: 'a b' });
  });

  it('leaves out optional parameters that were not sent, and keeps an empty one as sent', () => {
    expect({ ...grantParameters(clientCredentials, {}) }).toEqual({});
    expect({ ...grantParameters(clientCredentials, { scope: '' }) }).toEqual({ scope: '' });
  });

  it.each([
    ['authorization_code', authorizationCode, 'code'],
    ['refresh_token', refreshToken, 'refresh_token'],
  ] as const)('refuses %s without its required parameter, absent or empty, with invalid_request naming it', (_grant, declared, name) => {
    const { [name]: _left, ...without } = request;
    expect(() => grantParameters(declared, without)).toThrow(new InvalidRequest(`The ${name} parameter is missing`));
    expect(() => grantParameters(declared, { ...request, [name]: '' })).toThrow(new InvalidRequest(`The ${name} parameter is missing`));
  });
});
