import { useMemo } from 'react';
import { ROLE_DESCRIPTIONS } from '../../engine/index.ts';
import { useRoleParse, useRoleText, useTextNodes } from '../../store/selectors.ts';
import type { TextRole } from '../../store/slices/planSlice.ts';
import { useStore } from '../../store/store.ts';
import { EntryBox } from './EntryBox.tsx';
import { NodeTable } from './NodeTable.tsx';

const PLACEHOLDER: Partial<Record<TextRole, string>> = {
  PRD: '192.0.2.10, 2001:db8::10 # vault-01',
  MBR: '192.0.2.11, 2001:db8::11 # vault-02\n192.0.2.12 # vault-03',
  ADMINW: '198.51.100.7 # admin laptop',
};

interface Props {
  role: TextRole;
  required?: boolean;
  note?: React.ReactNode;
}

/** One role's box: the nodes (PRD, MBR) or a plain list of servers or workstations. */
export function RoleCard({ role, required = false, note }: Props) {
  const text = useRoleText(role);
  const parse = useRoleParse(role);
  const setRoleText = useStore((s) => s.setRoleText);
  const focusTarget = useStore((s) => s.focusTarget);
  const clearFocus = useStore((s) => s.clearFocus);
  const isNodes = role === 'PRD' || role === 'MBR';
  const focusEntry = useMemo(
    () => (focusTarget?.kind === 'role' && focusTarget.role === role ? { ...(focusTarget.entryIndex !== undefined ? { index: focusTarget.entryIndex } : {}), done: clearFocus } : undefined),
    [focusTarget, role, clearFocus],
  );
  return (
    <section
      className={`card role-card${parse.errors.length > 0 ? ' has-errors' : ''}${parse.tokens.length > 0 ? ' has-entries' : ''}`}
      id={`role-${role}`}
      data-box={`role:${role}`}
      aria-labelledby={`role-${role}-title`}
    >
      <header className="role-card-head">
        <span className="role-code">{role}</span>
        <h3 id={`role-${role}-title`} className="role-title">{ROLE_DESCRIPTIONS[role]}</h3>
        {required && <span className="badge badge-required">required</span>}
      </header>
      {note}
      <EntryBox
        label={`${role} addresses`}
        listName={role}
        text={text}
        parse={parse}
        placeholder={PLACEHOLDER[role] ?? 'one address or CIDR per line, # label'}
        onChange={(t) => setRoleText(role, t)}
        {...(focusEntry ? { focusEntry } : {})}
        {...(isNodes ? { result: <NodeTableFor role={role} /> } : {})}
      />
    </section>
  );
}

function NodeTableFor({ role }: { role: 'PRD' | 'MBR' }) {
  const nodes = useTextNodes(role);
  const text = useRoleText(role);
  const setRoleText = useStore((s) => s.setRoleText);
  return <NodeTable role={role} nodes={nodes} text={text} onChange={(t) => setRoleText(role, t)} />;
}
