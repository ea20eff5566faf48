import { build } from 'esbuild';
await build({ entryPoints: ['/tmp/prof/ph/phase.ts'], outfile: '/tmp/prof/ph/phase.cjs', bundle: true, platform: 'node', format: 'cjs', target: 'node20', minify: true, logLevel: 'warning', banner: { js: 'globalThis.__c0 = process.cpuUsage(); globalThis.__w0 = performance.now();' } });
