import { COMPONENT_ROLES, LIST_ROLES, type ListRole } from '../../engine/index.ts';
import { useStore } from '../../store/store.ts';
import { NextStep } from '../shell/NextStep.tsx';
import { GettingStarted } from './GettingStarted.tsx';
import { GroupList } from './GroupCard.tsx';
import { RoleCard } from './RoleCard.tsx';
import './roles.css';

const COMPONENTS: readonly ListRole[] = COMPONENT_ROLES;
const SERVERS: ListRole[] = LIST_ROLES.filter((r) => r !== 'ADMINW' && !COMPONENTS.includes(r));

/** The roles of components outside the article: folded away until one is used. */
function Components() {
  const used = useStore((s) => COMPONENTS.some((r) => (s.roleText[r] ?? '').trim() !== ''));
  return (
    <details className="role-group" open={used}>
      <summary>
        <h3 className="group-title inline-heading">Other senhasegura components</h3>
      </summary>
      <p className="group-intro">
        Arbitrator, Network Connector agents, monitoring (SNMP), HSMs, certificate authorities, package mirrors, load balancer, Domum. Their rows come from
        other vendor pages and are off until you switch them on under Services.
      </p>
      <div className="role-grid">
        {COMPONENTS.map((role) => (
          <RoleCard key={role} role={role} />
        ))}
      </div>
    </details>
  );
}

function ClusterNote() {
  const cluster = useStore((s) => s.plan.cluster);
  const setCluster = useStore((s) => s.setCluster);
  return (
    <p className={cluster ? 'role-note' : 'role-note role-note-off'}>
      {cluster ? 'Cluster mode is on: these members get the primary’s rules and talk to every other node.' : 'Cluster mode is off: MBR nodes are ignored.'}{' '}
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
          of a line names them. A node is one machine: its IPv4 and IPv6 address on one line (or with the same label) make one node. Each box is checked as
          you type.
        </p>
      </div>
      <GettingStarted />
      <section className="role-group" aria-label="senhasegura nodes">
        <h3 className="group-title">senhasegura nodes</h3>
        <p className="group-intro">The appliance itself: every rule involves the primary node. One node a line, its addresses and <code># name</code>.</p>
        <div className="role-grid">
          <RoleCard role="PRD" required />
          <RoleCard role="MBR" note={<ClusterNote />} />
        </div>
      </section>
      <section className="role-group" aria-label="Users and administrators">
        <h3 className="group-title">Users and administrators</h3>
        <p className="group-intro">Split users in groups that need different services (administrators with SSH and RDP, everyone else HTTPS only).</p>
        <div className="role-grid">
          <GroupList role="USERW" />
          <RoleCard role="ADMINW" />
        </div>
      </section>
      <section className="role-group" aria-label="Managed devices">
        <h3 className="group-title">Managed devices</h3>
        <p className="group-intro">Give each kind of device only the services it needs: Windows servers RDP and SMB, Linux servers SSH, and so on.</p>
        <div className="role-grid">
          <GroupList role="DVC" />
        </div>
      </section>
      <section className="role-group" aria-label="Management servers">
        <h3 className="group-title">Management servers</h3>
        <p className="group-intro">Leave a role empty if you do not use it: its rules are skipped, and the findings say so.</p>
        <div className="role-grid">
          {SERVERS.map((role) => (
            <RoleCard key={role} role={role} />
          ))}
        </div>
      </section>
      <Components />
      <NextStep to="services" label="Next: choose services" />
    </div>
  );
}
