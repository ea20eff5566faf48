/**
 * fwplan benchmark (`npm run bench`): bundled by bench/run.mjs and run with node. Prints figures;
 * asserts nothing (speed is never a test).
 *
 *   node bench/run.mjs [--quick] [--runs N] [--browser FILE] [--strict]
 *   node bench/run.mjs --js-budget     only the gzipped size of the built page's initial JS;
 *                                      exit 1 if it is over the budget or dist/ is not built
 *
 * Every time is a whole, cold process, started the way a user starts fwplan (`node bin/fwplan.cjs
 * export PLAN --format F > out`), and every time is reported beside the floor: `node -e 0`, started
 * through the same wrapper in the same round, right before. A round runs the floor and then each
 * case once; the figures are medians over the rounds with their spread (p25–p75, min–max), and the
 * ratio to the floor is the median of each round's own ratio, so load that comes and goes on a
 * shared machine lands on both sides of a ratio. Wall-clock time is the figure; CPU time (user +
 * system, children included, /usr/bin/time) and peak memory (max RSS) are printed beside it.
 *
 * Sections: 1. the cold CLI on the peers' plan (DVC 5,000 /32, USERW 500 /24, 3 nodes);
 * 2. where that time goes, one fresh process per run (bench/phases.ts); 3. scale, DVC 1,000 to
 * 1,000,000 addresses, with the growth exponent; 4. the page (initial JavaScript; the interaction
 * figures come from bench/browser.ts through --browser FILE); 5. figures of other tools, stored
 * (measured by others, not in this run); 6. the targets of issue 15.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { FORMAT_IDS, type FormatId } from '../src/engine/index.ts';
import { countMeaning, countRules } from './count.ts';
import { benchPlan, type BenchPlanSpec } from './plans.ts';

// ---------------------------------------------------------------------------------------------
// settings

/** The peers' plan: DVC 5,000 distinct /32, USERW 500 /24, three cluster members, IPv4. */
const PEER_SPEC: BenchPlanSpec = { dvc: 5_000, userw: 500, nodes: 3, mix: 'v4' };
const SCALE_SIZES = [1_000, 10_000, 100_000, 1_000_000] as const;
const QUICK_SCALE_SIZES = [1_000, 10_000, 100_000] as const;
/** a scale run longer than this is repeated fewer times */
const LONG_RUN_MS = 3_000;
const TIME_BIN = '/usr/bin/time';
const MB = 1024 * 1024;

interface Variant {
  readonly format: FormatId;
  readonly ipset: boolean;
}

const ALL_VARIANTS: readonly Variant[] = [
  ...FORMAT_IDS.map((format) => ({ format, ipset: false })),
  { format: 'iptables', ipset: true },
  { format: 'ip6tables', ipset: true },
];
const NFTABLES: Variant = { format: 'nftables', ipset: false };
const IPTABLES: Variant = { format: 'iptables', ipset: false };
const IPTABLES_IPSET: Variant = { format: 'iptables', ipset: true };
const SCALE_VARIANTS: readonly Variant[] = [NFTABLES, IPTABLES_IPSET];

const TARGETS = {
  /** whole process of the peers' plan, as a multiple of `node -e 0` in the same run */
  coldRatio: { nftables: 1.4, iptables: 1.6 } as Record<string, number>,
  /** 100,000 DVC addresses, whole process */
  scaleAddresses: 100_000,
  scaleMs: 1_000,
  scaleRssBytes: 200 * MB,
  /** growth of the work beyond the floor, 1,000 → 1,000,000 addresses (1 = linear) */
  maxExponent: 1.1,
  editFrameMs: 50,
  pasteMs: 150,
} as const;

/**
 * Figures measured by others, kept as they were published: they are not measured by this bench
 * and not on this machine (the issue's authors, 2-core machine, whole process, median of 3).
 */
const STORED = [
  { tool: 'Capirca', what: 'iptables, peers\' plan', seconds: '0.54', output: '5,523 rules (ACCEPT)', source: 'shared/reference/field-notes.md' },
  { tool: 'Capirca', what: 'nftables, peers\' plan', seconds: '0.32', output: '17 rules with inline sets', source: 'shared/reference/field-notes.md' },
  { tool: 'Capirca', what: 'Cisco ACL, peers\' plan', seconds: '0.42', output: '62,070 ACL entries', source: 'shared/reference/field-notes.md' },
  { tool: 'Capirca', what: 'Cisco ASA, peers\' plan', seconds: '0.77', output: '-', source: 'shared/reference/field-notes.md' },
  { tool: 'Capirca', what: '100,000 DVC addresses', seconds: '4.6–12', output: '-', source: 'issue 15' },
] as const;

