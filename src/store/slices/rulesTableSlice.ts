import type { Change, Plan, Protocol, SectionId } from '../../engine/index.ts';
import type { SliceCreator } from '../types.ts';

export interface RulesTableSort {
  id: string;
  desc: boolean;
}

export interface RulesTableState {
  text: string;
  section: SectionId | 'all';
  protocol: Protocol | 'all';
  family: 'all' | 'IPv4' | 'IPv6';
  /** rows under a heading per section, per group or role (the object a rule is about), or none */
  groupBy: 'section' | 'object' | 'none';
  /** one row per rule, or one row per (source address, destination address) pair */
  rowMode: 'rules' | 'pairs';
  sorting: RulesTableSort[];
  /** with a baseline: which changes to show */
  change: Change | 'all';
}

/** The plan a change is compared with ("Compare with…"), and where it came from. */
export interface Comparison {
  plan: Plan;
  source: string;
}

export interface RulesTableSlice {
  rulesTable: RulesTableState;
  setRulesTable: (patch: Partial<RulesTableState>) => void;
  /** the baseline plan: the rules table shows the delta, a Modify/Remove change request prints it */
  baseline: Comparison | null;
  setBaseline: (baseline: Comparison | null) => void;
}

export const DEFAULT_RULES_TABLE: RulesTableState = {
  text: '',
  section: 'all',
  protocol: 'all',
  family: 'all',
  groupBy: 'section',
  rowMode: 'rules',
  sorting: [],
  change: 'all',
};

export const createRulesTableSlice: SliceCreator<RulesTableSlice> = (set) => ({
  rulesTable: DEFAULT_RULES_TABLE,
  setRulesTable: (patch) => set((s) => ({ rulesTable: { ...s.rulesTable, ...patch } })),
  baseline: null,
  setBaseline: (baseline) => set((s) => ({ baseline, rulesTable: { ...s.rulesTable, change: 'all' } })),
});
