/**
 * Test networks made of Linux network namespaces: one router namespace and, per host, a namespace
 * linked to the router by a veth pair, each on its own subnet. Every interface is created inside a
 * namespace (never in the machine's own), and addresses come from the documentation ranges only.
 *
 * Every namespace and process made here is registered, removed by Lab.destroy(), and — should a
 * test process die before that — by an exit handler; namespaces left by a dead test process (its
 * pid is part of the name) are removed the next time a lab is made.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import type { RoleCode } from '../../src/engine/index.ts';
import { must, run, type RunOptions, type RunResult } from './exec.ts';

export type Family = 4 | 6;

/** One side of a host's link: the host's address, the router's address, the prefix length. */
export interface LinkSpec {
  readonly address: string;
  readonly router: string;
  readonly prefix: number;
}

export interface HostSpec {
  /** short id, [a-z0-9]{1,10}: part of namespace and interface names */
  readonly id: string;
  readonly role: RoleCode;
  readonly label?: string;
  /** version 1 plans: a different label on the IPv6 line (the same machine written as two nodes) */
  readonly label6?: string;
  /** USERW and DVC hosts of a version 2 plan: the group the host belongs to */
  readonly group?: string;
  readonly v4?: LinkSpec;
  readonly v6?: LinkSpec;
  /** what the plan lists for this host (default: its addresses) — e.g. a CIDR around it */
  readonly entries?: readonly string[];
}

export interface Host extends HostSpec {
  readonly ns: string;
}

/** One address of one host: the unit a flow starts from or goes to. */
export interface HostAddress {
  readonly host: string;
  readonly family: Family;
  readonly address: string;
}

const DOC_V4 = [/^192\.0\.2\.\d+$/, /^198\.51\.100\.\d+$/, /^203\.0\.113\.\d+$/];

/** Only the documentation ranges may appear on a test link. */
export function assertDocumentationAddress(address: string, family: Family): void {
  const ok = family === 4 ? DOC_V4.some((re) => re.test(address)) : /^2001:db8:/i.test(address);
  if (!ok) throw new Error(`${address} is not in a documentation range (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32)`);
}

/** Link n (0–15) of 192.0.2.0/24, 198.51.100.0/24 or 203.0.113.0/24 as /28s: router .1, host .10. */
export function link4(base: '192.0.2' | '198.51.100' | '203.0.113', n: number, hostOffset = 10): LinkSpec {
  if (n < 0 || n > 15 || hostOffset < 2 || hostOffset > 14) throw new Error(`link4: bad subnet ${n} / host ${hostOffset}`);
  return { address: `${base}.${n * 16 + hostOffset}`, router: `${base}.${n * 16 + 1}`, prefix: 28 };
}

/** Link 2001:db8:N::/64: router ::1, host ::10 (or the given host part). */
export function link6(n: number, host = '10'): LinkSpec {
  const net = `2001:db8:${n.toString(16)}`;
  return { address: `${net}::${host}`, router: `${net}::1`, prefix: 64 };
}

/** Write /proc/sys/net/… values as seen from inside a namespace (no procps needed). */
async function setSysctl(ns: string, values: Readonly<Record<string, string>>): Promise<void> {
  const script = Object.entries(values)
    .map(([key, value]) => `echo ${value} > /proc/sys/net/${key}`)
    .join(' && ');
  await must('ip', ['netns', 'exec', ns, 'sh', '-c', script]);
}

export const NS_PREFIX = `fwpenf${process.pid}-`;

const namespaces = new Set<string>();
const children = new Set<ChildProcess>();

function killChild(child: ChildProcess): void {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  children.delete(child);
}

process.once('exit', () => {
  for (const child of [...children]) killChild(child);
  for (const ns of namespaces) spawnSync('ip', ['netns', 'delete', ns], { stdio: 'ignore' });
});

let staleSwept = false;

/** Remove namespaces of earlier runs whose test process is gone (their names carry its pid). */
async function sweepStale(): Promise<void> {
  if (staleSwept) return;
  staleSwept = true;
  const list = await run('ip', ['netns', 'list']);
  for (const line of list.stdout.split('\n')) {
    const name = line.split(' ')[0] ?? '';
    const m = /^fwpenf(\d+)-/.exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid === process.pid) continue;
    let alive = true;
    try {
      process.kill(pid, 0);
    } catch (e) {
      alive = (e as NodeJS.ErrnoException).code !== 'ESRCH';
    }
    if (!alive) await run('ip', ['netns', 'delete', name]);
  }
}

export class Lab {
  readonly router: string;
  readonly hosts: readonly Host[];
  private readonly byId: Map<string, Host>;
  private readonly procs = new Set<ChildProcess>();
  private readonly mine: string[] = [];

  private constructor(readonly name: string, specs: readonly HostSpec[]) {
    this.router = `${NS_PREFIX}${name}-router`;
    this.hosts = specs.map((s) => ({ ...s, ns: `${NS_PREFIX}${name}-${s.id}` }));
    this.byId = new Map(this.hosts.map((h) => [h.id, h]));
  }

  /** Build the network: router (forwarding on) plus one linked namespace per host. */
  static async create(name: string, specs: readonly HostSpec[]): Promise<Lab> {
    if (!/^[a-z0-9]{1,12}$/.test(name)) throw new Error(`lab name "${name}": [a-z0-9]{1,12}`);
    const ids = new Set<string>();
    for (const s of specs) {
      if (!/^[a-z0-9]{1,10}$/.test(s.id) || s.id === 'router' || ids.has(s.id)) throw new Error(`host id "${s.id}" is invalid or taken`);
      ids.add(s.id);
      if (!s.v4 && !s.v6) throw new Error(`host ${s.id} has no address`);
      if (s.v4) for (const a of [s.v4.address, s.v4.router]) assertDocumentationAddress(a, 4);
      if (s.v6) for (const a of [s.v6.address, s.v6.router]) assertDocumentationAddress(a, 6);
    }
    await sweepStale();
    const lab = new Lab(name, specs);
    try {
      await lab.build();
    } catch (e) {
      await lab.destroy();
      throw e;
    }
    return lab;
  }

