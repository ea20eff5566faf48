/**
 * iptables-save / ip6tables-save output → the filter table in the evaluator's form.
 *
 * Supported: chain policies, user chains, -A rules with -s/-d (negation, CIDRs, hosts, dotted
 * prefixes), -p, -i/-o (with + and !), -m tcp/udp --dport/--sport, -m multiport, -m conntrack
 * --ctstate, -m state, -m set --match-set (one dimension), -m comment (ignored), -m limit (taken as
 * matching, noted), -j ACCEPT/DROP/REJECT/RETURN/LOG/<chain>, -g <chain>.
 *
 * What is not supported never becomes a guess:
 * - an unknown match module or option makes the whole rule unknown (its other options cannot be
 *   read with certainty);
 * - a known option whose meaning is not modelled (--icmp-type, --tcp-flags, --ctstatus …) makes
 *   the rule unknown only when every modelled match of it holds;
 * - an unknown target (MARK, NFQUEUE, …) makes the rule unknown when it matches.
 * Other tables (nat, mangle, raw, security) are not evaluated; one that can drop (a DROP/REJECT/
 * queue target or a DROP policy) is a hazard, which makes verdicts for its family unknown.
 */
import type { Family } from '../net/address.ts';
import { tokenize, type Token } from './tokens.ts';
import type { AddrRange, AuditError, AuditParse, Chain, Hazard, NumRange, Rule, Step, Test, Verdict } from './types.ts';
import { addressRange, excerpt, portNumber, protocolNumber } from './values.ts';

export interface IptablesRuleset {
  readonly family: Family;
  /** 'iptables' or 'ip6tables': how trace lines name it */
  readonly tool: 'iptables' | 'ip6tables';
  /** the filter table; absent when the text has none (then iptables filters nothing) */
  readonly filter?: { readonly chains: ReadonlyMap<string, Chain> };
  /** every table the text holds, in order */
  readonly tables: readonly string[];
  readonly hazards: readonly Hazard[];
}

const BUILTIN_FILTER = ['INPUT', 'FORWARD', 'OUTPUT'] as const;
const DROPPING_TARGETS = new Set(['DROP', 'REJECT', 'NFQUEUE', 'QUEUE']);

/** Options a known match module takes, with the number of words each needs. */
const MODULES: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  tcp: { '--dport': 1, '--destination-port': 1, '--sport': 1, '--source-port': 1, '--tcp-flags': 2, '--syn': 0, '--tcp-option': 1 },
  udp: { '--dport': 1, '--destination-port': 1, '--sport': 1, '--source-port': 1 },
  multiport: { '--dports': 1, '--destination-ports': 1, '--sports': 1, '--source-ports': 1, '--ports': 1 },
  conntrack: {
    '--ctstate': 1, '--ctproto': 1, '--ctorigsrc': 1, '--ctorigdst': 1, '--ctreplsrc': 1, '--ctrepldst': 1, '--ctorigsrcport': 1,
    '--ctorigdstport': 1, '--ctreplsrcport': 1, '--ctrepldstport': 1, '--ctstatus': 1, '--ctexpire': 1, '--ctdir': 1,
  },
  state: { '--state': 1 },
  set: {
    '--match-set': 2, '--set': 2, '--return-nomatch': 0, '--update-counters': 0, '--update-subcounters': 0, '--packets-eq': 1,
    '--packets-lt': 1, '--packets-gt': 1, '--bytes-eq': 1, '--bytes-lt': 1, '--bytes-gt': 1,
  },
  comment: { '--comment': 1 },
  limit: { '--limit': 1, '--limit-burst': 1 },
  icmp: { '--icmp-type': 1 },
  icmp6: { '--icmpv6-type': 1 },
};

/** Options of the targets evaluated here. */
const TARGET_OPTIONS: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  ACCEPT: {},
  DROP: {},
  RETURN: {},
  REJECT: { '--reject-with': 1 },
  LOG: {
    '--log-level': 1, '--log-prefix': 1, '--log-tcp-sequence': 0, '--log-tcp-options': 0, '--log-ip-options': 0, '--log-uid': 0,
    '--log-macdecode': 0,
  },
};

