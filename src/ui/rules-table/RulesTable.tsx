import { flexRender, getCoreRowModel, getFilteredRowModel, getSortedRowModel, useReactTable, type Row, type SortingState } from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useMemo, useRef } from 'react';
import { SECTIONS } from '../../engine/index.ts';
import type { RulesTableState } from '../../store/slices/rulesTableSlice.ts';
import { count } from '../common/format.ts';
import { COLUMNS, globalText } from './columns.tsx';
import type { TableRow } from './rows.ts';

type Item = { kind: 'group'; key: string; title: string; rows: number } | { kind: 'row'; row: Row<TableRow> };

interface Props {
  rows: TableRow[];
  state: RulesTableState;
  /** a baseline is set: the change column and filter apply */
  comparing?: boolean;
  onSortingChange: (sorting: SortingState) => void;
  /** "rules" or "address pairs", for the summary line */
  unit: string;
}

/** The rules, virtualised: only the lines in view are in the page, so thousands of rows scroll smoothly. */
export function RulesTable({ rows, state, onSortingChange, unit, comparing = false }: Props) {
  const columnFilters = useMemo(
    () => [
      { id: 'section', value: state.section },
      { id: 'protocol', value: state.protocol },
      { id: 'family', value: state.family },
      { id: 'change', value: comparing ? state.change : 'all' },
    ],
    [state.section, state.protocol, state.family, state.change, comparing],
  );
  const table = useReactTable({
    data: rows,
    columns: COLUMNS,
    // grouped by section, the section column would only repeat the group heading
    state: { sorting: state.sorting, globalFilter: state.text, columnFilters, columnVisibility: { section: state.groupBy !== 'section', change: comparing } },
    onSortingChange: (updater) => onSortingChange(typeof updater === 'function' ? updater(state.sorting) : updater),
    globalFilterFn: globalText,
    getColumnCanGlobalFilter: (column) => column.id === 'service',
    getCoreRowModel: getCoreRowModel(),
    getFilteredRowModel: getFilteredRowModel(),
    getSortedRowModel: getSortedRowModel(),
    getRowId: (r) => r.id,
    enableSortingRemoval: true,
    // every column sorts ascending on the first click, numbers included
    sortDescFirst: false,
  });
  const visibleRows = table.getRowModel().rows;

  const items = useMemo<Item[]>(() => {
    if (state.groupBy === 'none') return visibleRows.map((row) => ({ kind: 'row', row }));
    const headings: { key: string; title: string; rows: Row<TableRow>[] }[] =
      state.groupBy === 'section'
        ? SECTIONS.map((s) => ({ key: `section:${s.id}`, title: s.title, rows: visibleRows.filter((r) => r.original.section === s.id) }))
        : [...new Set(visibleRows.map((r) => r.original.object))].map((o) => ({ key: `object:${o}`, title: o, rows: visibleRows.filter((r) => r.original.object === o) }));
    const out: Item[] = [];
    for (const h of headings) {
      if (h.rows.length === 0) continue;
      out.push({ kind: 'group', key: h.key, title: h.title, rows: h.rows.length });
      for (const row of h.rows) out.push({ kind: 'row', row });
    }
    return out;
  }, [visibleRows, state.groupBy]);

  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: (i) => (items[i]?.kind === 'group' ? 38 : 54),
    getItemKey: (i) => {
      const item = items[i];
      if (!item) return i;
      return item.kind === 'group' ? item.key : item.row.id;
    },
    overscan: 12,
  });
  const virtualItems = virtualizer.getVirtualItems();
  const total = virtualizer.getTotalSize();
  const padTop = virtualItems[0]?.start ?? 0;
  const padBottom = virtualItems.length > 0 ? total - (virtualItems[virtualItems.length - 1]?.end ?? 0) : 0;
  const columnCount = table.getVisibleLeafColumns().length;

  return (
    <>
      <p className="table-summary" aria-live="polite" data-testid="rules-summary">
        Showing {count(visibleRows.length)} of {count(rows.length)} {unit}
      </p>
      <div ref={scrollRef} className="rules-scroll" tabIndex={0} aria-label="Rules table, scrollable">
        <table className="rules-table" aria-rowcount={items.length + 1}>
          <colgroup>
            {table.getVisibleLeafColumns().map((c) => (
              <col key={c.id} style={{ width: c.getSize() }} />
            ))}
          </colgroup>
          <thead>
            {table.getHeaderGroups().map((hg) => (
              <tr key={hg.id} aria-rowindex={1}>
                {hg.headers.map((h) => {
                  const sorted = h.column.getIsSorted();
                  return (
                    <th key={h.id} scope="col" aria-sort={sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : 'none'}>
                      <button type="button" className="sort-button" onClick={h.column.getToggleSortingHandler()}>
                        {flexRender(h.column.columnDef.header, h.getContext())}
                        <span className="sort-mark" aria-hidden="true">{sorted === 'asc' ? '▲' : sorted === 'desc' ? '▼' : '↕'}</span>
                      </button>
                    </th>
                  );
                })}
              </tr>
            ))}
          </thead>
          <tbody>
            {padTop > 0 && (
              <tr aria-hidden="true" className="pad-row">
                <td colSpan={columnCount} style={{ height: padTop }} />
              </tr>
            )}
            {virtualItems.map((v) => {
              const item = items[v.index];
              if (!item) return null;
              if (item.kind === 'group') {
                return (
                  <tr key={v.key} data-index={v.index} ref={virtualizer.measureElement} className="group-row" aria-rowindex={v.index + 2}>
                    <th scope="rowgroup" colSpan={columnCount}>
                      {item.title} <span className="muted">· {count(item.rows)}</span>
                    </th>
                  </tr>
                );
              }
              return (
                <tr
                  key={v.key}
                  data-index={v.index}
                  ref={virtualizer.measureElement}
                  data-rule={item.row.original.ruleId}
                  data-change={item.row.original.change}
                  className={`rule-row${item.row.original.change ? ` row-${item.row.original.change}` : ''}`}
                  aria-rowindex={v.index + 2}
                >
                  {item.row.getVisibleCells().map((cell) => (
                    <td key={cell.id} className={`cell-${cell.column.id}`}>
                      {flexRender(cell.column.columnDef.cell, cell.getContext())}
                    </td>
                  ))}
                </tr>
              );
            })}
            {padBottom > 0 && (
              <tr aria-hidden="true" className="pad-row">
                <td colSpan={columnCount} style={{ height: padBottom }} />
              </tr>
            )}
            {visibleRows.length === 0 && (
              <tr>
                <td colSpan={columnCount} className="empty-row">No rule matches the filters.</td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </>
  );
}
