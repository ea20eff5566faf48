/**
 * fwplan benchmark (`npm run bench`): bundled by bench/run.mjs and run with node.
 *
 *   node bench/run.mjs [--quick] [--runs N] [--browser FILE] [--strict]
 *   node bench/run.mjs --js-budget     only the gzipped size of the built page's initial JS;
 *                                      exit 1 if it is over the budget or dist/ is not built
 *
 * Each plan runs in its own child process (started with --expose-gc): the plan text is validated
 * (parse) and expanded, then every format is rendered from that rule set. Times are medians of up
 * to --runs runs after a warm-up run, wall-clock and CPU (user + system: other load on a shared
 * machine disturbs it far less); a step whose warm-up takes more than SLOW_RUN_MS is measured once.
 * Memory is sampled right after each render (heapUsed, rss) and the process's peak RSS is reported
 * per plan. The whole `fwplan export` process is timed separately for the peers' plan.
 *
 * Browser figures (paste 5,000 addresses, toggle a service, type in the filter) are not measured
 * here: pass `--browser FILE` with the JSON a Playwright measurement writes
 * ({ "pasteMs": n, "toggleMs": n, "filterMs": n, "source": "..." }) and they are printed and kept in
 * bench/results.json beside the rest.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { FORMAT_IDS, aggregate, expandPlan, exportPlan, type FormatId, type Network, type Plan, type RenderOptions } from '../src/engine/index.ts';
import { parsePlanText } from '../src/engine/schema.ts';
import { countMeaning, countRules } from './count.ts';
import { benchPlan, type AddressMix, type BenchPlanSpec } from './plans.ts';

// ---------------------------------------------------------------------------------------------
// settings

const SIZES = [1, 100, 1_000, 5_000, 20_000] as const;
const QUICK_SIZES = [1, 100, 1_000, 5_000] as const;
const NODE_COUNTS = [1, 3, 8] as const;
/** The peers' plan: DVC 5,000 distinct /32, USERW 500 /24, three cluster members, IPv4. */
const PEER_SPEC: BenchPlanSpec = { dvc: 5_000, userw: 500, nodes: 3, mix: 'v4' };
/** CLI and in-process options: what `fwplan export PLAN --format F` does without flags. */
const OPTIONS: RenderOptions = { scope: { kind: 'gateway' }, defaultDrop: false };
/** What is exported: a format, and for iptables/ip6tables whether roles go through ipsets. */
interface Variant {
  readonly format: FormatId;
  readonly ipset: boolean;
}

const VARIANTS: readonly Variant[] = [
  ...FORMAT_IDS.map((format) => ({ format, ipset: false })),
  { format: 'iptables', ipset: true },
  { format: 'ip6tables', ipset: true },
];

function variantName(v: Variant): string {
  return `${v.format}${v.ipset ? ' --ipset' : ''}`;
}

function sameVariant(a: Variant, b: Variant): boolean {
  return a.format === b.format && a.ipset === b.ipset;
}

/** A case whose first run takes longer than this is measured once. */
const SLOW_RUN_MS = 700;
/** Stop repeating a case once its measured runs add up to this. */
const CASE_BUDGET_MS = 600;
const CLI_RUNS = 5;
const CLI_CPU_RUNS = 2;
const TIME_BIN = '/usr/bin/time';

const TARGETS = {
  inProcessMs: 100,
  wholeProcessMs: 300,
  iptablesMaxRules: 5_523,
  /** growth exponent allowed between the two largest sizes (1 = linear), with room for noise */
  maxGrowthExponent: 1.25,
  initialJsGzipBytes: 150 * 1024,
} as const;

/** Measured by the issue's authors on a 2-core machine (shared/reference/field-notes.md). */
const PEERS = [
  { tool: 'Capirca', target: 'iptables', seconds: 0.54, rules: 5_523, unit: 'rules' },
  { tool: 'Capirca', target: 'nftables', seconds: 0.32, rules: 17, unit: 'rules (inline sets)' },
  { tool: 'Capirca', target: 'Cisco ACL', seconds: 0.42, rules: 62_070, unit: 'ACL entries' },
  { tool: 'Capirca', target: 'Cisco ASA', seconds: 0.77, rules: null, unit: '' },
] as const;

// ---------------------------------------------------------------------------------------------
// small helpers

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function gc(): void {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (collect) collect();
}

const MB = 1024 * 1024;

function ms(value: number): string {
  if (!Number.isFinite(value)) return '-';
  return value < 10 ? value.toFixed(2) : value < 100 ? value.toFixed(1) : value.toFixed(0);
}

function bytes(value: number): string {
  if (value < 1024) return `${value} B`;
  if (value < MB) return `${(value / 1024).toFixed(1)} KB`;
  return `${(value / MB).toFixed(1)} MB`;
}

