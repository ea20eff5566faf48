import { useEffect, useMemo, useRef } from 'react';
import { SERVICE_PRESETS, catalogRule, groupServiceIds, type GroupRole } from '../../engine/index.ts';
import { useGroupParse, useGroupText } from '../../store/selectors.ts';
import { GROUP_KEY } from '../../store/slices/planSlice.ts';
import { useStore } from '../../store/store.ts';
import { EntryBox } from './EntryBox.tsx';

const WHAT: Record<GroupRole, { one: string; placeholder: string }> = {
  USERW: { one: 'user group', placeholder: '198.51.100.0/24, 2001:db8:100::/48 # floor 3' },
  DVC: { one: 'device group', placeholder: '203.0.113.0/24 # servers\n203.0.113.200 # core switch' },
};

interface Props {
  role: GroupRole;
  index: number;
}

/** One named group of user workstations or managed devices: its entries and the services it needs. */
export function GroupCard({ role, index }: Props) {
  const group = useStore((s) => s.plan[GROUP_KEY[role]][index]);
  const groups = useStore((s) => s.plan[GROUP_KEY[role]].length);
  const text = useGroupText(role, index);
  const parse = useGroupParse(role, index);
  const { setGroupText, setGroupName, setGroupService, applyPreset, removeGroup } = useStore.getState();
  const focusTarget = useStore((s) => s.focusTarget);
  const clearFocus = useStore((s) => s.clearFocus);
  const nameRef = useRef<HTMLInputElement>(null);
  const servicesRef = useRef<HTMLFieldSetElement>(null);
  const mine = focusTarget?.kind === 'group' && focusTarget.role === role && focusTarget.index === index ? focusTarget : undefined;
  const focusEntry = useMemo(
    () => (mine && mine.field === undefined ? { ...(mine.entryIndex !== undefined ? { index: mine.entryIndex } : {}), done: clearFocus } : undefined),
    [mine, clearFocus],
  );
  useEffect(() => {
    if (!mine || mine.field === undefined) return;
    const el = mine.field === 'name' ? nameRef.current : servicesRef.current?.querySelector('input');
    el?.scrollIntoView({ block: 'center' });
    el?.focus();
    clearFocus();
  }, [mine, clearFocus]);
  if (!group) return null;
  const ids = groupServiceIds(role);
  const title = group.name.trim() === '' ? `(unnamed ${WHAT[role].one})` : group.name;
  return (
    <section
      className={`card role-card group-card${parse.errors.length > 0 ? ' has-errors' : ''}${parse.tokens.length > 0 ? ' has-entries' : ''}`}
      id={`group-${role}-${index}`}
      data-box={`group:${role}:${index}`}
      aria-label={`${role} group ${title}`}
    >
      <header className="role-card-head">
        <span className="role-code">{role}</span>
        <label className="group-name">
          <span className="visually-hidden">Name of {WHAT[role].one} {index + 1}</span>
          <input ref={nameRef} type="text" value={group.name} maxLength={120} onChange={(e) => setGroupName(role, index, e.target.value)} />
        </label>
        {groups > 1 && (
          <button type="button" className="button button-small" onClick={() => removeGroup(role, index)} aria-label={`Remove ${WHAT[role].one} ${title}`}>
            Remove
          </button>
        )}
      </header>
      <fieldset ref={servicesRef} className="group-services">
        <legend className="field-label">Services {title} needs</legend>
        <label className="preset">
          <span className="visually-hidden">Preset for {title}</span>
          <select
            value=""
            onChange={(e) => {
              if (e.target.value !== '') applyPreset(role, index, e.target.value);
            }}
          >
            <option value="">Apply a preset…</option>
            {SERVICE_PRESETS[role].map((p) => (
              <option key={p.id} value={p.id}>{p.title}</option>
            ))}
          </select>
        </label>
        <div className="service-checks">
          {ids.map((id) => {
            const rule = catalogRule(id);
            if (!rule) return null;
            return (
              <label key={id} className="check service-check" title={rule.purpose}>
                <input type="checkbox" checked={group.services.includes(id)} onChange={(e) => setGroupService(role, index, id, e.target.checked)} />
                <span>
                  {rule.label} {rule.port}/{rule.protocol}
                  {rule.optional && <span className="muted"> (optional)</span>}
                </span>
              </label>
            );
          })}
        </div>
      </fieldset>
      <EntryBox
        label={`${title} addresses`}
        listName={title}
        text={text}
        parse={parse}
        placeholder={WHAT[role].placeholder}
        onChange={(t) => setGroupText(role, index, t)}
        {...(focusEntry ? { focusEntry } : {})}
      />
    </section>
  );
}

/** Every group of a role, and a way to add one (empty, or from a preset). */
export function GroupList({ role }: { role: GroupRole }) {
  const count = useStore((s) => s.plan[GROUP_KEY[role]].length);
  const addGroup = useStore((s) => s.addGroup);
  return (
    <>
      {Array.from({ length: count }, (_, i) => (
        <GroupCard key={i} role={role} index={i} />
      ))}
      <div className="add-group">
        <label>
          <span className="field-label">Add a {WHAT[role].one}</span>
          <select
            value=""
            aria-label={`Add a ${WHAT[role].one}`}
            onChange={(e) => {
              if (e.target.value !== '') addGroup(role, e.target.value === 'empty' ? undefined : e.target.value);
            }}
          >
            <option value="">Choose…</option>
            <option value="empty">An empty group (pick services by hand)</option>
            {SERVICE_PRESETS[role].map((p) => (
              <option key={p.id} value={p.id}>{p.title}</option>
            ))}
          </select>
        </label>
      </div>
    </>
  );
}
