import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { freePort, runServer, type ServerProcess } from './support/server-process.js';
import { emptyDatabaseUrl, TEST_PASSWORD_HASH_COST } from './support/test-app.js';

const run = promisify(execFile);

/** The documents whose shell blocks must run as written: the README and everything in docs/. */
const DOCUMENTS = ['README.md', ...readdirSync('docs').filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)];

interface ShellBlock {
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  code: string;
  /** Why it is not run, from a `<!-- not run: why -->` comment on the line before it. */
  notRun?: string;
}

/** Every ```sh, ```bash and ```shell block of a document, in order, as a reader copies it. */
function shellBlocks(file: string): ShellBlock[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const blocks: ShellBlock[] = [];
  for (let index = 0; index < lines.length; index += 1) {
    const fence = /^(\s*)```(sh|bash|shell)\s*$/.exec(lines[index]!);
    if (!fence) continue;
    const indent = fence[1]!.length;
    const end = lines.findIndex((line, at) => at > index && /^\s*```\s*$/.test(line));
    if (end < 0) throw new Error(`${file}:${index + 1}: a shell block that never ends`);
    const before = lines.slice(0, index).reverse().find((line) => line.trim() !== '') ?? '';
    const notRun = /^\s*<!-- not run: (.*) -->\s*$/.exec(before)?.[1];
    blocks.push({ file, line: index + 1, code: lines.slice(index + 1, end).map((line) => line.slice(indent)).join('\n'), notRun });
    index = end;
  }
  return blocks;
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

/** One bash script of a document's blocks, in order, as one reader's shell runs them; a failure names its block. */
function script(blocks: ShellBlock[]): string {
  return [
    'set -euo pipefail',
    ...blocks.map((block) => `trap 'echo "the shell block at ${block.file}:${block.line} failed" >&2' ERR\n${block.code}`),
  ].join('\n');
}

describe('the shell blocks of the README and docs/', () => {
  it('are each run below, or say why not in a visible comment', () => {
    const blocks = DOCUMENTS.flatMap(shellBlocks);
    for (const block of blocks.filter(({ notRun }) => notRun !== undefined)) expect({ at: `${block.file}:${block.line}`, why: block.notRun!.trim().length > 10 }).toEqual({ at: `${block.file}:${block.line}`, why: true });
    // The first five minutes, protecting an API, and the Fides walkthrough at least.
    expect(blocks.filter(({ file, notRun }) => file === 'README.md' && notRun === undefined).length).toBeGreaterThanOrEqual(5);
  });

  describe('run as written against a fresh server, with the credentials it printed', () => {
    let server: ServerProcess;
    let env: Record<string, string>;
    let base: string;

    // The real build as `npm start` runs it, in development: the blocks get exactly what a reader gets.
    beforeAll(async () => {
      const port = await freePort();
      base = `http://127.0.0.1:${port}`;
      server = runServer({ NODE_ENV: 'development', DATABASE_URL: await emptyDatabaseUrl(), PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: base, PASSWORD_HASH_COST: TEST_PASSWORD_HASH_COST });
      await server.listening;
      const printed = (name: string) => new RegExp(`^\\s+${name}=(\\S+)$`, 'm').exec(server.stdout())?.[1] ?? '';
      env = { PATH: readerPath(), HOME: process.env.HOME ?? '/tmp', GATEHOUSE: base, OAUTH_ROOT_CLIENT_ID: printed('OAUTH_ROOT_CLIENT_ID'), OAUTH_ROOT_CLIENT_SECRET: printed('OAUTH_ROOT_CLIENT_SECRET') };
      expect(env.OAUTH_ROOT_CLIENT_SECRET).not.toBe('');
    });
    afterAll(() => server?.stop());

    // --norc: bash reads ~/.bashrc when its input is a socket, as a child's is here, and that may put another python3 first.
    const runDocument = async (file: string) => {
      const blocks = shellBlocks(file).filter(({ notRun }) => notRun === undefined);
      if (blocks.length === 0) return '';
      const { stdout } = await run('bash', ['--norc', '--noprofile', '-c', script(blocks)], { env, timeout: 90_000 });
      return stdout;
    };
    const jsonLines = (stdout: string) => stdout.split('\n').flatMap((line) => (line.startsWith('{') ? [JSON.parse(line) as Record<string, unknown>] : []));

    it('README.md: the first five minutes verify a token; the API is protected and both snippets verify its token; a client registers; a command-line tool starts the device flow; the Fides walkthrough is refused for lack of scope', async () => {
      const stdout = await runDocument('README.md');
      const claims = jsonLines(stdout);
      // The first five minutes: the reader's token, verified with the server's keys.
      expect(claims).toContainEqual(expect.objectContaining({ iss: base, aud: base, scope: 'scope:read' }));
      // Protect your own API: jose and PyJWT both verify the orders token.
      expect(claims.filter(({ aud }) => aud === 'https://orders.example.com')).toEqual([
        expect.objectContaining({ scope: 'orders:read', iss: `${base}/auth/realms/acme` }),
        expect.objectContaining({ scope: 'orders:read', iss: `${base}/auth/realms/acme` }),
      ]);
      // Dynamic Client Registration with an initial access token, read back with its registration access token.
      expect(claims).toContainEqual(expect.objectContaining({ client_name: 'Partner app' }));
      // Sign in from a command-line tool: the device flow's first poll, before anyone answered.
      expect(claims).toContainEqual({ error: 'authorization_pending' });
      // The Fides walkthrough: 403 for lack of client:read.
      expect(stdout).toMatch(/www-authenticate: Bearer [^\n]*error="insufficient_scope"[^\n]*scope="client:read"/i);
    }, 120_000);

    it.each(DOCUMENTS.filter((file) => file !== 'README.md'))('%s', async (file) => {
      await runDocument(file);
    }, 120_000);
  });
});