// ---------------------------------------------------------------------------------------------
// small helpers

function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (at - lo);
}
const median = (values: readonly number[]) => quantile(values, 0.5);

interface Stats {
  readonly median: number;
  readonly p25: number;
  readonly p75: number;
  readonly min: number;
  readonly max: number;
  readonly n: number;
}

function stats(values: readonly number[]): Stats {
  const finite = values.filter(Number.isFinite);
  return { median: median(finite), p25: quantile(finite, 0.25), p75: quantile(finite, 0.75), min: Math.min(...finite), max: Math.max(...finite), n: finite.length };
}

function ms(value: number): string {
  if (!Number.isFinite(value)) return '-';
  return value < 10 ? value.toFixed(1) : value.toFixed(0);
}

function ratio(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(2)}×` : '-';
}

function int(value: number): string {
  return value.toLocaleString('en-US');
}

function mib(bytes: number | null): string {
  return bytes === null || !Number.isFinite(bytes) ? '-' : (bytes / MB).toFixed(0);
}

function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < MB) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / MB).toFixed(1)} MB`;
}

/** "median (p25–p75)" */
function spread(s: Stats, unit = ''): string {
  return `${ms(s.median)}${unit} (${ms(s.p25)}–${ms(s.p75)})`;
}

function table(header: readonly string[], rows: readonly (readonly string[])[], right: readonly boolean[] = []): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (right[i] ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function variantName(v: Variant): string {
  return `${v.format}${v.ipset ? ' --ipset' : ''}`;
}

function load(): string {
  return loadavg().map((l) => l.toFixed(2)).join(' ');
}

// ---------------------------------------------------------------------------------------------
// one process, timed

interface Sample {
  readonly wallMs: number;
  /** user + system of the process (its threads included), 10 ms resolution; null without /usr/bin/time */
  readonly cpuMs: number | null;
  readonly maxRssBytes: number | null;
  /** minor page faults: pages of memory the process touched for the first time; null without /usr/bin/time */
  readonly faults: number | null;
  readonly status: number | null;
}

const ROOT = resolve(process.env.FWPLAN_ROOT ?? process.cwd());
const BIN = join(ROOT, 'bin', 'fwplan.cjs');
const HAVE_TIME = existsSync(TIME_BIN);

/** Run `node ...args` with stdout to `outFile` (or nowhere), timed from outside. */
function runNode(args: readonly string[], outFile: string | null, report: string): Sample {
  const fd = outFile === null ? 'ignore' : openSync(outFile, 'w');
  const argv = HAVE_TIME ? ['-f', '%U %S %M %R', '-o', report, process.execPath, ...args] : [...args];
  const t0 = performance.now();
  const errFd = openSync(`${report}.err`, 'w');
  const r = spawnSync(HAVE_TIME ? TIME_BIN : process.execPath, argv, { stdio: ['ignore', fd, errFd] });
  const wallMs = performance.now() - t0;
  if (typeof fd === 'number') closeSync(fd);
  closeSync(errFd);
  let cpuMs: number | null = null;
  let maxRssBytes: number | null = null;
  let faults: number | null = null;
  if (HAVE_TIME && existsSync(report)) {
    const [user, system, maxKb, minor] = readFileSync(report, 'utf8').trim().split(/\s+/).slice(-4).map(Number);
    if (user !== undefined && system !== undefined && maxKb !== undefined && minor !== undefined && Number.isFinite(user + system + maxKb + minor)) {
      cpuMs = (user + system) * 1000;
      maxRssBytes = maxKb * 1024;
      faults = minor;
    }
  }
  return { wallMs, cpuMs, maxRssBytes, faults, status: r.status };
}

/**
 * What touching a fresh page of memory costs on this machine: a process writes one byte into each
 * of 16,384 pages (64 MiB) it has not touched yet, then into each again, and prints the difference
 * per page (median of 5 processes, in µs). In a virtual machine this can be far more than on bare
 * metal, and every page a cold export touches beyond the floor's pays it.
 */
function pageTouchMicros(): number {
  const script = 'const n=16384,b=new Uint8Array(n*4096);let t=performance.now();for(let i=0;i<n;i++)b[i*4096]=1;const a=performance.now()-t;t=performance.now();for(let i=0;i<n;i++)b[i*4096]=2;console.log((a-(performance.now()-t))*1000/n)';
  const values: number[] = [];
  for (let i = 0; i < 5; i++) {
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    const v = Number(r.stdout.trim());
    if (r.status === 0 && Number.isFinite(v)) values.push(v);
  }
  return median(values);
}

function exportArgs(planFile: string, v: Variant): string[] {
  return [BIN, 'export', planFile, '--format', v.format, ...(v.ipset ? ['--ipset'] : [])];
}

interface CaseFigures {
  readonly name: string;
  readonly wall: Stats;
  readonly cpu: Stats | null;
  /** median over the rounds of (this case's wall time / the floor's in the same round) */
  readonly ratio: Stats;
  readonly cpuRatio: Stats | null;
  readonly maxRssBytes: number | null;
  /** median minor page faults */
  readonly faults: number | null;
  readonly bytes: number;
  readonly exitCode: number;
}

/**
 * Rounds of: the floor, then every case once. Returns the floor's figures and each case's. A case
 * whose exit code is not 0 or 1 (1: the plan has warnings only... never for these plans) stops the
 * bench: a failing command is not timed.
 */
function rounds(cases: readonly { name: string; args: string[]; out: string }[], count: number, dir: string): { floor: CaseFigures; cases: CaseFigures[] } {
  const report = join(dir, 'time.out');
  const floorSamples: Sample[] = [];
  const samples = cases.map(() => [] as Sample[]);
  // one warm-up of each: the file cache, and the CLI's V8 code cache written by its first run
  runNode(['-e', '0'], null, report);
  for (const c of cases) runNode(c.args, c.out, report);
  for (let r = 0; r < count; r++) {
    floorSamples.push(runNode(['-e', '0'], null, report));
    cases.forEach((c, i) => {
      const s = runNode(c.args, c.out, report);
      if (s.status === null || s.status > 1) {
        const said = readFileSync(`${report}.err`, 'utf8').split('\n').filter((l) => !l.includes(': warning ')).slice(-8).join('\n');
        throw new Error(`${c.name}: node ${c.args.join(' ')} exited with ${s.status}:\n${said}`);
      }
      samples[i]?.push(s);
    });
  }
  const figures = (name: string, list: readonly Sample[], out: string | null): CaseFigures => {
    const cpu = list.map((s) => s.cpuMs).filter((x): x is number => x !== null);
    const rss = list.map((s) => s.maxRssBytes).filter((x): x is number => x !== null);
    const faults = list.map((s) => s.faults).filter((x): x is number => x !== null);
    const ratios = list.map((s, i) => s.wallMs / (floorSamples[i]?.wallMs ?? Number.NaN));
    const cpuRatios = list.map((s, i) => (s.cpuMs ?? Number.NaN) / (floorSamples[i]?.cpuMs ?? Number.NaN)).filter(Number.isFinite);
    return {
      name,
      wall: stats(list.map((s) => s.wallMs)),
      cpu: cpu.length > 0 ? stats(cpu) : null,
      ratio: stats(ratios),
      cpuRatio: cpuRatios.length > 0 ? stats(cpuRatios) : null,
      maxRssBytes: rss.length > 0 ? Math.max(...rss) : null,
      faults: faults.length > 0 ? stats(faults).median : null,
      bytes: out === null ? 0 : statSync(out).size,
      exitCode: list[list.length - 1]?.status ?? -1,
    };
  };
  return { floor: figures('node -e 0', floorSamples, null), cases: cases.map((c, i) => figures(c.name, samples[i] ?? [], c.out)) };
}

// ---------------------------------------------------------------------------------------------
// phases: one fresh process per run, the CLI's steps timed inside

interface Phases {
  readonly startCpu: number;
  readonly startWall: number;
  readonly initCpu: number;
  readonly initWall: number;
  readonly readCpu: number;
  readonly readWall: number;
  readonly expandCpu: number;
  readonly expandWall: number;
  readonly renderCpu: number;
  readonly renderWall: number;
  readonly heapMB: number;
}

const PHASES = process.env.FWPLAN_BENCH_PHASES;

function runPhases(planFile: string, v: Variant, count: number, dir: string): Phases[] {
  if (PHASES === undefined || !existsSync(PHASES)) return [];
  const out: Phases[] = [];
  for (let i = 0; i <= count; i++) {
    const r = spawnSync(process.execPath, [PHASES, planFile, v.format, ...(v.ipset ? ['--ipset'] : [])], { encoding: 'utf8', stdio: ['ignore', openSync(join(dir, 'phases.out'), 'w'), 'pipe'] });
    if (r.status !== 0) throw new Error(`phases ${variantName(v)} failed: ${r.stderr}`);
    // the first run warms the file cache
    if (i > 0) out.push(JSON.parse(r.stderr.trim().split('\n').pop() ?? '{}') as Phases);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// growth

/** The growth exponent is fitted from this size up (the steps below it are printed too). */
const FIT_FROM = 10_000;

/** Least-squares slope of log(y) over log(x): cost ~ x^k. */
function exponent(points: readonly { x: number; y: number }[]): number {
  const pts = points.filter((p) => p.x > 0 && p.y > 0);
  if (pts.length < 2) return Number.NaN;
  const lx = pts.map((p) => Math.log(p.x));
  const ly = pts.map((p) => Math.log(p.y));
  const mx = lx.reduce((a, b) => a + b, 0) / lx.length;
  const my = ly.reduce((a, b) => a + b, 0) / ly.length;
  let num = 0;
  let den = 0;
  lx.forEach((x, i) => {
    num += (x - mx) * ((ly[i] as number) - my);
    den += (x - mx) ** 2;
  });
  return num / den;
}

// ---------------------------------------------------------------------------------------------
// the page

interface JsSize {
  readonly status: 'measured' | 'no-build';
  readonly message: string;
  readonly initialGzipBytes?: number;
  readonly budgetBytes?: number;
  readonly files?: readonly { file: string; bytes: number; gzip: number }[];
}

async function measureJs(): Promise<JsSize> {
  if (!existsSync(join(ROOT, 'dist', 'index.html'))) return { status: 'no-build', message: 'no dist/index.html: run npm run build first' };
  // the build's own budget check is the one definition of "initial JavaScript"
  const check = (await import(join(ROOT, 'scripts', 'check-bundle-size.mjs'))) as {
    initialJs: (dist: string) => { files: { file: string; bytes: number; gzip: number }[]; gzip: number };
    BUDGET_BYTES: number;
  };
  const js = check.initialJs(join(ROOT, 'dist'));
  return { status: 'measured', message: `${js.files.length} file(s)`, initialGzipBytes: js.gzip, budgetBytes: check.BUDGET_BYTES, files: js.files };
}

/** What bench/browser.ts writes: medians in ms under numeric keys, and what they mean. */
type BrowserFigures = Record<string, unknown>;

function readBrowserFigures(file: string | undefined): BrowserFigures | null {
  if (file === undefined || !existsSync(file)) return null;
  const doc: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (typeof doc !== 'object' || doc === null) throw new Error(`${file}: expected a JSON object`);
  return doc as BrowserFigures;
}

// ---------------------------------------------------------------------------------------------
// orchestration

interface Options {
  readonly quick: boolean;
  readonly runs: number;
  readonly browser: string | undefined;
  readonly strict: boolean;
  readonly jsBudget: boolean;
}

function parseArgs(argv: readonly string[]): Options {
  let quick = false;
  let runs: number | undefined;
  let browser: string | undefined;
  let strict = false;
  let jsBudget = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') quick = true;
    else if (a === '--strict') strict = true;
    else if (a === '--js-budget') jsBudget = true;
    else if (a === '--runs') runs = Math.max(3, Number(argv[++i] ?? '15') || 15);
    else if (a === '--browser') browser = argv[++i];
    else if (a === '--help' || a === '-h') {
      process.stdout.write('usage: node bench/run.mjs [--quick] [--runs N] [--browser FILE] [--strict] | --js-budget\n');
      process.exit(0);
    } else throw new Error(`unknown argument ${a ?? ''}`);
  }
  return { quick, runs: runs ?? (quick ? 7 : 15), browser, strict, jsBudget };
}

interface TargetCheck {
  readonly target: string;
  readonly measured: string;
  readonly met: boolean | null;
}

async function orchestrate(argv: readonly string[]): Promise<number> {
  const opts = parseArgs(argv);
  if (opts.jsBudget) {
    const js = await measureJs();
    if (js.status !== 'measured') {
      process.stderr.write(`fwplan bench: ${js.message}\n`);
      return 1;
    }
    const within = (js.initialGzipBytes ?? 0) <= (js.budgetBytes ?? 0);
    process.stdout.write(`initial JS ${size(js.initialGzipBytes ?? 0)} gzipped (budget ${size(js.budgetBytes ?? 0)}): ${within ? 'within' : 'OVER BUDGET'}\n`);
    return within ? 0 : 1;
  }
  if (!existsSync(join(ROOT, 'dist-cli', 'fwplan.cjs'))) throw new Error('the CLI is not built: run npm run build:cli (npm run bench does it)');
  const started = performance.now();
  const loadAtStart = load();
  const log = (line = '') => process.stdout.write(`${line}\n`);
  log(`fwplan bench — ${new Date().toISOString()}, node ${process.version}, ${availableParallelism()} CPU(s) (${cpus()[0]?.model ?? 'unknown'}), load ${loadAtStart}`);
  log(`Every time is a cold, whole process beside the floor (node -e 0) of the same round; medians of ${opts.runs} rounds, (p25–p75) spread.`);
  if (!HAVE_TIME) log(`${TIME_BIN} is missing: CPU time and peak memory are not measured.`);
  log();

  const dir = mkdtempSync(join(tmpdir(), 'fwplan-bench-'));
  const checks: TargetCheck[] = [];
  const results: Record<string, unknown> = {};
  try {
    // 1. the cold CLI on the peers' plan
    const peerFile = join(dir, 'peers.json');
    writeFileSync(peerFile, `${JSON.stringify(benchPlan(PEER_SPEC), null, 2)}\n`);
    const coldVariants = opts.quick ? [NFTABLES, IPTABLES] : ALL_VARIANTS;
    const cold = rounds(
      coldVariants.map((v) => ({ name: variantName(v), args: exportArgs(peerFile, v), out: join(dir, `peers-export.${v.format}${v.ipset ? '.ipset' : ''}`) })),
      opts.runs,
      dir,
    );
    log(`== 1. Cold CLI: node bin/fwplan.cjs export PLAN --format F > out; the peers' plan (DVC 5,000 /32, USERW 500 /24, 3 nodes, version 2 file)`);
    log(`floor node -e 0: ${spread(cold.floor.wall, ' ms')}, min ${ms(cold.floor.wall.min)}, cpu ${cold.floor.cpu ? ms(cold.floor.cpu.median) : '-'} ms, max RSS ${mib(cold.floor.maxRssBytes)} MiB, ${cold.floor.faults === null ? '-' : int(cold.floor.faults)} pages touched (minor faults)`);
    const touch = pageTouchMicros();
    log(`memory: the first touch of a fresh 4 KiB page costs ${Number.isFinite(touch) ? touch.toFixed(1) : '-'} µs on this machine (median of 5 processes); "pages" below is minor faults beyond the floor's`);
    const textOf = (v: Variant) => readFileSync(join(dir, `peers-export.${v.format}${v.ipset ? '.ipset' : ''}`), 'utf8');
    log(table(
      ['format', 'wall ms (p25–p75)', 'min–max', '× floor (p25–p75)', 'cpu ms', 'cpu × floor', 'max RSS MiB', 'pages', 'output', 'rules'],
      cold.cases.map((c, i) => {
        const v = coldVariants[i] as Variant;
        return [
          c.name,
          spread(c.wall),
          `${ms(c.wall.min)}–${ms(c.wall.max)}`,
          `${ratio(c.ratio.median)} (${ratio(c.ratio.p25)}–${ratio(c.ratio.p75)})`,
          c.cpu ? ms(c.cpu.median) : '-',
          c.cpuRatio ? ratio(c.cpuRatio.median) : '-',
          mib(c.maxRssBytes),
          c.faults === null || cold.floor.faults === null ? '-' : `+${int(c.faults - cold.floor.faults)}`,
          size(c.bytes),
          int(countRules(v.format, textOf(v))),
        ];
      }),
      [false, true, true, true, true, true, true, true, true, true],
    ));
    log(`rules: ${FORMAT_IDS.map((f) => `${f} = ${countMeaning(f)}`).join('; ')}.`);
    log();
    for (const [format, limit] of Object.entries(TARGETS.coldRatio)) {
      const c = cold.cases.find((x) => x.name === format);
      if (c) checks.push({ target: `cold ${format} export, peers' plan: ≤ ${limit.toFixed(1)}× node -e 0`, measured: `${ratio(c.ratio.median)} (p25–p75 ${ratio(c.ratio.p25)}–${ratio(c.ratio.p75)}; cpu ${c.cpuRatio ? ratio(c.cpuRatio.median) : '-'})`, met: c.ratio.median <= limit });
    }
    results.cold = { plan: PEER_SPEC, rounds: opts.runs, floor: cold.floor, cases: cold.cases, pageTouchMicros: Number.isFinite(touch) ? touch : null };

    // 2. where the time goes
    const phaseRuns = opts.quick ? 5 : 9;
    const phaseRows: string[][] = [];
    const phaseResults: Record<string, unknown> = {};
    for (const v of [NFTABLES, IPTABLES]) {
      const list = runPhases(peerFile, v, phaseRuns, dir);
      if (list.length === 0) continue;
      const m = (key: keyof Phases) => median(list.map((p) => p[key]));
      phaseRows.push([variantName(v), ms(m('startCpu')), ms(m('initCpu')), ms(m('readCpu')), ms(m('expandCpu')), ms(m('renderCpu')), `${ms(m('startWall'))} / ${ms(m('initWall'))} / ${ms(m('readWall'))} / ${ms(m('expandWall'))} / ${ms(m('renderWall'))}`]);
      phaseResults[variantName(v)] = list;
    }
    if (phaseRows.length > 0) {
      log(`== 2. Where the time goes: the CLI's steps in one fresh process each (bench/phases.ts, bundled like the CLI but without its code cache), median of ${phaseRuns}`);
      log(table(['format', 'start cpu', 'init', 'read plan', 'expand', 'render+write', 'wall: start / init / read / expand / render'], phaseRows, [false, true, true, true, true, true, false]));
      log('start = Node\'s own start and compiling the bundle (CPU time of the process so far); init = the bundle\'s top level; read plan = read the file and the fast reader (no zod); expand = parse the addresses and make the rules; render+write = the export written to stdout. ms of CPU time.');
      log();
      results.phases = phaseResults;
    }

    // 3. scale
    const sizes = opts.quick ? QUICK_SCALE_SIZES : SCALE_SIZES;
    const scaleRows: string[][] = [];
    const scale: { dvc: number; variant: string; figures: CaseFigures; floor: CaseFigures }[] = [];
    for (const dvc of sizes) {
      const file = join(dir, `scale-${dvc}.json`);
      writeFileSync(file, JSON.stringify(benchPlan({ dvc, userw: 500, nodes: 3, mix: 'v4' })));
      // a slow size gets fewer rounds: its noise is small beside its time
      const probe = runNode(exportArgs(file, NFTABLES), join(dir, 'probe.out'), join(dir, 'time.out'));
      const count = probe.wallMs > LONG_RUN_MS ? 3 : opts.quick ? 3 : 5;
      const r = rounds(SCALE_VARIANTS.map((v) => ({ name: variantName(v), args: exportArgs(file, v), out: join(dir, `scale-${dvc}.${v.format}`) })), count, dir);
      r.cases.forEach((c) => {
        scale.push({ dvc, variant: c.name, figures: c, floor: r.floor });
        scaleRows.push([int(dvc), c.name, spread(c.wall), ratio(c.ratio.median), c.cpu ? ms(c.cpu.median) : '-', mib(c.maxRssBytes), size(c.bytes), String(count)]);
      });
      rmSync(file, { force: true });
    }
    log(`== 3. Scale: DVC n /32 + USERW 500 /24, 3 nodes; cold whole process, load now ${load()}`);
    log(table(['DVC', 'format', 'wall ms (p25–p75)', '× floor', 'cpu ms', 'max RSS MiB', 'output', 'rounds'], scaleRows, [true, false, true, true, true, true, true, true]));
    const growthRows: string[][] = [];
    for (const v of SCALE_VARIANTS) {
      const series = scale.filter((s) => s.variant === variantName(v));
      // the work beyond the floor: at 1,000 addresses the process is mostly Node's own start
      const work = series.map((s) => ({ x: s.dvc, y: s.figures.wall.median - s.floor.wall.median }));
      const cpuWork = series.map((s) => ({ x: s.dvc, y: (s.figures.cpu?.median ?? Number.NaN) - (s.floor.cpu?.median ?? Number.NaN) }));
      const steps = series.slice(1).map((s, i) => `${int(series[i]?.dvc ?? 0)}→${int(s.dvc)}: ${exponent([work[i] as { x: number; y: number }, work[i + 1] as { x: number; y: number }]).toFixed(2)}`);
      // fitted where the work is not the fixed cost of the plan's other roles (at 1,000 addresses
      // the 500 user networks and the catalog dominate and the slope says nothing about growth)
      const fitFrom = sizes.filter((n) => n >= FIT_FROM).length >= 2 ? FIT_FROM : 0;
      const fit = <T extends { x: number }>(points: readonly T[]): T[] => points.filter((p) => p.x >= fitFrom);
      const k = exponent(fit(work));
      const kCpu = exponent(fit(cpuWork));
      const kRss = exponent(series.map((s) => ({ x: s.dvc, y: (s.figures.maxRssBytes ?? Number.NaN) - (s.floor.maxRssBytes ?? Number.NaN) })));
      growthRows.push([variantName(v), k.toFixed(2), Number.isFinite(kCpu) ? kCpu.toFixed(2) : '-', Number.isFinite(kRss) ? kRss.toFixed(2) : '-', steps.join(', ')]);
      checks.push({ target: `${variantName(v)}: work grows linearly, DVC ${int(fitFrom > 0 ? fitFrom : (sizes[0] as number))}→${int(sizes[sizes.length - 1] as number)} (k ≤ ${TARGETS.maxExponent})`, measured: `k = ${k.toFixed(2)} (cpu ${Number.isFinite(kCpu) ? kCpu.toFixed(2) : '-'})`, met: k <= TARGETS.maxExponent });
      const at = series.find((s) => s.dvc === TARGETS.scaleAddresses);
      if (at) {
        checks.push({ target: `${variantName(v)}, ${int(TARGETS.scaleAddresses)} DVC: ≤ ${TARGETS.scaleMs} ms whole process`, measured: `${ms(at.figures.wall.median)} ms (${ratio(at.figures.ratio.median)} floor; cpu ${at.figures.cpu ? ms(at.figures.cpu.median) : '-'} ms)`, met: at.figures.wall.median <= TARGETS.scaleMs });
        checks.push({ target: `${variantName(v)}, ${int(TARGETS.scaleAddresses)} DVC: ≤ ${mib(TARGETS.scaleRssBytes)} MiB peak memory`, measured: `${mib(at.figures.maxRssBytes)} MiB`, met: at.figures.maxRssBytes === null ? null : at.figures.maxRssBytes <= TARGETS.scaleRssBytes });
      }
    }
    log(`growth: cost ~ addresses^k on the work beyond the floor (median wall − floor), fitted over the sizes from ${int(sizes.some((n) => n >= FIT_FROM) && sizes.filter((n) => n >= FIT_FROM).length >= 2 ? FIT_FROM : (sizes[0] as number))} up, where the plan's fixed part no longer dominates; 1 = linear`);
    log(table(['format', 'k wall', 'k cpu', 'k memory', 'step by step (wall)'], growthRows, [false, true, true, true, false]));
    log();
    results.scale = scale;

    // 4. the page
    const js = await measureJs();
    const browser = readBrowserFigures(opts.browser);
    log('== 4. The page');
    if (js.status === 'measured') {
      log(`initial JavaScript: ${size(js.initialGzipBytes ?? 0)} gzipped (${(js.files ?? []).map((f) => f.file).join(', ')}); budget ${size(js.budgetBytes ?? 0)}, enforced by npm run build`);
      checks.push({ target: `initial JavaScript ≤ ${size(js.budgetBytes ?? 0)} gzipped`, measured: size(js.initialGzipBytes ?? 0), met: (js.initialGzipBytes ?? 0) <= (js.budgetBytes ?? 0) });
    } else {
      log(`initial JavaScript: ${js.message}`);
    }
    if (browser === null) {
      log('interactions: not measured in this run (npx tsx bench/browser.ts writes them; npm run bench passes them with --browser FILE)');
    } else {
      const figures = browserRows(browser);
      log(`interactions (${typeof browser.source === 'string' ? browser.source : opts.browser}):`);
      log(table(['interaction', 'median ms', 'spread', 'target'], figures.map((f) => [f.label, ms(f.median), f.spread, f.target === undefined ? '' : `< ${f.target} ms`]), [false, true, false, false]));
      for (const f of figures) if (f.target !== undefined) checks.push({ target: `page: ${f.label} < ${f.target} ms`, measured: `${ms(f.median)} ms`, met: f.median < f.target });
    }
    log();
    results.page = { initialJs: js, browser };

    // 5. stored figures of other tools
    log('== 5. Other tools: STORED figures, measured by others on their machine, not in this run (compare with care)');
    log(table(['tool', 'case', 'whole process s', 'output', 'source'], STORED.map((s) => [s.tool, s.what, s.seconds, s.output, s.source]), [false, false, true, false, false]));
    const nftRow = cold.cases.find((c) => c.name === 'nftables');
    const iptRow = cold.cases.find((c) => c.name === 'iptables');
    log(`fwplan in this run, same plan: nftables ${ms(nftRow?.wall.median ?? Number.NaN)} ms, iptables ${ms(iptRow?.wall.median ?? Number.NaN)} ms (${int(countRules('iptables', textOf(IPTABLES)))} ${countMeaning('iptables')}), on a machine whose node -e 0 took ${ms(cold.floor.wall.median)} ms.`);
    log();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  // 6. targets
  log(`== 6. Targets of issue 15 (load at start ${loadAtStart}, at end ${load()})`);
  log(table(['', 'target', 'measured'], checks.map((c) => [c.met === null ? '?' : c.met ? 'met' : 'MISS', c.target, c.measured])));
  const totalSeconds = (performance.now() - started) / 1000;
  const missed = checks.filter((c) => c.met === false).length;
  writeFileSync(
    join(ROOT, 'bench', 'results.json'),
    `${JSON.stringify({ generatedAt: new Date().toISOString(), machine: { node: process.version, cpus: availableParallelism(), model: cpus()[0]?.model ?? null, loadAtStart, loadAtEnd: load() }, rounds: opts.runs, quick: opts.quick, ...results, targets: checks, stored: STORED, totalSeconds }, null, 2)}\n`,
  );
  log(`${missed} target(s) missed. Wrote bench/results.json in ${totalSeconds.toFixed(0)} s.`);
  return opts.strict && missed > 0 ? 1 : 0;
}

interface BrowserRow {
  readonly label: string;
  readonly median: number;
  readonly spread: string;
  readonly target?: number;
}

/**
 * bench/browser.ts writes { interactions: [{ label, median, p25?, p75?, min?, max?, kind }] }
 * (kind "edit" or "paste" carries a target), or the older flat { pasteMs, toggleMs, filterMs }.
 */
function browserRows(doc: BrowserFigures): BrowserRow[] {
  const list = doc.interactions;
  if (Array.isArray(list)) {
    return list.flatMap((x: unknown) => {
      if (typeof x !== 'object' || x === null) return [];
      const o = x as Record<string, unknown>;
      const num = (k: string) => (typeof o[k] === 'number' ? (o[k] as number) : Number.NaN);
      if (typeof o.label !== 'string' || !Number.isFinite(num('median'))) return [];
      const target = o.kind === 'paste' ? TARGETS.pasteMs : o.kind === 'edit' ? TARGETS.editFrameMs : undefined;
      return [{ label: o.label, median: num('median'), spread: Number.isFinite(num('p25')) ? `${ms(num('p25'))}–${ms(num('p75'))} (min ${ms(num('min'))}, max ${ms(num('max'))})` : '', ...(target !== undefined ? { target } : {}) }];
    });
  }
  const flat: [string, string, number | undefined][] = [
    ['pasteMs', 'paste', TARGETS.pasteMs],
    ['toggleMs', 'toggle a service', TARGETS.editFrameMs],
    ['filterMs', 'type in the filter', TARGETS.editFrameMs],
  ];
  return flat.flatMap(([key, label, target]) => (typeof doc[key] === 'number' ? [{ label, median: doc[key] as number, spread: '', ...(target !== undefined ? { target } : {}) }] : []));
}

void orchestrate(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`fwplan bench: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 2;
  },
);