const CT_STATES: Readonly<Record<string, string>> = {
  NEW: 'new',
  ESTABLISHED: 'established',
  RELATED: 'related',
  INVALID: 'invalid',
  UNTRACKED: 'untracked',
};

class LineError extends Error {}

interface DraftRule {
  readonly line: number;
  readonly text: string;
  readonly chain: string;
  readonly steps: Step[];
  /** -j NAME or -g NAME, resolved once every chain is known */
  readonly target?: { readonly name: string; readonly goto: boolean; readonly unknownOption?: string };
  /** the rule cannot be read with certainty: reaching it is unknown (unless a match read before that point is false) */
  readonly structural?: string;
}

interface TableState {
  readonly name: string;
  readonly line: number;
  readonly chains: Map<string, { policy?: 'accept' | 'drop'; line: number; text: string }>;
  readonly rules: DraftRule[];
}

function isOption(t: Token | undefined): boolean {
  return t !== undefined && !t.quoted && t.text.startsWith('-') && t.text.length > 1 && (!/^-\d/.test(t.text) || t.text === '-4' || t.text === '-6');
}

/** Parse one -A rule's words (after "-A CHAIN"). Throws LineError for text iptables would refuse. */
function parseRuleWords(words: readonly Token[], family: Family, lineNo: number, notes: string[]): {
  steps: Step[];
  target?: DraftRule['target'];
  structural?: string;
  skip?: string;
} {
  const steps: Step[] = [];
  let target: DraftRule['target'];
  let structural: string | undefined;
  let skip: string | undefined;
  let module: string | undefined;
  let unknownModule = false;
  let proto: string | undefined;
  let neg = false;
  let i = 0;
  const take = (opt: string): string => {
    const t = words[i];
    if (t === undefined || (t.text === '!' && !t.quoted)) throw new LineError(`${opt} needs a value`);
    i++;
    return t.text;
  };
  const addMatch = (test: Test, text: string, deps: Test[] = []): void => {
    steps.push({ kind: 'match', match: { deps, test, neg, text: `${neg ? '! ' : ''}${text}` } });
  };
  // the matches read before the first thing that cannot be read stay exact (a rule's matches are
  // a conjunction: one of them false is enough for the rule not to match); the rest may be misread
  let structuralAt: number | undefined;
  const markStructural = (why: string): void => {
    if (structural === undefined) structuralAt = steps.length;
    structural ??= why;
  };

  while (i < words.length) {
    const tok = words[i] as Token;
    i++;
    if (tok.text === '!' && !tok.quoted) {
      if (neg) throw new LineError('"!" twice in a row');
      if (!isOption(words[i])) throw new LineError('"!" must come before an option');
      neg = true;
      continue;
    }
    if (!isOption(tok)) {
      if (structural !== undefined) continue; // an argument of an option that could not be read
      throw new LineError(`unexpected word "${excerpt(tok.text, 60)}"`);
    }
    const opt = tok.text;
    const wasNeg = neg;
    if (target !== undefined) {
      // everything after -j/-g belongs to the target (iptables-save writes the target last)
      if (opt.startsWith('--')) {
        const arity = TARGET_OPTIONS[target.name]?.[opt];
        if (arity === undefined) {
          if (target.unknownOption === undefined) target = { ...target, unknownOption: opt };
          while (i < words.length && !isOption(words[i]) && !(words[i]?.text === '!' && !words[i]?.quoted)) i++;
        } else {
          for (let k = 0; k < arity; k++) take(opt);
        }
        neg = false;
        continue;
      }
    }
    switch (opt) {
      case '-s': case '--source': case '--src':
      case '-d': case '--destination': case '--dst': {
        const value = take(opt);
        const dir = opt === '-s' || opt === '--source' || opt === '--src' ? 'src' : 'dst';
        const ranges: AddrRange[] = [];
        let unsupported: string | undefined;
        for (const part of value.split(',')) {
          const r = addressRange(part, family);
          if (r.ok) ranges.push(r.range);
          else if (/[a-z]/i.test(part) && !part.includes(':') && family === 4) unsupported = `"${part}" is a host name (iptables resolves it when loading)`;
          else if (r.reason.includes('non-contiguous')) unsupported = r.reason;
          else throw new LineError(`${opt} ${r.reason}`);
        }
        const text = `${dir === 'src' ? '-s' : '-d'} ${value}`;
        if (unsupported !== undefined) addMatch({ kind: 'unknown', why: unsupported }, text);
        else addMatch({ kind: 'addr', dir, family, ranges }, text);
        break;
      }
      case '-p': case '--protocol': {
        const value = take(opt).toLowerCase();
        proto = wasNeg ? undefined : value;
        if (value === 'all' || value === '0') {
          addMatch({ kind: 'any' }, `-p ${value}`);
          break;
        }
        const n = protocolNumber(value);
        if (n === undefined) {
          if (/^[a-z][a-z0-9-]*$/.test(value)) addMatch({ kind: 'unknown', why: `protocol "${value}" is not known here` }, `-p ${value}`);
          else throw new LineError(`-p "${excerpt(value, 40)}" is not a protocol`);
          break;
        }
        addMatch({ kind: 'proto', ranges: [{ lo: n, hi: n }] }, `-p ${value}`);
        break;
      }
      case '-i': case '--in-interface':
      case '-o': case '--out-interface': {
        const value = take(opt);
        if (value.length === 0 || value.length > 15) throw new LineError(`${opt} "${excerpt(value, 40)}" is not an interface name`);
        const prefix = value.endsWith('+');
        const dir = opt === '-i' || opt === '--in-interface' ? 'in' : 'out';
        addMatch({ kind: 'iface', dir, byName: true, patterns: [{ name: prefix ? value.slice(0, -1) : value, prefix }] }, `${dir === 'in' ? '-i' : '-o'} ${value}`);
        break;
      }
      case '-m': case '--match': {
        if (wasNeg) throw new LineError('"!" cannot negate -m');
        const name = take(opt);
        module = name;
        unknownModule = MODULES[name] === undefined;
        if (unknownModule) markStructural(`match module "-m ${excerpt(name, 40)}" is not evaluated`);
        break;
      }
      case '-j': case '--jump':
      case '-g': case '--goto': {
        if (wasNeg) throw new LineError(`"!" cannot negate ${opt}`);
        if (target !== undefined) throw new LineError('a rule has one target');
        const name = take(opt);
        if (name.length === 0) throw new LineError(`${opt} needs a target`);
        target = { name, goto: opt === '-g' || opt === '--goto' };
        break;
      }
      case '-4': case '--ipv4':
        if (family === 6) skip = 'it is marked -4 (ip6tables-restore skips it)';
        break;
      case '-6': case '--ipv6':
        if (family === 4) skip = 'it is marked -6 (iptables-restore skips it)';
        break;
      case '-f': case '--fragment':
        addMatch({ kind: 'unknown', why: 'fragment matching (-f) is not evaluated' }, '-f');
        break;
      case '-c': case '--set-counters':
        take(opt);
        if (words[i] !== undefined && /^\d+$/.test(words[i]?.text ?? '')) i++;
        break;
      default: {
        if (!opt.startsWith('--')) {
          markStructural(`option ${excerpt(opt, 40)} is not evaluated`);
          break;
        }
        let mod = module;
        if (mod === undefined && proto !== undefined) {
          // -p tcp --dport 22 loads the protocol's match implicitly
          const implicit = proto === '6' ? 'tcp' : proto === '17' ? 'udp' : proto === 'ipv6-icmp' || proto === '58' || proto === 'icmpv6' ? 'icmp6' : proto;
          if (MODULES[implicit]?.[opt] !== undefined) mod = implicit;
        }
        const arity = mod === undefined ? undefined : MODULES[mod]?.[opt];
        if (mod === undefined || arity === undefined) {
          if (!unknownModule) markStructural(`option ${excerpt(opt, 40)}${mod ? ` of -m ${mod}` : ''} is not evaluated`);
          while (i < words.length && !isOption(words[i]) && !(words[i]?.text === '!' && !words[i]?.quoted)) i++;
          break;
        }
        const args: string[] = [];
        for (let k = 0; k < arity; k++) args.push(take(opt));
        moduleOption(mod, opt, args, wasNeg, addMatch, (note) => steps.push({ kind: 'assume', matches: true, note }), lineNo, notes);
        break;
      }
    }
    neg = false;
  }
  if (neg) throw new LineError('"!" at the end of the rule');
  return { steps: structuralAt === undefined ? steps : steps.slice(0, structuralAt), ...(target ? { target } : {}), ...(structural ? { structural } : {}), ...(skip ? { skip } : {}) };
}

