"""Shared plumbing for the interop scripts: the jest spec (test/interop/python-clients.e2e-spec.ts)
runs each script with a JSON configuration as its argument and reads JSON lines from its stdout.

A code flow prints {"authorization_url": ...} and reads the URL the browser was sent back to from
stdin; every script ends by printing its result as one JSON line.
"""
import json
import sys

import requests


def config():
    return json.loads(sys.argv[2])


def flow():
    return sys.argv[1]


def emit(value):
    print(json.dumps(value, default=str), flush=True)


def discover(issuer):
    """OpenID Connect Discovery: the document lives under the issuer and must name it."""
    response = requests.get(issuer.rstrip('/') + '/.well-known/openid-configuration', timeout=10)
    response.raise_for_status()
    metadata = response.json()
    if metadata['issuer'] != issuer:
        raise ValueError('discovery names issuer %r, expected %r' % (metadata['issuer'], issuer))
    return metadata


def browser_round_trip(authorization_url):
    """Hands the authorization URL to the test's browser and answers where the browser came back to."""
    emit({'authorization_url': authorization_url})
    line = sys.stdin.readline().strip()
    if not line:
        raise RuntimeError('no callback URL on stdin')
    return line
