/**
 * `ipset save` (or `ipset list -o save`) output → the sets iptables' `-m set --match-set` looks up.
 *
 * hash:net and hash:ip sets are evaluated (hash:net with `nomatch` exceptions, longest prefix
 * first as the kernel looks them up; hash:ip with `netmask`). A rule that refers to a set of any
 * other type, or to a set that is not given, is unknown.
 */
import type { Family } from '../net/address.ts';
import { tokenize } from './tokens.ts';
import type { AddrRange, AuditError, AuditParse } from './types.ts';
import { ADDRESS_BITS, addressRange, addressValue, excerpt, maxAddress } from './values.ts';

export interface IpsetEntry {
  readonly range: AddrRange;
  /** hash:net: the entry's prefix length (the most specific entry decides); hash:ip: the netmask */
  readonly prefix: number;
  readonly nomatch: boolean;
}

export interface IpsetSet {
  readonly name: string;
  readonly type: string;
  readonly family: Family;
  /** line of its `create` */
  readonly line: number;
  /** why a rule using it cannot be evaluated (a type other than hash:net / hash:ip) */
  readonly unsupported?: string;
  readonly entries: readonly IpsetEntry[];
}

export interface IpsetCollection {
  readonly sets: ReadonlyMap<string, IpsetSet>;
}

const SUPPORTED = new Set(['hash:net', 'hash:ip']);

/** Create options that take a value; every other option word is a flag. */
const CREATE_VALUE_OPTIONS = new Set(['family', 'hashsize', 'maxelem', 'netmask', 'timeout', 'bucketsize', 'initval', 'range', 'markmask', 'size', 'bitmask']);
const ADD_VALUE_OPTIONS = new Set(['timeout', 'packets', 'bytes', 'comment', 'skbmark', 'skbprio', 'skbqueue']);

class LineError extends Error {}

interface Draft {
  name: string;
  type: string;
  family: Family;
  netmask?: number;
  line: number;
  unsupported?: string;
  entries: IpsetEntry[];
}

/** Split [lo, hi] into the largest aligned blocks (what ipset stores for a range added to hash:net). */
function rangeBlocks(lo: bigint, hi: bigint, family: Family): IpsetEntry[] {
  const bits = ADDRESS_BITS[family];
  const out: IpsetEntry[] = [];
  let cur = lo;
  while (cur <= hi && out.length < 4096) {
    let host = 0;
    while (host < bits) {
      const size = 1n << BigInt(host + 1);
      if ((cur & (size - 1n)) !== 0n || cur + size - 1n > hi) break;
      host++;
    }
    const end = cur + (1n << BigInt(host)) - 1n;
    out.push({ range: { lo: cur, hi: end }, prefix: bits - host, nomatch: false });
    cur = end + 1n;
  }
  if (cur <= hi) throw new LineError('the range is too large to evaluate');
  return out;
}

function parseElement(text: string, set: Draft, nomatch: boolean): IpsetEntry[] {
  const bits = ADDRESS_BITS[set.family];
  let lo: bigint;
  let hi: bigint;
  let prefix = bits;
  const dash = text.indexOf('-');
  if (dash > 0) {
    const a = addressValue(text.slice(0, dash), set.family);
    const b = addressValue(text.slice(dash + 1), set.family);
    if (a === undefined || b === undefined || a > b) throw new LineError(`"${excerpt(text, 80)}" is not an IPv${set.family} range`);
    lo = a;
    hi = b;
    if (set.type === 'hash:net') return rangeBlocks(lo, hi, set.family).map((e) => ({ ...e, nomatch }));
  } else {
    const r = addressRange(text, set.family);
    if (!r.ok) throw new LineError(r.reason);
    lo = r.range.lo;
    hi = r.range.hi;
    const slash = text.indexOf('/');
    if (slash !== -1) prefix = Number(text.slice(slash + 1));
  }
  if (set.type === 'hash:ip') {
    // every address of a CIDR or range is stored, masked with the set's netmask
    const mask = set.netmask ?? bits;
    const block = 1n << BigInt(bits - mask);
    const start = lo - (lo % block);
    const end = hi - (hi % block) + block - 1n;
    if (nomatch) throw new LineError('nomatch is for hash:net sets');
    return [{ range: { lo: start, hi: end > maxAddress(set.family) ? maxAddress(set.family) : end }, prefix: mask, nomatch: false }];
  }
  return [{ range: { lo, hi }, prefix, nomatch }];
}

