#!/usr/bin/env node
'use strict';
/*
 * The `fwplan` command. The CLI itself is a CommonJS bundle, built by `npm ci` (prepare) into
 * dist-cli/, with fwplan-schema.cjs and fwplan-audit.cjs beside it, which the bundle requires only
 * for a refused plan, `fwplan schema` and `fwplan audit`. This loader compiles each with V8's code
 * cache: the first run that uses a file writes its compiled code next to it (fwplan.cjs.cache and
 * so on), and later runs skip most of the parsing and compiling a cold start would otherwise pay.
 * A cache that does not fit this Node (another version, other flags, another build) is rejected
 * by V8 and written anew; where the directory is read-only, fwplan runs the same, without a cache.
 */
const { readFileSync, writeFileSync, renameSync, rmSync } = require('node:fs');
const { createRequire } = require('node:module');
const { join } = require('node:path');
const { Script } = require('node:vm');

const dir = join(__dirname, '..', 'dist-cli');
const bundle = join(dir, 'fwplan.cjs');

let source;
try {
  source = readFileSync(bundle, 'utf8');
} catch {
  process.stderr.write('fwplan: the CLI is not built yet; run "npm run build:cli" (npm ci does it)\n');
  process.exit(2);
}

/** Scripts compiled without a usable cache this run: their caches are written at exit. */
const uncached = [];

/**
 * Run one CommonJS file of dist-cli/ compiled with its code cache (`file`.cache). The build writes
 * each file as the function CommonJS wraps a module in (scripts/build-cli.mjs), so its text goes to
 * V8 as it was read: no other copy of it is made.
 */
function run(file, text, require_) {
  let cachedData;
  try {
    cachedData = readFileSync(`${file}.cache`);
  } catch {
    // no cache yet
  }
  const script = new Script(text, { filename: file, cachedData });
  if (cachedData === undefined || script.cachedDataRejected) uncached.push({ file, script });
  const module_ = { exports: {} };
  script.runInThisContext().call(module_.exports, module_.exports, require_, module_, file, dir);
  return module_.exports;
}

// the schema and the audit files (see scripts/build-cli.mjs) are run with their code cache too
const requireBuiltin = createRequire(bundle);
const LAZY = new Set(['./fwplan-schema.cjs', './fwplan-audit.cjs']);
const lazyExports = new Map();
const require_ = Object.assign((id) => {
  if (!LAZY.has(id)) return requireBuiltin(id);
  if (!lazyExports.has(id)) {
    const file = join(dir, id);
    lazyExports.set(id, run(file, readFileSync(file, 'utf8'), requireBuiltin));
  }
  return lazyExports.get(id);
}, requireBuiltin);

// after the command: a cache then holds the functions this run compiled, not just the top level
process.once('exit', () => {
  for (const { file, script } of uncached) {
    const tmp = `${file}.cache.${process.pid}`;
    try {
      writeFileSync(tmp, script.createCachedData());
      renameSync(tmp, `${file}.cache`);
    } catch {
      rmSync(tmp, { force: true });
    }
  }
});

run(bundle, source, require_);
