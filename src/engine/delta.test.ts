import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DELTA_DIFFS, DELTA_FORMATS, deltaExport } from './delta.ts';
import { exportPlan } from './export.ts';
import { FORMAT_IDS, RENDERERS } from './render/registry.ts';
import { parsePlanText } from './schema.ts';
import type { Plan } from './model/plan.ts';
import { coveredRanges, parseAddress, rangeText, type Network } from './net/address.ts';
import { listDiff, shellCommands, shellWords, shortHash } from './render/diff.ts';
import { parseFirewalldExport } from './render/firewalld-delta.ts';
import { parseIpsetExport } from './render/ipset-delta.ts';
import { parseIptablesExport } from './render/iptables-delta.ts';
import { countNftables } from './render/nftables.ts';
import { parseNftExport } from './render/nftables-delta.ts';
import { shellWord } from './render/quote.ts';
import type { RenderOptions } from './render/types.ts';
import { parseUfwExport } from './render/ufw-delta.ts';

const PLANS = join(import.meta.dirname, '../../tests/fixtures/plans');
const DELTAS = join(import.meta.dirname, '../../tests/fixtures/deltas');

function read(path: string): Plan {
  const parsed = parsePlanText(readFileSync(path, 'utf8'));
  if (!parsed.ok) throw new Error(`${path}: ${JSON.stringify(parsed.errors)}`);
  return parsed.plan;
}

const fixtures = readdirSync(PLANS).filter((f) => f.endsWith('.json')).sort().map((f) => ({ name: f, plan: read(join(PLANS, f)) }));
const oldPlan = read(join(DELTAS, 'old.json'));
const newPlan = read(join(DELTAS, 'new.json'));
const gateway = { kind: 'gateway' } as const;
const host = (node: string) => ({ kind: 'host', node }) as const;

function text(plan: Plan, format: Parameters<typeof exportPlan>[1], options: RenderOptions): string {
  const r = exportPlan(plan, format, options);
  if (!r.ok) throw new Error(r.message);
  return r.text;
}

/** Shell words as bash reads them: fwplan writes '…' (with '\'' for a quote), "…" and bare words. */
function unquote(word: string): string {
  let out = '';
  for (let i = 0; i < word.length; i++) {
    const c = word.charAt(i);
    if (c === "'") {
      const end = word.indexOf("'", i + 1);
      out += word.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      const end = word.indexOf('"', i + 1);
      out += word.slice(i + 1, end);
      i = end;
    } else if (c === '\\') {
      out += word.charAt(i + 1);
      i++;
    } else out += c;
  }
  return out;
}

describe('diff helpers', () => {
  it('listDiff is a multiset difference that keeps each side\'s order', () => {
    expect(listDiff(['a', 'b', 'b', 'c'], ['b', 'd', 'a', 'd'], (x) => x)).toEqual({ added: ['d', 'd'], removed: ['b', 'c'] });
    expect(listDiff([], ['x'], (x) => x)).toEqual({ added: ['x'], removed: [] });
    expect(listDiff(['x', 'y'], ['y', 'x'], (x) => x)).toEqual({ added: [], removed: [] });
  });

  it('shellWords splits as bash does, keeping quotes; shellCommands joins continued lines', () => {
    const hostile = `it's "quoted" $(reboot) \`x\` a\\b`;
    const words = shellWords(`firewall-cmd --zone="$ZONE" --add-rich-rule=${shellWord(hostile)}   --x=a\\ b`);
    expect(words).toEqual(['firewall-cmd', '--zone="$ZONE"', `--add-rich-rule=${shellWord(hostile)}`, '--x=a\\ b']);
    expect(unquote(words[2] as string)).toBe(`--add-rich-rule=${hostile}`);
    expect(shellCommands('# c\nset -e\nfirewall-cmd a \\\n  --b=1 \\\n  --c=2\n\nfirewall-cmd --reload\n')).toEqual(['set -e', 'firewall-cmd a --b=1 --c=2', 'firewall-cmd --reload']);
  });

  it('shortHash is ten characters of [0-9a-z], stable, and tells texts apart', () => {
    expect(shortHash('ct state invalid drop')).toMatch(/^[0-9a-z]{10}$/);
    expect(shortHash('abc')).toBe(shortHash('abc'));
    const tags = new Set(Array.from({ length: 20000 }, (_, i) => shortHash(`ip saddr 10.0.${i >> 8}.${i & 255} accept`)));
    expect(tags.size).toBe(20000);
  });

  it('coveredRanges merges overlapping and adjacent networks into the runs an auto-merge set holds', () => {
    const nets = ['10.0.0.0/24', '10.0.0.5', '10.0.1.0/25', '10.0.1.128/25', '192.0.2.10', '192.0.2.11', '2001:db8::/127', '2001:db8::2'].map((a) => {
      const p = parseAddress(a);
      if (!p.ok) throw new Error(a);
      return p.network;
    }) as Network[];
    expect(coveredRanges(nets).map(rangeText)).toEqual(['10.0.0.0/23', '192.0.2.10/31', '2001:db8::-2001:db8::2']);
  });
});

