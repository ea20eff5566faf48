/**
 * Loading an export into a namespace's kernel, and wiping it again.
 */
import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { access, copyFile, cp, mkdir, mkdtemp, open, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { must, run, which } from './exec.ts';
import type { Lab } from './netns.ts';

/** iptables+ipset: the iptables export made with the ipset option, loaded after its ipset companion. */
export type LoadFormat = 'iptables' | 'ip6tables' | 'iptables+ipset' | 'ip6tables+ipset' | 'nftables' | 'ufw' | 'firewalld';

/** What gets loaded: the rules, and for the +ipset formats the `ipset restore` input they need. */
export interface Loadable {
  readonly rules: string;
  readonly ipset?: string;
  /** a delta only: commands to run once its rules are in (destroying the ipsets NEW no longer has) */
  readonly afterwards?: readonly string[];
}

let legacy: Promise<boolean> | undefined;

/** iptables-legacy keeps its rules outside nftables: `nft flush ruleset` would not clear them. */
function iptablesIsLegacy(): Promise<boolean> {
  legacy ??= run('iptables', ['-V']).then((r) => !r.stdout.includes('nf_tables'));
  return legacy;
}

/** Remove every rule and ipset from a namespace: back to "everything passes". */
export async function resetFirewall(lab: Lab, id: string): Promise<void> {
  await lab.execOk(id, 'nft', ['flush', 'ruleset']);
  if (await iptablesIsLegacy()) {
    for (const tool of ['iptables', 'ip6tables']) {
      for (const chain of ['INPUT', 'FORWARD', 'OUTPUT']) await lab.execOk(id, tool, ['-P', chain, 'ACCEPT']);
      await lab.execOk(id, tool, ['-F']);
      await lab.execOk(id, tool, ['-X']);
    }
  }
  // sets can go once no rule refers to them any more
  if (which('ipset') !== undefined) await lab.execOk(id, 'ipset', ['destroy']);
}

/** Undo what loading needed beyond rules (a daemon, a scratch directory); resetFirewall() does the rest. */
export type Unload = () => Promise<void>;

const nothing: Unload = () => Promise.resolve();

/** Run a bash script (a delta) inside a namespace, from a scratch file. */
async function runBashScript(lab: Lab, id: string, script: string): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'fwplan-script-'));
  try {
    await writeFile(join(dir, 'script.sh'), script);
    await lab.execOk(id, 'bash', [join(dir, 'script.sh')]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Load an export into the namespace of `id` (the router, or a host) exactly as an admin would:
 * iptables-restore / ip6tables-restore / nft -f with the file on standard input (after `ipset
 * restore` of the companion for the +ipset formats), or the ufw / firewalld script run by bash
 * with the real tool. Then each delta (`fwplan delta`) in turn, as the admin would apply it: the
 * nftables script by bash, `ipset restore` of the ipset delta, `iptables-restore --noflush` of
 * the rules delta and its afterwards commands, the ufw and firewalld scripts against the same ufw
 * configuration and the same running firewalld as the export.
 */
export async function loadExport(lab: Lab, id: string, format: LoadFormat, load: Loadable, deltas: readonly Loadable[] = []): Promise<Unload> {
  const text = load.rules;
  switch (format) {
    case 'iptables':
    case 'ip6tables':
    case 'iptables+ipset':
    case 'ip6tables+ipset': {
      const tool = format.startsWith('ip6') ? 'ip6tables' : 'iptables';
      if (format.endsWith('+ipset')) {
        if (load.ipset === undefined) throw new Error(`${format} needs its ipset companion`);
        await lab.execOk(id, 'ipset', ['restore'], { input: load.ipset });
      }
      await lab.execOk(id, `${tool}-restore`, [], { input: text });
      for (const d of deltas) {
        if (d.ipset !== undefined) await lab.execOk(id, 'ipset', ['restore'], { input: d.ipset });
        await lab.execOk(id, `${tool}-restore`, ['--test', '--noflush'], { input: d.rules });
        await lab.execOk(id, `${tool}-restore`, ['--noflush'], { input: d.rules });
        for (const c of d.afterwards ?? []) {
          const [cmd, ...args] = c.split(' ');
          await lab.execOk(id, cmd as string, args);
        }
      }
      return nothing;
    }
    case 'nftables':
      await lab.execOk(id, 'nft', ['-f', '-'], { input: text });
      for (const d of deltas) await runBashScript(lab, id, d.rules);
      return nothing;
    case 'ufw':
      await runUfwScript(lab, id, [text, ...deltas.map((d) => d.rules)]);
      return nothing;
    case 'firewalld':
      return runFirewalldScript(lab, id, [text, ...deltas.map((d) => d.rules)]);
    default: {
      const never: never = format;
      throw new Error(`unknown format ${String(never)}`);
    }
  }
}

/**
 * Run a ufw script with the real ufw inside a namespace. ufw keeps its state in /etc/ufw and
 * /etc/default/ufw: the script sees private copies (a mount namespace with bind mounts), starting
 * from ufw's pristine, disabled configuration, so the machine's own ufw setup is never read or
 * changed. ufw's sysctl file and module loading are switched off (they could reach beyond the
 * namespace).
 */
async function runUfwScript(lab: Lab, id: string, scripts: readonly string[]): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'fwplan-ufw-'));
  try {
    const etc = join(dir, 'etc-ufw');
    await cp('/etc/ufw', etc, { recursive: true });
    for (const f of ['user.rules', 'user6.rules']) await copyFile(join('/usr/share/ufw', f), join(etc, f));
    await writeFile(join(etc, 'ufw.conf'), 'ENABLED=no\nLOGLEVEL=low\n');
    const defaults = (await readFile('/etc/default/ufw', 'utf8'))
      .replace(/^IPT_SYSCTL=.*$/m, 'IPT_SYSCTL=')
      .replace(/^IPT_MODULES=.*$/m, 'IPT_MODULES=""')
      .replace(/^IPV6=.*$/m, 'IPV6=yes');
    await writeFile(join(dir, 'default-ufw'), defaults);
    // the scripts run one after the other against the same private ufw configuration
    for (const [i, script] of scripts.entries()) await writeFile(join(dir, `script-${i}.sh`), script);
    const run = scripts.map((_, i) => `bash "$1/script-${i}.sh"`).join(' && ');
    const inner = `mount --bind "$1/etc-ufw" /etc/ufw && mount --bind "$1/default-ufw" /etc/default/ufw && ${run}`;
    await must('ip', ['netns', 'exec', lab.ns(id), 'unshare', '--mount', '--propagation', 'private', 'bash', '-c', inner, 'fwplan-ufw', dir], {
      timeoutMs: 300_000,
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A private system bus: firewalld and firewall-cmd talk over it, the machine's own bus is never used. */
function busConfig(socket: string): string {
  return `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN" "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=${socket}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="root"/>
    <allow own="*"/>
    <allow send_destination="*"/>
    <allow receive_sender="*"/>
  </policy>
</busconfig>
`;
}

/**
 * Run a firewalld script with the real firewalld inside a namespace: a private D-Bus system bus
 * (a dbus-daemon listening on a socket in a scratch directory, DBUS_SYSTEM_BUS_ADDRESS pointing at
 * it), firewalld started in the namespace with a scratch --system-config (so it starts from the
 * vendor defaults and never reads or writes /etc/firewalld), then the script with the real
 * firewall-cmd. The daemons keep running until the returned unload() stops them.
 */
async function runFirewalldScript(lab: Lab, id: string, scripts: readonly string[]): Promise<Unload> {
  const dir = await mkdtemp(join(tmpdir(), 'fwplan-firewalld-'));
  const socket = join(dir, 'bus');
  const address = `unix:path=${socket}`;
  const log = await open(join(dir, 'daemons.log'), 'w');
  const daemons: ChildProcess[] = [];
  const unload: Unload = async () => {
    for (const d of daemons.reverse()) await lab.stop(d);
    await log.close();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await mkdir(join(dir, 'etc'));
    await copyFile('/etc/firewalld/firewalld.conf', join(dir, 'etc', 'firewalld.conf'));
    await writeFile(join(dir, 'bus.conf'), busConfig(socket));
    daemons.push(lab.spawn(id, 'dbus-daemon', [`--config-file=${join(dir, 'bus.conf')}`, '--nofork', '--nopidfile'], log.fd));
    await waitFor(() => access(socket).then(() => true, () => false), 'the private D-Bus socket', dir);
    daemons.push(
      lab.spawn(id, 'env', [`DBUS_SYSTEM_BUS_ADDRESS=${address}`, 'firewalld', '--nofork', '--nopid', '--system-config', join(dir, 'etc'), '--log-target', 'console'], log.fd),
    );
    const state = () => lab.exec(id, 'env', [`DBUS_SYSTEM_BUS_ADDRESS=${address}`, 'firewall-cmd', '--state']).then((r) => r.code === 0);
    await waitFor(state, 'firewalld', dir);
    // the scripts run one after the other against the same running firewalld
    for (const [i, script] of scripts.entries()) {
      await writeFile(join(dir, `script-${i}.sh`), script);
      const r = await lab.exec(id, 'env', [`DBUS_SYSTEM_BUS_ADDRESS=${address}`, 'bash', join(dir, `script-${i}.sh`)], { timeoutMs: 180_000 });
      if (r.code !== 0 || /error/i.test(r.stdout + r.stderr)) {
        throw new Error(`firewalld script ${i + 1} of ${scripts.length} failed (${r.code}): ${(r.stderr + r.stdout).trim().slice(0, 2000)}`);
      }
    }
    return unload;
  } catch (e) {
    const daemonLog = await readFile(join(dir, 'daemons.log'), 'utf8').catch(() => '');
    await unload();
    throw new Error(`${e instanceof Error ? e.message : String(e)}\n--- dbus-daemon/firewalld log ---\n${daemonLog.slice(-3000)}`);
  }
}

async function waitFor(ready: () => Promise<boolean>, what: string, dir: string): Promise<void> {
  for (let i = 0; i < 120; i++) {
    if (await ready()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  const daemonLog = await readFile(join(dir, 'daemons.log'), 'utf8').catch(() => '');
  throw new Error(`${what} did not come up within 30 s: ${daemonLog.slice(-2000)}`);
}

/** A fingerprint of the machine's own ufw and firewalld configuration (file names, sizes, contents). */
export async function machineFirewallConfig(): Promise<string> {
  const hash = createHash('sha256');
  const walk = async (path: string): Promise<void> => {
    let info;
    try {
      info = await stat(path);
    } catch {
      hash.update(`${path}: absent\n`);
      return;
    }
    if (info.isDirectory()) {
      for (const name of (await readdir(path)).sort()) await walk(join(path, name));
    } else {
      hash.update(`${path} ${info.size}\n`);
      hash.update(await readFile(path));
    }
  };
  for (const p of ['/etc/ufw', '/etc/default/ufw', '/etc/firewalld']) await walk(p);
  return hash.digest('hex');
}

/**
 * What a namespace's firewall holds, as text two loads can be compared by: rules within a chain
 * sorted (as a multiset), set elements sorted, no handles, counters or random hash seeds.
 * nftables: table inet fwplan (from `nft -j`); iptables: the filter table of iptables-save (and
 * the ipsets' names, types and members for the +ipset formats); ufw: the filter tables of
 * iptables-save and ip6tables-save; firewalld: every nftables table it made.
 */
export async function listFirewall(lab: Lab, id: string, format: LoadFormat): Promise<string> {
  switch (format) {
    case 'nftables':
      return normaliseNftJson(await lab.execOk(id, 'nft', ['-j', 'list', 'table', 'inet', 'fwplan']));
    case 'firewalld':
      return normaliseNftJson(await lab.execOk(id, 'nft', ['-j', 'list', 'ruleset']));
    case 'iptables':
    case 'ip6tables':
      return normaliseSave(await lab.execOk(id, `${format}-save`, ['-t', 'filter']));
    case 'iptables+ipset':
    case 'ip6tables+ipset': {
      const tool = format.startsWith('ip6') ? 'ip6tables' : 'iptables';
      return `${normaliseSave(await lab.execOk(id, `${tool}-save`, ['-t', 'filter']))}\n${normaliseIpsets(await lab.execOk(id, 'ipset', ['list']))}`;
    }
    case 'ufw':
      return `${normaliseSave(await lab.execOk(id, 'iptables-save', ['-t', 'filter']))}\n${normaliseSave(await lab.execOk(id, 'ip6tables-save', ['-t', 'filter']))}`;
    default: {
      const never: never = format;
      throw new Error(`unknown format ${String(never)}`);
    }
  }
}

/** iptables-save output: chain declarations and each chain's rules as sorted lists, no counters. */
export function normaliseSave(text: string): string {
  const declared: string[] = [];
  const rules = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    if (line.startsWith(':')) declared.push(line.replace(/ \[\d+:\d+\]$/, ''));
    const m = /^-A (\S+) /.exec(line);
    if (m?.[1]) rules.set(m[1], [...(rules.get(m[1]) ?? []), line.replace(/^\[\d+:\d+\] /, '')]);
  }
  const out = [...declared.sort()];
  for (const chain of [...rules.keys()].sort()) out.push(`${chain}:`, ...(rules.get(chain) ?? []).sort().map((r) => `  ${r}`));
  return out.join('\n');
}

/** `ipset list`: each set's name, type, family and size limit, and its members sorted. */
export function normaliseIpsets(text: string): string {
  return text
    .split(/\n(?=Name: )/)
    .filter((block) => block.startsWith('Name: '))
    .map((block) => {
      const field = (name: string) => new RegExp(`^${name}: (.*)$`, 'm').exec(block)?.[1] ?? '';
      const header = field('Header').replace(/ (hashsize|initval|bucketsize) \S+/g, '');
      const members = (block.split(/^Members:\n?/m)[1] ?? '').split('\n').filter((l) => l.trim() !== '').sort();
      return [`${field('Name')} ${field('Type')} ${header} references ${field('References')}`, ...members.map((m) => `  ${m}`)].join('\n');
    })
    .sort()
    .join('\n');
}

type NftObject = Record<string, Record<string, unknown>>;

/** `nft -j list …`: tables, chains, sets (elements sorted) and each chain's rules sorted, without handles. */
export function normaliseNftJson(json: string): string {
  const parsed = JSON.parse(json) as { nftables: NftObject[] };
  const strip = (o: Record<string, unknown>) => {
    const { handle: _handle, ...rest } = o;
    return rest;
  };
  const sets: string[] = [];
  const chains: string[] = [];
  const rules = new Map<string, string[]>();
  for (const item of parsed.nftables) {
    const [kind, body] = Object.entries(item)[0] ?? [];
    if (!kind || !body || kind === 'metainfo') continue;
    if (kind === 'set' || kind === 'map') {
      const { elem, ...rest } = strip(body);
      const elements = Array.isArray(elem) ? elem.map((e) => JSON.stringify(e)).sort() : [];
      sets.push(`${kind} ${JSON.stringify(rest)}\n${elements.map((e) => `  ${e}`).join('\n')}`);
    } else if (kind === 'rule') {
      const key = `${String(body.family)} ${String(body.table)} ${String(body.chain)}`;
      rules.set(key, [...(rules.get(key) ?? []), JSON.stringify(strip(body))]);
    } else {
      chains.push(`${kind} ${JSON.stringify(strip(body))}`);
    }
  }
  const out = [...chains.sort(), ...sets.sort()];
  for (const key of [...rules.keys()].sort()) out.push(`rules of ${key}:`, ...(rules.get(key) ?? []).sort().map((r) => `  ${r}`));
  return out.join('\n');
}
