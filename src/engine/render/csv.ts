import { pairs } from './common.ts';
import Papa from 'papaparse';
import { CSV_OPTIONS } from './quote.ts';
import type { Renderer, RenderInput, RenderOutput } from './types.ts';

export const CSV_COLUMNS = [
  'rule_id', 'section', 'service', 'purpose', 'direction', 'family', 'protocol', 'port',
  'source_role', 'source', 'source_label', 'destination_role', 'destination', 'destination_label', 'covers',
] as const;

/** RFC 4180: CRLF line ends, a header row, one row per rule and address pair. */
export function renderCsv(input: RenderInput): RenderOutput {
  const data: string[][] = [];
  for (const r of input.rules) {
    for (const [s, d] of pairs(r)) {
      data.push([
        r.ruleId, r.section, r.service, r.purpose, r.direction, `IPv${r.family}`, r.protocol, String(r.port),
        r.source.role, s.network.display, s.label ?? '', r.destination.role, d.network.display, d.label ?? '', r.covers.join(' '),
      ]);
    }
  }
  return { text: `${Papa.unparse({ fields: [...CSV_COLUMNS], data }, CSV_OPTIONS)}\r\n`, findings: [] };
}

export const csvRenderer: Renderer = {
  id: 'csv',
  label: 'CSV (spreadsheet)',
  mediaType: 'text/csv',
  firewall: false,
  fileName: (slug) => `${slug}.csv`,
  render: renderCsv,
};
