// Bundles the CLI into one CommonJS file so `fwplan` starts fast: no TypeScript loader at run time,
// no ES module loader, and bin/fwplan.cjs can hand V8 a code cache for it (see there). The zod
// schemas are in the bundle but only evaluated when a plan is refused or `fwplan schema` runs:
// esbuild turns the CLI's `await import('../engine/schema.ts')` into a lazy module initialiser.
import { createRequire } from 'node:module';
import { rmSync } from 'node:fs';
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
  outfile: 'dist-cli/fwplan.cjs',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
  plugins: [englishOnly],
});

// a code cache made by another build of the bundle would be rejected anyway; start clean
rmSync('dist-cli/fwplan.cjs.cache', { force: true });
rmSync('dist-cli/fwplan.mjs', { force: true });
