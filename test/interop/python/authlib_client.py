"""Gatehouse driven by Authlib's requests integration (Debian's python3-authlib), as an app would use it.

Flows (first argument): client_credentials, code. Second argument: JSON with issuer, client_id,
client_secret, and for the code flow redirect_uri and scope; for client_credentials, scope.
"""
import requests
from authlib.integrations.requests_client import OAuth2Session
from authlib.common.security import generate_token
from authlib.jose import JsonWebKey, jwt
from authlib.oidc.core import CodeIDToken

from interop import browser_round_trip, config, discover, emit, flow


def client_credentials(settings, metadata):
    session = OAuth2Session(settings['client_id'], settings['client_secret'], scope=settings['scope'])
    token = session.fetch_token(metadata['token_endpoint'], grant_type='client_credentials')
    # The token is good at the resource: introspection says so until Authlib revokes it.
    before = session.introspect_token(metadata['introspection_endpoint'], token=token['access_token']).json()
    session.revoke_token(metadata['revocation_endpoint'], token=token['access_token']).raise_for_status()
    after = session.introspect_token(metadata['introspection_endpoint'], token=token['access_token']).json()
    return {
        'token_type': token['token_type'],
        'scope': token.get('scope'),
        'expires_at': token['expires_at'],
        'expired': token.is_expired(),
        'introspection_before_revocation': before,
        'introspection_after_revocation': after,
    }


def code(settings, metadata):
    session = OAuth2Session(
        settings['client_id'],
        settings['client_secret'],
        scope=settings['scope'],
        redirect_uri=settings['redirect_uri'],
        code_challenge_method='S256',
    )
    verifier = generate_token(48)
    nonce = generate_token(20)
    url, state = session.create_authorization_url(metadata['authorization_endpoint'], code_verifier=verifier, nonce=nonce)
    callback = browser_round_trip(url)
    # Authlib checks the state it generated against the callback's.
    token = session.fetch_token(metadata['token_endpoint'], authorization_response=callback, code_verifier=verifier)

    # ID token validation: signature by a key of the issuer's JWKS, iss, aud, exp, iat, nonce, at_hash.
    keys = JsonWebKey.import_key_set(requests.get(metadata['jwks_uri'], timeout=10).json())
    claims = jwt.decode(
        token['id_token'],
        keys,
        claims_cls=CodeIDToken,
        claims_options={'iss': {'essential': True, 'value': metadata['issuer']}},
        claims_params={'nonce': nonce, 'client_id': settings['client_id'], 'access_token': token['access_token']},
    )
    claims.validate()

    userinfo = session.get(metadata['userinfo_endpoint']).json()
    first_access_token = token['access_token']
    refreshed = session.refresh_token(metadata['token_endpoint'])
    return {
        'state_checked': state is not None,
        'id_token_alg': claims.header['alg'],
        'id_token_claims': dict(claims),
        'expires_at': token['expires_at'],
        'userinfo': userinfo,
        'refreshed': refreshed['access_token'] != first_access_token,
        'refreshed_expires_at': refreshed['expires_at'],
        'refreshed_expired': refreshed.is_expired(),
        # The session carries the new token to the next request.
        'userinfo_after_refresh': session.get(metadata['userinfo_endpoint']).json(),
    }


if __name__ == '__main__':
    settings = config()
    metadata = discover(settings['issuer'])
    emit({'issuer': metadata['issuer'], **{'client_credentials': client_credentials, 'code': code}[flow()](settings, metadata)})
