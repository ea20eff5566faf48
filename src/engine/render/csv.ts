import type { AddressEntry } from '../model/rules.ts';
import { isPair } from './common.ts';
import { csvCell } from './quote.ts';
import type { Renderer, RenderInput, RenderOutput } from './types.ts';

export const CSV_COLUMNS = [
  'rule_id', 'section', 'service', 'purpose', 'direction', 'family', 'protocol', 'port',
  'source_role', 'source', 'source_label', 'destination_role', 'destination', 'destination_label', 'covers',
] as const;

/**
 * RFC 4180: CRLF line ends, a header row, one row per rule and address pair. A large plan has
 * hundreds of thousands of rows built from a few thousand distinct values, so each value is
 * quoted once (by papaparse, through csvCell) and rows are joined from the quoted pieces.
 */
export function renderCsv(input: RenderInput): RenderOutput {
  const entryCells = new Map<AddressEntry, string>();
  const cells = (e: AddressEntry) => {
    let c = entryCells.get(e);
    if (c === undefined) {
      c = `${csvCell(e.network.display)},${csvCell(e.label ?? '')}`;
      entryCells.set(e, c);
    }
    return c;
  };
  // one string per (rule, source address), joined at the end: far less garbage than one per row
  const chunks: string[] = [`${CSV_COLUMNS.join(',')}\r\n`];
  for (const r of input.rules) {
    const head = [r.ruleId, r.section, r.service, r.purpose, r.direction, `IPv${r.family}`, r.protocol, String(r.port), r.source.role].map(csvCell).join(',');
    const middle = csvCell(r.destination.role);
    const tail = `,${csvCell(r.covers.join(' '))}\r\n`;
    const rests = r.destination.entries.map((d) => `${cells(d)}${tail}`);
    for (const s of r.source.entries) {
      const pre = `${head},${cells(s)},${middle},`;
      const rows: string[] = [];
      r.destination.entries.forEach((d, i) => {
        if (isPair(r, s, d)) rows.push(pre + (rests[i] as string));
      });
      chunks.push(rows.join(''));
    }
  }
  return { text: chunks.join(''), findings: [] };
}

export const csvRenderer: Renderer = {
  id: 'csv',
  label: 'CSV (spreadsheet)',
  mediaType: 'text/csv',
  firewall: false,
  fileName: (slug) => `${slug}.csv`,
  render: renderCsv,
};