/** Parse `ipset save` output. Errors name the line number and text; hostile input never throws. */
export function parseIpsetSave(text: string): AuditParse<IpsetCollection> {
  const errors: AuditError[] = [];
  const notes: string[] = [];
  const drafts = new Map<string, Draft>();
  const timeouts = new Set<string>();
  const lines = String(text).split('\n');
  for (let idx = 0; idx < lines.length; idx++) {
    const lineNo = idx + 1;
    const raw = lines[idx] as string;
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    try {
      const tok = tokenize(line);
      if (!tok.ok) throw new LineError(tok.message);
      const words = tok.tokens.map((t) => t.text);
      const cmd = words[0];
      const name = words[1];
      if (name === undefined || !/^[^\s]{1,31}$/.test(name)) throw new LineError('a set name (1–31 characters) is missing');
      if (cmd === 'create' || cmd === '-N' || cmd === 'n') {
        if (drafts.has(name)) throw new LineError(`set ${name} is created twice`);
        const type = words[2];
        if (type === undefined || !/^[a-z]+:[a-z,]+$/.test(type)) throw new LineError('a set type (hash:net, hash:ip …) is missing');
        const draft: Draft = { name, type, family: 4, line: lineNo, entries: [] };
        for (let k = 3; k < words.length; k++) {
          const w = words[k] as string;
          if (!CREATE_VALUE_OPTIONS.has(w)) continue;
          const v = words[k + 1];
          if (v === undefined) throw new LineError(`${w} needs a value`);
          k++;
          if (w === 'family') {
            if (v === 'inet') draft.family = 4;
            else if (v === 'inet6') draft.family = 6;
            else if (SUPPORTED.has(type)) throw new LineError(`family "${excerpt(v, 20)}" is not inet or inet6`);
          } else if (w === 'netmask') {
            if (!/^\d{1,3}$/.test(v)) draft.unsupported = `netmask ${excerpt(v, 40)} is not evaluated`;
            else draft.netmask = Number(v);
          } else if (w === 'timeout') {
            timeouts.add(name);
          }
        }
        if (draft.netmask !== undefined && (draft.netmask < 1 || draft.netmask > ADDRESS_BITS[draft.family])) {
          throw new LineError(`netmask ${draft.netmask} does not fit IPv${draft.family}`);
        }
        if (draft.netmask !== undefined && type !== 'hash:ip') draft.unsupported = `netmask on ${type} is not evaluated`;
        if (!SUPPORTED.has(type)) draft.unsupported = `set type ${type} is not evaluated (hash:net and hash:ip are)`;
        drafts.set(name, draft);
        continue;
      }
      if (cmd === 'add' || cmd === '-A' || cmd === 'a') {
        const set = drafts.get(name);
        if (!set) throw new LineError(`set ${name} is not created before this line`);
        const element = words[2];
        if (element === undefined) throw new LineError('an element is missing');
        let nomatch = false;
        for (let k = 3; k < words.length; k++) {
          const w = words[k] as string;
          if (w === 'nomatch') nomatch = true;
          else if (ADD_VALUE_OPTIONS.has(w)) {
            if (w === 'timeout') timeouts.add(name);
            k++;
          }
        }
        if (set.unsupported !== undefined) continue;
        if (set.entries.length > 1_000_000) throw new LineError('too many elements');
        set.entries.push(...parseElement(element, set, nomatch));
        continue;
      }
      throw new LineError('not a "create" or "add" line of ipset save');
    } catch (e) {
      if (errors.length < 100) errors.push({ line: lineNo, text: excerpt(line), message: e instanceof Error ? e.message : String(e) });
    }
  }
  if (errors.length > 0) return { ok: false, errors };
  for (const name of timeouts) notes.push(`ipset ${name} has timeouts: its entries are evaluated as they were when saved`);
  const sets = new Map<string, IpsetSet>();
  for (const d of drafts.values()) {
    sets.set(d.name, { name: d.name, type: d.type, family: d.family, line: d.line, entries: d.entries, ...(d.unsupported ? { unsupported: d.unsupported } : {}) });
  }
  return { ok: true, value: { sets }, notes };
}

/**
 * Whether an address is in a set, as the kernel looks it up: hash:net takes the most specific
 * entry that holds the address (a `nomatch` entry means no); hash:ip any entry.
 */
export function ipsetContains(set: IpsetSet, value: bigint): boolean {
  let best: IpsetEntry | undefined;
  for (const e of set.entries) {
    if (e.range.lo <= value && value <= e.range.hi && (best === undefined || e.prefix > best.prefix)) best = e;
  }
  return best !== undefined && !best.nomatch;
}
