#!/usr/bin/env node
'use strict';
/*
 * The `fwplan` command. The CLI itself is a CommonJS bundle, built by `npm ci` (prepare) into
 * dist-cli/ (with fwplan-schema.cjs and fwplan-audit.cjs beside it, which the bundle requires only
 * for a refused plan, `fwplan schema` and `fwplan audit`). This loader compiles it with V8's code cache: the first run writes the compiled code
 * next to the bundle (dist-cli/fwplan.cjs.cache), and later runs skip most of the parsing and
 * compiling a cold start would otherwise pay. A cache that does not fit this Node (another
 * version, other flags, another build) is rejected by V8 and written anew; where the directory is
 * read-only, fwplan runs the same, without a cache.
 */
const { readFileSync, writeFileSync, renameSync, rmSync } = require('node:fs');
const { createRequire } = require('node:module');
const { join } = require('node:path');
const { Script } = require('node:vm');

const bundle = join(__dirname, '..', 'dist-cli', 'fwplan.cjs');
const cacheFile = `${bundle}.cache`;

let source;
try {
  source = readFileSync(bundle, 'utf8');
} catch {
  process.stderr.write('fwplan: the CLI is not built yet; run "npm run build:cli" (npm ci does it)\n');
  process.exit(2);
}

let cachedData;
try {
  cachedData = readFileSync(cacheFile);
} catch {
  // no cache yet
}

const wrapped = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
const script = new Script(wrapped, { filename: bundle, cachedData });
const module_ = { exports: {} };
script.runInThisContext().call(module_.exports, module_.exports, createRequire(bundle), module_, bundle, join(__dirname, '..', 'dist-cli'));

if (cachedData === undefined || script.cachedDataRejected) {
  // after the command: the cache then holds the functions this run compiled, not just the top level
  process.once('exit', () => {
    const tmp = `${cacheFile}.${process.pid}`;
    try {
      writeFileSync(tmp, script.createCachedData());
      renameSync(tmp, cacheFile);
    } catch {
      rmSync(tmp, { force: true });
    }
  });
}
