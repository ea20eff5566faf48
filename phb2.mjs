import { build } from 'esbuild';
await build({ entryPoints: ['/tmp/prof/ph/phase.ts'], outfile: '/tmp/prof/ph/phase-dev.cjs', bundle: true, platform: 'node', format: 'cjs', target: 'node20', minify: false, logLevel: 'warning' });
