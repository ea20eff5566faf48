/**
 * Would the kernel agreement test notice a broken evaluator? Plants one bug at a time in a copy of
 * src/engine/audit and replays the rounds a kernel agreement run wrote (AUDIT_DUMP): a bug is
 * caught when some case's prediction changes — the kernel agreed with the real evaluator on every
 * case, so a changed prediction is a disagreement with the kernel.
 *
 *   AUDIT_DUMP=/tmp/rounds.json npx vitest run tests/audit/kernel-agreement.test.ts   (as root)
 *   npx tsx tests/audit/mutation-check.ts /tmp/rounds.json
 *
 * Prints, per planted bug, how many cases of each lab it changes; exits 1 if one changes none.
 */
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type * as Audit from '../../src/engine/audit/index.ts';

type Module = typeof Audit;

/** [name, file, text, replacement]: one bug each. */
const BUGS: readonly (readonly [string, string, string, string])[] = [
  ['goto taken as jump', 'evaluate.ts', "if (v.kind === 'jump') {", "if (v.kind === 'jump' || v.kind === 'goto') {"],
  ['an accept ends the hook', 'evaluate.ts', '      for (const { stage, o } of outcomes) accepted.push(`${stage.label} (${o.reason})`);\n      continue;', '      for (const { stage, o } of outcomes) accepted.push(`${stage.label} (${o.reason})`);\n      break;'],
  ['return ends the base chain', 'evaluate.ts', "      case 'return':\n        if (frames.length === 1) return policy();", "      case 'return':\n        return policy();"],
  ['policies ignored', 'evaluate.ts', "    const p = base.policy ?? 'accept';", "    const p = 'accept' as 'accept' | 'drop';"],
  ['priorities ignored', 'evaluate.ts', '  stages.sort((a, b) => a.hookIndex - b.hookIndex || a.priority - b.priority);', '  stages.sort((a, b) => a.hookIndex - b.hookIndex);'],
  ['ties taken in listing order', 'evaluate.ts', 'if (last && head && head.hookIndex === stage.hookIndex && head.priority === stage.priority) last.push(stage);', 'if (last && head && (false as boolean)) last.push(stage);'],
  ['negation ignored', 'evaluate.ts', 'const value: Tri = isUnknown(r) ? r : m.neg ? !r : r;', 'const value: Tri = r;'],
  ['negation applied to dependencies', 'evaluate.ts', '    if (r === false) return false;\n    if (isUnknown(r)) depUnknown ??= r;', '    if (r === false && !m.neg) return false;\n    if (isUnknown(r)) depUnknown ??= r;'],
  ['reject taken as accept', 'evaluate.ts', "      case 'accept':\n      case 'drop':\n      case 'reject':\n        return { kind: v.kind,", "      case 'reject':\n        return { kind: 'accept', reason: line(rule), trace: trace() };\n      case 'accept':\n      case 'drop':\n        return { kind: v.kind,"],
  ['state ignored', 'evaluate.ts', '      return t.states.includes(c.state);', "      return t.states.includes('new');"],
  ['source port read as destination port', 'evaluate.ts', "const v = dir === 'src' ? c.sport : c.dport;", 'const v = c.dport;'],
  ['--ports read as --dports', 'evaluate.ts', '      if (t.dir !== \'either\') return one(t.dir);', "      if (t.dir !== 'either') return one(t.dir);\n      return one('dst');"],
  ['address ranges end one early', 'evaluate.ts', '  if (ranges.length < 8) return ranges.some((r) => r.lo <= value && value <= r.hi);', '  if (ranges.length < 8) return ranges.some((r) => r.lo <= value && value < r.hi);'],
  ['port ranges end one early', 'values.ts', 'return ranges.some((r) => r.lo <= value && value <= r.hi);', 'return ranges.some((r) => r.lo <= value && value < r.hi);'],
  ['interface prefixes taken as names', 'values.ts', 'return pattern.prefix ? name.startsWith(pattern.name) : name === pattern.name;', 'return name === pattern.name;'],
  ['no input interface in postrouting', 'evaluate.ts', "const iif = hook === 'output' || (hook === 'postrouting' && packet.hook !== 'forward') ? null : packet.iif;", "const iif = hook === 'output' || hook === 'postrouting' ? null : packet.iif;"],
  ['a missing interface index ends the rule', 'evaluate.ts', '  const r = runTest(m.test, c);\n  const value', "  if (m.test.kind === 'iface' && !m.test.byName && (m.test.dir === 'in' ? c.iif : c.oif) === null) return false;\n  const r = runTest(m.test, c);\n  const value"],
  ['the state known before conntrack', 'evaluate.ts', "    if ((hook === 'prerouting' || hook === 'output') && priority <= -200) {", '    if ((false as boolean) && priority <= -200) {'],
  ['iptables-save taken alone', 'evaluate.ts', '    if (chains && view) {', '    if (chains && view && (false as boolean)) {'],
  ["iptables-nft's nft copy evaluated too", 'evaluate.ts', "if (ipt !== undefined && table.family !== 'inet' && IPTABLES_NFT_TABLES.has(table.name)) {", 'if (false as boolean) {'],
  ['ipset nomatch ignored', 'ipset.ts', 'return best !== undefined && !best.nomatch;', 'return best !== undefined;'],
  ['ct state != a|b read as "neither"', 'nft.ts', "if (op === 'in') return { kind: 'ct', states: bits };", "return { kind: 'ct', states: bits };"],
  ['limit rate over taken as matching', 'nft.ts', '          matches: !inv,', '          matches: true,'],
  ["the reject's family ignored", 'nft.ts', "  if (type === 'icmp' || type === 'icmpv6') {", "  if ((false as boolean) && (type === 'icmp' || type === 'icmpv6')) {"],
];

