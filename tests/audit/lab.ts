/**
 * The audit kernel test's networks, built on tests/enforcement's Lab (namespaces registered and
 * removed, documentation addresses only): two ends, each with four addresses per family, and an
 * agent (tests/enforcement/agent.mjs) in each end that listens on every port of the pool, UDP on
 * each of the end's addresses, and sends probes from a chosen source address and port. Neighbour entries are static, so that no firewall rule can starve
 * neighbour discovery and turn a verdict "accept" into a timeout.
 */
import { AgentProcess, type AgentProbe, type Outcome } from '../enforcement/agent-process.ts';
import { must } from '../enforcement/exec.ts';
import { Lab, assertDocumentationAddress, link4, link6, type HostSpec, type LinkSpec } from '../enforcement/netns.ts';
import { DPORTS, FORWARD_SHAPE, INPUT_SHAPE, type Fam, type GFlow, type Shape } from './generate.ts';

export type { Outcome };

/** Four addresses on a link: the host's own and the next three. */
function extra(link: LinkSpec, family: Fam): string[] {
  if (family === 4) {
    const parts = link.address.split('.');
    const last = Number(parts[3]);
    return [0, 1, 2, 3].map((k) => [...parts.slice(0, 3), String(last + k)].join('.'));
  }
  const base = link.address.replace(/::10$/, '::');
  return ['10', '11', '12', '13'].map((h) => `${base}${h}`);
}

export interface AuditLabSpec {
  readonly shape: Shape;
  /** namespace id of end a, end b, and where the firewall is loaded ('router' or an end) */
  readonly a: string;
  readonly b: string;
  readonly firewall: string;
}

export class AuditLab {
  private constructor(
    readonly spec: AuditLabSpec,
    readonly lab: Lab,
    private readonly agents: ReadonlyMap<string, AgentProcess>,
  ) {}

  static async create(name: string, kind: 'forward' | 'input'): Promise<AuditLab> {
    const hosts: HostSpec[] =
      kind === 'forward'
        ? [
            { id: 'cli', role: 'USERW', v4: link4('198.51.100', 0), v6: link6(0xc1) },
            { id: 'srv', role: 'DVC', v4: link4('203.0.113', 0), v6: link6(0x5e) },
          ]
        : [
            { id: 'cli', role: 'USERW', v4: link4('192.0.2', 0), v6: link6(0x1) },
            { id: 'host', role: 'PRD', v4: link4('192.0.2', 1), v6: link6(0x2) },
          ];
    const [ha, hb] = hosts as [HostSpec, HostSpec];
    const ends = {
      4: { a: extra(ha.v4 as LinkSpec, 4), b: extra(hb.v4 as LinkSpec, 4) },
      6: { a: extra(ha.v6 as LinkSpec, 6), b: extra(hb.v6 as LinkSpec, 6) },
    } as const;
    for (const f of [4, 6] as const) for (const x of [...ends[f].a, ...ends[f].b]) assertDocumentationAddress(x, f);
    const shape = kind === 'forward' ? FORWARD_SHAPE : INPUT_SHAPE;
    for (const f of [4, 6] as const) {
      if (JSON.stringify(shape.ends[f]) !== JSON.stringify(ends[f])) throw new Error(`the ${kind} shape does not match the lab's IPv${f} addresses`);
    }
    const lab = await Lab.create(name, hosts);
    try {
      await AuditLab.wire(lab, hosts, ends);
      const agents = new Map<string, AgentProcess>();
      for (const [k, h] of hosts.entries()) {
        const side = k === 0 ? 'a' : 'b';
        agents.set(h.id, AgentProcess.start(lab, h.id, { tcp: DPORTS, udp: DPORTS, v4: true, v6: true, udpAddresses: [...ends[4][side], ...ends[6][side]] }));
      }
      await Promise.all([...agents.values()].map((p) => p.ready()));
      const audit = new AuditLab({ shape, a: ha.id, b: hb.id, firewall: kind === 'forward' ? 'router' : hb.id }, lab, agents);
      await audit.baseline();
      return audit;
    } catch (e) {
      await lab.destroy();
      throw e;
    }
  }

