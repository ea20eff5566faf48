import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { emptyPlan, type Plan } from '../engine/index.ts';
import { DEFER_SAVE_ENTRIES, STORAGE_KEY, autosavePending, flushAutosave, planStorage } from './persistence.ts';

class MemoryStorage {
  readonly items = new Map<string, string>();
  writes = 0;
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.writes++;
    this.items.set(key, value);
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
}

function planOf(devices: number): Plan {
  return {
    ...emptyPlan('autosave'),
    deviceGroups: [{ name: 'Devices', entries: Array.from({ length: devices }, (_, i) => `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`), services: [] }],
  };
}

describe('autosave', () => {
  let ls: MemoryStorage;
  beforeEach(() => {
    vi.useFakeTimers();
    ls = new MemoryStorage();
    vi.stubGlobal('localStorage', ls);
  });
  afterEach(() => {
    flushAutosave();
    vi.unstubAllGlobals();
    vi.useRealTimers();
  });

  it('writes a small plan at once', () => {
    planStorage.setItem(STORAGE_KEY, { state: { plan: planOf(10) }, version: 2 });
    expect(ls.writes).toBe(1);
    expect(autosavePending()).toBe(false);
  });

  it('writes a large plan once edits pause, only its latest state, and at once when asked (the page is hidden)', () => {
    const a = planOf(DEFER_SAVE_ENTRIES);
    const b = { ...a, name: 'b' };
    planStorage.setItem(STORAGE_KEY, { state: { plan: a }, version: 2 });
    planStorage.setItem(STORAGE_KEY, { state: { plan: b }, version: 2 });
    expect(ls.writes).toBe(0);
    expect(autosavePending()).toBe(true);
    vi.advanceTimersByTime(1000);
    expect(ls.writes).toBe(1);
    expect(JSON.parse(ls.getItem(STORAGE_KEY) ?? '{}').state.plan.name).toBe('b');
    const c = { ...a, name: 'c' };
    planStorage.setItem(STORAGE_KEY, { state: { plan: c }, version: 2 });
    flushAutosave();
    expect(ls.writes).toBe(2);
    expect(JSON.parse(ls.getItem(STORAGE_KEY) ?? '{}').state.plan.name).toBe('c');
    expect(autosavePending()).toBe(false);
  });
});
