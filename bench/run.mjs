// `npm run bench`: bundles bench/main.ts (the engine included) and bench/phases.ts with esbuild,
// then runs the first. The bundles live under node_modules/.cache so nothing generated lands in
// the repository; bench/results.json (gitignored) is the one file the bench writes.
import { build } from 'esbuild';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const cache = (name) => fileURLToPath(new URL(`../node_modules/.cache/fwplan-bench/${name}`, import.meta.url));
const common = { bundle: true, platform: 'node', target: 'node20', legalComments: 'none', logLevel: 'warning' };

await build({ ...common, entryPoints: [fileURLToPath(new URL('./main.ts', import.meta.url))], outfile: cache('bench.mjs'), format: 'esm', minify: false });
// built like the CLI (scripts/build-cli.mjs): CommonJS, minified; the banner notes when the bundle starts
await build({
  ...common,
  entryPoints: [fileURLToPath(new URL('./phases.ts', import.meta.url))],
  outfile: cache('phases.cjs'),
  format: 'cjs',
  minify: true,
  banner: { js: 'globalThis.__fwplanCpu0 = process.cpuUsage(); globalThis.__fwplanWall0 = performance.now();' },
});

process.env.FWPLAN_ROOT = root;
process.env.FWPLAN_BENCH_PHASES = cache('phases.cjs');
await import(pathToFileURL(cache('bench.mjs')).href);
