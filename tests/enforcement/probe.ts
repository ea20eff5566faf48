/**
 * Real packets: listeners on the destinations, connection attempts from the sources, and the
 * checker that compares what got through with what the plan allows.
 */
import { AgentProcess, type Outcome } from './agent-process.ts';
import { describeFlow, flowKey, type Flow } from './flows.ts';
import type { Lab } from './netns.ts';

export type { Outcome };

/** How long to wait for an answer. A flow that must pass gets longer, so a slow machine never fails it. */
export const OPEN_TIMEOUT_MS = 3000;
export const DROP_TIMEOUT_MS = 1000;

/** The agents of a lab, one per host. */
export class Agents {
  private constructor(private readonly byHost: ReadonlyMap<string, AgentProcess>) {}

  /**
   * Start an agent in every host namespace, listening on every port any of the flows aims at on
   * that host (TCP and UDP, for each address family the host has). They live until the lab is
   * destroyed.
   */
  static async start(lab: Lab, flows: readonly Flow[]): Promise<Agents> {
    const ports = new Map<string, { tcp: Set<number>; udp: Set<number> }>(lab.hosts.map((h) => [h.id, { tcp: new Set(), udp: new Set() }]));
    for (const f of flows) ports.get(f.dst.host)?.[f.proto].add(f.port);
    const agents = new Map<string, AgentProcess>();
    for (const h of lab.hosts) {
      const p = ports.get(h.id) ?? { tcp: new Set<number>(), udp: new Set<number>() };
      const sorted = (s: Set<number>) => [...s].sort((a, b) => a - b);
      agents.set(h.id, AgentProcess.start(lab, h.id, { tcp: sorted(p.tcp), udp: sorted(p.udp), v4: h.v4 !== undefined, v6: h.v6 !== undefined }));
    }
    await Promise.all([...agents.values()].map((a) => a.ready()));
    return new Agents(agents);
  }

  /** Try every flow from its source host, all at once; the outcome per flow key. */
  async probe(flows: readonly Flow[], timeoutFor: (f: Flow) => number): Promise<Map<string, Outcome>> {
    const bySource = new Map<string, Flow[]>();
    for (const f of flows) {
      const list = bySource.get(f.src.host) ?? [];
      list.push(f);
      bySource.set(f.src.host, list);
    }
    const outcomes = new Map<string, Outcome>();
    await Promise.all(
      [...bySource].map(async ([host, list]) => {
        const agent = this.byHost.get(host);
        if (!agent) throw new Error(`no agent in ${host}`);
        const results = await agent.probe(list.map((f) => ({ id: flowKey(f), proto: f.proto, host: f.dst.address, port: f.port, timeoutMs: timeoutFor(f) })));
        for (const r of results) outcomes.set(r.id, r.outcome);
      }),
    );
    return outcomes;
  }
}

export interface Failure {
  readonly flow: Flow;
  readonly expected: 'open' | 'dropped';
  readonly got: Outcome;
}

/**
 * The checker: every flow `allowed` says yes to must connect; every other must be dropped — no
 * answer at all (a refusal would mean the packet reached the host). Returns what went wrong.
 */
export async function checkFlows(agents: Agents, flows: readonly Flow[], allowed: (f: Flow) => boolean): Promise<Failure[]> {
  const outcomes = await agents.probe(flows, (f) => (allowed(f) ? OPEN_TIMEOUT_MS : DROP_TIMEOUT_MS));
  const failures: Failure[] = [];
  for (const f of flows) {
    const got = outcomes.get(flowKey(f)) ?? 'error:no-result';
    const expected = allowed(f) ? 'open' : 'dropped';
    if (expected === 'open' ? got !== 'open' : got !== 'timeout') failures.push({ flow: f, expected, got });
  }
  return failures;
}

export function formatFailures(failures: readonly Failure[], limit = 40): string {
  if (failures.length === 0) return 'no failures';
  const lines = failures.slice(0, limit).map((x) => `  expected ${x.expected.padEnd(7)} got ${x.got.padEnd(8)} ${describeFlow(x.flow)}  [${x.flow.why}]`);
  if (failures.length > limit) lines.push(`  … and ${failures.length - limit} more`);
  return `${failures.length} flow(s) wrong:\n${lines.join('\n')}`;
}
