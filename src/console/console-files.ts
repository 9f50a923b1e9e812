import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where `npm run build` (vite build, console/vite.config.ts) writes the console; two levels above both src/console and dist/console. */
export const CONSOLE_BUILD_DIR = fileURLToPath(new URL('../../dist/console-app/', import.meta.url));

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

export interface ConsoleFile {
  readonly body: Buffer;
  readonly type: string;
  /** Vite names every file under assets/ by a hash of its content: it never changes, so it may be cached for good. */
  readonly immutable: boolean;
}

/**
 * The built console, read into memory once (a few hundred KB): a request names a file only by an
 * exact key of this map, so no path from a request ever reaches the file system.
 */
export class ConsoleFiles {
  private constructor(
    private readonly files: ReadonlyMap<string, ConsoleFile>,
    readonly index: ConsoleFile | undefined,
  ) {}

  static load(directory = CONSOLE_BUILD_DIR): ConsoleFiles {
    if (!existsSync(join(directory, 'index.html'))) return new ConsoleFiles(new Map(), undefined);
    const files = new Map<string, ConsoleFile>();
    for (const entry of readdirSync(directory, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const path = relative(directory, join(entry.parentPath, entry.name)).split(sep).join('/');
      const type = TYPES[extname(path)];
      if (type === undefined || path.endsWith('.map')) continue;
      files.set(path, { body: readFileSync(join(directory, path)), type, immutable: path.startsWith('assets/') });
    }
    return new ConsoleFiles(files, files.get('index.html'));
  }

  /** The file at `path` below /console/, or undefined. */
  file(path: string): ConsoleFile | undefined {
    return path === 'index.html' ? undefined : this.files.get(path);
  }
}