function parsePortSpec(spec: string, opt: string): NumRange | 'name' {
  const parts = spec.split(':');
  if (parts.length > 2) throw new LineError(`${opt} "${excerpt(spec, 40)}" is not a port or port range`);
  if (parts.some((p) => p !== '' && !/^\d+$/.test(p))) {
    if (parts.every((p) => /^[a-z][a-z0-9-]*$/i.test(p) || /^\d+$/.test(p))) return 'name';
    throw new LineError(`${opt} "${excerpt(spec, 40)}" is not a port or port range`);
  }
  const lo = parts[0] === '' ? 0 : portNumber(parts[0] as string);
  const hi = parts.length === 1 ? lo : parts[1] === '' ? 65535 : portNumber(parts[1] as string);
  if (lo === undefined || hi === undefined || (parts.length === 2 && parts[0] === '' && parts[1] === '')) {
    throw new LineError(`${opt} "${excerpt(spec, 40)}" is not a port or port range (0–65535)`);
  }
  if (lo > hi) throw new LineError(`${opt} "${spec}": the range is reversed`);
  return { lo, hi };
}

function moduleOption(
  mod: string,
  opt: string,
  args: readonly string[],
  neg: boolean,
  addMatch: (test: Test, text: string, deps?: Test[]) => void,
  addAssume: (note: string) => void,
  lineNo: number,
  notes: string[],
): void {
  const a0 = args[0] ?? '';
  const text = `${opt} ${args.join(' ')}`.trim();
  switch (mod) {
    case 'tcp':
    case 'udp': {
      if (opt === '--dport' || opt === '--destination-port' || opt === '--sport' || opt === '--source-port') {
        const r = parsePortSpec(a0, opt);
        const dir = opt === '--dport' || opt === '--destination-port' ? 'dst' : 'src';
        if (r === 'name') addMatch({ kind: 'unknown', why: `port name "${a0}" is not resolved here` }, text);
        else addMatch({ kind: 'port', dir, header: mod, ranges: [r] }, text);
        return;
      }
      addMatch({ kind: 'unknown', why: `${opt} is not evaluated` }, text);
      return;
    }
    case 'multiport': {
      const items = a0.split(',');
      if (items.length === 0 || items.length > 15 || items.some((s) => s === '')) throw new LineError(`${opt} "${excerpt(a0, 60)}" is not a list of 1–15 ports`);
      const ranges: NumRange[] = [];
      let named = false;
      for (const item of items) {
        const r = parsePortSpec(item, opt);
        if (r === 'name') named = true;
        else ranges.push(r);
      }
      const dir = opt === '--ports' ? 'either' : opt === '--dports' || opt === '--destination-ports' ? 'dst' : 'src';
      if (named) addMatch({ kind: 'unknown', why: `a port name in "${a0}" is not resolved here` }, text);
      else addMatch({ kind: 'port', dir, header: 'ports', ranges }, text);
      return;
    }
    case 'conntrack':
    case 'state': {
      if (opt === '--ctstate' || opt === '--state') {
        const states: string[] = [];
        let nat = false;
        for (const s of a0.split(',')) {
          const up = s.toUpperCase();
          const v = CT_STATES[up];
          if (v !== undefined) states.push(v);
          else if (opt === '--ctstate' && (up === 'SNAT' || up === 'DNAT')) nat = true;
          else throw new LineError(`${opt} "${excerpt(s, 40)}" is not a connection state`);
        }
        if (nat) addMatch({ kind: 'unknown', why: `${opt} ${a0}: the SNAT/DNAT states are not evaluated` }, text);
        else addMatch({ kind: 'ct', states }, text);
        return;
      }
      addMatch({ kind: 'unknown', why: `-m conntrack ${opt} is not evaluated` }, text);
      return;
    }
    case 'set': {
      if (opt === '--match-set' || opt === '--set') {
        const flags = (args[1] ?? '').split(',');
        if (!/^[^\s]{1,31}$/.test(a0)) throw new LineError(`${opt}: "${excerpt(a0, 40)}" is not a set name`);
        if (flags.length > 6 || flags.some((f) => f !== 'src' && f !== 'dst')) throw new LineError(`${opt} ${a0}: "${excerpt(args[1] ?? '', 40)}" is not a list of src/dst`);
        if (flags.length > 1) notes.push(`line ${lineNo}: --match-set ${a0} ${args[1] ?? ''}: only the first dimension (${flags[0]}) is evaluated; the set must be a one-dimension hash:net or hash:ip set`);
        addMatch({ kind: 'ipset', name: a0, dir: flags[0] === 'dst' ? 'dst' : 'src' }, `--match-set ${a0} ${args[1] ?? ''}`);
        return;
      }
      addMatch({ kind: 'unknown', why: `-m set ${opt} is not evaluated` }, text);
      return;
    }
    case 'comment':
      return;
    case 'limit':
      // the first limit option carries the note; --limit-burst adds nothing more
      if (opt === '--limit') {
        if (neg) addMatch({ kind: 'unknown', why: 'a negated -m limit is not evaluated' }, text);
        else addAssume(`line ${lineNo}: -m limit --limit ${a0} is taken as matching (the rate is not modelled)`);
      }
      return;
    case 'icmp':
      addMatch({ kind: 'unknown', why: `--icmp-type ${a0}: ICMP types are not evaluated` }, text);
      return;
    case 'icmp6':
      addMatch({ kind: 'unknown', why: `--icmpv6-type ${a0}: ICMPv6 types are not evaluated` }, text);
      return;
    default:
      addMatch({ kind: 'unknown', why: `${opt} is not evaluated` }, text);
  }
}

