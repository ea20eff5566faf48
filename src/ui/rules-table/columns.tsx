import { createColumnHelper, type FilterFn } from '@tanstack/react-table';
import { AddressList } from './AddressList.tsx';
import { SECTION_ORDER, SECTION_SHORT, type TableRow } from './rows.ts';

const col = createColumnHelper<TableRow>();

const equals: FilterFn<TableRow> = (row, columnId, value) => value === 'all' || row.getValue(columnId) === value;

export const globalText: FilterFn<TableRow> = (row, _columnId, value) => {
  const needle = String(value).trim().toLowerCase();
  return needle === '' || needle.split(/\s+/).every((word) => row.original.search.includes(word));
};

export const COLUMNS = [
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
      return r.port !== r.defaultPort ? (
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
  col.accessor('sourceRole', {
    id: 'source',
    header: 'Source',
    cell: (c) => <AddressList role={c.row.original.sourceRole} entries={c.row.original.source} />,
    size: 260,
  }),
  col.accessor('destinationRole', {
    id: 'destination',
    header: 'Destination',
    cell: (c) => <AddressList role={c.row.original.destinationRole} entries={c.row.original.destination} />,
    size: 260,
  }),
];