interface Round {
  readonly slot: string;
  readonly kind: 'forward' | 'input';
  readonly texts: { ipt4: string; ipt6: string; ipset: string; nft: string };
  readonly flows: readonly { family: 4 | 6; proto: 'tcp' | 'udp'; src: string; dst: string; sport: number; dport: number }[];
  readonly ifs: readonly { request: { iif?: string; oif?: string }; reply: { iif?: string; oif?: string } }[];
}

function must<T>(r: Audit.AuditParse<T>): T {
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('; '));
  return r.value;
}

/** Every case's prediction: request verdict (r: rejected), and the reply's when the request passes. */
function predictions(m: Module, round: Round): string[] {
  const loaded: Audit.Loaded = {
    iptables: must(m.parseIptablesSave(round.texts.ipt4, 4)),
    ip6tables: must(m.parseIptablesSave(round.texts.ipt6, 6)),
    ipsets: must(m.parseIpsetSave(round.texts.ipset)),
    nft: must(m.parseNftJson(round.texts.nft)),
  };
  const hooks = round.kind === 'forward' ? (['forward', 'forward'] as const) : (['input', 'output'] as const);
  return round.flows.map((f, k) => {
    const ifs = round.ifs[k] ?? { request: {}, reply: {} };
    const req = m.evaluate(loaded, { family: f.family, hook: hooks[0], src: f.src, dst: f.dst, proto: f.proto, sport: f.sport, dport: f.dport, state: 'new', ...ifs.request });
    const rep = m.evaluate(loaded, { family: f.family, hook: hooks[1], src: f.dst, dst: f.src, proto: f.proto, sport: f.dport, dport: f.sport, state: 'established', ...ifs.reply });
    return `${req.verdict}${req.rejected ? 'r' : ''}/${req.verdict === 'accept' ? rep.verdict : '-'}`;
  });
}

async function main(): Promise<void> {
  const dump = process.argv[2];
  if (dump === undefined) throw new Error('usage: tsx tests/audit/mutation-check.ts ROUNDS.json (written by AUDIT_DUMP=…)');
  const rounds = JSON.parse(readFileSync(dump, 'utf8')) as Round[];
  const source = fileURLToPath(new URL('../../src/engine/audit/', import.meta.url));
  const real = (await import(pathToFileURL(join(source, 'index.ts')).href)) as Module;
  const expected = rounds.map((r) => predictions(real, r));
  // the copies sit beside links to the rest of the real engine (the module imports ../net/address.ts, ../expand.ts …)
  const scratch = mkdtempSync(join(tmpdir(), 'fwplan-mutants-'));
  const engine = fileURLToPath(new URL('../../src/engine/', import.meta.url));
  for (const entry of readdirSync(engine)) if (entry !== 'audit') symlinkSync(join(engine, entry), join(scratch, entry));
  let missed = 0;
  try {
    for (const [i, [name, file, text, replacement]] of BUGS.entries()) {
      const dir = join(scratch, `audit${i}`);
      cpSync(source, dir, { recursive: true });
      const path = join(dir, file);
      const code = readFileSync(path, 'utf8');
      if (!code.includes(text)) throw new Error(`"${name}": the text to change is not in ${file} any more; update this list`);
      writeFileSync(path, code.replace(text, replacement));
      const broken = (await import(pathToFileURL(join(dir, 'index.ts')).href)) as Module;
      const changed = new Map<string, number>();
      rounds.forEach((r, k) => {
        const got = predictions(broken, r);
        got.forEach((p, j) => {
          if (p !== expected[k]?.[j]) changed.set(r.slot, (changed.get(r.slot) ?? 0) + 1);
        });
      });
      if (changed.size === 0) missed++;
      console.log(`${changed.size === 0 ? 'MISSED' : 'caught'}  ${name.padEnd(42)} ${[...changed].map(([s, n]) => `${s}:${n}`).join(' ')}`);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  if (missed > 0) {
    console.log(`${missed} planted bug(s) would go unnoticed by these rounds`);
    process.exitCode = 1;
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exitCode = 2;
});
