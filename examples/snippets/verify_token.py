# Verify a Gatehouse access token for your API in Python, with PyJWT and cryptography
# (pip install "pyjwt[crypto]", or Debian's python3-jwt and python3-cryptography).
# Usage: GATEHOUSE_ISSUER=http://localhost:8080/auth/realms/imply API_IDENTIFIER=https://orders.example.com \
#          python3 verify_token.py <access_token> [required scope]
# Prints the token's claims (exit 0); an invalid token exits 1, a missing scope 2.
import json
import os
import sys
import urllib.request

import jwt

ISSUER = os.environ["GATEHOUSE_ISSUER"]  # the realm: exactly the token's `iss`
AUDIENCE = os.environ["API_IDENTIFIER"]  # your API's identifier: must be in the token's `aud`

# The realm's discovery document names its JWKS; PyJWKClient fetches and caches the keys.
with urllib.request.urlopen(ISSUER + "/.well-known/openid-configuration") as response:
    metadata = json.load(response)
if metadata["issuer"] != ISSUER:
    raise RuntimeError("discovery names another issuer: " + metadata["issuer"])
jwks = jwt.PyJWKClient(metadata["jwks_uri"])


class InsufficientScope(Exception):
    pass


def verify(token, required_scope=None):
    # RFC 9068: an access token says typ at+jwt (an ID token signed with the same keys does not).
    # The header is signed, so reading it before the signature check is safe once decode() passes.
    if jwt.get_unverified_header(token).get("typ", "").lower() not in ("at+jwt", "application/at+jwt"):
        raise jwt.InvalidTokenError("not an access token (typ must be at+jwt)")
    key = jwks.get_signing_key_from_jwt(token)
    # Signature, iss, aud and exp; the algorithms are the ones Gatehouse signs with.
    claims = jwt.decode(token, key.key, algorithms=["ES256", "RS256", "EdDSA"], issuer=ISSUER, audience=AUDIENCE,
                        options={"require": ["exp", "iss", "aud"]})
    if required_scope and required_scope not in claims.get("scope", "").split():
        raise InsufficientScope("the token lacks the scope " + required_scope)
    return claims  # claims["org_id"]: the organization; claims.get("project_id"): the project of a project-scoped token


if __name__ == "__main__":
    try:
        print(json.dumps(verify(*sys.argv[1:3])))
    except InsufficientScope as error:
        print("insufficient_scope: " + str(error), file=sys.stderr)
        sys.exit(2)
    except jwt.PyJWTError as error:
        print("invalid_token: " + str(error), file=sys.stderr)
        sys.exit(1)
