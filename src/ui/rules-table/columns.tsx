import { createColumnHelper, type FilterFn } from '@tanstack/react-table';
import { parseAddress } from '../../engine/index.ts';
import { AddressList } from './AddressList.tsx';
import { CHANGE_LABEL, SECTION_ORDER, SECTION_SHORT, rowHoldsAddress, type TableRow } from './rows.ts';

const col = createColumnHelper<TableRow>();

const equals: FilterFn<TableRow> = (row, columnId, value) => value === 'all' || row.getValue(columnId) === value;

/**
 * Every word must match: as text (service, port, label, group …), or — a word that is an address
 * or network — by containment, so 10.30.1.77 finds the rules of 10.30.1.0/24.
 */
export const globalText: FilterFn<TableRow> = (row, _columnId, value) => {
  const needle = String(value).trim().toLowerCase();
  if (needle === '') return true;
  return needle.split(/\s+/).every((word) => {
    if (row.original.search.includes(word)) return true;
    const parsed = /[.:]/.test(word) ? parseAddress(word) : undefined;
    return parsed !== undefined && parsed.ok && rowHoldsAddress(row.original, parsed.network);
  });
};

export const COLUMNS = [
  col.accessor((r) => r.change ?? 'unchanged', {
    id: 'change',
    header: 'Change',
    cell: (c) => <span className={`change-chip change-${c.getValue()}`}>{CHANGE_LABEL[c.getValue()]}</span>,
    filterFn: equals,
    size: 95,
  }),
  col.accessor('section', {
    header: 'Section',
    cell: (c) => SECTION_SHORT[c.getValue()],
    filterFn: equals,
    sortingFn: (a, b) => SECTION_ORDER[a.original.section] - SECTION_ORDER[b.original.section],
    size: 130,
  }),
  col.accessor('service', {
    header: 'Service',
    cell: (c) => {
      const r = c.row.original;
      return (
        <>
          <span className="service-name">{r.service}</span>
          <span className="purpose-line">{r.purpose}</span>
        </>
      );
    },
    size: 200,
  }),
  col.accessor('protocol', { header: 'Protocol', filterFn: equals, cell: (c) => c.getValue().toUpperCase(), size: 80 }),
  col.accessor('port', {
    header: 'Port',
    cell: (c) => {
      const r = c.row.original;
      if (r.portEnd !== r.port) return `${r.port}–${r.portEnd}`;
      return r.provenance !== 'site' && r.port !== r.defaultPort ? (
        <span title={`overrides the article’s ${r.defaultPort}`}>
          {r.port} <span className="badge badge-info">was {r.defaultPort}</span>
        </span>
      ) : (
        r.port
      );
    },
    sortingFn: 'basic',
    size: 90,
  }),
  col.accessor('family', { header: 'Family', filterFn: equals, size: 70 }),
  col.accessor('sourceName', {
    id: 'source',
    header: 'Source',
    cell: (c) => <AddressList name={c.row.original.sourceName} entries={c.row.original.source} />,
    size: 260,
  }),
  col.accessor('destinationName', {
    id: 'destination',
    header: 'Destination',
    cell: (c) => <AddressList name={c.row.original.destinationName} entries={c.row.original.destination} />,
    size: 260,
  }),
];
