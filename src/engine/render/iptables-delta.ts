/** The iptables delta (Renderer.delta's logic): loaded with src/engine/delta.ts, not with the renderer. */
import { changeCounts, deltaHeaderLines, listDiff, sameList } from './diff.ts';
import type { DeltaDiff, DeltaInput, DeltaOutput } from './types.ts';

const BUILTIN = new Set(['INPUT', 'FORWARD', 'OUTPUT']);

/** One export's filter table, read back: the built-in chains as written, and fwplan's own chains. */
interface IptablesTable {
  /** policy lines and rules of INPUT/FORWARD/OUTPUT, in order: a delta leaves them as they are */
  readonly frame: readonly string[];
  /** fwplan's own chains in declaration order, with their rules (everything after "-A ") */
  readonly chains: Map<string, string[]>;
}

/** Read an iptables-restore export of fwplan back. */
export function parseIptablesExport(text: string): { ok: true; table: IptablesTable } | { ok: false; message: string } {
  const frame: string[] = [];
  const chains = new Map<string, string[]>();
  let inFilter = false;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (line === '*filter') {
      inFilter = true;
      continue;
    }
    if (!inFilter) return { ok: false, message: `a line outside *filter: ${line.slice(0, 80)}` };
    if (line === 'COMMIT') {
      inFilter = false;
      continue;
    }
    const declared = /^:(\S+) (\S+) \[\d+:\d+\]$/.exec(line);
    if (declared) {
      const name = declared[1] as string;
      if (BUILTIN.has(name)) frame.push(line);
      else chains.set(name, []);
      continue;
    }
    const rule = /^-([AI]) (\S+) /.exec(line);
    if (!rule) return { ok: false, message: `not a rule of fwplan's: ${line.slice(0, 80)}` };
    const chain = rule[2] as string;
    const own = chains.get(chain);
    if (own && rule[1] === 'A') own.push(line.slice(3));
    else if (BUILTIN.has(chain)) frame.push(line);
    else return { ok: false, message: `a rule of an undeclared chain: ${line.slice(0, 80)}` };
  }
  return { ok: true, table: { frame, chains } };
}

/**
 * The iptables/ip6tables delta: `iptables-restore --noflush` input that touches fwplan's own
 * chains only. New chains are declared (an existing one is never declared again: with --noflush
 * that would flush it), NEW's rules are appended (-A) before OLD's are deleted (-D), and chains
 * NEW no longer has are flushed and removed once the rules that jump to them are gone. One
 * restore is one commit: all of it or nothing.
 */
export function deltaIptables(family: 4 | 6): DeltaDiff {
  const tool = family === 4 ? 'iptables' : 'ip6tables';
  return (input: DeltaInput): DeltaOutput => {
    const before = parseIptablesExport(input.old);
    const after = parseIptablesExport(input.new);
    if (!before.ok) return { ok: false, message: `OLD's ${tool} export: ${before.message}` };
    if (!after.ok) return { ok: false, message: `NEW's ${tool} export: ${after.message}` };
    const a = before.table;
    const b = after.table;
    if (!sameList(a.frame, b.frame)) {
      return { ok: false, message: `the built-in chains (policies, baseline, jumps) differ between the two ${tool} exports; a delta changes fwplan's own chains only: load NEW's full export instead` };
    }
    const declare: string[] = [];
    const adds: string[] = [];
    const deletes: string[] = [];
    const gone: string[] = [];
    let removed = 0;
    for (const [name, rules] of b.chains) {
      const old = a.chains.get(name);
      if (!old) {
        declare.push(`:${name} - [0:0]`);
        for (const r of rules) adds.push(`-A ${r}`);
        continue;
      }
      const d = listDiff(old, rules, (r) => r);
      for (const r of d.added) adds.push(`-A ${r}`);
      for (const r of d.removed) deletes.push(`-D ${r}`);
      removed += d.removed.length;
    }
    for (const [name, rules] of a.chains) {
      if (b.chains.has(name)) continue;
      gone.push(name);
      removed += rules.length;
    }
    const file = input.fileName;
    const ipsetNote = input.options.ipset
      ? [
          "# Uses kernel ipsets: load the ipset delta first (it adds the sets and entries NEW needs):",
          `#   fwplan delta OLD NEW --format ipset${input.options.scope.kind === 'host' ? ' --scope …' : ''} | ipset restore`,
          "# and destroy the sets it lists only after this delta (and the ip6tables one) is loaded.",
        ]
      : [];
    const lines = [
      ...deltaHeaderLines(input, `${tool}-restore --noflush input (IPv${family})`, `${changeCounts('rules', adds.length, removed)}; chains: ${declare.length} added, ${gone.length} removed`),
      '#',
      "# Turns fwplan's own chains as OLD's export loaded them into NEW's; the built-in chains and",
      '# everything else in the table are left alone. Apply with --noflush (without it the table is replaced):',
      `#   ${tool}-restore --test --noflush < ${file}    # check`,
      `#   ${tool}-restore --noflush < ${file}           # one commit: all of it or nothing`,
      "# It fails, changing nothing, if a rule it deletes is not there (OLD's export not loaded).",
      `# Roll back: the delta from NEW to OLD, or ${tool}-restore < /root/${tool}.before`,
      ...ipsetNote,
      '*filter',
      ...declare,
      ...adds,
      ...deletes,
      ...gone.map((c) => `-F ${c}`),
      ...gone.map((c) => `-X ${c}`),
      'COMMIT',
      '',
    ];
    return { ok: true, text: lines.join('\n'), added: adds.length, removed, afterwards: [] };
  };
}
