/**
 * Where a cold `fwplan export` spends its time: the same steps as the CLI (read the file, read the
 * plan, expand, render and write to stdout), each timed once in a fresh process. Bundled by
 * bench/run.mjs exactly like the CLI (CommonJS, minified), with a banner that notes the CPU time
 * and clock when the bundle starts to run; everything before that is Node's start plus compiling
 * the bundle.
 *
 *   node phases.cjs PLAN FORMAT [--ipset]      prints one JSON line on stderr
 */
import { readFileSync, writeSync } from 'node:fs';
import { expandPlan, exportPlanChunks, isFormatId, readPlanText } from '../src/engine/index.ts';

interface Start {
  readonly __fwplanCpu0: NodeJS.CpuUsage;
  readonly __fwplanWall0: number;
}

const start = globalThis as unknown as Start;
const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;
const mark = () => ({ cpu: cpuMs(process.cpuUsage()), wall: performance.now() });

const [planFile, format, flag] = process.argv.slice(2);
if (planFile === undefined || format === undefined || !isFormatId(format)) throw new Error('usage: phases PLAN FORMAT [--ipset]');
const init = mark();
const read = readPlanText(readFileSync(planFile, 'utf8'));
if (read.ok !== true) throw new Error('the plan is not valid');
const parsed = mark();
const ruleSet = expandPlan(read.plan, { today: '2026-01-01' });
const expanded = mark();
const out = exportPlanChunks(read.plan, format, { scope: { kind: 'gateway' }, defaultDrop: false, ...(flag === '--ipset' ? { ipset: true } : {}) }, ruleSet);
if (!out.ok) throw new Error(out.message);
for (const chunk of out.chunks) writeSync(1, chunk);
const done = mark();
const boot = { cpu: cpuMs(start.__fwplanCpu0), wall: start.__fwplanWall0 };
const round = (x: number) => Math.round(x * 10) / 10;
process.stderr.write(
  `${JSON.stringify({
    startCpu: round(boot.cpu),
    startWall: round(boot.wall),
    initCpu: round(init.cpu - boot.cpu),
    initWall: round(init.wall - boot.wall),
    readCpu: round(parsed.cpu - init.cpu),
    readWall: round(parsed.wall - init.wall),
    expandCpu: round(expanded.cpu - parsed.cpu),
    expandWall: round(expanded.wall - parsed.wall),
    renderCpu: round(done.cpu - expanded.cpu),
    renderWall: round(done.wall - expanded.wall),
    heapMB: round(process.memoryUsage().heapUsed / 1048576),
  })}\n`,
);
