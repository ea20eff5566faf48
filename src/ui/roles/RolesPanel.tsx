import { ROLE_CODES, type RoleCode } from '../../engine/index.ts';
import { useStore } from '../../store/store.ts';
import { NextStep } from '../shell/NextStep.tsx';
import { GettingStarted } from './GettingStarted.tsx';
import { RoleCard } from './RoleCard.tsx';
import './roles.css';

const GROUPS: { title: string; intro: string; roles: RoleCode[] }[] = [
  { title: 'senhasegura nodes', intro: 'The appliance itself: every rule involves the primary node.', roles: ['PRD', 'MBR'] },
  { title: 'Users and managed devices', intro: 'Usually networks (CIDRs).', roles: ['USERW', 'DVC'] },
  {
    title: 'Management servers',
    intro: 'Leave a role empty if you do not use it: its rules are skipped, and the findings say so.',
    roles: ROLE_CODES.filter((r) => !['PRD', 'MBR', 'USERW', 'DVC'].includes(r)),
  },
];

function ClusterNote() {
  const cluster = useStore((s) => s.plan.cluster);
  const setCluster = useStore((s) => s.setCluster);
  return (
    <p className={cluster ? 'role-note' : 'role-note role-note-off'}>
      {cluster ? 'Cluster mode is on: these members get the primary’s rules and talk to every other node.' : 'Cluster mode is off: MBR entries are ignored.'}{' '}
      <button type="button" className="link-button" onClick={() => setCluster(!cluster)}>
        {cluster ? 'Turn cluster mode off' : 'Turn cluster mode on'}
      </button>
    </p>
  );
}

export function RolesPanel() {
  return (
    <div className="panel roles-panel">
      <div className="panel-head">
        <h2>1. Addresses</h2>
        <p className="panel-intro">Map each role of the senhasegura firewall article to your addresses. Paste as many as you like.</p>
        <p className="panel-intro hint" id="entry-format-hint">
          An entry is an IPv4 or IPv6 address or a CIDR. Separate entries with new lines, commas, semicolons or spaces; <code># label</code> after the addresses
          of a line names them. Each box is checked as you type.
        </p>
      </div>
      <GettingStarted />
      {GROUPS.map((g) => (
        <section key={g.title} className="role-group" aria-label={g.title}>
          <h3 className="group-title">{g.title}</h3>
          <p className="group-intro">{g.intro}</p>
          <div className="role-grid">
            {g.roles.map((role) => (
              <RoleCard key={role} role={role} required={role === 'PRD'} note={role === 'MBR' ? <ClusterNote /> : undefined} />
            ))}
          </div>
        </section>
      ))}
      <NextStep to="services" label="Next: choose services" />
    </div>
  );
}