/**
 * Parse iptables-save (family 4) or ip6tables-save (family 6) output. Errors name the line
 * number and text; hostile input never throws.
 */
export function parseIptablesSave(text: string, family: Family): AuditParse<IptablesRuleset> {
  const tool = family === 4 ? 'iptables' : 'ip6tables';
  const errors: AuditError[] = [];
  const notes: string[] = [];
  const hazards: Hazard[] = [];
  const tables: string[] = [];
  let filter: TableState | undefined;
  let open: TableState | undefined;
  const lines = String(text).split('\n');
  const fail = (line: number, raw: string, message: string): void => {
    if (errors.length < 100) errors.push({ line, text: excerpt(raw.trim()), message });
  };

  for (let idx = 0; idx < lines.length; idx++) {
    const lineNo = idx + 1;
    const raw = lines[idx] as string;
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    try {
      if (line.startsWith('*')) {
        if (open) throw new LineError(`table ${open.name} (line ${open.line}) is not committed before this table`);
        const name = line.slice(1);
        if (!/^[a-z_]{1,32}$/.test(name)) throw new LineError('not a table name');
        if (tables.includes(name)) throw new LineError(`table ${name} appears twice`);
        tables.push(name);
        open = { name, line: lineNo, chains: new Map(), rules: [] };
        continue;
      }
      if (!open) throw new LineError('outside a table (a table starts with "*filter")');
      if (line === 'COMMIT') {
        if (open.name === 'filter') filter = open;
        else otherTable(open, family, tool, hazards, notes);
        open = undefined;
        continue;
      }
      if (line.startsWith(':')) {
        const m = /^:(\S+)\s+(\S+)(?:\s+\[\d+:\d+\])?$/.exec(line);
        if (!m) throw new LineError('a chain line is ":NAME POLICY [packets:bytes]"');
        const name = m[1] as string;
        const policy = m[2] as string;
        if (name.length > 64) throw new LineError('chain name too long');
        if (open.chains.has(name)) throw new LineError(`chain ${name} is declared twice`);
        const builtin = open.name === 'filter' ? (BUILTIN_FILTER as readonly string[]).includes(name) : policy !== '-';
        if (builtin) {
          if (policy !== 'ACCEPT' && policy !== 'DROP') throw new LineError(`built-in chain ${name} needs the policy ACCEPT or DROP`);
          open.chains.set(name, { policy: policy === 'ACCEPT' ? 'accept' : 'drop', line: lineNo, text: line });
        } else {
          if (policy !== '-') throw new LineError(`user chain ${name} cannot have a policy (write "-")`);
          open.chains.set(name, { line: lineNo, text: line });
        }
        continue;
      }
      const tok = tokenize(line);
      if (!tok.ok) throw new LineError(tok.message);
      let words = tok.tokens;
      let ruleText = line;
      if (words[0] && !words[0].quoted && /^\[\d+:\d+\]$/.test(words[0].text)) {
        words = words.slice(1);
        ruleText = line.slice(line.indexOf(']') + 1).trim();
      }
      const cmd = words[0]?.text;
      if (cmd !== '-A' && cmd !== '--append') {
        throw new LineError(cmd === '-I' || cmd === '-D' || cmd === '-R' || cmd === '-N' || cmd === '-P' || cmd === '-F' || cmd === '-X'
          ? `${cmd}: only -A rules (as iptables-save writes them) are read`
          : 'not a rule, chain, table or COMMIT line');
      }
      const chain = words[1]?.text;
      if (chain === undefined) throw new LineError('-A needs a chain');
      if (!open.chains.has(chain)) throw new LineError(`chain ${chain} is not declared in table ${open.name}`);
      if (open.name !== 'filter') {
        open.rules.push({ line: lineNo, text: ruleText, chain, steps: [], ...targetOf(words) });
        continue;
      }
      const parsed = parseRuleWords(words.slice(2), family, lineNo, notes);
      if (parsed.skip !== undefined) {
        notes.push(`line ${lineNo}: rule skipped: ${parsed.skip}`);
        continue;
      }
      open.rules.push({
        line: lineNo,
        text: ruleText,
        chain,
        steps: parsed.steps,
        ...(parsed.target ? { target: parsed.target } : {}),
        ...(parsed.structural ? { structural: parsed.structural } : {}),
      });
    } catch (e) {
      if (e instanceof LineError) fail(lineNo, raw, e.message);
      else fail(lineNo, raw, `cannot be read: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  if (open) fail(open.line, `*${open.name}`, `table ${open.name} is not committed (no COMMIT line)`);

  let chains: Map<string, Chain> | undefined;
  if (filter) {
    const built = buildFilter(filter, tool, errors);
    chains = built;
    for (const b of BUILTIN_FILTER) {
      if (!filter.chains.has(b)) notes.push(`${tool}: the filter table has no ${b} chain: nothing of ${tool} filters that hook`);
    }
  }
  if (errors.length > 0) return { ok: false, errors };
  const value: IptablesRuleset = { family, tool, tables, hazards, ...(chains ? { filter: { chains } } : {}) };
  return { ok: true, value, notes };
}

function targetOf(words: readonly Token[]): { target?: DraftRule['target'] } {
  for (let k = 2; k < words.length; k++) {
    const w = words[k] as Token;
    if (!w.quoted && (w.text === '-j' || w.text === '--jump' || w.text === '-g' || w.text === '--goto')) {
      const name = words[k + 1]?.text;
      if (name !== undefined) return { target: { name, goto: w.text === '-g' || w.text === '--goto' } };
    }
  }
  return {};
}

/** nat, mangle, raw, security: not evaluated; one that can drop is a hazard. */
function otherTable(table: TableState, family: Family, tool: string, hazards: Hazard[], notes: string[]): void {
  let dropping = 0;
  for (const [name, chain] of table.chains) {
    if (chain.policy === 'drop') {
      hazards.push({ family, why: `${tool} table ${table.name} chain ${name} has the policy DROP (line ${chain.line}); only the filter table is evaluated` });
      dropping++;
    }
  }
  for (const rule of table.rules) {
    if (rule.target && DROPPING_TARGETS.has(rule.target.name)) {
      hazards.push({ family, why: `${tool} table ${table.name} line ${rule.line} can drop packets (-j ${rule.target.name}); only the filter table is evaluated: ${excerpt(rule.text, 120)}` });
      dropping++;
    }
  }
  if (table.rules.length > 0 && dropping === 0) {
    notes.push(`${tool} table ${table.name} (${table.rules.length} rule(s)) is not evaluated: the packet is taken as the filter table sees it (after any DNAT)`);
  }
}

function buildFilter(table: TableState, tool: string, errors: AuditError[]): Map<string, Chain> {
  const rulesOf = new Map<string, Rule[]>();
  for (const name of table.chains.keys()) rulesOf.set(name, []);
  for (const d of table.rules) {
    const where = `${tool} filter line ${d.line}`;
    let steps: Step[];
    if (d.structural !== undefined) {
      // what was read before it still decides that the rule does not match
      steps = [...d.steps, { kind: 'unknown', why: d.structural }];
    } else {
      steps = [...d.steps];
      const t = d.target;
      if (t !== undefined) {
        const verdict = resolveTarget(t, table, d, errors);
        if (verdict === 'error') continue;
        if (verdict.kind === 'step') steps.push(verdict.step);
      }
    }
    rulesOf.get(d.chain)?.push({ where, text: d.text, steps });
  }
  const chains = new Map<string, Chain>();
  for (const [name, c] of table.chains) {
    chains.set(name, {
      name,
      ...(c.policy ? { policy: c.policy } : {}),
      where: `${tool} filter line ${c.line}: ${c.text}`,
      rules: rulesOf.get(name) ?? [],
    });
  }
  return chains;
}

function resolveTarget(
  t: NonNullable<DraftRule['target']>,
  table: TableState,
  d: DraftRule,
  errors: AuditError[],
): { kind: 'step'; step: Step } | { kind: 'none' } | 'error' {
  const err = (message: string): 'error' => {
    errors.push({ line: d.line, text: excerpt(d.text), message });
    return 'error';
  };
  const declared = table.chains.get(t.name);
  if (declared !== undefined) {
    if (declared.policy !== undefined) return err(`cannot ${t.goto ? 'go to' : 'jump to'} the built-in chain ${t.name}`);
    if (t.unknownOption !== undefined) return err(`${t.goto ? '-g' : '-j'} ${t.name}: a chain takes no options (${t.unknownOption})`);
    const verdict: Verdict = t.goto ? { kind: 'goto', chain: t.name } : { kind: 'jump', chain: t.name };
    return { kind: 'step', step: { kind: 'verdict', verdict } };
  }
  if (t.goto) return err(`-g ${t.name}: no such chain`);
  if (t.unknownOption !== undefined) return { kind: 'step', step: { kind: 'unknown', why: `-j ${t.name} with ${t.unknownOption} is not evaluated` } };
  switch (t.name) {
    case 'ACCEPT':
      return { kind: 'step', step: { kind: 'verdict', verdict: { kind: 'accept' } } };
    case 'DROP':
      return { kind: 'step', step: { kind: 'verdict', verdict: { kind: 'drop' } } };
    case 'REJECT':
      return { kind: 'step', step: { kind: 'verdict', verdict: { kind: 'reject' } } };
    case 'RETURN':
      return { kind: 'step', step: { kind: 'verdict', verdict: { kind: 'return' } } };
    case 'LOG':
      return { kind: 'none' };
    default:
      if (!/^[A-Za-z0-9_.-]{1,64}$/.test(t.name)) return err(`-j "${excerpt(t.name, 40)}" is not a target`);
      return { kind: 'step', step: { kind: 'unknown', why: `target -j ${t.name} is not evaluated` } };
  }
}
