import { describe, expect, it } from '@jest/globals';
import { canonicalOrigin } from './cors.js';

describe('canonicalOrigin', () => {
  it.each([
    ['https://app.example.com/callback', 'https://app.example.com'],
    ['HTTPS://App.Example.COM:443/cb?x=1', 'https://app.example.com'],
    ['http://127.0.0.1:7777/callback', 'http://127.0.0.1:7777'],
    ['http://localhost:80/cb', 'http://localhost'],
    ['https://app.example.com:8443/cb', 'https://app.example.com:8443'],
    ['http://[::1]:3000/cb', 'http://[::1]:3000'],
  ])('%s is at %s', (uri, origin) => {
    expect(canonicalOrigin(uri)).toBe(origin);
  });

  it.each(['com.example.app:/callback', 'urn:ietf:wg:oauth:2.0:oob', 'not a uri', '', 'null', 'file:///tmp/x'])('%s has no web origin', (uri) => {
    expect(canonicalOrigin(uri)).toBeUndefined();
  });
});
