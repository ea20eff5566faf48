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
    // The faces see the engine through its one entry only.
    files: ['src/ui/**/*.{ts,tsx}', 'src/store/**/*.ts', 'src/cli/**/*.ts', 'src/sheet/**/*.ts', 'src/main.tsx'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: ['**/engine/*', '!**/engine/index', '!**/engine/index.ts'], message: 'Import the engine through src/engine/index.ts only.' }],
      }],
    },
  },
  {
    // the sheet's Markdown and HTML writers are pure too: the app and the tests share them
    files: ['src/sheet/**/*.ts'],
    ignores: ['src/sheet/**/*.test.ts'],
    rules: { 'no-restricted-globals': ['error', 'window', 'document', 'localStorage', 'navigator', 'process'] },
  },
  {
    files: ['src/ui/**/*.tsx', 'src/main.tsx'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'warn' },
  },
);
