"""Gatehouse driven by requests-oauthlib (Debian's python3-requests-oauthlib, on oauthlib), as an app would use it.

Flows (first argument): client_credentials, code. Second argument: JSON with issuer, client_id,
client_secret, and for the code flow redirect_uri and scope; for client_credentials, scope.
"""
from oauthlib.oauth2 import BackendApplicationClient, WebApplicationClient
from requests.auth import HTTPBasicAuth
from requests_oauthlib import OAuth2Session

from interop import browser_round_trip, config, discover, emit, flow


def client_credentials(settings, metadata):
    client = BackendApplicationClient(client_id=settings['client_id'], scope=settings['scope'].split())
    session = OAuth2Session(client=client)
    token = session.fetch_token(metadata['token_endpoint'], client_id=settings['client_id'], client_secret=settings['client_secret'])
    return {'token_type': token['token_type'], 'scope': ' '.join(token['scope']), 'expires_in': token['expires_in']}


def code(settings, metadata):
    client = WebApplicationClient(settings['client_id'])
    verifier = client.create_code_verifier(64)
    challenge = client.create_code_challenge(verifier, 'S256')
    session = OAuth2Session(client=client, redirect_uri=settings['redirect_uri'], scope=settings['scope'].split())
    url, state = session.authorization_url(metadata['authorization_endpoint'], code_challenge=challenge, code_challenge_method='S256')
    callback = browser_round_trip(url)
    # oauthlib compares the callback's state with the one it generated.
    token = session.fetch_token(metadata['token_endpoint'], authorization_response=callback, client_secret=settings['client_secret'], code_verifier=verifier)
    userinfo = session.get(metadata['userinfo_endpoint']).json()
    refreshed = session.refresh_token(metadata['token_endpoint'], auth=HTTPBasicAuth(settings['client_id'], settings['client_secret']))
    return {
        'state_checked': state is not None,
        'token_type': token['token_type'],
        'scope': ' '.join(token['scope']),
        'has_id_token': 'id_token' in token,
        'userinfo': userinfo,
        'refreshed': refreshed['access_token'] != token['access_token'],
        'refresh_token_rotated': refreshed['refresh_token'] != token['refresh_token'],
        'userinfo_after_refresh': session.get(metadata['userinfo_endpoint']).json(),
    }


if __name__ == '__main__':
    settings = config()
    metadata = discover(settings['issuer'])
    emit({'issuer': metadata['issuer'], **{'client_credentials': client_credentials, 'code': code}[flow()](settings, metadata)})
