// Bundles the CLI into one file so `fwplan` starts fast (no TypeScript loader at run time).
import { createRequire } from 'node:module';
import { build } from 'esbuild';

const require = createRequire(import.meta.url);

/**
 * zod re-exports all of its ~40 message locales (260 KB, half the bundle) for `z.locales`; fwplan
 * speaks English only, and every start pays for compiling what it bundles. Resolve zod's locale
 * index to a module with English alone: messages, schema and output are unchanged.
 */
const englishOnly = {
  name: 'zod-english-only',
  setup(b) {
    const en = require.resolve('zod/v4/locales/en.js');
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]v4[\\/](classic|core)[\\/]/.test(args.importer) ? { path: 'zod-locales-en', namespace: 'fwplan' } : undefined,
    );
    b.onLoad({ filter: /^zod-locales-en$/, namespace: 'fwplan' }, () => ({
      contents: `export { default as en } from ${JSON.stringify(en)};`,
      loader: 'js',
      resolveDir: process.cwd(),
    }));
  },
};

await build({
  entryPoints: ['src/cli/entry.ts'],
  outfile: 'dist-cli/fwplan.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
  plugins: [englishOnly],
});
