import type { PersistStorage, StorageValue } from 'zustand/middleware';
import { LIST_ROLES, type Plan, type PlanError } from '../engine/index.ts';
import { parsePlan } from '../engine/schema.ts';
import { parseRoleText, planEntries } from './roleText.ts';
import { reportSave } from './saveStatus.ts';
import { DEFAULT_EXPORT_OPTIONS, sanitizeExportOptions, type ExportOptions } from './slices/exportSlice.ts';
import type { StorageProblem } from './slices/noticeSlice.ts';
import { groupTextFromPlan, nodesFromText, roleTextFromPlan, startingPlan, type GroupTextMap, type RoleTextMap } from './slices/planSlice.ts';

/**
 * The autosave slot. Its envelope carries the format version (zustand persist's `version`): a new
 * format gets a new version and a migration, in the same slot, so no saved work is left behind.
 * 1: a version 1 plan with a text box per role; 2: a version 2 plan, node boxes, group boxes.
 */
export const STORAGE_KEY = 'fwplan.plan.v1';
export const STORAGE_VERSION = 2;
/** Where a saved plan that could not be read is kept until the user downloads or discards it. */
export const UNREADABLE_KEY = 'fwplan.plan.v1.unreadable';

export interface PersistedState {
  plan: unknown;
  roleText?: unknown;
  groupText?: unknown;
  exportOptions?: unknown;
}

