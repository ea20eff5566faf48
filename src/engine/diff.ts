import { expandPlan, type ExpandOptions } from './expand.ts';
import { flowKey, flowsOf, type Flow } from './flows.ts';
import type { Plan } from './model/plan.ts';
import type { ExpandedRule, RuleSet } from './model/rules.ts';

export type Change = 'added' | 'removed' | 'unchanged';

/** The flows of one rule between two sides that changed the same way. */
export interface DiffGroup {
  readonly change: Change;
  readonly ruleId: string;
  readonly service: string;
  readonly sourceName: string;
  readonly destinationName: string;
  readonly flows: readonly Flow[];
  /** the rule (of the new plan, or of the old one for removed flows) the flows come from */
  readonly rule: ExpandedRule;
}

export interface PlanDiff {
  readonly added: readonly Flow[];
  readonly removed: readonly Flow[];
  readonly unchanged: readonly Flow[];
  /** the same flows, gathered by rule and sides, in rule order (new plan first, then what only the old one had) */
  readonly groups: readonly DiffGroup[];
  readonly equal: boolean;
}

interface Attributed {
  readonly flow: Flow;
  readonly rule: ExpandedRule;
}

/** Every flow of a rule set once, with the rule it comes from (the first rule that allows it). */
function flowMap(ruleSet: RuleSet): Map<string, Attributed> {
  const out = new Map<string, Attributed>();
  for (const rule of ruleSet.rules) {
    for (const flow of flowsOf([rule])) {
      const key = flowKey(flow);
      if (!out.has(key)) out.set(key, { flow, rule });
    }
  }
  return out;
}

/**
 * What a change from one plan to another does, flow by flow: every address pair and port that is
 * newly allowed, no longer allowed, or stays. Works on the engine's flow sets (gateway view, the
 * whole plan), so every format and the change request agree by construction: a port override, a
 * disabled rule, a new device, a node added to the cluster all show as the flows they change.
 */
export function diffRuleSets(before: RuleSet, after: RuleSet): PlanDiff {
  const old = flowMap(before);
  const now = flowMap(after);
  const added: Flow[] = [];
  const removed: Flow[] = [];
  const unchanged: Flow[] = [];
  const groups = new Map<string, { change: Change; rule: ExpandedRule; flows: Flow[] }>();
  const put = (change: Change, a: Attributed) => {
    const key = `${change}|${a.rule.ruleId}|${a.rule.source.name}|${a.rule.destination.name}|${a.rule.family}`;
    let g = groups.get(key);
    if (!g) {
      g = { change, rule: a.rule, flows: [] };
      groups.set(key, g);
    }
    g.flows.push(a.flow);
  };
  for (const [key, a] of now) {
    if (old.has(key)) {
      unchanged.push(a.flow);
      put('unchanged', a);
    } else {
      added.push(a.flow);
      put('added', a);
    }
  }
  for (const [key, a] of old) {
    if (now.has(key)) continue;
    removed.push(a.flow);
    put('removed', a);
  }
  return {
    added,
    removed,
    unchanged,
    groups: [...groups.values()].map(({ change, rule, flows }) => ({
      change,
      ruleId: rule.ruleId,
      service: rule.service,
      sourceName: rule.source.name,
      destinationName: rule.destination.name,
      flows,
      rule,
    })),
    equal: added.length === 0 && removed.length === 0,
  };
}

/** diffRuleSets of two plans, each expanded the same way. */
export function diffPlans(before: Plan, after: Plan, options: ExpandOptions = {}): PlanDiff {
  return diffRuleSets(expandPlan(before, options), expandPlan(after, options));
}
