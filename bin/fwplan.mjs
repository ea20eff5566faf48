#!/usr/bin/env node
// The CLI is bundled by `npm ci` (prepare) into dist-cli/; this wrapper only loads it.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bundle = fileURLToPath(new URL('../dist-cli/fwplan.mjs', import.meta.url));
if (!existsSync(bundle)) {
  process.stderr.write('fwplan: the CLI is not built yet; run "npm run build:cli" (npm ci does it)\n');
  process.exit(2);
}
await import(bundle);
