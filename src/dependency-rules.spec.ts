import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from '@jest/globals';

const run = promisify(execFile);
const PROJECT = resolve(process.cwd());
const CONFIG = join(PROJECT, '.dependency-cruiser.cjs');
const DEPCRUISE = join(PROJECT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');

/** The names of the rules that `depcruise src` (as `npm run lint` runs it) reports broken in `directory`. */
async function brokenRules(directory: string): Promise<string[]> {
  const { stdout } = await run(process.execPath, [DEPCRUISE, 'src', '--config', CONFIG, '--output-type', 'json'], { cwd: directory, maxBuffer: 64 * 1024 * 1024 }).catch(
    // depcruise exits non-zero when a rule breaks; its report is on stdout all the same.
    (error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }),
  );
  const report = JSON.parse(stdout) as { summary: { violations: { rule: { name: string } }[] } };
  return [...new Set(report.summary.violations.map((violation) => violation.rule.name))].sort();
}

const scratch: string[] = [];
/** A project of the given files (path under src/ → source), with this project's tsconfig.json. */
function project(files: Record<string, string>): string {
  const directory = mkdtempSync(join(tmpdir(), 'gatehouse-depcruise-'));
  scratch.push(directory);
  copyFileSync(join(PROJECT, 'tsconfig.json'), join(directory, 'tsconfig.json'));
  for (const [path, source] of Object.entries(files)) {
    mkdirSync(dirname(join(directory, 'src', path)), { recursive: true });
    writeFileSync(join(directory, 'src', path), source);
  }
  return directory;
}

afterAll(() => {
  for (const directory of scratch) rmSync(directory, { recursive: true, force: true });
});

/** The dependency rules in .dependency-cruiser.cjs, run by `npm run lint`: the code passes them, and each catches what it is for. */
describe('dependency rules', () => {
  it('hold for the code as it is', async () => {
    expect(await brokenRules(PROJECT)).toEqual([]);
  }, 120_000);

  it('refuse an import cycle between folders, even with no cycle between files', async () => {
    const directory = project({
      'clients/clients.service.ts': "import { verify } from '../auth/access-token.verifier.js';\nexport const use = verify;\n",
      'auth/access-token.verifier.ts': "import { find } from '../clients/client-directory.js';\nexport const verify = find;\n",
      'clients/client-directory.ts': 'export const find = 1;\n',
    });
    expect(await brokenRules(directory)).toEqual(['layer-clients', 'no-folder-cycle']);
  }, 60_000);

  it('keep common/ and config/ off every domain module', async () => {
    const directory = project({
      'common/http/hook.ts': "import { TOKEN_ENDPOINT_PATH } from '../../tokens/tokens.controller.js';\nexport const path = TOKEN_ENDPOINT_PATH;\n",
      'config/environment.ts': "import { find } from '../clients/client-directory.js';\nexport const use = find;\n",
      'tokens/tokens.controller.ts': "export const TOKEN_ENDPOINT_PATH = '/token';\n",
      'clients/client-directory.ts': 'export const find = 1;\n',
    });
    expect(await brokenRules(directory)).toEqual(['common-and-config-import-no-domain-module', 'layer-common', 'layer-config', 'public-files-of-tokens']);
  }, 60_000);

  it("reach another module only through what it exports, and let a module's own files reach each other", async () => {
    const directory = project({
      'tokens/tokens.service.ts': "import { page } from '../authorization/pages.js';\nimport { codes } from '../authorization/authorization-codes.js';\nimport { grant } from './grants/grant.js';\nexport const all = [page, codes, grant];\n",
      'tokens/grants/grant.ts': 'export const grant = 1;\n',
      'authorization/pages.ts': 'export const page = 1;\n',
      'authorization/authorization-codes.ts': 'export const codes = 1;\n',
    });
    expect(await brokenRules(directory)).toEqual(['public-files-of-authorization']);
  }, 60_000);

  it('need a place in the layers for a new folder', async () => {
    const directory = project({ 'billing/billing.service.ts': "import { now } from '../common/clock.js';\nexport const use = now;\n", 'common/clock.ts': 'export const now = 1;\n' });
    expect(await brokenRules(directory)).toEqual(['layers-name-every-folder']);
  }, 60_000);
});
