import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'packages/*/dist/**', 'dist-cli/**', 'node_modules/**', 'data/**', 'bench/results/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: globals.node },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  // The admin console runs in the browser (its vite.config.ts and postcss.config.cjs in Node).
  { files: ['console/src/**'], languageOptions: { globals: globals.browser } },
  { files: ['console/postcss.config.cjs'], languageOptions: { globals: globals.node, sourceType: 'commonjs' } },
);
