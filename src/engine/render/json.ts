import { pairCount } from '../flows.ts';
import type { AddressEntry, Endpoint, ExpandedRule, RuleSet } from '../model/rules.ts';
import { scopeLabel } from '../scope.ts';
import type { Renderer, RenderInput, RenderOutput } from './types.ts';

function entryJson(e: AddressEntry) {
  const owner = e.owner.kind === 'node' ? { node: e.owner.node } : e.owner.kind === 'group' ? { group: e.owner.group } : e.owner.kind === 'flow' ? { flow: e.owner.flow } : {};
  return { address: e.written, ...(e.network.display !== e.written ? { normalised: e.network.display } : {}), ...(e.label !== undefined ? { label: e.label } : {}), ...owner };
}

function endpointJson(ep: Endpoint) {
  return { role: ep.role, name: ep.name, addresses: ep.entries.map(entryJson) };
}

export function ruleJson(r: ExpandedRule) {
  return {
    id: r.key,
    ruleId: r.ruleId,
    covers: r.covers,
    section: r.section,
    service: r.service,
    purpose: r.purpose,
    direction: r.direction,
    family: r.family,
    protocol: r.protocol,
    port: r.port,
    ...(r.portEnd !== r.port ? { portEnd: r.portEnd } : {}),
    ...(r.provenance !== 'site' && r.port !== r.defaultPort ? { articlePort: r.defaultPort } : {}),
    provenance: r.provenance,
    ...(r.owner !== undefined ? { owner: r.owner } : {}),
    ...(r.expires !== undefined ? { expires: r.expires } : {}),
    allPairs: !r.distinctPairs,
    ...(r.origin !== 'plan' ? { origin: r.origin } : {}),
    source: endpointJson(r.source),
    destination: endpointJson(r.destination),
  };
}

export function ruleSetJson(ruleSet: RuleSet, rules: readonly ExpandedRule[], extra: Record<string, unknown> = {}) {
  const flows = rules.reduce((n, r) => n + pairCount(r), 0);
  return {
    ...extra,
    nodes: ruleSet.nodes.map((n) => ({ name: n.name, role: n.role, addresses: [n.v4, n.v6].filter((a) => a !== undefined).map((a) => a.written) })),
    flows,
    rules: rules.map(ruleJson),
    skipped: ruleSet.skipped.map((s) => ({ ruleId: s.ruleId, reason: s.reason.kind, message: s.message })),
    findings: ruleSet.findings,
  };
}

export function renderJson(input: RenderInput): RenderOutput {
  const doc = ruleSetJson(input.ruleSet, input.rules, {
    format: 'fwplan-rules',
    version: 2,
    plan: input.plan.name ?? null,
    cluster: input.plan.cluster,
    scope: scopeLabel(input.options.scope),
  });
  return { text: `${JSON.stringify(doc, null, 2)}\n`, findings: [] };
}

export const jsonRenderer: Renderer = {
  id: 'json',
  label: 'JSON',
  description: 'The expanded rules as JSON, entries as written with labels and objects, for scripts and other tools.',
  mediaType: 'application/json',
  suffix: '.rules.json',
  options: { scope: true, defaultDrop: false, ipset: false, egress: false },
  families: [4, 6],
  countRules: (text) => {
    try {
      const doc = JSON.parse(text) as { rules?: unknown[] };
      return Array.isArray(doc.rules) ? doc.rules.length : 0;
    } catch {
      return 0;
    }
  },
  countMeaning: 'rules[] entries',
  render: renderJson,
};
