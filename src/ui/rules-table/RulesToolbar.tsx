import { SECTIONS, type Protocol, type SectionId } from '../../engine/index.ts';
import type { RulesTableState } from '../../store/slices/rulesTableSlice.ts';
import { SECTION_SHORT } from './rows.ts';

interface Props {
  state: RulesTableState;
  onChange: (patch: Partial<RulesTableState>) => void;
  comparing?: boolean;
}

export function RulesToolbar({ state, onChange, comparing = false }: Props) {
  return (
    <div className="toolbar rules-toolbar app-chrome" role="search" aria-label="Filter the rules">
      <div className="toolbar-field grow">
        <label htmlFor="rules-filter">Filter</label>
        <input id="rules-filter" type="search" value={state.text} placeholder="service, port, address, label…" onChange={(e) => onChange({ text: e.target.value })} />
      </div>
      <div className="toolbar-field">
        <label htmlFor="rules-section">Section</label>
        <select id="rules-section" value={state.section} onChange={(e) => onChange({ section: e.target.value as SectionId | 'all' })}>
          <option value="all">All sections</option>
          {SECTIONS.map((s) => (
            <option key={s.id} value={s.id}>{SECTION_SHORT[s.id]}</option>
          ))}
        </select>
      </div>
      <div className="toolbar-field">
        <label htmlFor="rules-protocol">Protocol</label>
        <select id="rules-protocol" value={state.protocol} onChange={(e) => onChange({ protocol: e.target.value as Protocol | 'all' })}>
          <option value="all">TCP and UDP</option>
          <option value="tcp">TCP</option>
          <option value="udp">UDP</option>
        </select>
      </div>
      <div className="toolbar-field">
        <label htmlFor="rules-family">Family</label>
        <select id="rules-family" value={state.family} onChange={(e) => onChange({ family: e.target.value as RulesTableState['family'] })}>
          <option value="all">IPv4 and IPv6</option>
          <option value="IPv4">IPv4</option>
          <option value="IPv6">IPv6</option>
        </select>
      </div>
      {comparing && (
        <div className="toolbar-field">
          <label htmlFor="rules-change">Change</label>
          <select id="rules-change" value={state.change} onChange={(e) => onChange({ change: e.target.value as RulesTableState['change'] })}>
            <option value="all">Added, removed and unchanged</option>
            <option value="added">Added</option>
            <option value="removed">Removed</option>
            <option value="unchanged">Unchanged</option>
          </select>
        </div>
      )}
      <div className="toolbar-field">
        <label htmlFor="rules-rows">Rows</label>
        <select id="rules-rows" value={state.rowMode} onChange={(e) => onChange({ rowMode: e.target.value === 'pairs' ? 'pairs' : 'rules' })}>
          <option value="rules">One per rule</option>
          <option value="pairs">One per address pair</option>
        </select>
      </div>
      <div className="toolbar-field">
        <label htmlFor="rules-group-by">Group by</label>
        <select id="rules-group-by" value={state.groupBy} onChange={(e) => onChange({ groupBy: e.target.value as RulesTableState['groupBy'] })}>
          <option value="section">Section</option>
          <option value="object">Group or role</option>
          <option value="none">Nothing</option>
        </select>
      </div>
      {(state.text !== '' || state.section !== 'all' || state.protocol !== 'all' || state.family !== 'all' || state.sorting.length > 0) && (
        <button type="button" className="button button-small" onClick={() => onChange({ text: '', section: 'all', protocol: 'all', family: 'all', sorting: [] })}>
          Clear filters
        </button>
      )}
    </div>
  );
}
