import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { CliError, EXIT } from './errors.js';

/** Where and how the command line reaches a Gatehouse server. */
export interface Credentials {
  readonly url: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Where they came from, for `gatehouse config`. */
  readonly source: 'environment' | 'file';
}

interface StoredSettings {
  url: string;
  client_id: string;
  client_secret: string;
}

/** $XDG_CONFIG_HOME/gatehouse, or ~/.config/gatehouse, as the XDG base directory specification says. */
export function settingsDirectory(environment: NodeJS.ProcessEnv = process.env): string {
  const base = environment.XDG_CONFIG_HOME?.startsWith('/') ? environment.XDG_CONFIG_HOME : join(environment.HOME ?? homedir(), '.config');
  return join(base, 'gatehouse');
}

export function settingsFile(environment: NodeJS.ProcessEnv = process.env): string {
  return join(settingsDirectory(environment), 'config.json');
}

/** The server URL without trailing slashes; refuses anything but http(s). */
export function normalizeUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new CliError(`Not a URL: ${url}`, EXIT.usage);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new CliError(`The server URL must be http:// or https://: ${url}`, EXIT.usage);
  return url.replace(/\/+$/, '');
}

async function readStored(environment: NodeJS.ProcessEnv): Promise<StoredSettings | undefined> {
  let text: string;
  try {
    text = await readFile(settingsFile(environment), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CliError(`Cannot read ${settingsFile(environment)}: ${(error as Error).message}`);
  }
  try {
    const stored = JSON.parse(text) as Partial<StoredSettings>;
    if (typeof stored.url === 'string' && typeof stored.client_id === 'string' && typeof stored.client_secret === 'string') return stored as StoredSettings;
  } catch {
    // Reported below, the same as a file with missing fields.
  }
  throw new CliError(`${settingsFile(environment)} is not a Gatehouse configuration: run gatehouse login again`, EXIT.auth);
}

/**
 * GATEHOUSE_CLIENT_ID and GATEHOUSE_CLIENT_SECRET (with GATEHOUSE_URL) win over the file that
 * `gatehouse login` wrote, so that a CI job needs no file; GATEHOUSE_URL alone points the stored
 * credentials at another address.
 */
export async function loadCredentials(environment: NodeJS.ProcessEnv = process.env): Promise<Credentials> {
  const { GATEHOUSE_URL: url, GATEHOUSE_CLIENT_ID: clientId, GATEHOUSE_CLIENT_SECRET: clientSecret } = environment;
  if (clientId && clientSecret) {
    const stored = url ? undefined : await readStored(environment);
    const base = url ?? stored?.url;
    if (!base) throw new CliError('GATEHOUSE_CLIENT_ID is set but not GATEHOUSE_URL: set it to the server address', EXIT.auth);
    return { url: normalizeUrl(base), clientId, clientSecret, source: 'environment' };
  }
  const stored = await readStored(environment);
  if (!stored) {
    throw new CliError('Not logged in: run gatehouse login, or set GATEHOUSE_URL, GATEHOUSE_CLIENT_ID and GATEHOUSE_CLIENT_SECRET', EXIT.auth);
  }
  return { url: normalizeUrl(url ?? stored.url), clientId: stored.client_id, clientSecret: stored.client_secret, source: 'file' };
}

/** Writes the file readable by its owner only: it holds a client secret. */
export async function saveCredentials(credentials: Omit<Credentials, 'source'>, environment: NodeJS.ProcessEnv = process.env): Promise<string> {
  const file = settingsFile(environment);
  await mkdir(settingsDirectory(environment), { recursive: true, mode: 0o700 });
  const stored: StoredSettings = { url: credentials.url, client_id: credentials.clientId, client_secret: credentials.clientSecret };
  await writeFile(file, `${JSON.stringify(stored, null, 2)}\n`, { mode: 0o600 });
  // `mode` applies only when the file is created: tighten one that existed before.
  await chmod(file, 0o600);
  return file;
}

export async function removeCredentials(environment: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  const file = settingsFile(environment);
  try {
    await rm(file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}