describe('nftables tags', () => {
  it('every rule of every export carries a unique fwplan tag within 128 bytes of comment, and the parser reads them all back', () => {
    for (const { plan } of fixtures) {
      for (const options of [{ scope: gateway, defaultDrop: true }, { scope: gateway, defaultDrop: false }] as RenderOptions[]) {
        const t = text(plan, 'nftables', options);
        const parsed = parseNftExport(t);
        if (!parsed.ok) throw new Error(parsed.message);
        const rules = [...parsed.table.chains.values()].flatMap((c) => c.rules);
        expect(rules.length).toBe(countNftables(t));
        for (const r of rules) expect(Buffer.byteLength(/comment ("[^"]*")/.exec(r.text)?.[1] ?? '')).toBeLessThanOrEqual(130);
      }
    }
  });

  it('the same rule has the same tag in two plans; a changed rule gets a new one', () => {
    const tags = (plan: Plan) => {
      const parsed = parseNftExport(text(plan, 'nftables', { scope: gateway, defaultDrop: true }));
      if (!parsed.ok) throw new Error(parsed.message);
      return new Map([...(parsed.table.chains.get('forward')?.rules ?? [])].map((r) => [r.tag, r.text]));
    };
    const a = tags(oldPlan);
    const b = tags(newPlan);
    const ct = [...a].find(([, t]) => t.startsWith('ct state established'));
    expect(ct && b.get(ct[0])).toBe(ct?.[1]);
    const ldap = [...b].find(([, t]) => t.includes('3268'));
    expect(ldap && a.has(ldap[0])).toBe(false);
  });

  it('the parser refuses an export without tags (made before tags existed)', () => {
    const untagged = text(oldPlan, 'nftables', { scope: gateway, defaultDrop: true }).replace(/ comment "fwplan:[0-9a-z]{10}[^"]*"/g, '');
    const r = parseNftExport(untagged);
    expect(r.ok).toBe(false);
  });
});

describe('delta formats', () => {
  it('a format declares a delta on its renderer exactly when src/engine/delta.ts has its comparison', () => {
    for (const f of FORMAT_IDS) expect(RENDERERS[f].delta !== undefined, f).toBe(DELTA_DIFFS[f] !== undefined);
    expect(DELTA_FORMATS).toEqual(['iptables', 'ip6tables', 'nftables', 'ufw', 'firewalld', 'ipset']);
  });
});

describe('deltaExport refuses what a delta cannot do', () => {
  it('formats without a delta', () => {
    for (const format of ['csv', 'json'] as const) {
      const r = deltaExport(oldPlan, newPlan, format, { scope: gateway, defaultDrop: false });
      expect(!r.ok && r.message).toMatch(new RegExp(`^${format} has no delta export \\(formats with one: ${DELTA_FORMATS.join(', ')}\\)`));
    }
    expect(DELTA_FORMATS).toEqual(['iptables', 'ip6tables', 'nftables', 'ufw', 'firewalld', 'ipset']);
  });

  it('a plan with errors, saying which', () => {
    const broken = { ...newPlan, roles: { ...newPlan.roles, NTP: ['10.0.0.300'] } };
    const r = deltaExport(oldPlan, broken, 'nftables', { scope: gateway, defaultDrop: true });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.side).toBe('new');
    expect(r.message).toMatch(/^NEW plan: The plan has 1 error/);
    expect(r.errors.length).toBe(1);
    const o = deltaExport(broken, newPlan, 'nftables', { scope: gateway, defaultDrop: true });
    expect(!o.ok && o.side).toBe('old');
  });

  it('a host scope one plan lacks', () => {
    const r = deltaExport(oldPlan, newPlan, 'nftables', { scope: host('vault-03'), defaultDrop: true });
    expect(!r.ok && r.message).toMatch(/^OLD plan: .*vault-03/);
  });

  it('options that differ where the format cannot bridge them: scope, ipsets, and --default-drop on one side only', () => {
    const opts = (defaultDrop: boolean, extra: Partial<RenderOptions> = {}): RenderOptions => ({ scope: gateway, defaultDrop, ...extra });
    const scoped = deltaExport(oldPlan, newPlan, 'nftables', opts(true), { oldOptions: { scope: host('vault-01'), defaultDrop: true } });
    expect(!scoped.ok && scoped.message).toMatch(/different scopes/);
    const sets = deltaExport(oldPlan, newPlan, 'iptables', opts(false, { ipset: true }), { oldOptions: opts(false) });
    expect(!sets.ok && sets.message).toMatch(/--ipset on one side only/);
    for (const format of ['nftables', 'iptables', 'ip6tables', 'firewalld'] as const) {
      const r = deltaExport(oldPlan, newPlan, format, opts(true), { oldOptions: opts(false) });
      expect(!r.ok && r.message, format).toMatch(/load NEW's full export instead/);
    }
    const egress = deltaExport(oldPlan, newPlan, 'nftables', { scope: host('vault-01'), defaultDrop: true, egress: 'open' }, { oldOptions: { scope: host('vault-01'), defaultDrop: true } });
    expect(!egress.ok && egress.message).toMatch(/chain output changes from .*policy drop.* to .*policy accept/);
    // ufw bridges it: its policy lines follow the allow rules, as in NEW's own script
    const ufw = deltaExport(oldPlan, newPlan, 'ufw', opts(true), { oldOptions: opts(false) });
    // with the gateway guard of NEW's script: whether ufw was active is found out by the delta itself
    expect(ufw.ok && ufw.text).toContain(
      [
        "# ufw's policy, as NEW's script sets it",
        '# yes when ufw is active, no when it is not',
        'fwplan_ufw_state() {',
        '  local out',
        `  out=$(LC_ALL=C ufw status 2>&1) || { printf 'ufw status: %s\\n' "$out" >&2; return 1; }`,
        "  case ${out%%$'\\n'*} in",
        "    'Status: active') echo yes ;;",
        "    'Status: inactive') echo no ;;",
        `    *) printf 'ufw status: %s\\n' "$out" >&2; return 1 ;;`,
        '  esac',
        '}',
        'fwplan_ufw_was_active=$(fwplan_ufw_state)',
        'if [ "$fwplan_ufw_was_active" = no ]; then',
        'ufw default allow incoming',
        'ufw default allow outgoing',
        'fi',
        'ufw default deny routed',
        'ufw --force enable',
        '',
      ].join('\n'),
    );
    const back = deltaExport(oldPlan, newPlan, 'ufw', opts(false), { oldOptions: opts(true) });
    expect(!back.ok && back.message).toMatch(/cannot undo that/);
  });
});

/* ---- models: each delta applied, line by line, to what OLD's export loaded, must give NEW's ---- */

function applyIptables(oldText: string, delta: string): Map<string, string[]> {
  const parsed = parseIptablesExport(oldText);
  if (!parsed.ok) throw new Error(parsed.message);
  const chains = new Map([...parsed.table.chains].map(([k, v]) => [k, [...v]]));
  const chainOf = (name: string) => {
    const c = chains.get(name);
    if (!c) throw new Error(`no chain ${name}`);
    return c;
  };
  for (const line of delta.split('\n')) {
    if (line === '' || line.startsWith('#') || line === '*filter' || line === 'COMMIT') continue;
    const m = /^(:|-[ADFX] )(\S+)/.exec(line);
    if (!m) throw new Error(`unexpected delta line ${line}`);
    const [, op, name] = m as unknown as [string, string, string];
    if (op === ':') {
      expect(chains.has(name), `${name} is declared while it exists: --noflush would flush it`).toBe(false);
      chains.set(name, []);
    } else if (op === '-A ') chainOf(name).push(line.slice(3));
    else if (op === '-D ') {
      const list = chainOf(name);
      const i = list.indexOf(line.slice(3));
      expect(i, `deletes a rule OLD does not have: ${line}`).toBeGreaterThanOrEqual(0);
      list.splice(i, 1);
    } else if (op === '-F ') chainOf(name).length = 0;
    else {
      expect(chainOf(name)).toEqual([]);
      for (const [other, rules] of chains) expect(rules.some((r) => r.endsWith(` -j ${name}`)), `${other} still jumps to ${name}`).toBe(false);
      chains.delete(name);
    }
  }
  return chains;
}

function sortedChains(chains: Map<string, string[]>): [string, string[]][] {
  return [...chains].map(([k, v]): [string, string[]] => [k, [...v].sort()]).sort(([a], [b]) => (a < b ? -1 : 1));
}

function applyUfw(oldText: string, delta: string): { rules: Map<string, string>; policy: string[] } {
  const state = parseUfwExport(oldText);
  const rules = new Map(state.rules);
  let policy = state.policy;
  const newPolicy: string[] = [];
  for (const line of delta.split('\n')) {
    if (!line.startsWith('ufw ')) continue;
    const spec = (l: string) => (l.includes(' comment ') ? l.slice(0, l.indexOf(' comment ')) : l);
    if (line.startsWith('ufw route delete allow ') || line.startsWith('ufw delete allow ')) {
      const added = spec(line.replace('ufw route delete allow ', 'ufw route allow ').replace('ufw delete allow ', 'ufw allow '));
      expect(rules.has(added), `deletes a rule OLD does not have: ${line}`).toBe(true);
      rules.delete(added);
    } else if (line.startsWith('ufw route allow ') || line.startsWith('ufw allow ')) {
      rules.set(spec(line), line);
    } else newPolicy.push(line);
  }
  if (newPolicy.length > 0) policy = newPolicy;
  return { rules, policy };
}

function applyFirewalld(oldText: string, delta: string) {
  const state = parseFirewalldExport(oldText);
  const rules = new Map([...state.rules].map(([k, v]) => [k, new Set(v)]));
  const ipsets = new Map([...state.ipsets].map(([k, v]) => [k, new Set(v.entries)]));
  for (const command of shellCommands(delta)) {
    const words = shellWords(command);
    if (words[0] !== 'firewall-cmd') continue;
    const where = words[2] ?? '';
    const created = /^--info-ipset=(\S+)$/.exec(where)?.[1];
    if (created) {
      expect(ipsets.has(created)).toBe(false);
      ipsets.set(created, new Set());
      continue;
    }
    const deleted = /^--delete-ipset=(\S+)$/.exec(where)?.[1];
    if (deleted) {
      for (const list of rules.values()) for (const r of list) expect(r.includes(`ipset="${deleted}"`), `a rule still uses ${deleted}`).toBe(false);
      ipsets.delete(deleted);
      continue;
    }
    const set = /^--ipset=(\S+)$/.exec(where)?.[1];
    for (const w of words.slice(3)) {
      const [option, ...rest] = w.split('=');
      const value = rest.join('=');
      if (set) {
        const entries = ipsets.get(set);
        if (!entries) throw new Error(`no ipset ${set}`);
        if (option === '--add-entry') entries.add(value);
        else if (option === '--remove-entry') expect(entries.delete(value)).toBe(true);
        else throw new Error(w);
      } else {
        const list = rules.get(where) ?? new Set<string>();
        rules.set(where, list);
        if (option === '--add-rich-rule') list.add(value);
        else if (option === '--remove-rich-rule') expect(list.delete(value), `removes a rule OLD does not have: ${value}`).toBe(true);
        else throw new Error(w);
      }
    }
  }
  return { rules, ipsets };
}

function firewalldState(t: string) {
  const s = parseFirewalldExport(t);
  return { rules: new Map([...s.rules].map(([k, v]) => [k, new Set(v)])), ipsets: new Map([...s.ipsets].map(([k, v]) => [k, new Set(v.entries)])) };
}

function normalise(state: { rules: Map<string, Set<string>>; ipsets: Map<string, Set<string>> }) {
  const flat = (m: Map<string, Set<string>>) => [...m].filter(([, v]) => v.size > 0).map(([k, v]) => [k, [...v].sort()]).sort();
  return { rules: flat(state.rules), ipsets: [...state.ipsets].map(([k, v]) => [k, [...v].sort()]).sort() };
}

function applyIpset(oldText: string, delta: string, afterwards: readonly string[]) {
  const sets = new Map([...parseIpsetExport(oldText)].map(([k, v]) => [k, new Set(v.entries)]));
  for (const line of delta.split('\n')) {
    const [op, name, value] = line.split(' ') as [string, string, string];
    if (op === 'create') {
      expect(sets.has(name)).toBe(false);
      sets.set(name, new Set());
    } else if (op === 'add') sets.get(name)?.add(value);
    else if (op === 'del') expect(sets.get(name)?.delete(value)).toBe(true);
  }
  for (const c of afterwards) sets.delete(c.replace('ipset destroy ', ''));
  return [...sets].map(([k, v]) => [k, [...v].sort()]).sort();
}

interface Pair {
  readonly title: string;
  readonly old: Plan;
  readonly new: Plan;
  readonly options: RenderOptions;
}

/** Every ordered pair of fixture plans (itself included) at the gateway, and the delta fixture pair in every scope. */
const pairs: Pair[] = [
  ...fixtures.flatMap((a) => fixtures.flatMap((b) => [true, false].map((defaultDrop) => ({ title: `${a.name} → ${b.name}${defaultDrop ? ' --default-drop' : ''}`, old: a.plan, new: b.plan, options: { scope: gateway, defaultDrop } })))),
  ...[
    { scope: gateway, defaultDrop: true },
    { scope: host('vault-01'), defaultDrop: true },
    { scope: host('vault-01'), defaultDrop: false },
    { scope: host('vault-01'), defaultDrop: true, egress: 'open' as const },
    { scope: host('vault-02'), defaultDrop: true },
  ].map((options) => ({ title: `deltas/old → new ${JSON.stringify(options)}`, old: oldPlan, new: newPlan, options })),
];

describe.each(pairs)('delta $title: applied to what OLD loaded, it gives what NEW loads', ({ old, new: next, options }) => {
  const self = old === next;
  const delta = (format: Parameters<typeof deltaExport>[2], extra: Partial<RenderOptions> = {}) => {
    const r = deltaExport(old, next, format, { ...options, ...extra });
    if (!r.ok) throw new Error(r.message);
    if (self) expect([r.added, r.removed]).toEqual([0, 0]);
    return r;
  };

  it.each([
    ['iptables', false],
    ['ip6tables', false],
    ['iptables', true],
    ['ip6tables', true],
  ] as const)('%s (ipsets: %s)', (format, ipset) => {
    const d = delta(format, { ipset });
    const result = applyIptables(text(old, format, { ...options, ipset }), d.text);
    const want = parseIptablesExport(text(next, format, { ...options, ipset }));
    if (!want.ok) throw new Error(want.message);
    expect(sortedChains(result)).toEqual(sortedChains(want.table.chains));
    if (self) expect(d.text).not.toMatch(/^(-[ADFX]|:)/m);
  });

  it('ipset', () => {
    const d = delta('ipset');
    expect(applyIpset(text(old, 'ipset', options), d.text, d.afterwards)).toEqual(applyIpset(text(next, 'ipset', options), '', []));
    if (self) expect(d.text).not.toMatch(/^(add|del|create) /m);
  });

  it('ufw', () => {
    const d = delta('ufw');
    const result = applyUfw(text(old, 'ufw', options), d.text);
    const want = parseUfwExport(text(next, 'ufw', options));
    expect([...result.rules].sort()).toEqual([...want.rules].sort());
    expect(result.policy).toEqual(want.policy);
    if (self) expect(d.text).toMatch(/nothing to change/);
  });

  it('firewalld', () => {
    const d = delta('firewalld');
    expect(normalise(applyFirewalld(text(old, 'firewalld', options), d.text))).toEqual(normalise(firewalldState(text(next, 'firewalld', options))));
    if (self) expect(d.text).toMatch(/nothing to change/);
    else if (d.added + d.removed > 0) expect(d.text).toMatch(/\nfirewall-cmd --reload\n$/);
  });

  it('nftables (the transaction; tests/delta-script.test.ts runs the script itself)', () => {
    const d = delta('nftables');
    if (self) expect(d.text).toMatch(/nothing to change/);
    else expect(d.text).toMatch(/\nnft -c -f "\$tx"\nnft -f "\$tx"\n/);
  });
});

describe('delta text', () => {
  it('the header says from which plan to which, where, and what changes; a delta file name carries the new plan and the scope', () => {
    const r = deltaExport(oldPlan, newPlan, 'iptables', { scope: host('vault-01'), defaultDrop: true });
    if (!r.ok) throw new Error(r.message);
    expect(r.fileName).toBe('hq-vault-host-vault-01.delta.iptables.rules');
    expect(r.text).toMatch(/^# fwplan delta - iptables-restore --noflush input \(IPv4\)\n# from plan: HQ vault\n# to plan: {3}HQ vault\n# scope: host vault-01; default-drop: yes\n# changes: \d+ rules added, \d+ removed; chains: \d+ added, \d+ removed\n/);
  });

  it('ipset: sets NEW no longer has are destroyed afterwards, never in the restore input', () => {
    const r = deltaExport(oldPlan, newPlan, 'ipset', { scope: gateway, defaultDrop: false });
    if (!r.ok) throw new Error(r.message);
    expect(r.afterwards).toEqual(['ipset destroy fwplan-site-jump-host-se-1ehn0r']);
    expect(r.text).not.toMatch(/^destroy /m);
    expect(r.text).toMatch(/^# {3}ipset destroy fwplan-site-jump-host-se-1ehn0r$/m);
  });
});
