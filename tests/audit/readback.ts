/**
 * What a namespace has loaded, as the real tools show it, and parsed by the audit module: the
 * input of every audit test that goes through a kernel.
 */
import { parseIpsetSave, parseIptablesSave, parseNftJson, type Loaded } from '../../src/engine/audit/index.ts';
import type { Lab } from '../enforcement/netns.ts';

export interface ReadBack {
  readonly ipt4: string;
  readonly ipt6: string;
  readonly ipset: string;
  readonly nft: string;
}

const SEPARATOR = '\n=====fwplan-audit=====\n';

/** A shell script printing the four tools' output with a separator before each (see splitReadBack). */
export const READ_BACK_SCRIPT = ['iptables-save', 'ip6tables-save', 'ipset save', 'nft -j list ruleset'].map((c) => `printf '${SEPARATOR.replace(/\n/g, '\\n')}'\n${c}`).join('\n');

/** The four outputs of READ_BACK_SCRIPT, from the end of a shell's output (whatever came before is dropped). */
export function splitReadBack(out: string): ReadBack {
  const parts = out.split(SEPARATOR);
  if (parts.length < 5) throw new Error(`read-back: expected 4 outputs, got ${parts.length - 1}`);
  const [ipt4, ipt6, ipset, nft] = parts.slice(-4) as [string, string, string, string];
  return { ipt4, ipt6, ipset, nft };
}

/** iptables-save, ip6tables-save, ipset save and nft -j list ruleset, run in one shell in the namespace of `id`. */
export async function readBack(lab: Lab, id: string): Promise<ReadBack> {
  return splitReadBack(await lab.execOk(id, 'sh', ['-ec', READ_BACK_SCRIPT]));
}

/** Parse all four; any error of the parsers on the real tools' output fails the caller. */
export function parseReadBack(texts: ReadBack): Loaded {
  const ipt4 = parseIptablesSave(texts.ipt4, 4);
  const ipt6 = parseIptablesSave(texts.ipt6, 6);
  const ipset = parseIpsetSave(texts.ipset);
  const nft = parseNftJson(texts.nft);
  const errors = [
    ...(ipt4.ok ? [] : ipt4.errors.map((e) => `iptables-save line ${e.line}: ${e.message}: ${e.text}`)),
    ...(ipt6.ok ? [] : ipt6.errors.map((e) => `ip6tables-save line ${e.line}: ${e.message}: ${e.text}`)),
    ...(ipset.ok ? [] : ipset.errors.map((e) => `ipset save line ${e.line}: ${e.message}: ${e.text}`)),
    ...(nft.ok ? [] : nft.errors.map((e) => `nft ${e.path ?? e.line}: ${e.message}: ${e.text}`)),
  ];
  if (!ipt4.ok || !ipt6.ok || !ipset.ok || !nft.ok) throw new Error(`the real tools' output did not parse:\n${errors.join('\n')}`);
  return { iptables: ipt4.value, ip6tables: ipt6.value, ipsets: ipset.value, nft: nft.value };
}
