import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/', 'dist-cli/', 'node_modules/', 'test-results/', 'playwright-report/', 'e2e/artifacts/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // the bin is CommonJS on purpose: no ES module loader on the CLI's start-up path
    files: ['bin/**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.node } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The engine is pure: no React, no zustand, no DOM, no node:* — the web app and the CLI share it.
    files: ['src/engine/**/*.ts'],
    ignores: ['src/engine/**/*.test.ts'],
    languageOptions: { globals: { ...globals.es2022 } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['react', 'react-dom', 'react/*', 'react-dom/*'], message: 'src/engine must not depend on React.' },
          { group: ['zustand', 'zustand/*', 'zundo'], message: 'src/engine must not depend on the store.' },
          { group: ['node:*', 'fs', 'path', 'child_process', 'os'], message: 'src/engine runs in the browser too: no node modules.' },
          { group: ['**/ui/**', '**/store/**', '**/cli/**'], message: 'src/engine must not import its faces.' },
        ],
      }],
      'no-restricted-globals': ['error', 'window', 'document', 'localStorage', 'navigator', 'process'],
    },
  },
  {
    // zod stays off the hot path: only the schema module loads it; the rest of the engine may use
    // its types (z.infer) but never its code, so a valid plan is read and exported without zod
    files: ['src/engine/**/*.ts'],
    ignores: ['src/engine/**/*.test.ts', 'src/engine/model/schema.ts', 'src/engine/schema.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        paths: [{ name: 'zod', allowTypeImports: true, message: 'Only src/engine/model/schema.ts loads zod (import type elsewhere).' }],
        patterns: [{ group: ['**/model/schema', '**/model/schema.ts', './schema.ts', '../schema.ts', './schema'], allowTypeImports: true, message: 'The schema module (zod) is loaded by the faces through src/engine/schema.ts, not by the engine.' }],
      }],
    },
  },
  {
    // The faces see the engine through its one entry only.
    files: ['src/ui/**/*.{ts,tsx}', 'src/main.tsx'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: ['**/engine/*', '!**/engine/index', '!**/engine/index.ts', '!**/engine/schema', '!**/engine/schema.ts'], message: 'Import the engine through src/engine/index.ts (and src/engine/schema.ts for the zod schemas) only.' }],
      }],
    },
  },
  {
    // the change-request model and its Markdown writer are a pure layer of their own: no React, no
    // store, no DOM; the app's sheet view and the tests build on it
    files: ['src/sheet/**/*.ts'],
    ignores: ['src/sheet/**/*.test.ts'],
    languageOptions: { globals: { ...globals.es2022 } },
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['**/engine/*', '!**/engine/index', '!**/engine/index.ts', '!**/engine/schema', '!**/engine/schema.ts'], message: 'Import the engine through src/engine/index.ts (and src/engine/schema.ts for the zod schemas) only.' },
          { group: ['react', 'react-dom', 'react/*', 'react-dom/*'], message: 'src/sheet is pure: the view lives in src/ui/change-request.' },
          { group: ['zustand', 'zustand/*', 'zundo'], message: 'src/sheet must not depend on the store.' },
          { group: ['node:*', 'fs', 'path', 'child_process', 'os'], message: 'src/sheet runs in the browser too: no node modules.' },
          { group: ['**/ui/**', '**/store/**', '**/cli/**'], message: 'src/sheet must not import the faces.' },
        ],
      }],
      'no-restricted-globals': ['error', 'window', 'document', 'localStorage', 'navigator', 'process'],
    },
  },
  {
    // the command line is a face of the engine: it never reaches into the web app or its store
    files: ['src/cli/**/*.ts'],
    ignores: ['src/cli/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['**/engine/*', '!**/engine/index', '!**/engine/index.ts', '!**/engine/schema', '!**/engine/schema.ts'], message: 'Import the engine through src/engine/index.ts (and src/engine/schema.ts for the zod schemas) only.' },
          { group: ['**/ui/**', '**/store/**', '**/sheet/**', 'react', 'react-dom', 'zustand'], message: 'src/cli must not import the web app.' },
        ],
      }],
    },
  },
  {
    // the store holds the document and the view state; components read it, never the reverse
    files: ['src/store/**/*.ts'],
    ignores: ['src/store/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['**/engine/*', '!**/engine/index', '!**/engine/index.ts', '!**/engine/schema', '!**/engine/schema.ts'], message: 'Import the engine through src/engine/index.ts (and src/engine/schema.ts for the zod schemas) only.' },
          { group: ['**/ui/**'], message: 'src/store must not import the UI.' },
        ],
      }],
    },
  },
  {
    files: ['src/ui/**/*.tsx', 'src/main.tsx'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'warn' },
  },
);
