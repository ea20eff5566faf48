import { isPair } from '../flows.ts';
import type { AddressEntry, Endpoint, ExpandedRule } from '../model/rules.ts';
import { countOccurrences } from './common.ts';
import { csvCell } from './quote.ts';
import type { Renderer, RenderInput, RenderOutput } from './types.ts';

export const CSV_COLUMNS = [
  'rule_id', 'section', 'service', 'purpose', 'direction', 'family', 'protocol', 'port', 'article_port',
  'source_role', 'source_object', 'source', 'source_label',
  'destination_role', 'destination_object', 'destination', 'destination_label', 'covers', 'origin',
] as const;

/** What a side's object is called in a row: the group or node name, or the role code. */
function objectName(ep: Endpoint, e: AddressEntry): string {
  switch (e.owner.kind) {
    case 'node':
      return e.owner.node;
    case 'group':
      return e.owner.group;
    case 'flow':
      return e.owner.flow;
    default:
      return ep.role;
  }
}

/**
 * RFC 4180: CRLF line ends, a header row, one row per rule and address pair, each entry as the
 * plan writes it, with its label. Produced in pieces (one per rule and source entry): a plan of
 * many nodes and tens of thousands of devices makes a file larger than one string can hold.
 * Each distinct value is quoted once (papaparse, through csvCell).
 */
export function* csvChunks(rules: readonly ExpandedRule[]): Generator<string> {
  yield `${CSV_COLUMNS.join(',')}\r\n`;
  const entryCells = new Map<AddressEntry, string>();
  for (const r of rules) {
    const cells = (ep: Endpoint, e: AddressEntry) => {
      let c = entryCells.get(e);
      if (c === undefined) {
        c = `${csvCell(objectName(ep, e))},${csvCell(e.written)},${csvCell(e.label ?? '')}`;
        entryCells.set(e, c);
      }
      return c;
    };
    const port = r.portEnd === r.port ? String(r.port) : `${r.port}-${r.portEnd}`;
    const head = [r.ruleId, r.section, r.service, r.purpose, r.direction, `IPv${r.family}`, r.protocol, port, r.provenance === 'site' ? '' : String(r.defaultPort), r.source.role].map(csvCell).join(',');
    const middle = csvCell(r.destination.role);
    const tail = `,${csvCell(r.covers.join(' '))},${csvCell(r.origin === 'anti-lockout' ? 'anti-lockout' : r.provenance)}\r\n`;
    const rests = r.destination.entries.map((d) => `${cells(r.destination, d)}${tail}`);
    for (const s of r.source.entries) {
      const pre = `${head},${cells(r.source, s)},${middle},`;
      let rows = '';
      r.destination.entries.forEach((d, i) => {
        if (isPair(r, s, d)) rows += pre + (rests[i] as string);
      });
      if (rows !== '') yield rows;
    }
  }
}

export function renderCsv(input: RenderInput): RenderOutput {
  return { text: Array.from(csvChunks(input.rules)).join(''), findings: [] };
}

/** Data rows: every line but the header. */
export function countCsv(text: string): number {
  return Math.max(0, countOccurrences(text, '\r\n') - 1);
}

export const csvRenderer: Renderer = {
  id: 'csv',
  label: 'CSV (spreadsheet)',
  description: 'One row per rule and address pair, each entry as written with its label, for a spreadsheet or a firewall team’s import.',
  mediaType: 'text/csv',
  suffix: '.csv',
  options: { scope: true, defaultDrop: false, ipset: false, egress: false },
  families: [4, 6],
  countRules: countCsv,
  countMeaning: 'data rows',
  stream: (input) => ({ chunks: csvChunks(input.rules), findings: [] }),
  render: renderCsv,
};
