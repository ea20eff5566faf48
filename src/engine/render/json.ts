import type { Endpoint, ExpandedRule, RuleSet } from '../model/rules.ts';
import { scopeLabel } from '../scope.ts';
import type { Renderer, RenderInput, RenderOutput } from './types.ts';

function endpointJson(ep: Endpoint) {
  return {
    role: ep.role,
    addresses: ep.entries.map((e) => (e.label !== undefined ? { address: e.network.display, label: e.label } : { address: e.network.display })),
  };
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
    ...(r.port !== r.defaultPort ? { articlePort: r.defaultPort } : {}),
    allPairs: !r.distinctPairs,
    source: endpointJson(r.source),
    destination: endpointJson(r.destination),
  };
}

export function ruleSetJson(ruleSet: RuleSet, rules: readonly ExpandedRule[], extra: Record<string, unknown> = {}) {
  return {
    ...extra,
    rules: rules.map(ruleJson),
    skipped: ruleSet.skipped.map((s) => ({ ruleId: s.ruleId, reason: s.reason.kind, message: s.message })),
    findings: ruleSet.findings,
  };
}

export function renderJson(input: RenderInput): RenderOutput {
  const doc = ruleSetJson(input.ruleSet, input.rules, {
    format: 'fwplan-rules',
    version: 1,
    plan: input.plan.name ?? null,
    cluster: input.plan.cluster,
    scope: scopeLabel(input.options.scope),
  });
  return { text: `${JSON.stringify(doc, null, 2)}\n`, findings: [] };
}

export const jsonRenderer: Renderer = {
  id: 'json',
  label: 'JSON',
  mediaType: 'application/json',
  firewall: false,
  fileName: (slug) => `${slug}.rules.json`,
  render: renderJson,
};
