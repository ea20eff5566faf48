// `npm run bench`: bundles bench/main.ts (the engine included) with esbuild, then runs it.
// The bundle lives under node_modules/.cache so nothing generated lands in the repository;
// bench/results.json (gitignored) is the one file the bench writes.
import { build } from 'esbuild';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outfile = fileURLToPath(new URL('../node_modules/.cache/fwplan-bench/bench.mjs', import.meta.url));

await build({
  entryPoints: [fileURLToPath(new URL('./main.ts', import.meta.url))],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  minify: false,
  legalComments: 'none',
  logLevel: 'warning',
});

process.env.FWPLAN_ROOT = root;
await import(pathToFileURL(outfile).href);