function int(value: number): string {
  return value.toLocaleString('en-US');
}

function table(header: readonly string[], rows: readonly (readonly string[])[], right: readonly boolean[] = []): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (right[i] ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function planName(spec: BenchPlanSpec): string {
  return `DVC ${int(spec.dvc)} / USERW ${int(spec.userw)} / ${spec.nodes} node${spec.nodes > 1 ? 's' : ''} / ${spec.mix}${spec.contiguous ? ' contiguous' : ''}`;
}

// ---------------------------------------------------------------------------------------------
// one plan, every format, in a child process

interface PlanCasesSpec {
  readonly plan: BenchPlanSpec;
  readonly runs: number;
}

/** Median wall-clock and CPU time of a repeated step. */
interface Timing {
  readonly ms: number;
  /** user + system CPU time of the process (GC threads included): less disturbed by other load */
  readonly cpuMs: number;
  /** measured runs (after the warm-up), or 1 when the warm-up run was the sample */
  readonly runs: number;
  readonly warmedUp: boolean;
}

interface CaseResult extends Variant {
  readonly plan: BenchPlanSpec;
  readonly name: string;
  /** zod validation of the plan text (the CLI does it; the page validates on import only) */
  readonly parse: Timing;
  readonly expand: Timing;
  readonly render: Timing;
  /** expand + render medians: the in-process export of an already validated plan */
  readonly exportMs: number;
  readonly exportCpuMs: number;
  readonly bytes: number;
  readonly rules: number;
  /** ExpandedRule count: one per catalog rule and address family */
  readonly expandedRules: number;
  readonly addresses: number;
  /** heapUsed right after rendering, before any collection (output and the render's garbage alive), largest over the runs */
  readonly heapBytes: number;
  /** resident set right after rendering, largest over the runs */
  readonly rssBytes: number;
  /** peak resident set of the process that ran every format of this plan */
  readonly planMaxRssBytes: number;
}

/**
 * Run `step` once to warm up, then up to `runs` more times within the time budget. A warm-up
 * slower than SLOW_RUN_MS is the only sample: repeating it would blow the bench's time.
 */
function measure<T>(runs: number, step: () => T): { timing: Timing; value: T } {
  const once = () => {
    gc();
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const value = step();
    const wall = performance.now() - t0;
    const c = process.cpuUsage(c0);
    return { wall, cpu: (c.user + c.system) / 1000, value };
  };
  const first = once();
  if (first.wall > SLOW_RUN_MS) return { timing: { ms: first.wall, cpuMs: first.cpu, runs: 1, warmedUp: false }, value: first.value };
  const samples: { wall: number; cpu: number }[] = [];
  let value = first.value;
  let spent = 0;
  while (samples.length < runs && (samples.length === 0 || spent < CASE_BUDGET_MS)) {
    const s = once();
    samples.push(s);
    value = s.value;
    spent += s.wall;
  }
  return {
    timing: { ms: median(samples.map((s) => s.wall)), cpuMs: median(samples.map((s) => s.cpu)), runs: samples.length, warmedUp: true },
    value,
  };
}

/** One plan, every variant: parse and expand are measured once, each format's render on its own. */
function runPlanCases(spec: PlanCasesSpec): CaseResult[] {
  const text = JSON.stringify(benchPlan(spec.plan));
  const parsed = measure(spec.runs, () => parsePlanText(text));
  if (!parsed.value.ok) {
    throw new Error(`the bench plan is invalid: ${parsed.value.errors.slice(0, 3).map((e) => `${e.path}: ${e.message}`).join('; ')}`);
  }
  const plan = parsed.value.plan;
  const expanded = measure(spec.runs, () => expandPlan(plan));
  const ruleSet = expanded.value;
  const partial = VARIANTS.map((variant) => {
    let heap = 0;
    let rss = 0;
    const rendered = measure(spec.runs, () => {
      const result = exportPlan(plan, variant.format, { ...OPTIONS, ipset: variant.ipset }, ruleSet);
      const mem = process.memoryUsage();
      heap = Math.max(heap, mem.heapUsed);
      rss = Math.max(rss, mem.rss);
      return result;
    });
    const result = rendered.value;
    if (!result.ok) throw new Error(`${variantName(variant)}: export failed: ${result.message}`);
    return {
      ...variant,
      plan: spec.plan,
      name: variantName(variant),
      parse: parsed.timing,
      expand: expanded.timing,
      render: rendered.timing,
      exportMs: expanded.timing.ms + rendered.timing.ms,
      exportCpuMs: expanded.timing.cpuMs + rendered.timing.cpuMs,
      bytes: Buffer.byteLength(result.text, 'utf8'),
      rules: countRules(variant.format, result.text),
      expandedRules: ruleSet.rules.length,
      addresses: spec.plan.dvc + spec.plan.userw,
      heapBytes: heap,
      rssBytes: rss,
    };
  });
  const planMaxRssBytes = process.resourceUsage().maxRSS * 1024;
  return partial.map((c) => ({ ...c, planMaxRssBytes }));
}

// ---------------------------------------------------------------------------------------------
// aggregation on contiguous sets, in a child process

interface AggregationSpec {
  readonly size: number;
  readonly mix: AddressMix;
  readonly runs: number;
}

interface AggregationResult {
  readonly size: number;
  readonly mix: AddressMix;
  /** DVC + USERW entries written in the plan */
  readonly entries: number;
  /** networks left after aggregation, DVC + USERW */
  readonly networks: number;
  readonly aggregateMs: number;
  readonly expandMs: number;
  readonly mergedFindings: readonly string[];
  readonly nftablesBytes: number;
  readonly nftablesRules: number;
}

function runAggregation(spec: AggregationSpec): AggregationResult {
  const planSpec: BenchPlanSpec = { dvc: spec.size, userw: Math.max(1, Math.round(spec.size / 10)), nodes: 3, mix: spec.mix, contiguous: true };
  const parsed = parsePlanText(JSON.stringify(benchPlan(planSpec)));
  if (!parsed.ok) throw new Error('the contiguous bench plan is invalid');
  const plan: Plan = parsed.plan;
  const groups = expandPlan(plan);
  const dvc: Network[] = groups.deviceGroups.flatMap((g) => g.entries.map((e) => e.network));
  const userw: Network[] = groups.userGroups.flatMap((g) => g.entries.map((e) => e.network));
  const aggTimes: number[] = [];
  const expandTimes: number[] = [];
  let networks = 0;
  let mergedFindings: string[] = [];
  let nft = '';
  for (let i = 0; i <= spec.runs; i++) {
    gc();
    const t0 = performance.now();
    networks = aggregate(dvc).length + aggregate(userw).length;
    const t1 = performance.now();
    const ruleSet = expandPlan(plan);
    const t2 = performance.now();
    if (i > 0) {
      aggTimes.push(t1 - t0);
      expandTimes.push(t2 - t1);
    }
    mergedFindings = ruleSet.findings.filter((f) => f.code === 'overlapping-entry' || f.code === 'duplicate-entry').map((f) => f.message);
    const out = exportPlan(plan, 'nftables', OPTIONS, ruleSet);
    if (out.ok) nft = out.text;
  }
  return {
    size: spec.size,
    mix: spec.mix,
    entries: dvc.length + userw.length,
    networks,
    aggregateMs: median(aggTimes),
    expandMs: median(expandTimes),
    mergedFindings,
    nftablesBytes: Buffer.byteLength(nft, 'utf8'),
    nftablesRules: countRules('nftables', nft),
  };
}

// ---------------------------------------------------------------------------------------------
// orchestration

const SELF = fileURLToPath(import.meta.url);
const ROOT = resolve(process.env.FWPLAN_ROOT ?? process.cwd());

function child<T>(mode: '--plan' | '--aggregation', payload: unknown): T {
  const r = spawnSync(process.execPath, ['--expose-gc', '--max-old-space-size=4096', SELF, mode, JSON.stringify(payload)], {
    encoding: 'utf8',
    maxBuffer: 16 * MB,
  });
  if (r.status !== 0) throw new Error(`bench child ${mode} ${JSON.stringify(payload)} failed (${r.status ?? r.signal}):\n${r.stderr}`);
  const last = r.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(last) as T;
}

interface CliResult extends Variant {
  readonly name: string;
  /** median of (this run - a bare `node -e 0` started just before it) */
  readonly beyondNodeMs: number;
  readonly runs: number;
  readonly medianMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  readonly bytes: number;
  readonly exitCode: number;
  /** user + system time (median), when /usr/bin/time is there to read it */
  readonly cpuMs: number | null;
  readonly maxRssBytes: number | null;
}

function timeCli(planFile: string, dir: string, variant: Variant): CliResult {
  const { format } = variant;
  const cli = join(ROOT, 'bin', 'fwplan.mjs');
  const outFile = join(dir, `out.${format}${variant.ipset ? '.ipset' : ''}`);
  const args = [cli, 'export', planFile, '--format', format, ...(variant.ipset ? ['--ipset'] : [])];
  const times: number[] = [];
  const beyondNode: number[] = [];
  let exitCode = 0;
  for (let i = 0; i <= CLI_RUNS; i++) {
    // a bare node start right before each run: the difference is fwplan's own cost at that moment
    const b0 = performance.now();
    spawnSync(process.execPath, ['-e', '0'], { stdio: 'ignore' });
    const bare = performance.now() - b0;
    // like `node bin/fwplan.mjs export PLAN --format F > out` in a shell
    const fd = openSync(outFile, 'w');
    const t0 = performance.now();
    const r = spawnSync(process.execPath, args, { stdio: ['ignore', fd, 'ignore'] });
    const t1 = performance.now();
    closeSync(fd);
    if (r.status === null || r.status > 1) throw new Error(`fwplan export --format ${variantName(variant)} exited with ${r.status ?? r.signal}`);
    exitCode = r.status;
    if (i > 0) {
      // the first run warms the file cache
      times.push(t1 - t0);
      beyondNode.push(t1 - t0 - bare);
    }
  }
  // CPU time and peak memory through /usr/bin/time, in separate runs: the wrapper's own start
  // would otherwise land in the wall-clock figures
  const cpu: number[] = [];
  const rss: number[] = [];
  if (existsSync(TIME_BIN)) {
    const report = join(dir, 'time.out');
    for (let i = 0; i < CLI_CPU_RUNS; i++) {
      const fd = openSync(outFile, 'w');
      const r = spawnSync(TIME_BIN, ['-f', '%U %S %M', '-o', report, process.execPath, ...args], { stdio: ['ignore', fd, 'ignore'] });
      closeSync(fd);
      const [user, system, maxKb] = readFileSync(report, 'utf8').trim().split(/\s+/).slice(-3).map(Number);
      if (r.status !== null && r.status <= 1 && user !== undefined && system !== undefined && maxKb !== undefined) {
        cpu.push((user + system) * 1000);
        rss.push(maxKb * 1024);
      }
    }
  }
  return {
    format,
    ipset: variant.ipset,
    name: variantName(variant),
    runs: times.length,
    medianMs: median(times),
    beyondNodeMs: median(beyondNode),
    minMs: Math.min(...times),
    maxMs: Math.max(...times),
    bytes: statSync(outFile).size,
    exitCode,
    cpuMs: cpu.length > 0 ? median(cpu) : null,
    maxRssBytes: rss.length > 0 ? Math.max(...rss) : null,
  };
}

interface JsSize {
  readonly status: 'measured' | 'no-build';
  readonly message: string;
  readonly initialFiles?: readonly { file: string; bytes: number; gzipBytes: number }[];
  readonly initialGzipBytes?: number;
  readonly allJsGzipBytes?: number;
  readonly withinBudget?: boolean;
}

/** Gzipped size of the JavaScript the built page loads first (index.html's module scripts and preloads). */
function measureJs(): JsSize {
  const dist = join(ROOT, 'dist');
  const index = join(dist, 'index.html');
  if (!existsSync(index)) return { status: 'no-build', message: 'no dist/index.html: run npm run build first' };
  const html = readFileSync(index, 'utf8');
  const refs = new Set<string>();
  for (const m of html.matchAll(/<script\b[^>]*\bsrc="([^"]+\.js)"[^>]*>/g)) if (m[1]) refs.add(m[1]);
  for (const m of html.matchAll(/<link\b[^>]*\brel="modulepreload"[^>]*\bhref="([^"]+\.js)"[^>]*>/g)) if (m[1]) refs.add(m[1]);
  const gz = (file: string) => gzipSync(readFileSync(file), { level: 9 }).length;
  const initialFiles = [...refs].map((ref) => {
    const file = join(dist, ref.replace(/^\.?\//, ''));
    return { file: ref, bytes: statSync(file).size, gzipBytes: gz(file) };
  });
  const assets = join(dist, 'assets');
  const allJs = existsSync(assets) ? readdirSync(assets).filter((f) => f.endsWith('.js')).map((f) => join(assets, f)) : [];
  const initialGzipBytes = initialFiles.reduce((a, f) => a + f.gzipBytes, 0);
  return {
    status: 'measured',
    message: `${initialFiles.length} initial script(s), ${bytes(initialGzipBytes)} gzipped`,
    initialFiles,
    initialGzipBytes,
    allJsGzipBytes: allJs.reduce((a, f) => a + gz(f), 0),
    withinBudget: initialGzipBytes <= TARGETS.initialJsGzipBytes,
  };
}

/** What a Playwright measurement of the page hands the bench (see the header comment). */
interface BrowserFigures {
  readonly pasteMs?: number;
  readonly toggleMs?: number;
  readonly filterMs?: number;
  readonly source?: string;
}

function readBrowserFigures(file: string | undefined): BrowserFigures | null {
  if (file === undefined) return null;
  const doc: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (typeof doc !== 'object' || doc === null) throw new Error(`${file}: expected a JSON object`);
  const num = (key: string): number | undefined => {
    const v = (doc as Record<string, unknown>)[key];
    return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
  };
  const source = (doc as Record<string, unknown>).source;
  const figures: BrowserFigures = {
    ...(num('pasteMs') !== undefined ? { pasteMs: num('pasteMs') } : {}),
    ...(num('toggleMs') !== undefined ? { toggleMs: num('toggleMs') } : {}),
    ...(num('filterMs') !== undefined ? { filterMs: num('filterMs') } : {}),
    ...(typeof source === 'string' ? { source } : { source: file }),
  };
  return figures;
}

interface Growth {
  readonly series: string;
  readonly name: string;
  readonly from: number;
  readonly to: number;
  readonly timeExponent: number;
  readonly cpuExponent: number;
  readonly bytesExponent: number;
  readonly rulesExponent: number;
}

function exponent(a: number, b: number, x1: number, x2: number): number {
  if (a <= 0 || b <= 0) return b === a ? 0 : Number.NaN;
  return Math.log(b / a) / Math.log(x2 / x1);
}

interface TargetCheck {
  readonly target: string;
  readonly measured: string;
  readonly met: boolean | null;
  /**
   * Time targets: met on CPU time only, not on wall-clock time. On a shared machine wall time
   * includes waiting for a core; CPU time is what the run itself cost.
   */
  readonly metOnCpuOnly?: boolean;
}

/** A time target: met if the wall-clock median is under the limit, or (marked) if only the CPU median is. */
function timeCheck(target: string, measured: string, wallMs: number, cpuMs: number | null, limit: number): TargetCheck {
  const wall = wallMs < limit;
  const cpu = cpuMs !== null && cpuMs < limit;
  return { target, measured, met: wall || cpu, ...(cpu && !wall ? { metOnCpuOnly: true } : {}) };
}

function parseArgs(argv: readonly string[]) {
  const opts = { quick: false, runs: 5, browser: undefined as string | undefined, strict: false, jsBudget: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') opts.quick = true;
    else if (a === '--strict') opts.strict = true;
    else if (a === '--js-budget') opts.jsBudget = true;
    else if (a === '--runs') opts.runs = Math.max(1, Number(argv[++i] ?? '5') || 5);
    else if (a === '--browser') opts.browser = argv[++i];
    else if (a === '--help' || a === '-h') {
      process.stdout.write('usage: node bench/run.mjs [--quick] [--runs N] [--browser FILE] [--strict] | --js-budget\n');
      process.exit(0);
    } else throw new Error(`unknown argument ${a ?? ''}`);
  }
  return opts;
}

function jsBudget(): number {
  const js = measureJs();
  if (js.status !== 'measured') {
    process.stderr.write(`fwplan bench: ${js.message}\n`);
    return 1;
  }
  process.stdout.write(`initial JS ${bytes(js.initialGzipBytes ?? 0)} gzipped (budget ${bytes(TARGETS.initialJsGzipBytes)}): ${js.withinBudget ? 'within' : 'OVER BUDGET'}\n`);
  return js.withinBudget ? 0 : 1;
}

function orchestrate(argv: readonly string[]): number {
  const opts = parseArgs(argv);
  if (opts.jsBudget) return jsBudget();
  const started = performance.now();
  const sizes: readonly number[] = opts.quick ? QUICK_SIZES : SIZES;
  const nodeCounts: readonly number[] = opts.quick ? [3] : NODE_COUNTS;
  const log = (line: string) => process.stdout.write(`${line}\n`);
  log(`fwplan bench — node ${process.version}, ${availableParallelism()} CPU(s) (${cpus()[0]?.model ?? 'unknown'}), load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  log('Other work on the machine makes these numbers noisy; compare medians, not single runs.');
  log(`Options as the CLI's defaults: scope gateway, no --default-drop. Medians of up to ${opts.runs} runs after a warm-up; runs over ${SLOW_RUN_MS} ms are measured once.`);
  log('');

  const userwFor = (dvc: number) => Math.max(1, Math.round(dvc / 10));
  const specs: BenchPlanSpec[] = [];
  for (const nodes of nodeCounts) for (const dvc of sizes) specs.push({ dvc, userw: userwFor(dvc), nodes, mix: 'dual' });
  for (const dvc of sizes) specs.push({ dvc, userw: userwFor(dvc), nodes: PEER_SPEC.nodes, mix: PEER_SPEC.mix });
  const isPeer = (p: BenchPlanSpec) => p.dvc === PEER_SPEC.dvc && p.userw === PEER_SPEC.userw && p.nodes === PEER_SPEC.nodes && p.mix === PEER_SPEC.mix && !p.contiguous;

  const cases: CaseResult[] = [];
  for (const plan of specs) {
    const results = child<CaseResult[]>('--plan', { plan, runs: opts.runs } satisfies PlanCasesSpec);
    cases.push(...results);
    const head = results[0];
    if (!head) continue;
    const t = (x: Timing) => `${ms(x.ms)} ms (cpu ${ms(x.cpuMs)}${x.warmedUp ? '' : ', 1 cold run'})`;
    log(`== ${planName(plan)}${isPeer(plan) ? '  (the peers\' plan)' : ''}`);
    log(`parse ${t(head.parse)}, expand ${t(head.expand)}: ${int(head.expandedRules)} expanded rules; peak RSS of the process ${(head.planMaxRssBytes / MB).toFixed(0)} MB`);
    log(table(
      ['format', 'render ms', 'cpu ms', 'export ms', 'cpu ms', 'output', 'rules', 'heap MB', 'rss MB', 'runs'],
      results.map((r) => [
        r.name, ms(r.render.ms), ms(r.render.cpuMs), ms(r.exportMs), ms(r.exportCpuMs), bytes(r.bytes), int(r.rules),
        (r.heapBytes / MB).toFixed(0), (r.rssBytes / MB).toFixed(0), `${r.render.runs}${r.render.warmedUp ? '' : '*'}`,
      ]),
      [false, true, true, true, true, true, true, true, true, true],
    ));
    log('');
  }
  log(`rules: ${FORMAT_IDS.map((f) => `${f} = ${countMeaning(f)}`).join('; ')}.`);
  log('export ms = expand + render: the engine\'s in-process export of a validated plan; parse = zod validation of the plan text, which the CLI adds. cpu = user + system time of the process.');
  log('heap / rss MB = memory right after rendering, before any collection (the render\'s garbage included). runs marked * were measured once, without warm-up.');
  log('');

  // aggregation on contiguous sets
  const aggregation: AggregationResult[] = [];
  for (const size of sizes.filter((x) => x >= 100)) {
    for (const mix of ['v4', 'dual'] as const) aggregation.push(child<AggregationResult>('--aggregation', { size, mix, runs: Math.min(3, opts.runs) } satisfies AggregationSpec));
  }
  log('== Aggregation: contiguous DVC /32 (/128) hosts and USERW /24 (/64) networks, 3 nodes');
  log(table(
    ['DVC', 'mix', 'entries', 'networks', 'aggregate ms', 'expand ms', 'nft rules', 'nft output'],
    aggregation.map((a) => [int(a.size), a.mix, int(a.entries), int(a.networks), ms(a.aggregateMs), ms(a.expandMs), int(a.nftablesRules), bytes(a.nftablesBytes)]),
    [true, false, true, true, true, true, true, true],
  ));
  const sample = aggregation.find((a) => a.mergedFindings.length > 0);
  if (sample) log(`finding, e.g.: ${sample.mergedFindings.join(' | ')}`);
  log('aggregate ms = aggregate() on the DVC and USERW networks alone; expand ms = the whole expansion, aggregation included.');
  log('');

  // whole process
  const cli: CliResult[] = [];
  let bareNodeMs = Number.NaN;
  const cliBundle = join(ROOT, 'dist-cli', 'fwplan.mjs');
  const dir = mkdtempSync(join(tmpdir(), 'fwplan-bench-'));
  try {
    if (!existsSync(cliBundle)) {
      log('== Whole process: skipped, the CLI is not built (run npm run build:cli, or npm run bench which builds it)');
    } else {
      const planFile = join(dir, 'peer-plan.json');
      writeFileSync(planFile, `${JSON.stringify(benchPlan(PEER_SPEC), null, 2)}\n`);
      for (const variant of VARIANTS) cli.push(timeCli(planFile, dir, variant));
      bareNodeMs = median(cli.map((c) => c.medianMs - c.beyondNodeMs));
      log(`== Whole process: node bin/fwplan.mjs export PLAN --format F > out, ${planName(PEER_SPEC)} (median of ${CLI_RUNS} after one warm-up)`);
      log(table(
        ['format', 'median ms', 'beyond node', 'min ms', 'max ms', 'cpu ms', 'maxRSS MB', 'output', 'exit'],
        cli.map((c) => [c.name, ms(c.medianMs), ms(c.beyondNodeMs), ms(c.minMs), ms(c.maxMs), c.cpuMs === null ? '-' : ms(c.cpuMs), c.maxRssBytes === null ? '-' : (c.maxRssBytes / MB).toFixed(0), bytes(c.bytes), String(c.exitCode)]),
        [false, true, true, true, true, true, true, true, true],
      ));
      log(`beyond node = median of (run - a bare node -e 0 started just before it); node -e 0 itself took about ${ms(bareNodeMs)} ms.`);
      log(`cpu ms = user + system time (median of ${CLI_CPU_RUNS} more runs under /usr/bin/time, 10 ms resolution); maxRSS from the same runs.`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  log('');

  // growth between the two largest sizes
  const growth: Growth[] = [];
  const [x1, x2] = [sizes[sizes.length - 2] as number, sizes[sizes.length - 1] as number];
  const seriesOf = (mix: AddressMix, nodes: number) => `${mix}, ${nodes} node${nodes > 1 ? 's' : ''}`;
  const series = [...nodeCounts.map((n) => ({ mix: 'dual' as const, nodes: n })), { mix: PEER_SPEC.mix, nodes: PEER_SPEC.nodes }];
  for (const { mix, nodes } of series) {
    for (const variant of VARIANTS) {
      const at = (size: number) => cases.find((c) => c.plan.mix === mix && c.plan.nodes === nodes && c.plan.dvc === size && sameVariant(c, variant));
      const a = at(x1);
      const b = at(x2);
      if (!a || !b) continue;
      growth.push({
        series: seriesOf(mix, nodes),
        name: variantName(variant),
        from: x1,
        to: x2,
        timeExponent: exponent(a.exportMs, b.exportMs, a.addresses, b.addresses),
        cpuExponent: exponent(a.exportCpuMs, b.exportCpuMs, a.addresses, b.addresses),
        bytesExponent: exponent(a.bytes, b.bytes, a.addresses, b.addresses),
        rulesExponent: exponent(a.rules, b.rules, a.addresses, b.addresses),
      });
    }
  }
  log(`== Growth from DVC ${int(x1)} to ${int(x2)} (x${x2 / x1} addresses): k in cost ~ addresses^k (1 = linear, 0 = constant)`);
  log(table(
    ['series', 'format', 'time k', 'cpu k', 'bytes k', 'rules k'],
    growth.map((g) => [g.series, g.name, g.timeExponent.toFixed(2), g.cpuExponent.toFixed(2), g.bytesExponent.toFixed(2), g.rulesExponent.toFixed(2)]),
    [false, false, true, true, true, true],
  ));
  log('');

  // targets
  const peerCases = cases.filter((c) => isPeer(c.plan));
  const peerCase = (v: Variant) => peerCases.find((c) => sameVariant(c, v));
  const checks: TargetCheck[] = [];
  for (const c of peerCases) {
    checks.push(timeCheck(
      `${c.name}: export in process < ${TARGETS.inProcessMs} ms`,
      `${ms(c.exportMs)} ms = expand ${ms(c.expand.ms)} + render ${ms(c.render.ms)} (cpu ${ms(c.exportCpuMs)}; ${ms(c.parse.ms + c.exportMs)} with parse)`,
      c.exportMs,
      c.exportCpuMs,
      TARGETS.inProcessMs,
    ));
  }
  for (const c of cli) {
    checks.push(timeCheck(
      `${c.name}: whole fwplan export process < ${TARGETS.wholeProcessMs} ms`,
      `${ms(c.medianMs)} ms (${ms(c.beyondNodeMs)} beyond node -e 0; cpu ${c.cpuMs === null ? '-' : ms(c.cpuMs)})`,
      c.medianMs,
      c.cpuMs,
      TARGETS.wholeProcessMs,
    ));
  }
  // judged on CPU time, which the other processes on a shared machine disturb far less than wall time
  for (const name of [...new Set(growth.map((g) => g.series))]) {
    const list = growth.filter((g) => g.series === name);
    const worst = list.reduce((a, b) => (b.cpuExponent > a.cpuExponent ? b : a));
    checks.push({
      target: `${name}: cost grows at most linearly, every format (DVC ${int(x1)} -> ${int(x2)})`,
      measured: `largest cpu k = ${worst.cpuExponent.toFixed(2)} (${worst.name}; wall k ${worst.timeExponent.toFixed(2)})`,
      met: list.every((g) => g.cpuExponent <= TARGETS.maxGrowthExponent),
    });
  }
  const nftSeries = new Map<string, Set<number>>();
  for (const c of cases.filter((x) => x.format === 'nftables' && x.plan.dvc >= 100)) {
    const key = seriesOf(c.plan.mix, c.plan.nodes);
    const set = nftSeries.get(key) ?? new Set<number>();
    set.add(c.rules);
    nftSeries.set(key, set);
  }
  for (const [key, counts] of nftSeries) {
    checks.push({ target: `nftables rule count independent of address count (${key}, DVC >= 100)`, measured: `${[...counts].join(', ')} rule(s)`, met: counts.size === 1 });
  }
  for (const variant of VARIANTS.filter((v) => v.format === 'iptables')) {
    const c = peerCase(variant);
    if (c) checks.push({ target: `${c.name}: rules <= ${int(TARGETS.iptablesMaxRules)} (Capirca) for the peers' plan`, measured: `${int(c.rules)} rules`, met: c.rules <= TARGETS.iptablesMaxRules });
  }
  const js = measureJs();
  checks.push({
    target: `initial JS <= ${bytes(TARGETS.initialJsGzipBytes)} gzipped`,
    measured: js.status === 'measured' ? bytes(js.initialGzipBytes ?? 0) : js.message,
    met: js.status === 'measured' ? (js.withinBudget ?? null) : null,
  });
  const browser = readBrowserFigures(opts.browser);
  for (const [key, label] of [['pasteMs', 'paste 5,000 addresses'], ['toggleMs', 'toggle a service'], ['filterMs', 'type in the filter']] as const) {
    const v = browser?.[key];
    checks.push({ target: `browser: ${label} updates the page < 100 ms`, measured: v === undefined ? 'not measured (needs a Playwright run; pass --browser FILE)' : `${ms(v)} ms`, met: v === undefined ? null : v < 100 });
  }
  log('== Targets (issue 7)');
  log(table(['', 'target', 'measured'], checks.map((c) => [c.met === null ? '?' : c.metOnCpuOnly ? 'met (cpu)' : c.met ? 'met' : 'MISS', c.target, c.measured])));
  log('met (cpu): under the limit in CPU time but not in wall-clock time, which on a busy machine includes waiting for a core.');
  log('');

  // baseline beside the peers
  const seconds = (v: number | undefined) => (v === undefined ? '-' : `${(v / 1000).toFixed(2)} s`);
  const peerRows: string[][] = PEERS.map((p) => [`Capirca ${p.target}`, `${p.seconds.toFixed(2)} s`, p.rules === null ? '-' : `${int(p.rules)} ${p.unit}`]);
  const ourRows: string[][] = VARIANTS.map((v) => {
    const c = peerCase(v);
    const w = cli.find((x) => sameVariant(x, v));
    return [`fwplan ${variantName(v)}`, seconds(w?.medianMs), c ? `${int(c.rules)} ${countMeaning(v.format)}` : '-', c ? ms(c.exportMs) : '-', c ? bytes(c.bytes) : '-'];
  });
  log(`== Baseline: ${planName(PEER_SPEC)} (peers: whole process, median of 3, shared/reference/field-notes.md)`);
  log(table(['tool', 'whole process', 'output', 'in process ms', 'bytes'], [...peerRows.map((r) => [...r, '-', '-']), ...ourRows], [false, true, true, true, true]));
  log('');

  log('== Browser');
  log(js.status === 'measured'
    ? `initial JS: ${(js.initialFiles ?? []).map((f) => `${f.file} ${bytes(f.bytes)} (${bytes(f.gzipBytes)} gzip)`).join(', ')}; all JS in dist/assets: ${bytes(js.allJsGzipBytes ?? 0)} gzipped; budget ${bytes(TARGETS.initialJsGzipBytes)}: ${js.withinBudget ? 'within' : 'OVER'}`
    : `initial JS: ${js.message}`);
  log(browser
    ? `interactions (${browser.source ?? 'browser'}): paste ${ms(browser.pasteMs ?? Number.NaN)} ms, toggle ${ms(browser.toggleMs ?? Number.NaN)} ms, filter ${ms(browser.filterMs ?? Number.NaN)} ms`
    : 'interactions (paste 5,000 addresses, toggle a service, type in the filter): not measured by this bench; a Playwright run can hand them in with --browser FILE');
  log('');

  const totalSeconds = (performance.now() - started) / 1000;
  const results = {
    generatedAt: new Date().toISOString(),
    machine: { node: process.version, cpus: availableParallelism(), model: cpus()[0]?.model ?? null, loadavg: loadavg(), bareNodeMs },
    options: { ...OPTIONS, runs: opts.runs, quick: opts.quick, slowRunMs: SLOW_RUN_MS },
    ruleCountMeaning: Object.fromEntries(FORMAT_IDS.map((f) => [f, countMeaning(f)])),
    cases,
    aggregation,
    wholeProcess: { plan: PEER_SPEC, runs: CLI_RUNS, results: cli },
    growth,
    targets: checks,
    peers: PEERS,
    browser: { initialJs: js, interactions: browser },
    totalSeconds,
  };
  writeFileSync(join(ROOT, 'bench', 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  const missed = checks.filter((c) => c.met === false).length;
  log(`${missed} target(s) missed. Wrote bench/results.json in ${totalSeconds.toFixed(0)} s.`);
  return opts.strict && missed > 0 ? 1 : 0;
}

// ---------------------------------------------------------------------------------------------

const [mode, payload] = process.argv.slice(2);
if (mode === '--plan' && payload !== undefined) {
  process.stdout.write(`${JSON.stringify(runPlanCases(JSON.parse(payload) as PlanCasesSpec))}\n`);
} else if (mode === '--aggregation' && payload !== undefined) {
  process.stdout.write(`${JSON.stringify(runAggregation(JSON.parse(payload) as AggregationSpec))}\n`);
} else {
  process.exitCode = orchestrate(process.argv.slice(2));
}
