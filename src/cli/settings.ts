import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
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

/**
 * Writes the file readable by its owner only: it holds a client secret. Written whole to a new
 * file (owner-only from its creation, `wx`: never an existing file or a link's target) and renamed
 * over the old one, so that the secret is never in a file others may read, nor written through
 * a config.json that is a symbolic link to somewhere else.
 */
export async function saveCredentials(credentials: Omit<Credentials, 'source'>, environment: NodeJS.ProcessEnv = process.env): Promise<string> {
  const file = settingsFile(environment);
  await mkdir(settingsDirectory(environment), { recursive: true, mode: 0o700 });
  const stored: StoredSettings = { url: credentials.url, client_id: credentials.clientId, client_secret: credentials.clientSecret };
  const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(temporary, `${JSON.stringify(stored, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  return file;
}

/** Loopback hosts, where plain HTTP never leaves the machine. */
function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname.endsWith('.localhost') || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/**
 * The warning for a server URL that would carry the client secret (and every token) unencrypted
 * over the network: http:// to a host other than this machine. Undefined when there is none.
 */
export function insecureUrlWarning(url: string): string | undefined {
  const parsed = new URL(url);
  if (parsed.protocol !== 'http:' || isLoopback(parsed.hostname)) return undefined;
  return `Warning: ${parsed.origin} is plain HTTP: the client secret and tokens cross the network not encrypted. Use https:// unless this network is yours alone.`;
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
