import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { CliError, EXIT } from './errors.js';

/**
 * A secret typed at a terminal (not echoed), or else the first line of stdin, so that scripts can
 * pipe it in: secrets are never command-line arguments, which other users can see in `ps`.
 */
export async function readSecret(prompt: string): Promise<string> {
  const secret = process.stdin.isTTY ? await promptHidden(prompt) : await firstLineOfStdin();
  if (!secret) throw new CliError(`${prompt.replace(/:\s*$/, '')} is empty`, EXIT.usage);
  return secret;
}

async function firstLineOfStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/, 1)[0].trim();
}

function promptHidden(prompt: string): Promise<string> {
  let muted = false;
  const output = new Writable({
    write(chunk: Buffer, _encoding, done) {
      if (!muted) process.stderr.write(chunk);
      done();
    },
  });
  const reader = createInterface({ input: process.stdin, output, terminal: true });
  return new Promise((resolve) => {
    reader.question(prompt, (answer) => {
      reader.close();
      process.stderr.write('\n');
      resolve(answer.trim());
    });
    muted = true;
  });
}
