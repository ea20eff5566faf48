// Fails the build when the JavaScript a first visit loads grows past the budget (issue: the page
// must stay fast). Reads the built dist/index.html, follows its module scripts and modulepreloads,
// and sums their gzipped sizes. Prints the figure either way; `--json` prints it as JSON.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export const BUDGET_BYTES = 150 * 1024;

export function initialJs(dist = 'dist') {
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const refs = new Set();
  for (const m of html.matchAll(/<script[^>]+src="([^"]+\.js)"/g)) refs.add(m[1]);
  for (const m of html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+\.js)"/g)) refs.add(m[1]);
  const files = [...refs].map((ref) => {
    const path = join(dist, ref.replace(/^\.?\//, ''));
    const raw = readFileSync(path);
    return { file: ref, bytes: raw.length, gzip: gzipSync(raw, { level: 9 }).length };
  });
  return { files, bytes: files.reduce((a, f) => a + f.bytes, 0), gzip: files.reduce((a, f) => a + f.gzip, 0) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const size = initialJs();
  if (process.argv.includes('--json')) console.log(JSON.stringify({ ...size, budget: BUDGET_BYTES }));
  else console.log(`initial JavaScript: ${(size.gzip / 1024).toFixed(1)} KB gzipped (${(size.bytes / 1024).toFixed(1)} KB raw) in ${size.files.length} file(s); budget ${BUDGET_BYTES / 1024} KB`);
  if (size.files.length === 0) {
    console.error('check-bundle-size: no script found in dist/index.html');
    process.exit(1);
  }
  if (size.gzip > BUDGET_BYTES) {
    console.error(`check-bundle-size: over budget by ${((size.gzip - BUDGET_BYTES) / 1024).toFixed(1)} KB`);
    process.exit(1);
  }
}
