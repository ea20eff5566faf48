import { useState } from 'react';
import type { AddressEntry } from '../../engine/index.ts';
import { count } from '../common/format.ts';
import { entryName } from './rows.ts';

const SHOWN = 3;
const EXPANDED_MAX = 1000;

/** A group, node or role and its entries as written; long lists open on demand so a row stays one line high. */
export function AddressList({ name, entries }: { name: string; entries: readonly AddressEntry[] }) {
  const [open, setOpen] = useState(false);
  const visible = open ? entries.slice(0, EXPANDED_MAX) : entries.slice(0, SHOWN);
  const rest = entries.length - visible.length;
  return (
    <div className="address-list">
      <span className="role-chip" title={name === 'CLUSTER' ? 'PRD and MBR: every cluster node' : undefined}>{name}</span>
      {visible.map((e) => {
        const label = entryName(e);
        return (
          <span key={e.path} className="address" title={label ? `${label} (${e.path})` : e.path}>
            {e.written}
            {label && <span className="address-label"> {label}</span>}
          </span>
        );
      })}
      {!open && rest > 0 && (
        <button type="button" className="link-button more" onClick={() => setOpen(true)}>
          +{count(rest)} more
        </button>
      )}
      {open && entries.length > SHOWN && (
        <>
          {rest > 0 && <span className="muted">… {count(rest)} more (see the CSV export)</span>}
          <button type="button" className="link-button more" onClick={() => setOpen(false)}>
            show less
          </button>
        </>
      )}
    </div>
  );
}
