import { useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { LIST_ROLES, expandPlan, type GroupRole, type ListRole, type NodeRole, type Plan, type RuleSet } from '../engine/index.ts';
import { afterNextFrame, windowClock } from './afterFrame.ts';
import { ExpansionClient, type ExpansionStats } from './expansion/client.ts';
import type { WorkerAnswer } from './expansion/protocol.ts';
import { nodesFromParse, type TextNode } from './nodeText.ts';
import type { RoleTextMap, TextRole } from './slices/planSlice.ts';
import { parseRoleTextCached } from './roleParseCache.ts';
import type { RoleTextParse } from './roleText.ts';
import { appStore, useStore } from './store.ts';

// Derived data is never stored: it is computed from the plan and remembered, so every panel that
// asks for the same plan shares one expansion. The rule set depends only on these parts of the
// plan; the store keeps the other parts' objects when it edits one (name, change request), so
// typing a change-request field never expands the plan again.
interface Remembered {
  readonly cluster: boolean;
  readonly nodes: Plan['nodes'];
  readonly userGroups: Plan['userGroups'];
  readonly deviceGroups: Plan['deviceGroups'];
  readonly customFlows: Plan['customFlows'];
  /** per-rule expiries live in the change request's rule notes */
  readonly ruleNotes: NonNullable<Plan['changeRequest']>['ruleNotes'];
  readonly roles: Plan['roles'];
  readonly disabled: Plan['disabled'];
  readonly enabled: Plan['enabled'];
  readonly ports: Plan['ports'];
  /** the plan the rule set was made from */
  readonly plan: Plan;
  readonly ruleSet: RuleSet;
}
const REMEMBER = 4;
/** Today, for expiries: rules and site flows that expired before it are left out (said in the findings). */
export const TODAY = (() => {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
})();
/** most recently used first: when the plan changes, the first is "the previous rule set" */
const remembered: Remembered[] = [];
/** how long the last expansion on this thread took: a large plan is expanded only once typing pauses */
let lastExpandMs = 0;
const SLOW_EXPAND_MS = 25;
const SETTLE_MS = 250;

function sameInputs(r: Remembered, plan: Plan): boolean {
  return (
    r.cluster === plan.cluster &&
    r.nodes === plan.nodes &&
    r.userGroups === plan.userGroups &&
    r.deviceGroups === plan.deviceGroups &&
    r.customFlows === plan.customFlows &&
    r.ruleNotes === plan.changeRequest?.ruleNotes &&
    r.roles === plan.roles &&
    r.disabled === plan.disabled &&
    r.enabled === plan.enabled &&
    r.ports === plan.ports
  );
}

/** The remembered rule set of this plan's inputs; `use`: it is being shown, so it moves to the front. */
export function rememberedFor(plan: Plan, use = false): Remembered | undefined {
  const i = remembered.findIndex((r) => sameInputs(r, plan));
  const hit = remembered[i];
  if (hit && use && i > 0) {
    remembered.splice(i, 1);
    remembered.unshift(hit);
  }
  return hit;
}

function remember(plan: Plan, ruleSet: RuleSet): void {
  if (rememberedFor(plan, true)) return;
  remembered.unshift({
    cluster: plan.cluster,
    nodes: plan.nodes,
    userGroups: plan.userGroups,
    deviceGroups: plan.deviceGroups,
    customFlows: plan.customFlows,
    ruleNotes: plan.changeRequest?.ruleNotes,
    roles: plan.roles,
    disabled: plan.disabled,
    enabled: plan.enabled,
    ports: plan.ports,
    plan,
    ruleSet,
  });
  remembered.length = Math.min(remembered.length, REMEMBER);
}

/**
 * The rule set of a plan, now: remembered, or expanded on this thread. For what needs the rules of
 * exactly this plan at once (a download, a comparison baseline); panels use useRuleSet.
 */
export function ruleSetOf(plan: Plan): RuleSet {
  const hit = rememberedFor(plan);
  if (hit) return hit.ruleSet;
  const started = performance.now();
  const ruleSet = expandPlan(plan, { today: TODAY });
  lastExpandMs = performance.now() - started;
  remember(plan, ruleSet);
  return ruleSet;
}

// ---------------------------------------------------------------------------------------------
// the expansion worker

const listeners = new Set<() => void>();
/** grows with every answer the worker gives: what React re-renders on */
let answers = 0;

function subscribeAnswers(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function answersSeen(): number {
  return answers;
}

/**
 * The engine in a Web Worker (./expansion/), so that expanding 20,000 addresses never blocks
 * typing or a click. Where there is no Worker (unit tests run in node) or it fails to start, the
 * plan is expanded on this thread as before.
 */
function startWorker(): ExpansionClient | undefined {
  if (typeof Worker !== 'function') return undefined;
  let worker: Worker;
  try {
    worker = new Worker(new URL('./expansion/expand.worker.ts', import.meta.url), { type: 'module', name: 'fwplan-expand' });
  } catch {
    return undefined;
  }
  const client = new ExpansionClient(worker, TODAY, ({ plan, ruleSet }) => remember(plan, ruleSet));
  client.subscribe(() => {
    answers++;
    for (const l of listeners) l();
  });
  worker.onmessage = (event: MessageEvent<WorkerAnswer>) => client.receive(event.data);
  worker.onmessageerror = () => client.fail('an answer of the expansion worker could not be read');
  worker.onerror = (event) => {
    event.preventDefault();
    worker.terminate();
    client.fail(`the expansion worker stopped: ${event.message || 'it could not be loaded'}`);
  };
  return client;
}

/** the worker's client, once it has been started (connectWorker) */
let client: ExpansionClient | undefined;

export function workerClient(): ExpansionClient | undefined {
  return client !== undefined && client.failure === undefined ? client : undefined;
}

/** Whether plans are expanded in the worker (false in unit tests, before it started, or once it failed), and what it has answered. */
export function expansionStatus(): { worker: boolean; failure?: string; stats?: ExpansionStats } {
  return { worker: workerClient() !== undefined, ...(client?.failure !== undefined ? { failure: client.failure } : {}), ...(client ? { stats: client.stats } : {}) };
}

/** How long a new plan waits for the frame that shows its edit before it goes to the worker anyway. */
const SEND_LIMIT_MS = 100;

/**
 * Start the worker; from then on each new plan goes to it once the frame that shows the edit has
 * been drawn. Sent at once, the worker's reading of the plan (tens of milliseconds for 20,000
 * addresses) and the copy of its new lists ran beside that frame and slowed it on a machine with
 * few cores: pasting 20,000 addresses took 123–180 ms to show, 91–115 ms with the plan sent after
 * the frame (medians of five interleaved pairs of three bench runs; the README's Performance
 * section). Edits within one frame go as one plan, the latest.
 */
function connectWorker(): void {
  const started = startWorker();
  if (!started) return;
  client = started;
  const send = (plan: Plan) => {
    if (!workerClient()) return;
    const known = rememberedFor(plan) !== undefined;
    if (!known) started.send(plan, true);
    started.refreshExport(plan, known);
  };
  send(appStore.getState().plan);
  const clock = windowClock();
  let queued = false;
  appStore.subscribe((state, previous) => {
    if (state.plan === previous.plan || queued) return;
    queued = true;
    afterNextFrame(() => {
      queued = false;
      send(appStore.getState().plan);
    }, clock, SEND_LIMIT_MS);
  });
  // the panels read their rule sets from the worker from now on
  answers++;
  for (const l of listeners) l();
}

// The worker (its own copy of the engine, about 40 KB gzipped) is loaded once the page is up and
// idle: it is not part of the first download. Until it runs, plans are expanded on this thread.
if (typeof Worker === 'function' && typeof window !== 'undefined') {
  if (typeof window.requestIdleCallback === 'function') window.requestIdleCallback(connectWorker, { timeout: 1500 });
  else window.setTimeout(connectWorker, 200);
}

const NO_ENTRIES = Object.fromEntries(LIST_ROLES.map((role) => [role, []])) as unknown as Record<ListRole, readonly never[]>;

/** What useRuleSet gives before the worker's first answer: no rules, marked stale. */
export const NO_RULES: RuleSet = { rules: [], skipped: [], findings: [], allNodes: [], nodes: [], roles: NO_ENTRIES, userGroups: [], deviceGroups: [], hasErrors: false };

export function usePlan(): Plan {
  return useStore((s) => s.plan);
}

/**
 * On this thread (no worker): a small plan is expanded at once; a large one (expansion takes tens
 * of milliseconds) when edits pause for a moment, so typing in a box of thousands of addresses
 * does not wait for the whole expansion on every keystroke. Edits that do not touch the addresses
 * (services, ports, cluster) are shown at once. Returns the plan to show.
 */
function useSettledPlan(plan: Plan, active: boolean): Plan {
  const [settled, setSettled] = useState(plan);
  // only typing in the role boxes waits: a toggle, a port or the cluster switch is shown at once
  const sameAddresses = plan.roles === settled.roles && plan.nodes === settled.nodes && plan.userGroups === settled.userGroups && plan.deviceGroups === settled.deviceGroups;
  const immediate = !active || rememberedFor(plan) !== undefined || lastExpandMs < SLOW_EXPAND_MS || sameAddresses;
  const shown = immediate ? plan : settled;
  useEffect(() => {
    if (shown === plan) {
      // what is shown is what a later delayed edit keeps showing, never an older plan
      if (settled !== plan) setSettled(plan);
      return;
    }
    const timer = window.setTimeout(() => setSettled(plan), SETTLE_MS);
    return () => window.clearTimeout(timer);
  }, [plan, shown, settled]);
  return shown;
}

/**
 * The rule set of the current plan, with the plan it was made from. The worker expands each new
 * plan; until it answers, the previous rule set is shown, marked stale (before its first answer:
 * NO_RULES). An answer to a plan that has been edited since is dropped. A plan whose inputs were
 * expanded before (undo, a name or change-request edit) is shown at once.
 */
export function useRuleSet(): { plan: Plan; ruleSet: RuleSet; stale: boolean } {
  const plan = usePlan();
  useSyncExternalStore(subscribeAnswers, answersSeen);
  const worker = workerClient() !== undefined;
  const shown = useSettledPlan(plan, !worker);
  if (!worker) return { plan: shown, ruleSet: ruleSetOf(shown), stale: shown !== plan };
  const hit = rememberedFor(plan, true);
  if (hit) return { plan, ruleSet: hit.ruleSet, stale: false };
  const previous = remembered[0];
  return previous ? { plan: previous.plan, ruleSet: previous.ruleSet, stale: true } : { plan, ruleSet: NO_RULES, stale: true };
}

export function useRoleText(role: TextRole): string {
  return useStore((s) => s.roleText[role] ?? '');
}

export function useRoleParse(role: TextRole): RoleTextParse {
  return parseRoleTextCached(role, useRoleText(role));
}

export function useGroupText(role: GroupRole, index: number): string {
  return useStore((s) => s.groupText[role][index] ?? '');
}

export function useGroupParse(role: GroupRole, index: number): RoleTextParse {
  return parseRoleTextCached(`${role}:${index}`, useGroupText(role, index));
}

/** The nodes a node box yields, with the tokens each was made of (for the box's node table). */
export function useTextNodes(role: NodeRole): readonly TextNode[] {
  const parse = useRoleParse(role);
  const other = useRoleParse(role === 'PRD' ? 'MBR' : 'PRD');
  return useMemo(() => {
    // names are unique across both boxes, PRD first, as nodesFromText makes them
    const taken = new Set<string>();
    if (role === 'MBR') nodesFromParse('PRD', other, taken);
    return nodesFromParse(role, parse, taken);
  }, [role, parse, other]);
}

/**
 * Where in the boxes a node's address sits: node `index` of the plan and address `address` of it,
 * as the box and token index the findings link to.
 */
export function nodeTokenTarget(plan: Plan, roleText: RoleTextMap, index: number, address?: number): { role: NodeRole; entryIndex?: number } | undefined {
  const node = plan.nodes[index];
  if (!node) return undefined;
  const local = plan.nodes.slice(0, index).filter((n) => n.role === node.role).length;
  const parse = parseRoleTextCached(node.role, roleText[node.role] ?? '');
  const taken = new Set<string>();
  if (node.role === 'MBR') nodesFromParse('PRD', parseRoleTextCached('PRD', roleText.PRD ?? ''), taken);
  const token = address === undefined ? undefined : nodesFromParse(node.role, parse, taken)[local]?.tokens[address];
  const entryIndex = token ? parse.tokens.indexOf(token) : -1;
  return entryIndex >= 0 ? { role: node.role, entryIndex } : { role: node.role };
}
