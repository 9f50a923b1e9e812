import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { freePort } from './server-process.js';
import { startApp, type TestApp } from './test-app.js';

/** Debian's Chromium (`apt-get install chromium`; .ci/run installs it). Playwright's own download does not work here. */
export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);

/** Headless Chromium, kept off this machine's closed network (each launch gets a fresh profile). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** What a console test drives: Gatehouse listening on 127.0.0.1, its issuer that address, and Chromium where installed. */
export interface ConsoleRig {
  readonly gatehouse: TestApp;
  readonly issuer: string;
  readonly browser: Browser | undefined;
}

/** Starts a console test's rig (the console calls the API at its own origin, so the server must listen). */
export async function startConsoleRig(): Promise<ConsoleRig> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const gatehouse = await startApp({ env: { PUBLIC_URL: issuer } });
  await gatehouse.app.listen({ port, host: '127.0.0.1' });
  return { gatehouse, issuer, browser: hasChromium ? await launchChromium() : undefined };
}

/** Closes what startConsoleRig started (whatever of it did start). */
export async function stopConsoleRig(rig: Partial<ConsoleRig>): Promise<void> {
  await rig.browser?.close();
  await rig.gatehouse?.close();
}
