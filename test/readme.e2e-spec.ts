import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { freePort } from './support/server-process.js';
import { ROOT_CLIENT_ID, ROOT_CLIENT_SECRET, type TestApp, startApp } from './support/test-app.js';

const run = promisify(execFile);
const MARKER = '<!-- The block below is run as it stands by test/readme.e2e-spec.ts. -->';

/** The shell block that follows the marker in the README, exactly as a reader copies it. */
function markedBlock(): string {
  const readme = readFileSync('README.md', 'utf8');
  const at = readme.indexOf(MARKER);
  if (at < 0) throw new Error('README has no block marked to be run');
  const block = /```sh\n([\s\S]*?)```/.exec(readme.slice(at));
  if (!block) throw new Error('No ```sh block after the marker');
  return block[1]!;
}

/**
 * A PATH where `node` is the Node running the tests and `python3` is Debian's, which has PyJWT
 * (.ci/run installs python3-jwt); a python3 of pyenv or a virtualenv may not.
 */
function readerPath(): string {
  const bin = mkdtempSync(join(tmpdir(), 'gatehouse-readme-'));
  if (existsSync('/usr/bin/python3')) symlinkSync('/usr/bin/python3', join(bin, 'python3'));
  return [bin, dirname(process.execPath), process.env.PATH].join(':');
}

describe("README's 'Protect your own API' commands", () => {
  let gatehouse: TestApp;
  let base: string;

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    gatehouse = await startApp({ env: { PUBLIC_URL: base } });
    await gatehouse.app.listen({ port, host: '127.0.0.1' });
  });
  afterAll(() => gatehouse.close());

  // --norc: bash reads ~/.bashrc when its input is a socket, as a child's is here, and that may put another python3 first.
  it('run as written against a fresh server: the API is registered, the token is issued for it, and both snippets verify it', async () => {
    const { stdout } = await run('bash', ['--norc', '--noprofile', '-c', `set -euo pipefail\n${markedBlock()}`], {
      env: { PATH: readerPath(), HOME: process.env.HOME ?? '/tmp', GATEHOUSE: base, ROOT_CLIENT_ID, ROOT_CLIENT_SECRET },
      timeout: 60_000,
    });
    const claims = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(claims).toHaveLength(2);
    for (const verified of claims) expect(verified).toMatchObject({ aud: 'https://orders.example.com', scope: 'orders:read', iss: `${base}/auth/realms/acme` });
  });
});
