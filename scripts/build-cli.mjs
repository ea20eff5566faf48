// Bundles the CLI into CommonJS files so `fwplan` starts fast: no TypeScript loader at run time,
// no ES module loader, and bin/fwplan.cjs can hand V8 a code cache for the main bundle (see
// there). The zod schemas and the audit are separate files, loaded only when a plan is refused,
// `fwplan schema` or `fwplan audit` runs (see LAZY below).
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

/**
 * Each file is written as the function a CommonJS module is wrapped in, ready for bin/fwplan.cjs to
 * hand to V8 as it was read: wrapping it there made a second copy of the whole source, which V8
 * then flattened into a third (a cold start pays for every fresh page of memory it touches).
 */
const common = {
  banner: { js: '(function (exports, require, module, __filename, __dirname) {' },
  footer: { js: '})' },
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

/**
 * The code cache holds what the first run after the build compiled (bin/fwplan.cjs writes it when
 * that run ends). Make that first run an export of a small plan with every kind of object, so the
 * cache carries reading, expanding and rendering, whatever command the user runs first; without
 * this, a first `fwplan --help` would leave a cache without the export's code. Nothing is printed;
 * a failure here only leaves the cache to the user's first run.
 */
const WARM_PLAN = {
  version: 2,
  name: 'code cache',
  cluster: true,
  nodes: [
    { name: 'vault-01', role: 'PRD', addresses: ['192.0.2.10', '2001:db8:10::10'] },
    { name: 'vault-02', role: 'MBR', addresses: ['192.0.2.11', '2001:db8:10::11'] },
  ],
  roles: { NTP: ['192.0.2.123'], DNS: ['192.0.2.53', '2001:db8:1::53'], LDAP: [{ address: '192.0.2.30', label: 'dc01' }], LOG: ['192.0.2.40'] },
  userGroups: [{ name: 'Administrators', entries: ['198.51.100.0/28', '2001:db8:5::/64'], services: ['userw-prd-tcp-443', 'userw-prd-tcp-22'] }],
  deviceGroups: [{ name: 'Servers', entries: Array.from({ length: 64 }, (_, i) => `203.0.113.${i * 2}`), services: ['prd-dvc-tcp-22'] }],
};
const warmDir = mkdtempSync(join(tmpdir(), 'fwplan-cache-'));
try {
  const plan = join(warmDir, 'plan.json');
  writeFileSync(plan, JSON.stringify(WARM_PLAN));
  spawnSync(process.execPath, ['bin/fwplan.cjs', 'export', plan, '--format', 'nftables'], { stdio: 'ignore' });
} finally {
  rmSync(warmDir, { recursive: true, force: true });
}