export interface LoadedState {
  plan: Plan;
  roleText: RoleTextMap;
  groupText: GroupTextMap;
  exportOptions: ExportOptions;
  /** the saved plan was written in an older plan version and was upgraded on the way in */
  upgradedFrom?: 1;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function storage(): Storage | undefined {
  try {
    return typeof localStorage === 'undefined' ? undefined : localStorage;
  } catch {
    // a browser with storage disabled throws on access
    return undefined;
  }
}

let rawAtLoad: string | null = null;
let loadProblem: StorageProblem | null = null;

function recordProblem(message: string, details: string[], recovered: boolean): void {
  const raw = rawAtLoad ?? '';
  loadProblem = { message, details, raw, recovered };
  try {
    storage()?.setItem(UNREADABLE_KEY, raw);
  } catch {
    // no room to keep a copy: the copy in memory can still be downloaded from the notice
  }
}

/** The problem met while loading the autosave, or one kept from an earlier visit; read once. */
export function takeLoadProblem(): StorageProblem | null {
  const problem = loadProblem;
  loadProblem = null;
  if (problem) return problem;
  const kept = storage()?.getItem(UNREADABLE_KEY);
  if (kept === null || kept === undefined) return null;
  return {
    message: 'A plan saved earlier in this browser could not be read. Its saved text is kept so you can download it.',
    details: [],
    raw: kept,
    recovered: false,
  };
}

export function discardUnreadable(): void {
  try {
    storage()?.removeItem(UNREADABLE_KEY);
  } catch {
    // nothing to clean up
  }
}

let lastWritten: { plan: unknown; roleText: unknown; groupText: unknown; exportOptions: unknown } | undefined;

/** The next save writes even if nothing changed here (another tab overwrote the slot). */
export function forgetLastWrite(): void {
  lastWritten = undefined;
}

/**
 * What was just loaded is what the slot holds: a later update that leaves the plan alone (a view
 * change, a notice) must not write this tab's copy over a newer one saved by another tab.
 */
export function markLoaded(state: PersistedState): void {
  lastWritten = { plan: state.plan, roleText: state.roleText, groupText: state.groupText, exportOptions: state.exportOptions };
}

export const planStorage: PersistStorage<PersistedState> = {
  getItem(name): StorageValue<PersistedState> | null {
    const ls = storage();
    if (!ls) return null;
    let raw: string | null;
    try {
      raw = ls.getItem(name);
    } catch {
      return null;
    }
    rawAtLoad = raw;
    if (raw === null) return null;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (e) {
      recordProblem('The plan saved in this browser is damaged and could not be read. A new plan was started; the saved text is kept so you can download it.', [
        `not valid JSON: ${e instanceof Error ? e.message : String(e)}`,
      ], false);
      return null;
    }
    if (isRecord(value) && isRecord(value.state) && typeof value.version === 'number') {
      return { state: value.state as unknown as PersistedState, version: value.version };
    }
    // not the autosave envelope: a bare plan file put there by hand or by an early build;
    // migrateSaved (version 0) wraps it into the state, so it is handed on as it is
    return { state: value as PersistedState, version: 0 };
  },
  setItem(name, value) {
    const ls = storage();
    if (!ls) {
      reportSave(false, 'This browser does not allow saving: the plan is lost when the page is closed. Save the plan file instead.');
      return;
    }
    const s = value.state;
    if (lastWritten && lastWritten.plan === s.plan && lastWritten.roleText === s.roleText && lastWritten.groupText === s.groupText && lastWritten.exportOptions === s.exportOptions) return;
    try {
      ls.setItem(name, JSON.stringify(value));
      lastWritten = { plan: s.plan, roleText: s.roleText, groupText: s.groupText, exportOptions: s.exportOptions };
      reportSave(true);
    } catch (e) {
      reportSave(false, `Autosave failed (${e instanceof Error ? e.name : 'storage error'}): the browser's storage is full or blocked. Save the plan file to keep your work.`);
    }
  },
  removeItem(name) {
    try {
      storage()?.removeItem(name);
    } catch {
      // nothing to remove
    }
  },
};

/**
 * Older autosave formats to the current one. Version 0: a bare plan object. Version 1: the plan
 * (read and upgraded by readSaved) with one text box per role — the USERW and DVC boxes become
 * the boxes of the one user group and the one device group the upgrade makes.
 */
export function migrateSaved(persisted: unknown, version: number): PersistedState {
  if (version === 0) return { plan: persisted };
  if (!isRecord(persisted)) return { plan: persisted };
  if (version === 1) {
    const roleText = isRecord(persisted.roleText) ? persisted.roleText : {};
    const { USERW, DVC, ...rest } = roleText;
    return {
      plan: persisted.plan,
      roleText: rest,
      groupText: { USERW: typeof USERW === 'string' ? [USERW] : [], DVC: typeof DVC === 'string' ? [DVC] : [] },
      exportOptions: persisted.exportOptions,
    };
  }
  return persisted as unknown as PersistedState;
}

/** "roles.PRD[0]", "userGroups[1].entries[3]", "ports[\"x\"]" → its segments. */
function pathSegments(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const m of path.matchAll(/\.?([A-Za-z_$][\w$]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/g)) {
    if (m[1] !== undefined) out.push(m[1]);
    else if (m[2] !== undefined) out.push(Number(m[2]));
    else if (m[3] !== undefined) out.push(JSON.parse(m[3]) as string);
  }
  return out;
}

/**
 * Drop the parts of a plan that failed validation (an unknown field, a bad port, a malformed
 * entry …) and keep the rest, so one bad value never costs the whole plan: for each error, the
 * innermost list element or object key on its path goes.
 */
export function salvagePlan(value: unknown, errors: readonly PlanError[]): Plan | undefined {
  if (!isRecord(value)) return undefined;
  const copy = JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
  const removals: { parent: unknown[] | Record<string, unknown>; key: string | number }[] = [];
  for (const { path } of errors) {
    const segs = pathSegments(path);
    if (segs.length === 0 || segs[0] === 'version') continue;
    // walk to the innermost list element on the path, else to the last key
    let cut = segs.length - 1;
    for (let i = segs.length - 1; i >= 0; i--) if (typeof segs[i] === 'number') { cut = i; break; }
    let parent: unknown = copy;
    for (let i = 0; i < cut; i++) parent = isRecord(parent) || Array.isArray(parent) ? (parent as Record<string | number, unknown>)[segs[i] as string | number] : undefined;
    if (Array.isArray(parent) || isRecord(parent)) removals.push({ parent, key: segs[cut] as string | number });
  }
  // each element once, list elements from the end so earlier indexes stay right
  const seen = new Map<unknown, Set<string | number>>();
  const unique = removals.filter(({ parent, key }) => {
    const keys = seen.get(parent) ?? new Set<string | number>();
    seen.set(parent, keys);
    if (keys.has(key)) return false;
    keys.add(key);
    return true;
  });
  unique.sort((a, b) => (typeof b.key === 'number' && typeof a.key === 'number' ? b.key - a.key : 0));
  for (const { parent, key } of unique) {
    if (Array.isArray(parent) && typeof key === 'number') parent.splice(key, 1);
    else if (isRecord(parent)) delete parent[String(key)];
  }
  const again = parsePlan(copy);
  return again.ok ? again.plan : undefined;
}

/** A box's saved text is used only where it still yields exactly the plan's content. */
function consistentText(plan: Plan, savedRoles: unknown, savedGroups: unknown): { roleText: RoleTextMap; groupText: GroupTextMap } {
  const fromPlan = roleTextFromPlan(plan);
  const roles = isRecord(savedRoles) ? savedRoles : {};
  const roleText: RoleTextMap = {};
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  const nodeBoxes: RoleTextMap = { PRD: typeof roles.PRD === 'string' ? roles.PRD : '', MBR: typeof roles.MBR === 'string' ? roles.MBR : '' };
  const nodesOk = same(nodesFromText(nodeBoxes), plan.nodes);
  for (const role of ['PRD', 'MBR'] as const) {
    const text = nodesOk ? nodeBoxes[role] : fromPlan[role];
    if (text) roleText[role] = text;
  }
  for (const role of LIST_ROLES) {
    const text = roles[role];
    if (typeof text === 'string' && same(planEntries(parseRoleText(text)), plan.roles[role] ?? [])) {
      if (text !== '') roleText[role] = text;
    } else if (fromPlan[role] !== undefined) {
      roleText[role] = fromPlan[role];
    }
  }
  const groups = isRecord(savedGroups) ? savedGroups : {};
  const planGroups = groupTextFromPlan(plan);
  const groupText: GroupTextMap = { USERW: [], DVC: [] };
  for (const role of ['USERW', 'DVC'] as const) {
    const saved = Array.isArray(groups[role]) ? (groups[role] as unknown[]) : [];
    const list = role === 'USERW' ? plan.userGroups : plan.deviceGroups;
    groupText[role] = list.map((g, i) => {
      const text = saved[i];
      return typeof text === 'string' && same(planEntries(parseRoleText(text)), g.entries) ? text : (planGroups[role][i] ?? '');
    });
  }
  return { roleText, groupText };
}

/** Validate what the autosave held; whatever cannot be used is reported, never silently dropped. */
export function readSaved(persisted: unknown): LoadedState {
  const state = isRecord(persisted) ? persisted : {};
  const parsed = parsePlan(state.plan);
  if (parsed.ok) {
    return {
      plan: parsed.plan,
      ...consistentText(parsed.plan, state.roleText, state.groupText),
      exportOptions: sanitizeExportOptions(state.exportOptions),
      ...(parsed.upgradedFrom ? { upgradedFrom: parsed.upgradedFrom } : {}),
    };
  }
  const details = parsed.errors.slice(0, 50).map((e) => `${e.path}: ${e.message}`);
  if (parsed.errors.length > 50) details.push(`… and ${parsed.errors.length - 50} more`);
  const salvaged = salvagePlan(state.plan, parsed.errors);
  if (salvaged) {
    recordProblem('Part of the plan saved in this browser was invalid and was left out (listed below). The rest was loaded; the saved text is kept so you can download it.', details, true);
    // what was kept of a version 1 plan was upgraded on the way in, like a plan read whole
    const upgraded = isRecord(state.plan) && state.plan.version === 1;
    return {
      plan: salvaged,
      roleText: roleTextFromPlan(salvaged),
      groupText: groupTextFromPlan(salvaged),
      exportOptions: sanitizeExportOptions(state.exportOptions),
      ...(upgraded ? { upgradedFrom: 1 as const } : {}),
    };
  }
  recordProblem('The plan saved in this browser could not be read. A new plan was started; the saved text is kept so you can download it.', details, false);
  const fresh = startingPlan();
  return { plan: fresh, roleText: {}, groupText: groupTextFromPlan(fresh), exportOptions: DEFAULT_EXPORT_OPTIONS };
}
