import type { PersistStorage, StorageValue } from 'zustand/middleware';
import { ROLE_CODES, emptyPlan, parsePlan, type Plan, type PlanError } from '../engine/index.ts';
import { parseRoleText, planEntries } from './roleText.ts';
import { reportSave } from './saveStatus.ts';
import { DEFAULT_EXPORT_OPTIONS, sanitizeExportOptions, type ExportOptions } from './slices/exportSlice.ts';
import type { StorageProblem } from './slices/noticeSlice.ts';
import { roleTextFromPlan, type RoleTextMap } from './slices/planSlice.ts';

/** The autosave key carries the format version: a new format gets a new key and a migration. */
export const STORAGE_KEY = 'fwplan.plan.v1';
export const STORAGE_VERSION = 1;
/** Where a saved plan that could not be read is kept until the user downloads or discards it. */
export const UNREADABLE_KEY = 'fwplan.plan.v1.unreadable';

export interface PersistedState {
  plan: unknown;
  roleText?: unknown;
  exportOptions?: unknown;
}

export interface LoadedState {
  plan: Plan;
  roleText: RoleTextMap;
  exportOptions: ExportOptions;
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

let lastWritten: { plan: unknown; roleText: unknown; exportOptions: unknown } | undefined;

/** The next save writes even if nothing changed here (another tab overwrote the slot). */
export function forgetLastWrite(): void {
  lastWritten = undefined;
}

/**
 * What was just loaded is what the slot holds: a later update that leaves the plan alone (a view
 * change, a notice) must not write this tab's copy over a newer one saved by another tab.
 */
export function markLoaded(state: PersistedState): void {
  lastWritten = { plan: state.plan, roleText: state.roleText, exportOptions: state.exportOptions };
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
    if (lastWritten && lastWritten.plan === s.plan && lastWritten.roleText === s.roleText && lastWritten.exportOptions === s.exportOptions) return;
    try {
      ls.setItem(name, JSON.stringify(value));
      lastWritten = { plan: s.plan, roleText: s.roleText, exportOptions: s.exportOptions };
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

/** Older autosave formats to the current one. Version 0: a bare plan object. */
export function migrateSaved(persisted: unknown, version: number): PersistedState {
  if (version === 0) return { plan: persisted };
  if (isRecord(persisted)) return persisted as unknown as PersistedState;
  return { plan: persisted };
}

/**
 * Drop the parts of a plan that failed validation (bad entries, unknown fields, bad ports…) and
 * keep the rest, so one bad value never costs the whole plan.
 */
export function salvagePlan(value: unknown, errors: readonly PlanError[]): Plan | undefined {
  if (!isRecord(value)) return undefined;
  const copy: Record<string, unknown> = { ...value, version: 1 };
  const roles: Record<string, unknown> | undefined = isRecord(copy.roles) ? { ...copy.roles } : undefined;
  const dropEntries = new Map<string, Set<number>>();
  for (const { path } of errors) {
    const entry = /^roles\.([A-Za-z_$][\w$]*)\[(\d+)\]/.exec(path);
    const role = /^roles\.([A-Za-z_$][\w$]*)/.exec(path);
    const top = /^[A-Za-z_$][\w$]*/.exec(path)?.[0];
    if (entry && roles) {
      const set = dropEntries.get(entry[1] as string) ?? new Set<number>();
      set.add(Number(entry[2]));
      dropEntries.set(entry[1] as string, set);
    } else if (role && roles) {
      delete roles[role[1] as string];
    } else if (top !== undefined && top !== 'version') {
      delete copy[top];
    }
  }
  if (roles) {
    for (const [role, indexes] of dropEntries) {
      const list = roles[role];
      if (Array.isArray(list)) roles[role] = list.filter((_, i) => !indexes.has(i));
    }
    copy.roles = roles;
  }
  const again = parsePlan(copy);
  return again.ok ? again.plan : undefined;
}

/** A role box's saved text is used only where it still yields exactly the plan's entries. */
function consistentRoleText(plan: Plan, saved: unknown): RoleTextMap {
  const fromPlan = roleTextFromPlan(plan);
  if (!isRecord(saved)) return fromPlan;
  const out: RoleTextMap = {};
  for (const role of ROLE_CODES) {
    const text = saved[role];
    if (typeof text === 'string' && JSON.stringify(planEntries(parseRoleText(text))) === JSON.stringify(plan.roles[role] ?? [])) {
      if (text !== '') out[role] = text;
    } else if (fromPlan[role] !== undefined) {
      out[role] = fromPlan[role];
    }
  }
  return out;
}

/** Validate what the autosave held; whatever cannot be used is reported, never silently dropped. */
export function readSaved(persisted: unknown): LoadedState {
  const state = isRecord(persisted) ? persisted : {};
  const parsed = parsePlan(state.plan);
  if (parsed.ok) {
    return { plan: parsed.plan, roleText: consistentRoleText(parsed.plan, state.roleText), exportOptions: sanitizeExportOptions(state.exportOptions) };
  }
  const details = parsed.errors.slice(0, 50).map((e) => `${e.path}: ${e.message}`);
  if (parsed.errors.length > 50) details.push(`… and ${parsed.errors.length - 50} more`);
  const salvaged = salvagePlan(state.plan, parsed.errors);
  if (salvaged) {
    recordProblem('Part of the plan saved in this browser was invalid and was left out (listed below). The rest was loaded; the saved text is kept so you can download it.', details, true);
    return { plan: salvaged, roleText: roleTextFromPlan(salvaged), exportOptions: sanitizeExportOptions(state.exportOptions) };
  }
  recordProblem('The plan saved in this browser could not be read. A new plan was started; the saved text is kept so you can download it.', details, false);
  return { plan: emptyPlan(), roleText: {}, exportOptions: DEFAULT_EXPORT_OPTIONS };
}
