import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * The admin console, built into dist/console-app (served by src/console/ at /console). Vite's own
 * Oxc transform compiles the TSX (React's automatic runtime); no plugin, no Babel.
 */
export default defineConfig({
  root: here('.'),
  base: '/console/',
  publicDir: false,
  oxc: { jsx: { runtime: 'automatic' } },
  css: { postcss: here('.') },
  build: {
    outDir: here('../dist/console-app'),
    emptyOutDir: true,
    // No inline module-preload polyfill script: the CSP allows no inline script (and every browser the console targets has modulepreload).
    modulePreload: { polyfill: false },
    // Every asset is a file: a data: URL for a small one would be one more thing the CSP has to allow.
    assetsInlineLimit: 0,
    reportCompressedSize: false,
    chunkSizeWarningLimit: 1000,
    rolldownOptions: {
      // Mantine marks its modules "use client" for React Server Components, which a browser bundle has no use for.
      onLog(level, log, handler) {
        if (log.code === 'MODULE_LEVEL_DIRECTIVE') return;
        handler(level, log);
      },
    },
  },
});