  private async addNamespace(ns: string): Promise<void> {
    await must('ip', ['netns', 'add', ns]);
    namespaces.add(ns);
    this.mine.push(ns);
    // addresses are usable at once: no duplicate address detection (also for link-local ones)
    await setSysctl(ns, { 'ipv6/conf/default/accept_dad': '0', 'ipv6/conf/all/accept_dad': '0' });
    await must('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
  }

  private async build(): Promise<void> {
    await this.addNamespace(this.router);
    await setSysctl(this.router, { 'ipv4/ip_forward': '1', 'ipv6/conf/all/forwarding': '1' });
    await Promise.all(
      this.hosts.map(async (h) => {
        await this.addNamespace(h.ns);
        await must('ip', ['-n', this.router, 'link', 'add', `v-${h.id}`, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', h.ns]);
        const lines = ['link set eth0 up'];
        if (h.v4) lines.push(`addr add ${h.v4.address}/${h.v4.prefix} dev eth0`, `route add default via ${h.v4.router}`);
        if (h.v6) lines.push(`addr add ${h.v6.address}/${h.v6.prefix} dev eth0 nodad`, `route add default via ${h.v6.router}`);
        await must('ip', ['-n', h.ns, '-batch', '-'], { input: `${lines.join('\n')}\n` });
      }),
    );
    const routerLines: string[] = [];
    for (const h of this.hosts) {
      if (h.v4) routerLines.push(`addr add ${h.v4.router}/${h.v4.prefix} dev v-${h.id}`);
      if (h.v6) routerLines.push(`addr add ${h.v6.router}/${h.v6.prefix} dev v-${h.id} nodad`);
      routerLines.push(`link set v-${h.id} up`);
    }
    await must('ip', ['-n', this.router, '-batch', '-'], { input: `${routerLines.join('\n')}\n` });
  }

  host(id: string): Host {
    const h = this.byId.get(id);
    if (!h) throw new Error(`no host ${id} in lab ${this.name}`);
    return h;
  }

  /** Namespace of a host id, or of the router for 'router'. */
  ns(id: string): string {
    return id === 'router' ? this.router : this.host(id).ns;
  }

  /** Every address of every host. */
  addresses(): HostAddress[] {
    const out: HostAddress[] = [];
    for (const h of this.hosts) {
      if (h.v4) out.push({ host: h.id, family: 4, address: h.v4.address });
      if (h.v6) out.push({ host: h.id, family: 6, address: h.v6.address });
    }
    return out;
  }

  exec(id: string, cmd: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    return run('ip', ['netns', 'exec', this.ns(id), cmd, ...args], options);
  }

  execOk(id: string, cmd: string, args: readonly string[], options: RunOptions = {}): Promise<string> {
    return must('ip', ['netns', 'exec', this.ns(id), cmd, ...args], options);
  }

  /**
   * Start a long-running process in a namespace ('router' or a host id); destroy() kills it.
   * Its output goes to pipes, or to `logFd` (a file the caller opened) for chatty daemons.
   */
  spawn(id: string, cmd: string, args: readonly string[], logFd?: number): ChildProcess {
    // `ip netns exec` execs the command: the child's pid is the command's own
    const stdio = logFd === undefined ? (['pipe', 'pipe', 'pipe'] as const) : (['ignore', logFd, logFd] as const);
    const child = spawn('ip', ['netns', 'exec', this.ns(id), cmd, ...args], { stdio: [...stdio] });
    children.add(child);
    this.procs.add(child);
    child.once('exit', () => {
      children.delete(child);
      this.procs.delete(child);
    });
    return child;
  }

  /** Stop one process started by spawn(): SIGTERM, then SIGKILL after `graceMs`. */
  async stop(child: ChildProcess, graceMs = 3000): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => killChild(child), graceMs);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill('SIGTERM');
    });
  }

  /** Kill this lab's processes and delete its namespaces. Safe to call more than once. */
  async destroy(): Promise<void> {
    const waits = [...this.procs].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          killChild(child);
        }),
    );
    await Promise.all(waits);
    const errors: string[] = [];
    for (const ns of this.mine.splice(0).reverse()) {
      const r = await run('ip', ['netns', 'delete', ns]);
      if (r.code === 0) namespaces.delete(ns);
      else errors.push(`${ns}: ${r.stderr.trim()}`);
    }
    if (errors.length > 0) throw new Error(`could not delete namespaces: ${errors.join('; ')}`);
  }

  /** destroy(), then fail if any namespace of this lab is still there (a test's last check). */
  async destroyChecked(): Promise<void> {
    await this.destroy();
    const left = await Lab.existing(this.prefix);
    if (left.length > 0) throw new Error(`namespaces left behind: ${left.join(', ')}`);
  }

  /** Namespaces of this lab that still exist (for the cleanup test). */
  static async existing(prefix: string): Promise<string[]> {
    const list = await run('ip', ['netns', 'list']);
    return list.stdout
      .split('\n')
      .map((l) => l.split(' ')[0] ?? '')
      .filter((n) => n.startsWith(prefix));
  }

  /** Prefix of this lab's namespace names. */
  get prefix(): string {
    return `${NS_PREFIX}${this.name}-`;
  }
}
