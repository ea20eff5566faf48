/**
 * What "a rule" means in each export, counted from the text itself (not from the engine's own
 * figures), so the benchmark and the scale tests see what a firewall would load:
 * - iptables / ip6tables: rule lines of iptables-restore input (`-A …` and `-I …`);
 * - nftables: rule statements inside `chain … { }` blocks (not the `type … hook` line, not set elements);
 * - ufw: `ufw … allow` commands;
 * - firewalld: `--add-rich-rule=` arguments;
 * - ipset (the companion of iptables --ipset): set elements (`add` lines), not rules;
 * - csv: data rows (the header is not a rule);
 * - json: entries of the `rules` array.
 */
import type { FormatId } from '../src/engine/index.ts';

/** Lines that start with one of `prefixes`, counted without splitting the (possibly huge) text. */
export function countLinesStartingWith(text: string, prefixes: readonly string[]): number {
  let count = 0;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    for (const p of prefixes) {
      if (text.startsWith(p, start)) {
        count++;
        break;
      }
    }
    start = end + 1;
  }
  return count;
}

export function countOccurrences(text: string, needle: string): number {
  let count = 0;
  for (let i = text.indexOf(needle); i !== -1; i = text.indexOf(needle, i + needle.length)) count++;
  return count;
}

/** Rule statements of an nft -f file: lines inside chain blocks other than the chain's `type` line. */
export function countNftRules(text: string): number {
  let count = 0;
  let inChain = false;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (!inChain) {
      if (/^chain \S+ \{$/.test(line)) inChain = true;
      continue;
    }
    if (line === '}') inChain = false;
    else if (!line.startsWith('type ')) count++;
  }
  return count;
}

function jsonRuleCount(text: string): number {
  const doc: unknown = JSON.parse(text);
  if (typeof doc !== 'object' || doc === null || !('rules' in doc) || !Array.isArray(doc.rules)) {
    throw new Error('the JSON export has no "rules" array');
  }
  return doc.rules.length;
}

export function countRules(format: FormatId, text: string): number {
  switch (format) {
    case 'iptables':
    case 'ip6tables':
      return countLinesStartingWith(text, ['-A ', '-I ']);
    case 'nftables':
      return countNftRules(text);
    case 'ufw':
      return countLinesStartingWith(text, ['ufw allow ', 'ufw route allow ']);
    case 'firewalld':
      return countOccurrences(text, '--add-rich-rule=');
    case 'ipset':
      return countLinesStartingWith(text, ['add ']);
    case 'csv':
      // header + one CRLF-terminated row per rule
      return Math.max(0, countOccurrences(text, '\r\n') - 1);
    case 'json':
      return jsonRuleCount(text);
    default: {
      const never: never = format;
      return never;
    }
  }
}

/** What the count means, for the table's legend. */
export const RULE_COUNT_MEANING: Record<FormatId, string> = {
  iptables: 'rule lines (-A/-I)',
  ip6tables: 'rule lines (-A/-I)',
  nftables: 'rule statements in chains',
  ufw: 'ufw allow commands',
  firewalld: 'rich rules',
  ipset: 'set elements (add lines)',
  csv: 'data rows',
  json: 'rules[] entries',
};
