// Bundles the CLI into CommonJS files so `fwplan` starts fast: no TypeScript loader at run time,
// no ES module loader, and bin/fwplan.cjs can hand V8 a code cache for the main bundle (see
// there). The zod schemas and the audit are separate files, loaded only when a plan is refused,
// `fwplan schema` or `fwplan audit` runs (see LAZY below).
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

/**
 * The schema module (zod, half the code) and the audit are their own files next to the bundle:
 * only `fwplan schema`, a refused plan and `fwplan audit` load them (main.ts imports them with
 * `await import`, which becomes a require of ./fwplan-schema.cjs or ./fwplan-audit.cjs). Every
 * start then reads, and takes from the code cache, half as much: zod's namespaces were set up at
 * each start even though its schemas are built lazily. The two files bundle the engine modules
 * they use again; nothing crosses between the copies but plain data (the plan, its read result,
 * the rule set, the scope).
 */
const LAZY = { '../engine/schema.ts': './fwplan-schema.cjs', '../engine/audit.ts': './fwplan-audit.cjs' };
const lazyFiles = {
  name: 'fwplan-lazy-files',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/engine\/(schema|audit)\.ts$/ }, (args) =>
      /[\\/]src[\\/]cli[\\/]main\.ts$/.test(args.importer) ? { path: LAZY[args.path], external: true } : undefined,
    );
  },
};

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
};

await build({
  ...common,
  entryPoints: ['src/cli/entry.ts'],
  outfile: 'dist-cli/fwplan.cjs',
  plugins: [lazyFiles],
  // import() of the lazy files as require(): the bundle runs in a vm.Script, which has no ES module loader
  supported: { 'dynamic-import': false },
});
await build({ ...common, entryPoints: ['src/engine/schema.ts'], outfile: 'dist-cli/fwplan-schema.cjs', plugins: [englishOnly] });
await build({ ...common, entryPoints: ['src/engine/audit.ts'], outfile: 'dist-cli/fwplan-audit.cjs', plugins: [englishOnly] });

// start clean: V8 checks a code cache against its source's length only, so a cache left by another
// build of the same length could be taken for this one
for (const file of ['fwplan.cjs', 'fwplan-schema.cjs', 'fwplan-audit.cjs']) rmSync(`dist-cli/${file}.cache`, { force: true });
rmSync('dist-cli/fwplan.mjs', { force: true });
