/**
 * The agent process of a lab host (agent.mjs), seen from the test: start it, wait until it
 * listens, hand it probes. Shared by the enforcement tests (probe.ts) and the audit's kernel test
 * (tests/audit/lab.ts).
 */
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Lab } from './netns.ts';

const AGENT = fileURLToPath(new URL('./agent.mjs', import.meta.url));

/** open: connected (TCP) or echoed (UDP); timeout: no answer at all, i.e. dropped on the way. */
export type Outcome = 'open' | 'refused' | 'timeout' | 'unreachable' | `error:${string}`;

/** What an agent listens on (see agent.mjs). */
export interface AgentSpec {
  readonly tcp: readonly number[];
  readonly udp: readonly number[];
  readonly v4: boolean;
  readonly v6: boolean;
  /** UDP on each of these addresses rather than on any address of a family */
  readonly udpAddresses?: readonly string[];
}

/** One probe: to `host`:`port`, from `src`:`sport` where given. */
export interface AgentProbe {
  readonly id: string;
  readonly proto: string;
  readonly host: string;
  readonly port: number;
  readonly timeoutMs: number;
  readonly src?: string;
  readonly sport?: number;
}

interface Pending {
  readonly resolve: (results: { id: string; outcome: Outcome }[]) => void;
  readonly reject: (e: Error) => void;
}

/**
 * The agent (agent.mjs) running in one host's namespace: it listens on the ports its spec names
 * and sends the probes it is given, from that host.
 */
export class AgentProcess {
  private seq = 0;
  private readonly pending = new Map<number, Pending>();
  private buffer = '';
  private stderr = '';
  private exited: Error | undefined;

  private constructor(
    readonly host: string,
    private readonly child: ChildProcess,
  ) {
    child.stderr?.on('data', (b: Buffer) => (this.stderr += b.toString()));
    child.once('exit', (code, signal) => {
      this.exited = new Error(`agent in ${host} exited (${code ?? signal}): ${this.stderr.trim()}`);
      for (const p of this.pending.values()) p.reject(this.exited);
      this.pending.clear();
    });
  }

  /** Start the agent in `host`'s namespace; it lives until the lab is destroyed. */
  static start(lab: Lab, host: string, spec: AgentSpec): AgentProcess {
    return new AgentProcess(host, lab.spawn(host, process.execPath, [AGENT, 'serve', JSON.stringify(spec)]));
  }

  /** Resolves once every socket is bound. */
  ready(): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`agent in ${this.host} not ready after 20 s: ${this.stderr.trim()}`)), 20_000);
      const onData = (b: Buffer) => {
        this.buffer += b.toString();
        const nl = this.buffer.indexOf('\n');
        if (nl < 0) return;
        const first = this.buffer.slice(0, nl);
        this.buffer = this.buffer.slice(nl + 1);
        this.child.stdout?.off('data', onData);
        this.child.stdout?.on('data', (more: Buffer) => this.onData(more));
        clearTimeout(timer);
        if (first === 'ready') resolve();
        else reject(new Error(`agent in ${this.host}: ${first} ${this.stderr.trim()}`));
      };
      this.child.stdout?.on('data', onData);
      this.child.once('exit', () => {
        clearTimeout(timer);
        reject(this.exited ?? new Error(`agent in ${this.host} exited`));
      });
    });
  }

  private onData(b: Buffer): void {
    this.buffer += b.toString();
    let nl: number;
    while ((nl = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, nl);
      this.buffer = this.buffer.slice(nl + 1);
      const answer = JSON.parse(line) as { seq: number; results: { id: string; outcome: Outcome }[] };
      this.pending.get(answer.seq)?.resolve(answer.results);
      this.pending.delete(answer.seq);
    }
  }

  probe(probes: readonly AgentProbe[]): Promise<{ id: string; outcome: Outcome }[]> {
    if (this.exited) return Promise.reject(this.exited);
    const seq = ++this.seq;
    return new Promise((resolve, reject) => {
      this.pending.set(seq, { resolve, reject });
      this.child.stdin?.write(`${JSON.stringify({ seq, probes })}\n`);
    });
  }
}

