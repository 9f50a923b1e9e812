import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { resolve } from 'node:path';

export const MAIN = resolve('dist/main.js');

export interface ServerProcess {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the port once the server listens, rejects if it exits first. */
  listening: Promise<number>;
  exited: Promise<number | null>;
  /** Resolves once stdout matches `pattern` (at once if it already does); rejects if the process exits first. */
  output: (pattern: RegExp) => Promise<void>;
  stop: () => Promise<void>;
}

/**
 * Runs the production build (`node dist/main.js`, built by `npm test`'s pretest step) as a real
 * process with exactly the environment given, the way an operator starts it.
 */
export function runServer(env: Record<string, string>): ServerProcess {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run npm run build (npm test does it first)`);
  return runNodeProcess(MAIN, { PORT: '0', SHUTDOWN_GRACE_SECONDS: '0', ...env }, /Gatehouse listening on port (\d+)/);
}

/**
 * Runs `script` with this Node as a separate process with only PATH and `env` in its environment;
 * `listeningLine` matches the line it prints once it listens, its first group being the port.
 */
export function runNodeProcess(script: string, env: Record<string, string>, listeningLine: RegExp): ServerProcess {
  const child = spawn(process.execPath, [script], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolveExit) => child.on('exit', (code) => resolveExit(code)));
  const listening = new Promise<number>((resolveListening, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 20 s:\n${stdout}\n${stderr}`)), 20_000);
    child.stdout!.on('data', () => {
      const match = listeningLine.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolveListening(Number(match[1]));
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${stderr}`));
    });
  });
  // Marks the rejection handled for the tests that expect the server to exit and never await
  // `listening`; the promise returned below still rejects for every test that awaits it.
  listening.catch(() => undefined);
  const output = (pattern: RegExp) =>
    new Promise<void>((resolveOutput, reject) => {
      const check = () => {
        if (!pattern.test(stdout)) return;
        child.stdout!.off('data', check);
        resolveOutput();
      };
      child.stdout!.on('data', check);
      void exited.then((code) => reject(new Error(`server exited with ${code} before printing ${pattern}:\n${stdout}\n${stderr}`)));
      check();
    });
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    listening,
    exited,
    output,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}

/**
 * A port free right now on 127.0.0.1, for a server whose configuration must name its own URL
 * (PUBLIC_URL) before it listens.
 */
export function freePort(): Promise<number> {
  return new Promise((resolvePort) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolvePort(port));
    });
  });
}
