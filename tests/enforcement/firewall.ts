/**
 * Loading an export into a namespace's kernel, and wiping it again.
 */
import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { access, copyFile, cp, mkdir, mkdtemp, open, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run, which, type RunResult } from './exec.ts';
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
      await runUfwScript(lab, id, text, deltas.map((d) => d.rules));
      return nothing;
    case 'firewalld':
      return runFirewalldScript(lab, id, text, deltas.map((d) => d.rules));
    default: {
      const never: never = format;
      throw new Error(`unknown format ${String(never)}`);
    }
  }
}

/**
 * A private ufw configuration in `dir`: copies of /etc/ufw (as ufw installs it: the pristine,
 * disabled state) and /etc/default/ufw, which ufwInNamespace() bind-mounts over the real ones, so
 * the machine's own ufw setup is never read or changed. ufw's sysctl file and module loading are
 * switched off (they could reach beyond the namespace) unless `sysctl` gives the lines of a
 * private sysctl file (only settings that are per network namespace).
 */
export async function prepareUfwConfig(dir: string, options: { readonly sysctl?: readonly string[] } = {}): Promise<void> {
  const etc = join(dir, 'etc-ufw');
  await cp('/etc/ufw', etc, { recursive: true });
  for (const f of ['user.rules', 'user6.rules']) await copyFile(join('/usr/share/ufw', f), join(etc, f));
  await writeFile(join(etc, 'ufw.conf'), 'ENABLED=no\nLOGLEVEL=low\n');
  let sysctl = 'IPT_SYSCTL=';
  if (options.sysctl !== undefined) {
    await writeFile(join(etc, 'sysctl-netns.conf'), `${options.sysctl.join('\n')}\n`);
    sysctl = 'IPT_SYSCTL=/etc/ufw/sysctl-netns.conf';
  }
  const defaults = (await readFile('/etc/default/ufw', 'utf8'))
    .replace(/^IPT_SYSCTL=.*$/m, sysctl)
    .replace(/^IPT_MODULES=.*$/m, 'IPT_MODULES=""')
    .replace(/^IPV6=.*$/m, 'IPV6=yes');
  await writeFile(join(dir, 'default-ufw'), defaults);
}

/**
 * Run a bash command inside the namespace of `id` with the private ufw configuration of `dir`
 * (prepareUfwConfig) bind-mounted over /etc/ufw and /etc/default/ufw in a new mount namespace.
 * The command sees the directory as $FWPLAN_TEST_DIR; `env` is added to its environment.
 */
export function ufwInNamespace(lab: Lab, id: string, dir: string, command: string, options: { env?: Readonly<Record<string, string>>; timeoutMs?: number } = {}): Promise<RunResult> {
  const inner = 'mount --bind "$FWPLAN_TEST_DIR/etc-ufw" /etc/ufw && mount --bind "$FWPLAN_TEST_DIR/default-ufw" /etc/default/ufw && eval "$1"';
  const vars = Object.entries({ ...options.env, FWPLAN_TEST_DIR: dir }).map(([k, v]) => `${k}=${v}`);
  return lab.exec(id, 'env', [...vars, 'unshare', '--mount', '--propagation', 'private', 'bash', '-c', inner, 'fwplan-ufw', command], {
    timeoutMs: options.timeoutMs ?? 120_000,
  });
}

/**
 * Run a ufw script with the real ufw inside a namespace, as an admin would: `apply 600` (snapshot,
 * rules, automatic rollback armed), then `confirm` (the rules stay, the rollback is cancelled).
 * ufw starts from its pristine, disabled configuration (prepareUfwConfig); the snapshot goes to
 * the scratch directory, which is removed afterwards.
 */
