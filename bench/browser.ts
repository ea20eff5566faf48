/**
 * fwplan browser benchmark: how fast the built page answers edits at 20,000 addresses (issue 15).
 *
 *   npx tsx bench/browser.ts [--out bench/browser.json] [--runs 5] [--addresses 20000]
 *
 * Needs the built app in dist/ (npm run build). Serves it with `vite preview` on 127.0.0.1:4193
 * (stopped at the end, also on failure or Ctrl+C), drives Debian's Chromium (/usr/bin/chromium)
 * through Playwright and measures, in a fresh browser context per run (empty localStorage), with
 * one PRD node typed first:
 *
 *   paste    20,000 distinct addresses pasted through the clipboard (Ctrl+A, Ctrl+V, as
 *            e2e/page-models/RolesPage.ts does) into the first device group's box: from the
 *            paste event until its status line reads "20,000 entries" and the box shows the end
 *            of the pasted text (a box that large is the large editor, which draws the lines in
 *            view: its last line drawn is the last address); and, apart, until the rule count
 *            beside "Review rules" has changed (the rules worked out, in the expansion worker).
 *            The plan the page saved must then hold the 20,000 addresses in order;
 *   edit     one Backspace at the end of that 20,000-line box: from the key press until the
 *            frame where the box shows the shortened last line;
 *   toggle   "SSH 22/tcp from PRD to DVC" switched off on the Services view: until its row shows
 *            switched off; and, apart, until the rule count has changed;
 *   filter   one character typed into the rules filter: until "Showing N of M" shows fewer;
 *   export   the Export step clicked (nftables chosen on an earlier visit): until the preview of
 *            the .nft file of the plan as it is now is shown; and, apart, until the panel is shown.
 *
 * Each rule count reached is checked afterwards against the engine's count (expandPlan) of the
 * plan the page saved, so a page that shows a wrong count fails the bench.
 *
 * Both ends are read inside the page with performance.now(): the start in a capture listener on
 * window (it runs before React's listener on the root), the end by a page.waitForFunction
 * predicate polled on every requestAnimationFrame. In the first frame where the page shows the
 * result the predicate notes the time ("frame ms", before that frame's layout and paint) and posts
 * a task at user-blocking priority (scheduler.postTask), which runs once the browser has rendered
 * that frame: its time is the figure reported (median, p25–p75, min and max of the runs). It also
 * posts a task of normal priority ("next task ms"), which runs after the tasks already waiting,
 * such as an answer of the expansion worker that came in meanwhile: until 2026-11-30 that was the
 * figure, and it counted the handling of such an answer as if it delayed the frame. The browser's own Event Timing entry for the start
 * event (PerformanceEventTiming) is kept as a cross-check.
 *
 * Writes { interactions: [{ label, median, p25, p75, min, max, kind }], source, runs, details } to
 * --out, which `node bench/run.mjs --browser FILE` reads: kind "edit" (target: next frame < 50 ms)
 * or "paste" (< 150 ms); rows without a kind are shown without a target. This is a measurement,
 * not a test: it asserts nothing about time.
 */
import { chromium, type Browser, type Page } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expandPlan, SENHASEGURA_CATALOG } from '../src/engine/index.ts';
import { parsePlan } from '../src/engine/schema.ts';
import { dvcAddress } from './plans.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PORT = 4193;
const BASE_URL = `http://127.0.0.1:${PORT}`;
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const DEFAULT_ADDRESSES = 20_000;
const PRD_ADDRESS = '192.0.2.10';
/** the catalog row switched off, by its name on the Services view */
const TOGGLED_SERVICE = 'SSH 22/tcp from PRD to DVC';
/** the one character typed into the rules filter */
const FILTER_CHAR = 'h';
/** the box the addresses are pasted into: the first device group of a new plan */
const DEVICE_CARD = '#group-DVC-0';
/** its text box: a textarea, or once it holds thousands of lines the large editor's content (CodeMirror) */
const DEVICE_BOX = `${DEVICE_CARD} textarea, ${DEVICE_CARD} .cm-content`;
/** the page's autosave slot (STORAGE_KEY in src/store/persistence.ts, which this project's bench tsconfig does not compile) */
const STORAGE_KEY = 'fwplan.plan.v1';
/**
 * The User Timing entry the page leaves once its idle warm-up for a large paste has run
 * (WARM_UP_MEASURE in src/ui/roles/LargeTextEditor.tsx): a paste before it pays for code run cold.
 */
const WARM_UP_MEASURE = 'fwplan: large editor warm-up';
/** how long one interaction may take before the run is abandoned (a broken page, not a slow one) */
const STEP_TIMEOUT_MS = 30_000;

// ---------------------------------------------------------------------------------------------
// arguments

interface Options {
  readonly out: string;
  readonly runs: number;
  readonly addresses: number;
}