  /** The extra addresses, and static neighbour entries both ways on every link. */
  private static async wire(lab: Lab, hosts: readonly HostSpec[], ends: Shape['ends']): Promise<void> {
    const mac = async (ns: string, dev: string): Promise<string> => {
      const out = await must('ip', ['-n', ns, '-j', 'link', 'show', 'dev', dev]);
      const parsed = JSON.parse(out) as { address?: string }[];
      const address = parsed[0]?.address;
      if (address === undefined) throw new Error(`no MAC for ${dev} in ${ns}`);
      return address;
    };
    const routerLines: string[] = [];
    for (const [k, h] of hosts.entries()) {
      const side = k === 0 ? 'a' : 'b';
      const lines: string[] = [];
      for (const f of [4, 6] as const) {
        const link = (f === 4 ? h.v4 : h.v6) as LinkSpec;
        for (const address of ends[f][side].slice(1)) lines.push(`addr add ${address}/${link.prefix} dev eth0${f === 6 ? ' nodad' : ''}`);
      }
      const hostMac = await mac(lab.ns(h.id), 'eth0');
      const routerMac = await mac(lab.router, `v-${h.id}`);
      for (const f of [4, 6] as const) {
        const link = (f === 4 ? h.v4 : h.v6) as LinkSpec;
        lines.push(`neigh replace ${link.router} lladdr ${routerMac} dev eth0 nud permanent`);
        for (const address of ends[f][side]) routerLines.push(`neigh replace ${address} lladdr ${hostMac} dev v-${h.id} nud permanent`);
      }
      await must('ip', ['-n', lab.ns(h.id), '-batch', '-'], { input: `${lines.join('\n')}\n` });
    }
    await must('ip', ['-n', lab.router, '-batch', '-'], { input: `${routerLines.join('\n')}\n` });
  }

  /** Without a firewall every kind of flow gets through: so a timeout later is the firewall's doing. */
  private async baseline(): Promise<void> {
    const flows: GFlow[] = [];
    let sport = 19000;
    const froms: ('a' | 'b')[] = this.spec.shape.kind === 'forward' ? ['a', 'b'] : ['a'];
    for (const family of [4, 6] as const) {
      for (const proto of ['tcp', 'udp'] as const) {
        for (const from of froms) {
          const ends = this.spec.shape.ends[family];
          const src = from === 'a' ? ends.a : ends.b;
          const dst = from === 'a' ? ends.b : ends.a;
          for (let k = 0; k < 4; k++) flows.push({ family, proto, from, src: src[k] as string, dst: dst[(k + 1) % 4] as string, sport: sport++, dport: DPORTS[k % DPORTS.length] as number });
        }
      }
    }
    const outcomes = await this.probe(flows, () => 3000);
    const bad = flows.map((f, k) => ({ f, o: outcomes[k] })).filter((x) => x.o !== 'open');
    if (bad.length > 0) throw new Error(`without a firewall, ${bad.length} flow(s) do not get through: ${bad.slice(0, 5).map((x) => `${x.f.proto} ${x.f.src}:${x.f.sport} -> ${x.f.dst}:${x.f.dport} ${x.o}`).join('; ')}`);
  }

  /** Send every flow at once from its end; the outcomes in the flows' order. */
  async probe(flows: readonly GFlow[], timeoutFor: (f: GFlow, k: number) => number): Promise<Outcome[]> {
    const byEnd = new Map<string, AgentProbe[]>();
    flows.forEach((f, k) => {
      const end = f.from === 'a' ? this.spec.a : this.spec.b;
      const list = byEnd.get(end) ?? [];
      list.push({ id: String(k), proto: f.proto, src: f.src, sport: f.sport, host: f.dst, port: f.dport, timeoutMs: timeoutFor(f, k) });
      byEnd.set(end, list);
    });
    const outcomes: Outcome[] = flows.map(() => 'error:no-result');
    await Promise.all(
      [...byEnd].map(async ([end, probes]) => {
        const agent = this.agents.get(end);
        if (!agent) throw new Error(`no agent in ${end}`);
        for (const r of await agent.probe(probes)) outcomes[Number(r.id)] = r.outcome;
      }),
    );
    return outcomes;
  }

  /** Interfaces of the packets of a flow where the firewall sees them. */
  interfaces(f: GFlow): { request: { iif?: string; oif?: string }; reply: { iif?: string; oif?: string } } {
    if (this.spec.shape.kind === 'input') return { request: { iif: 'eth0' }, reply: { oif: 'eth0' } };
    const from = f.from === 'a' ? `v-${this.spec.a}` : `v-${this.spec.b}`;
    const to = f.from === 'a' ? `v-${this.spec.b}` : `v-${this.spec.a}`;
    return { request: { iif: from, oif: to }, reply: { iif: to, oif: from } };
  }

  async destroy(): Promise<void> {
    await this.lab.destroyChecked();
  }
}