async function runUfwScript(lab: Lab, id: string, script: string, deltas: readonly string[] = []): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'fwplan-ufw-'));
  try {
    await prepareUfwConfig(dir);
    await writeFile(join(dir, 'script.sh'), script);
    for (const [i, d] of deltas.entries()) await writeFile(join(dir, `delta-${i}.sh`), d);
    // the export as an admin applies it, then each delta (a plain script) against the same configuration
    const command = ['bash "$FWPLAN_TEST_DIR/script.sh" apply 600', 'bash "$FWPLAN_TEST_DIR/script.sh" confirm', ...deltas.map((_, i) => `bash "$FWPLAN_TEST_DIR/delta-${i}.sh"`)].join(' && ');
    const r = await ufwInNamespace(lab, id, dir, command, {
      env: { FWPLAN_SNAPSHOT_DIR: join(dir, 'snapshot') },
      timeoutMs: 300_000,
    });
    if (r.code !== 0) throw new Error(`ufw script failed (${r.code ?? r.signal}): ${(r.stderr + r.stdout).trim().split('\n').slice(-20).join('\n')}`);
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

/** A firewalld of its own in a namespace (startFirewalld). */
export interface PrivateFirewalld {
  /** the scratch directory: the configuration is `config`, the D-Bus socket `bus` */
  readonly dir: string;
  /** firewalld's configuration directory (its --system-config) */
  readonly config: string;
  /** what a firewall-cmd (or a script that runs it) needs in its environment */
  readonly env: Readonly<Record<string, string>>;
  /** run a program in the namespace with `env` (and `extra`) */
  exec(cmd: string, args: readonly string[], extra?: Readonly<Record<string, string>>, timeoutMs?: number): Promise<RunResult>;
  /** the daemons' log so far */
  log(): Promise<string>;
  /** stop the daemons and remove the scratch directory */
  stop(): Promise<void>;
}

/**
 * Start firewalld inside the namespace of `id`: a private D-Bus system bus (a dbus-daemon
 * listening on a socket in a scratch directory, DBUS_SYSTEM_BUS_ADDRESS pointing at it), firewalld
 * with a scratch --system-config (so it starts from the vendor defaults and never reads or writes
 * /etc/firewalld). Ready when `firewall-cmd --state` answers.
 */
export async function startFirewalld(lab: Lab, id: string): Promise<PrivateFirewalld> {
  const dir = await mkdtemp(join(tmpdir(), 'fwplan-firewalld-'));
  const socket = join(dir, 'bus');
  const config = join(dir, 'config');
  const env = { DBUS_SYSTEM_BUS_ADDRESS: `unix:path=${socket}` };
  const logFile = await open(join(dir, 'daemons.log'), 'w');
  const daemons: ChildProcess[] = [];
  const readLog = () => readFile(join(dir, 'daemons.log'), 'utf8').catch(() => '');
  const stop = async () => {
    for (const d of daemons.reverse()) await lab.stop(d);
    await logFile.close();
    await rm(dir, { recursive: true, force: true });
  };
  const exec = (cmd: string, args: readonly string[], extra: Readonly<Record<string, string>> = {}, timeoutMs = 180_000) =>
    lab.exec(id, 'env', [...Object.entries({ ...env, ...extra }).map(([k, v]) => `${k}=${v}`), cmd, ...args], { timeoutMs });
  try {
    await mkdir(config);
    await copyFile('/etc/firewalld/firewalld.conf', join(config, 'firewalld.conf'));
    await writeFile(join(dir, 'bus.conf'), busConfig(socket));
    daemons.push(lab.spawn(id, 'dbus-daemon', [`--config-file=${join(dir, 'bus.conf')}`, '--nofork', '--nopidfile'], logFile.fd));
    await waitFor(() => access(socket).then(() => true, () => false), 'the private D-Bus socket', dir);
    daemons.push(lab.spawn(id, 'env', [`DBUS_SYSTEM_BUS_ADDRESS=${env.DBUS_SYSTEM_BUS_ADDRESS}`, 'firewalld', '--nofork', '--nopid', '--system-config', config, '--log-target', 'console'], logFile.fd));
    await waitFor(() => exec('firewall-cmd', ['--state']).then((r) => r.code === 0), 'firewalld', dir);
  } catch (e) {
    const daemonLog = await readLog();
    await stop();
    throw new Error(`${e instanceof Error ? e.message : String(e)}\n--- dbus-daemon/firewalld log ---\n${daemonLog.slice(-3000)}`);
  }
  return { dir, config, env, exec, log: readLog, stop };
}

/**
 * Run a firewalld script with the real firewalld inside a namespace (startFirewalld), as an admin
 * would: `apply 600`, then `confirm`, with the daemon's scratch configuration as
 * FWPLAN_FIREWALLD_DIR and the snapshot in the scratch directory. The daemons keep running until
 * the returned unload() stops them.
 */
async function runFirewalldScript(lab: Lab, id: string, script: string, deltas: readonly string[] = []): Promise<Unload> {
  const fwd = await startFirewalld(lab, id);
  try {
    const file = join(fwd.dir, 'script.sh');
    await writeFile(file, script);
    const env = { FWPLAN_FIREWALLD_DIR: fwd.config, FWPLAN_SNAPSHOT_DIR: join(fwd.dir, 'snapshot') };
    for (const mode of [['apply', '600'], ['confirm']]) {
      const r = await fwd.exec('bash', [file, ...mode], env);
      if (r.code !== 0 || /error/i.test(r.stdout + r.stderr)) {
        throw new Error(`firewalld script ${mode[0]} failed (${r.code}): ${(r.stderr + r.stdout).trim().slice(0, 2000)}`);
      }
    }
    // then each delta (a plain script), against the same running firewalld
    for (const [i, delta] of deltas.entries()) {
      const deltaFile = join(fwd.dir, `delta-${i}.sh`);
      await writeFile(deltaFile, delta);
      const r = await fwd.exec('bash', [deltaFile], env);
      if (r.code !== 0 || /error/i.test(r.stdout + r.stderr)) {
        throw new Error(`firewalld delta ${i + 1} of ${deltas.length} failed (${r.code}): ${(r.stderr + r.stdout).trim().slice(0, 2000)}`);
      }
    }
    return fwd.stop;
  } catch (e) {
    const daemonLog = await fwd.log();
    await fwd.stop();
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