function parseArgs(argv: readonly string[]): Options {
  let out = join(ROOT, 'bench', 'browser.json');
  let runs = 5;
  let addresses = DEFAULT_ADDRESSES;
  const whole = (name: string, v: number): number => {
    if (!Number.isInteger(v) || v < 1) throw new Error(`${name} needs a positive whole number`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--out') {
      const v = argv[++i];
      if (v === undefined) throw new Error('--out needs a file name');
      out = resolve(v);
    } else if (a === '--runs') {
      runs = whole('--runs', Number(argv[++i]));
    } else if (a === '--addresses') {
      addresses = whole('--addresses', Number(argv[++i]));
    } else if (a === '--help' || a === '-h') {
      process.stdout.write('usage: npx tsx bench/browser.ts [--out bench/browser.json] [--runs 5] [--addresses 20000]\n');
      process.exit(0);
    } else {
      throw new Error(`unknown argument ${a ?? ''}`);
    }
  }
  return { out, runs, addresses };
}

// ---------------------------------------------------------------------------------------------
// the preview server

function startServer(): ChildProcess {
  // its own process group, so that npx and the vite process under it end together
  return spawn('npx', ['vite', 'preview', '--host', '127.0.0.1', '--port', String(PORT), '--strictPort'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
}

function stopServer(server: ChildProcess): void {
  if (server.pid === undefined || server.exitCode !== null || server.signalCode !== null) return;
  try {
    process.kill(-server.pid, 'SIGTERM');
  } catch {
    // already gone
  }
}

async function waitForServer(server: ChildProcess): Promise<void> {
  let output = '';
  server.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  server.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null || server.signalCode !== null) {
      throw new Error(`vite preview ended (${server.exitCode ?? server.signalCode}) before serving:\n${output.trim()}`);
    }
    if (/already in use/i.test(output)) throw new Error(`port ${PORT} is taken: ${output.trim()}`);
    try {
      const r = await fetch(`${BASE_URL}/`, { signal: AbortSignal.timeout(2_000) });
      if (r.ok && (await r.text()).includes('<div id="root"')) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`vite preview did not answer on ${BASE_URL} within 30 s:\n${output.trim()}`);
}

// ---------------------------------------------------------------------------------------------
// in-page timing

/** What the page keeps on window while an interaction is timed. */
interface Timer {
  /** performance.now() of the starting event */
  t0: number | null;
  /** performance.now() in the first animation frame callback where each condition held */
  t1: Record<string, number>;
  /**
   * performance.now() in a task posted from that frame callback at user-blocking priority
   * (scheduler.postTask): it runs once the browser has done that frame's style, layout and paint
   * on the main thread, ahead of tasks of normal priority that were already waiting (an answer of
   * the expansion worker, which would otherwise be counted in)
   */
  painted: Record<string, number>;
  /** the same, from a task of normal priority (a MessageChannel message): after whatever waited */
  queued: Record<string, number>;
  /** the predicate has run at least once: polling is in place */
  polling: boolean;
  /**
   * The browser's own Event Timing entry for the start event (PerformanceEventTiming), a
   * cross-check: duration runs from the event's timestamp to the next paint after its handlers,
   * in 8 ms steps; only events of 16 ms or more get an entry.
   */
  eventTiming?: { durationMs: number; processingMs: number; delayMs: number };
  /** texts a condition's element showed on the way that were neither the old nor the new value */
  unexpected: string[];
}

type BenchWindow = Window & { __fwBench?: Timer };

/**
 * Arm a timer in the page: `event` (capture phase, on window) whose target matches `selector`
 * starts it. Returns after the listener is installed.
 */
async function arm(page: Page, event: string, selector: string): Promise<void> {
  await page.evaluate(
    ({ event, selector }) => {
      const w = window as BenchWindow;
      const timer: Timer = { t0: null, t1: {}, painted: {}, queued: {}, polling: false, unexpected: [] };
      w.__fwBench = timer;
      const target = document.querySelector(selector);
      if (!target) throw new Error(`no element ${selector}`);
      const observer = new PerformanceObserver((list) => {
        for (const entry of list.getEntries() as PerformanceEventTiming[]) {
          if (entry.name === event && entry.target === target && timer.eventTiming === undefined) {
            timer.eventTiming = {
              durationMs: entry.duration,
              processingMs: entry.processingEnd - entry.processingStart,
              delayMs: entry.processingStart - entry.startTime,
            };
            observer.disconnect();
          }
        }
      });
      observer.observe({ type: 'event', durationThreshold: 16 } as PerformanceObserverInit);
      // no named helper: tsx would wrap it in a __name() call the page does not have
      const stop = new AbortController();
      window.addEventListener(
        event,
        (e: Event) => {
          if (timer.t0 === null && e.target instanceof Node && target.contains(e.target)) {
            timer.t0 = performance.now();
            stop.abort();
          }
        },
        { capture: true, signal: stop.signal },
      );
    },
    { event, selector },
  );
}

/**
 * What the page must show for an interaction to count as done. Plain data, checked by the
 * predicate below: the page's Content-Security-Policy has no 'unsafe-eval', so no code strings.
 */
type Condition =
  /** the element's text contains `expected` */
  | { readonly kind: 'text-includes'; readonly selector: string; readonly expected: string }
  /** the element's text ends with `expected` */
  | { readonly kind: 'text-ends'; readonly selector: string; readonly expected: string }
  /** the element exists */
  | { readonly kind: 'present'; readonly selector: string }
  /**
   * the text box shows the end of its text: a textarea holds `length` characters ending in
   * `lastLine`; the large editor, which draws only the lines in view, draws `lastLine` as its last
   * line (the caret is at the end, so the end is in view)
   */
  | { readonly kind: 'box-end'; readonly selector: string; readonly length: number; readonly lastLine: string }
  /** the element's text reads "Showing N of M" with N < M and M as in `before` */
  | { readonly kind: 'filtered'; readonly selector: string; readonly before: string }
  /**
   * the rule count beside "Review rules" in the step navigation reads something else than `from`
   * (and is a number): the rules of the edit were worked out and shown
   */
  | { readonly kind: 'rule-count-changed'; readonly from: string }
  /** the Services row with this id shows switched off (class rule-off, checkbox unchecked) */
  | { readonly kind: 'row-off'; readonly rowId: string };

type Conditions = Record<string, Condition>;

/** The rule count beside "Review rules" in the step navigation (runs in the page). */
function pageRuleCount(): string | null {
  const steps = Array.from(document.querySelectorAll('nav[aria-label="Steps"] button'));
  const step = steps.find((b) => b.querySelector('.step-label')?.textContent === 'Review rules');
  return step?.querySelector('.step-meta')?.textContent ?? null;
}

interface Timed {
  /** per condition: ms from the start event to the first frame where it held */
  readonly ms: Record<string, number>;
  /** per condition: ms from the start event until that frame was rendered */
  readonly paintedMs: Record<string, number>;
  /** the same, measured by a task of normal priority (after the tasks that were waiting) */
  readonly queuedMs: Record<string, number>;
  readonly eventTiming: Timer['eventTiming'] | null;
}

/**
 * Start polling `conditions` on every frame (page.waitForFunction, polling 'raf'), wait until the
 * predicate is running, then run `act`, and wait until every condition held.
 */
async function timeInteraction(page: Page, conditions: Conditions, act: () => Promise<void>): Promise<Timed> {
  // no helper functions inside the predicate either (see arm)
  const done = page.waitForFunction(
    (conds: Conditions) => {
      const timer = (window as BenchWindow).__fwBench;
      if (!timer) return false;
      timer.polling = true;
      if (timer.t0 === null) return false;
      const now = performance.now();
      for (const [name, c] of Object.entries(conds)) {
        if (timer.t1[name] !== undefined) continue;
        let holds = false;
        if (c.kind === 'text-includes') {
          holds = (document.querySelector(c.selector)?.textContent ?? '').includes(c.expected);
        } else if (c.kind === 'text-ends') {
          holds = (document.querySelector(c.selector)?.textContent ?? '').endsWith(c.expected);
        } else if (c.kind === 'present') {
          holds = document.querySelector(c.selector) !== null;
        } else if (c.kind === 'box-end') {
          const box = document.querySelector(c.selector);
          if (box instanceof HTMLTextAreaElement) holds = box.value.length === c.length && box.value.endsWith(c.lastLine);
          else holds = !!box && box.classList.contains('cm-content') && box.lastElementChild?.textContent === c.lastLine;
        } else if (c.kind === 'filtered') {
          const shown = /Showing ([\d,]+) of ([\d,]+)/.exec(document.querySelector(c.selector)?.textContent ?? '');
          const was = /Showing ([\d,]+) of ([\d,]+)/.exec(c.before);
          holds = !!shown && !!was && shown[2] === was[2] && Number(shown[1]?.replace(/,/g, '')) < Number(shown[2]?.replace(/,/g, ''));
        } else if (c.kind === 'rule-count-changed') {
          // as pageRuleCount
          const step = Array.from(document.querySelectorAll('nav[aria-label="Steps"] button')).find((b) => b.querySelector('.step-label')?.textContent === 'Review rules');
          const shown = step?.querySelector('.step-meta')?.textContent ?? '';
          holds = shown !== c.from && /^[\d,]+$/.test(shown);
        } else {
          const row = document.getElementById(c.rowId);
          holds = !!row && row.classList.contains('rule-off') && row.querySelector<HTMLInputElement>('input[type=checkbox]')?.checked === false;
        }
        if (holds) {
          timer.t1[name] = now;
          const channel = new MessageChannel();
          channel.port1.onmessage = () => {
            timer.queued[name] = performance.now();
          };
          channel.port2.postMessage(null);
          const scheduler = (globalThis as { scheduler?: { postTask(task: () => void, options: { priority: string }): Promise<unknown> } }).scheduler;
          if (scheduler) {
            void scheduler.postTask(
              () => {
                timer.painted[name] = performance.now();
              },
              { priority: 'user-blocking' },
            );
          } else {
            channel.port1.addEventListener('message', () => {
              timer.painted[name] = performance.now();
            });
          }
        }
      }
      return Object.keys(conds).every((name) => timer.painted[name] !== undefined && timer.queued[name] !== undefined);
    },
    conditions,
    { polling: 'raf', timeout: STEP_TIMEOUT_MS },
  );
  await page.waitForFunction(() => (window as BenchWindow).__fwBench?.polling === true, undefined, { polling: 'raf', timeout: STEP_TIMEOUT_MS });
  try {
    await act();
    await done;
  } catch (error) {
    done.catch(() => undefined);
    const state = await page.evaluate(() => (window as BenchWindow).__fwBench ?? null).catch(() => null);
    const missing = Object.keys(conditions).filter((name) => state?.t1[name] === undefined);
    throw new Error(
      `${error instanceof Error ? error.message : String(error)}\n` +
        `start event ${state?.t0 === null || state === null ? 'never fired' : 'fired'}; never held: ${missing.map((m) => `${m} ${JSON.stringify(conditions[m])}`).join(', ')}`,
    );
  }
  // Event Timing entries arrive after the paint that follows the event; a short event has none
  await page
    .waitForFunction(() => (window as BenchWindow).__fwBench?.eventTiming !== undefined, undefined, { timeout: 500 })
    .catch(() => undefined);
  const timer = await page.evaluate(() => (window as BenchWindow).__fwBench ?? null);
  if (!timer || timer.t0 === null) throw new Error('the interaction never fired its start event');
  const t0 = timer.t0;
  return {
    ms: Object.fromEntries(Object.keys(conditions).map((name) => [name, (timer.t1[name] as number) - t0])),
    paintedMs: Object.fromEntries(Object.keys(conditions).map((name) => [name, (timer.painted[name] as number) - t0])),
    queuedMs: Object.fromEntries(Object.keys(conditions).map((name) => [name, (timer.queued[name] as number) - t0])),
    eventTiming: timer.eventTiming ?? null,
  };
}

// ---------------------------------------------------------------------------------------------
// one run

/** One measured figure of one run. */
interface Figure {
  /** ms from the start event to the first animation frame callback where the page showed it */
  readonly frameMs: number;
  /** ms from the start event until that frame was rendered (style, layout, paint) */
  readonly paintedMs: number;
  /** the same, by a task of normal priority: also the tasks that were waiting then */
  readonly queuedMs: number;
}

const MEASURES = ['paste', 'pasteRules', 'edit', 'toggle', 'toggleRules', 'filter', 'exportPanel', 'exportPreview'] as const;
type Measure = (typeof MEASURES)[number];
/** the interactions whose start event Event Timing reports */
const EVENTS = ['paste', 'edit', 'toggle', 'filter', 'export'] as const;
type EventName = (typeof EVENTS)[number];

interface RunResult {
  readonly figures: Record<Measure, Figure>;
  /** the browser's Event Timing entries for the start events (null: under 16 ms, no entry) */
  readonly eventTiming: Record<EventName, Timer['eventTiming'] | null>;
  /** the rule counts shown after the paste and after the toggle, each equal to the engine's */
  readonly ruleCounts: { readonly prdOnly: number; readonly pasted: number; readonly toggled: number };
  readonly summaryBefore: string;
  readonly summaryAfter: string;
  readonly previewFile: string;
  /** the page's idle warm-up had run when the paste came (see WARM_UP_MEASURE) */
  readonly warmedUp: boolean;
}

const stepNav = (page: Page) => page.getByRole('navigation', { name: 'Steps' });
const stepButton = (page: Page, name: string) => stepNav(page).getByRole('button', { name: new RegExp(`^\\d?\\s*${name}`) });

async function goTo(page: Page, name: string): Promise<void> {
  const button = stepButton(page, name);
  await button.click();
  await page.waitForFunction((el) => el?.getAttribute('aria-current') === 'step', await button.elementHandle(), { timeout: STEP_TIMEOUT_MS });
}

/** As EntryBox.paste in e2e/page-models/RolesPage.ts: through the clipboard with Ctrl+A, Ctrl+V. */
async function paste(page: Page, selector: string, text: string): Promise<void> {
  await page.evaluate((t) => navigator.clipboard.writeText(t), text);
  await page.locator(selector).focus();
  await page.keyboard.press('Control+a');
  await page.keyboard.press('Control+v');
}

async function ruleCount(page: Page): Promise<string> {
  const text = await page.evaluate(pageRuleCount);
  if (text === null) throw new Error('no rule count beside "Review rules" in the step navigation');
  return text;
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}

function toInt(text: string): number {
  return Number(text.replace(/[^\d]/g, ''));
}

/**
 * The engine's rule count of the plan the page has saved (its autosave, written on every change):
 * what the rule count beside "Review rules" must read.
 */
async function engineRuleCount(page: Page): Promise<number> {
  const raw = await page.evaluate((key) => localStorage.getItem(key), STORAGE_KEY);
  if (raw === null) throw new Error('the page saved no plan');
  const saved = JSON.parse(raw) as { state?: { plan?: unknown } };
  const parsed = parsePlan(saved.state?.plan);
  if (!parsed.ok) throw new Error(`the page saved an invalid plan: ${parsed.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
  return expandPlan(parsed.plan).rules.length;
}

function lastLine(text: string): string {
  return text.slice(text.lastIndexOf('\n') + 1);
}

/**
 * The first device group's entries in the plan the page saved, once they are the pasted lines in
 * order: the box may draw only the lines in view, so what it holds is read from the plan.
 */
async function checkSavedDevices(page: Page, addresses: string, when: string): Promise<void> {
  const want = addresses.split('\n');
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  for (;;) {
    const raw = await page.evaluate((key) => localStorage.getItem(key), STORAGE_KEY);
    const saved = raw === null ? null : (JSON.parse(raw) as { state?: { plan?: { deviceGroups?: { entries?: (string | { address?: string })[] }[] } } });
    const entries = saved?.state?.plan?.deviceGroups?.[0]?.entries ?? [];
    const got = entries.map((e) => (typeof e === 'string' ? e : (e.address ?? '')));
    if (got.length === want.length && got.every((a, i) => a === want[i])) return;
    if (Date.now() > deadline) throw new Error(`${when}: the saved plan's first device group holds ${got.length} entries, not the ${want.length} pasted`);
    await page.waitForTimeout(100);
  }
}

/** The rule count beside "Review rules", once it equals the engine's count of the saved plan. */
async function checkedRuleCount(page: Page, when: string): Promise<number> {
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  for (;;) {
    const shown = toInt(await ruleCount(page));
    const engine = await engineRuleCount(page);
    if (shown === engine) return shown;
    if (Date.now() > deadline) throw new Error(`${when}: the page shows ${shown} rules, the engine makes ${engine} of the plan it saved`);
    await page.waitForTimeout(100);
  }
}

async function oneRun(browser: Browser, addresses: string, addressCount: number): Promise<RunResult> {
  const context = await browser.newContext({
    baseURL: BASE_URL,
    viewport: { width: 1400, height: 900 },
    permissions: ['clipboard-read', 'clipboard-write'],
  });
  try {
    const page = await context.newPage();
    await page.goto('/');
    await stepNav(page).waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
    // a new context starts with empty storage; make sure of it, and start from the new plan
    const stored = await page.evaluate(() => {
      const n = localStorage.length;
      localStorage.clear();
      return n;
    });
    if (stored > 0) {
      await page.reload();
      await stepNav(page).waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
    }
    // choose nftables on a first visit to Export (it also loads that view's code)
    await goTo(page, 'Export');
    await page.getByLabel('Format', { exact: true }).selectOption('nftables');
    await goTo(page, 'Addresses');

    // one PRD node: every rule needs one
    await paste(page, 'textarea[aria-label="PRD addresses"], #role-PRD textarea', PRD_ADDRESS);
    await page.locator('#role-PRD .role-status').filter({ hasText: '1 entry' }).waitFor({ timeout: STEP_TIMEOUT_MS });
    const prdOnly = await checkedRuleCount(page, 'with the PRD node alone');

    // 1. paste the addresses into the first device group, timed from the paste event (before the
    // browser puts the text in the box: its own cost for 20,000 lines is part of the figure)
    const warmedUp = await page.evaluate((name) => performance.getEntriesByName(name).length > 0, WARM_UP_MEASURE);
    await arm(page, 'paste', DEVICE_BOX);
    const expectedStatus = `${count(addressCount)} entries`;
    const pasted = await timeInteraction(
      page,
      {
        status: { kind: 'text-includes', selector: `${DEVICE_CARD} .role-status`, expected: expectedStatus },
        box: { kind: 'box-end', selector: DEVICE_BOX, length: addresses.length, lastLine: lastLine(addresses) },
        rules: { kind: 'rule-count-changed', from: count(prdOnly) },
      },
      () => paste(page, DEVICE_BOX, addresses),
    );
    await checkSavedDevices(page, addresses, 'after the paste');
    const afterPaste = await checkedRuleCount(page, `after pasting ${count(addressCount)} addresses`);
    await page.waitForTimeout(400);

    // 2. one keystroke at the end of the 20,000-line box
    await page.locator(DEVICE_BOX).click();
    await page.keyboard.press('Control+End');
    // from the key press: the large editor handles Backspace itself, without an input event
    await arm(page, 'keydown', DEVICE_BOX);
    const edited = await timeInteraction(page, { value: { kind: 'box-end', selector: DEVICE_BOX, length: addresses.length - 1, lastLine: lastLine(addresses.slice(0, -1)) } }, () =>
      page.keyboard.press('Backspace'),
    );
    // back as it was, so that the rest runs on the pasted plan
    await page.keyboard.type(addresses.slice(-1));
    await page.waitForTimeout(600);
    await checkSavedDevices(page, addresses, 'after the edit and its undoing');
    const pastedCount = await checkedRuleCount(page, 'after the edit and its undoing');
    if (pastedCount !== afterPaste) throw new Error(`after undoing the edit the page shows ${pastedCount} rules, ${afterPaste} before`);

    // 3. switch one service off on the Services view
    await goTo(page, 'Services');
    const checkbox = page.getByRole('checkbox', { name: TOGGLED_SERVICE, exact: true });
    await checkbox.scrollIntoViewIfNeeded();
    if (!(await checkbox.isChecked())) throw new Error(`${TOGGLED_SERVICE} is not on to begin with`);
    const rowId = await checkbox.evaluate((el) => el.closest('tr')?.id ?? '');
    if (rowId === '') throw new Error(`no row around ${TOGGLED_SERVICE}`);
    const before = await ruleCount(page);
    await checkbox.evaluate((el) => el.setAttribute('data-bench-toggle', ''));
    await arm(page, 'click', '[data-bench-toggle]');
    const toggled = await timeInteraction(
      page,
      {
        row: { kind: 'row-off', rowId },
        rules: { kind: 'rule-count-changed', from: before },
      },
      () => checkbox.click(),
    );
    const afterToggle = await checkedRuleCount(page, `after switching ${TOGGLED_SERVICE} off`);
    await page.waitForTimeout(400);

    // 4. type one character into the rules filter
    await goTo(page, 'Review rules');
    const summary = page.getByTestId('rules-summary');
    await summary.waitFor({ timeout: STEP_TIMEOUT_MS });
    const summaryBefore = (await summary.textContent()) ?? '';
    await page.locator('#rules-filter').focus();
    await arm(page, 'input', '#rules-filter');
    const filtered = await timeInteraction(page, { summary: { kind: 'filtered', selector: '[data-testid="rules-summary"]', before: summaryBefore } }, () =>
      page.keyboard.type(FILTER_CHAR),
    );
    const summaryAfter = (await summary.textContent()) ?? '';
    await page.waitForTimeout(400);

    // 5. switch to Export: the nftables preview of the plan as it is now
    const exportButton = stepButton(page, 'Export');
    await exportButton.evaluate((el) => el.setAttribute('data-bench-export', ''));
    await arm(page, 'click', '[data-bench-export]');
    const exported = await timeInteraction(
      page,
      {
        panel: { kind: 'present', selector: '.export-panel' },
        preview: { kind: 'text-ends', selector: '[data-testid="export-file-name"]', expected: '.nft' },
        previewText: { kind: 'present', selector: '[data-testid="export-preview"]' },
      },
      () => exportButton.click(),
    );
    const previewFile = (await page.getByTestId('export-file-name').textContent()) ?? '';
    const previewHead = (await page.getByTestId('export-preview').textContent()) ?? '';
    if (!previewHead.includes('table inet fwplan')) throw new Error(`the nftables preview does not start as an nftables file: ${previewHead.slice(0, 200)}`);

    const figure = (t: Timed, name: string): Figure => ({ frameMs: t.ms[name] as number, paintedMs: t.paintedMs[name] as number, queuedMs: t.queuedMs[name] as number });
    const later = (a: Figure, b: Figure): Figure => (a.paintedMs >= b.paintedMs ? a : b);
    return {
      figures: {
        // the status line and the box's last line, both shown (the doc comment at the top): whichever came later
        paste: later(figure(pasted, 'status'), figure(pasted, 'box')),
        pasteRules: figure(pasted, 'rules'),
        edit: figure(edited, 'value'),
        toggle: figure(toggled, 'row'),
        toggleRules: figure(toggled, 'rules'),
        filter: figure(filtered, 'summary'),
        exportPanel: figure(exported, 'panel'),
        exportPreview: later(figure(exported, 'preview'), figure(exported, 'previewText')),
      },
      eventTiming: { paste: pasted.eventTiming, edit: edited.eventTiming, toggle: toggled.eventTiming, filter: filtered.eventTiming, export: exported.eventTiming },
      ruleCounts: { prdOnly, pasted: afterPaste, toggled: afterToggle },
      summaryBefore: summaryBefore.trim(),
      summaryAfter: summaryAfter.trim(),
      previewFile,
      warmedUp,
    };
  } finally {
    await context.close();
  }
}

// ---------------------------------------------------------------------------------------------
// report

interface Stats {
  readonly median: number;
  readonly p25: number;
  readonly p75: number;
  readonly min: number;
  readonly max: number;
  readonly samples: readonly number[];
}

/** Linear interpolation between closest ranks. */
function quantile(sorted: readonly number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (pos - lo);
}

function stats(values: readonly number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  const round = (v: number) => Math.round(v * 10) / 10;
  return {
    median: round(quantile(sorted, 0.5)),
    p25: round(quantile(sorted, 0.25)),
    p75: round(quantile(sorted, 0.75)),
    min: round(sorted[0] as number),
    max: round(sorted[sorted.length - 1] as number),
    samples: values.map(round),
  };
}

function fmt(v: number): string {
  return v.toFixed(1);
}

async function main(): Promise<number> {
  const opts = parseArgs(process.argv.slice(2));
  if (!existsSync(join(ROOT, 'dist', 'index.html'))) {
    process.stderr.write('fwplan browser bench: no built app in dist/: run npm run build first\n');
    return 1;
  }
  if (!existsSync(CHROMIUM)) {
    process.stderr.write(`fwplan browser bench: no Chromium at ${CHROMIUM}\n`);
    return 1;
  }
  if (!SENHASEGURA_CATALOG.some((r) => `${r.service} from ${r.source} to ${r.destination}` === TOGGLED_SERVICE)) throw new Error(`no catalog row named ${TOGGLED_SERVICE}`);

  const n = opts.addresses;
  const list = Array.from({ length: n }, (_, i) => dvcAddress(i, 'v4'));
  if (new Set(list).size !== n) throw new Error('the addresses are not distinct');
  const text = list.join('\n');

  /** what each figure is, its target kind, and what it waits for */
  const ROWS: Record<Measure, { label: string; kind?: 'edit' | 'paste'; until: string }> = {
    paste: { label: `paste ${count(n)} addresses into a device group`, kind: 'paste', until: `"${count(n)} entries" in the group's status line` },
    pasteRules: { label: 'paste: its rules worked out and counted', until: 'the rule count beside "Review rules" changed (the expansion worker answered)' },
    edit: { label: `one keystroke in the ${count(n)}-line box`, kind: 'edit', until: 'the frame after a Backspace at the end of the box' },
    toggle: { label: 'toggle a service off', kind: 'edit', until: `${TOGGLED_SERVICE}: its row shown switched off` },
    toggleRules: { label: 'toggle: its rules worked out and counted', until: 'the rule count beside "Review rules" changed' },
    filter: { label: `type "${FILTER_CHAR}" in the rules filter`, kind: 'edit', until: '"Showing N of M" shows fewer of the same M' },
    exportPanel: { label: 'switch to Export: the view shown', until: 'the Export view is in the page' },
    exportPreview: { label: 'switch to Export: nftables preview shown', kind: 'edit', until: 'the preview of the .nft file of the current plan is shown' },
  };

  const started = performance.now();
  const loadAtStart = loadavg();
  const server = startServer();
  const onSignal = (signal: NodeJS.Signals) => {
    stopServer(server);
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let browser: Browser | undefined;
  let browserVersion = 'unknown';
  const runs: RunResult[] = [];
  try {
    await waitForServer(server);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    browserVersion = browser.version();
    for (let i = 0; i < opts.runs; i++) {
      const r = await oneRun(browser, text, n);
      runs.push(r);
      const f = r.figures;
      process.stdout.write(`run ${i + 1}/${opts.runs}: ${MEASURES.map((m) => `${m} ${fmt(f[m].paintedMs)}`).join(', ')} ms\n`);
    }
  } finally {
    await browser?.close().catch(() => undefined);
    stopServer(server);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }

  const painted = Object.fromEntries(MEASURES.map((m) => [m, stats(runs.map((r) => r.figures[m].paintedMs))])) as Record<Measure, Stats>;
  const frame = Object.fromEntries(MEASURES.map((m) => [m, stats(runs.map((r) => r.figures[m].frameMs))])) as Record<Measure, Stats>;
  const queued = Object.fromEntries(MEASURES.map((m) => [m, stats(runs.map((r) => r.figures[m].queuedMs))])) as Record<Measure, Stats>;
  const eventTiming = (key: EventName) => {
    const durations = runs.map((r) => r.eventTiming[key]?.durationMs ?? null);
    const seen = durations.filter((d): d is number => d !== null);
    return {
      shown: seen.length === 0 ? '< 16' : `${fmt(stats(seen).median)}${seen.length < durations.length ? ` (${seen.length} of ${durations.length})` : ''}`,
      entries: runs.map((r) => r.eventTiming[key]),
    };
  };
  const events = Object.fromEntries(EVENTS.map((e) => [e, eventTiming(e)])) as Record<EventName, ReturnType<typeof eventTiming>>;
  const eventOf: Partial<Record<Measure, EventName>> = { paste: 'paste', edit: 'edit', toggle: 'toggle', filter: 'filter', exportPreview: 'export' };
  const first = runs[0] as RunResult;

  const header = ['interaction', 'median ms', 'p25–p75', 'min', 'max', 'frame ms', 'next task ms', 'event timing', 'target'];
  const cells = MEASURES.map((m) => {
    const e = eventOf[m];
    const row = ROWS[m];
    return [
      row.label,
      fmt(painted[m].median),
      `${fmt(painted[m].p25)}–${fmt(painted[m].p75)}`,
      fmt(painted[m].min),
      fmt(painted[m].max),
      fmt(frame[m].median),
      fmt(queued[m].median),
      e ? events[e].shown : '',
      row.kind === 'paste' ? '< 150' : row.kind === 'edit' ? '< 50' : '',
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  const line = (row: readonly string[]) => row.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ').trimEnd();
  const loadAtEnd = loadavg();
  process.stdout.write(
    [
      '',
      `== Browser: Chromium ${browserVersion}, ${count(n)} addresses, ${opts.runs} run(s), a fresh browser context each; ${availableParallelism()} CPU(s), load ${loadAtStart.map((l) => l.toFixed(2)).join(' ')} at start, ${loadAtEnd.map((l) => l.toFixed(2)).join(' ')} at end`,
      line(header),
      widths.map((w) => '-'.repeat(w)).join('  '),
      ...cells.map(line),
      'ms: from the paste (input, click) event until the first frame that shows the result has been rendered; performance.now() in the page.',
      "frame ms: until that frame's requestAnimationFrame callback (before its layout and paint). 'ms' ends in a user-blocking task posted from that callback",
      "(scheduler.postTask), which runs right after the frame is rendered; next task ms ends in a normal task posted then (a MessageChannel message), which",
      "runs only after the tasks already waiting, such as the expansion worker's answer. event timing: the browser's PerformanceEventTiming",
      'duration of the start event (from its timestamp, before the handlers, to the next paint; 8 ms steps; no entry under 16 ms), median.',
      `the page's idle warm-up for a large paste (${WARM_UP_MEASURE}) had run before the paste in ${runs.filter((r) => r.warmedUp).length} of ${runs.length} run(s); the paste is timed as soon as the page is ready, without waiting for it.`,
      `rule counts (each checked against the engine's count of the plan the page saved): PRD node alone ${count(first.ruleCounts.prdOnly)}, pasted ${count(first.ruleCounts.pasted)}, toggled ${count(first.ruleCounts.toggled)}; filter "${first.summaryBefore}" -> "${first.summaryAfter}"; preview ${first.previewFile}`,
      '',
    ].join('\n'),
  );

  const doc = {
    interactions: MEASURES.map((m) => ({
      label: ROWS[m].label,
      median: painted[m].median,
      nextTaskMedian: queued[m].median,
      p25: painted[m].p25,
      p75: painted[m].p75,
      min: painted[m].min,
      max: painted[m].max,
      ...(ROWS[m].kind ? { kind: ROWS[m].kind } : {}),
    })),
    source: 'bench/browser.ts',
    runs: opts.runs,
    addresses: n,
    details: {
      generatedAt: new Date().toISOString(),
      browser: `Chromium ${browserVersion}`,
      cpus: availableParallelism(),
      loadAtStart,
      loadAtEnd,
      measured:
        'ms from the start event (paste for the paste; input for the keystroke and the filter; click for the checkbox and the Export step), read in a capture listener on window, until a task posted from ' +
        'the first requestAnimationFrame callback (page.waitForFunction, polling raf) where the page shows the result: that frame has been rendered. ' +
        'frame: until that requestAnimationFrame callback itself. A fresh browser context (empty localStorage) per run.',
      figures: Object.fromEntries(MEASURES.map((m) => [m, { ...painted[m], frame: frame[m], until: ROWS[m].until, ...(ROWS[m].kind ? { kind: ROWS[m].kind } : {}) }])),
      ruleCounts: runs.map((r) => r.ruleCounts),
      warmedUpBeforePaste: runs.map((r) => r.warmedUp),
      filter: { typed: FILTER_CHAR, before: first.summaryBefore, after: first.summaryAfter },
      eventTiming: {
        about: 'PerformanceEventTiming of the start event: duration from its timestamp to the next paint after its handlers, 8 ms granularity; null when under the 16 ms threshold',
        ...Object.fromEntries(EVENTS.map((e) => [e, events[e].entries])),
      },
      totalSeconds: Math.round((performance.now() - started) / 100) / 10,
    },
  };
  mkdirSync(dirname(opts.out), { recursive: true });
  writeFileSync(opts.out, `${JSON.stringify(doc, null, 2)}\n`);
  process.stdout.write(`Wrote ${opts.out} in ${doc.details.totalSeconds} s.\n`);
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`fwplan browser bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
