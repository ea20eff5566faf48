import { Fragment, memo, type JSX } from 'react';
import { SHEET_CSS } from '../../sheet/css.ts';
import {
  BLANK,
  changeRows,
  summaryFigures,
  CHANGE_CATEGORIES,
  CHANGE_TYPES,
  PART_TITLES,
  PRIORITIES,
  RISK_RATINGS,
  RULES_PART,
  STATUSES,
  VERIFY_NOTE,
  familyName,
  groupLines,
  parts,
  ranges,
  windowText,
  type AddressGroup,
  type ApplySummary,
  type ChangeType,
  type PartId,
  type Sheet,
  type SheetContent,
  type SheetDelta,
  type SheetRequest,
  type SheetRow,
  type SheetSection,
  type SheetSide,
  type SkippedRow,
  type TextField,
} from '../../sheet/model.ts';
import { formatCount, plural } from '../../sheet/text.ts';

/**
 * The printable sheet: the page in the app, and (rendered to static markup) the standalone HTML
 * download — one view, one stylesheet; React escapes every piece of text. The heavy parts (rule
 * table, address groups, commands) only depend on the plan's objects and rules and are memoised,
 * so typing into the request form does not re-render thousands of rows.
 */

type Numbers = Record<PartId, number>;

function numbering(hasGroups: boolean): Numbers {
  const out = {} as Numbers;
  for (const p of parts({ groups: hasGroups ? [GROUP_PLACEHOLDER] : [] })) out[p.id] = p.n;
  return out;
}
const GROUP_PLACEHOLDER: AddressGroup = { id: '', name: '', role: 'DVC', roleName: '', family: 4, addresses: [], usedBy: [], columns: 1 };
/** Part numbers depend only on whether there are address groups: two fixed objects keep memo() useful. */
const NUMBERS = { withGroups: numbering(true), withoutGroups: numbering(false) } as const;

function Heading({ n, id, title }: { n: Numbers; id: PartId; title?: string }): JSX.Element {
  return (
    <h2>
      <span className="crs-num">{n[id]}</span>
      {title ?? PART_TITLES[id]}
    </h2>
  );
}

function ValueOr({ value, blank }: { value: string; blank: string }): JSX.Element {
  return value === '' ? <span className="crs-blank">{blank}</span> : <>{value}</>;
}

function FreeText({ request, field }: { request: SheetRequest; field: TextField }): JSX.Element {
  const t = request.text[field];
  return (
    <>
      <p className="crs-text">{t.value}</p>
      {t.suggested && <p className="crs-suggested">Suggested by fwplan from the plan.</p>}
    </>
  );
}

function RequestPart({ sheet, n }: { sheet: Sheet; n: Numbers }): JSX.Element {
  const r = sheet.request;
  return (
    <section className="crs-section" id="crs-request">
      <Heading n={n} id="request" />
      <table className="crs-kv">
        <tbody>
          <tr>
            <th scope="row">Change ID</th>
            <td><ValueOr value={r.changeId} blank={BLANK.changeId} /></td>
            <th scope="row">Type</th>
            <td>{CHANGE_TYPES[r.type]}</td>
          </tr>
          <tr>
            <th scope="row">Title</th>
            <td colSpan={3}>{r.title}</td>
          </tr>
          <tr>
            <th scope="row">Requester</th>
            <td><ValueOr value={r.requesterName} blank="" /></td>
            <th scope="row">Team</th>
            <td><ValueOr value={r.requesterTeam} blank="" /></td>
          </tr>
          <tr>
            <th scope="row">Contact</th>
            <td><ValueOr value={r.requesterContact} blank="" /></td>
            <th scope="row">Category</th>
            <td>{CHANGE_CATEGORIES[r.category]}</td>
          </tr>
          <tr>
            <th scope="row">Proposed window</th>
            <td><ValueOr value={windowText(r)} blank={BLANK.window} /></td>
            <th scope="row">Expiry</th>
            <td><ValueOr value={r.expiry} blank={BLANK.expiry} /></td>
          </tr>
          <tr>
            <th scope="row">Plan</th>
            <td>{sheet.planName}</td>
            <th scope="row">Prepared</th>
            <td>{sheet.date}</td>
          </tr>
          <tr>
            <th scope="row">Risk rating</th>
            <td>
              <b>{RISK_RATINGS[r.riskRating.value]}</b>
              {r.riskRating.suggested && <span className="crs-meta">suggested by fwplan from: {r.riskRating.reasons.join('; ')}</span>}
            </td>
            <th scope="row">Priority</th>
            <td>
              {PRIORITIES[r.priority.value]}
              {r.priority.suggested && <span className="crs-meta">suggested</span>}
            </td>
          </tr>
          <tr>
            <th scope="row">Status</th>
            <td>{STATUSES[r.status]}</td>
            <th scope="row">Next review</th>
            <td>
              <ValueOr value={r.reviewDate.value} blank="six months after approval" />
              {r.reviewDate.suggested && r.reviewDate.value !== '' && <span className="crs-meta">six months from today</span>}
            </td>
          </tr>
        </tbody>
      </table>
      <h3>Business justification</h3>
      <FreeText request={r} field="justification" />
      <h3>Effect of not implementing</h3>
      <FreeText request={r} field="notImplementing" />
    </section>
  );
}

const SummaryPart = memo(function SummaryPart({ summary, n, type }: { summary: SheetContent['summary']; n: Numbers; type: ChangeType }): JSX.Element {
  const s = summary;
  const figures = summaryFigures(s, type);
  const changes = changeRows(s);
  const c = s.findingCounts;
  return (
    <section className="crs-section" id="crs-summary">
      <Heading n={n} id="summary" />
      <div className="crs-figures">
        {figures.map(([value, label]) => (
          <div className="crs-figure" key={label}>
            <b>{value}</b>
            <span>{label}</span>
          </div>
        ))}
      </div>
      {c.error > 0 && (
        <div className="crs-callout crs-callout-error">
          <b>The plan has {plural(c.error, 'error')}</b> (listed under Findings below): fwplan makes no export until they are fixed, so this change
          cannot be implemented as it stands.
        </div>
      )}
      <h3>senhasegura nodes</h3>
      {s.nodeList.length === 0 ? (
        <p>No node.</p>
      ) : (
        <table className="crs-data">
          <thead>
            <tr>
              <th>Node</th>
              <th>Role</th>
              <th>Addresses</th>
            </tr>
          </thead>
          <tbody>
            {s.nodeList.map((node) => (
              <tr key={node.name}>
                <td><b>{node.name}</b></td>
                <td>
                  {node.role}
                  {node.ignored && <> <span className="crs-tag crs-tag-warn">ignored: cluster mode is off</span></>}
                </td>
                <td>{node.addresses.join(', ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3>Roles and groups</h3>
      {s.roles.length === 0 ? (
        <p>No role has entries.</p>
      ) : (
        <table className="crs-data">
          <thead>
            <tr>
              <th>Role</th>
              <th>Meaning</th>
              <th className="crs-right">Entries</th>
              <th className="crs-right">IPv4</th>
              <th className="crs-right">IPv6</th>
            </tr>
          </thead>
          <tbody>
            {s.roles.map((r) => (
              <tr key={`${r.role}/${r.group ?? ''}`}>
                <td><b>{r.role}</b></td>
                <td>
                  {r.group !== undefined ? <><b>{r.group}</b> · {r.description}</> : r.description}
                  {r.services && <span className="crs-meta">services: {r.services.length > 0 ? r.services.join(', ') : 'none'}</span>}
                  {r.ignored && <> <span className="crs-tag crs-tag-warn">ignored: cluster mode is off</span></>}
                  {r.invalid > 0 && <> <span className="crs-tag crs-tag-warn">{plural(r.invalid, 'invalid entry', 'invalid entries')}</span></>}
                </td>
                <td className="crs-right">{formatCount(r.entries)}</td>
                <td className="crs-right">{formatCount(r.ipv4)}</td>
                <td className="crs-right">{formatCount(r.ipv6)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3>Changes against the vendor defaults</h3>
      {changes.length === 0 ? (
        <p>None: the plan uses the vendor article as it is.</p>
      ) : (
        <table className="crs-data">
          <thead>
            <tr>
              <th>Change</th>
              <th>Rule</th>
              <th>Service</th>
              <th>Detail</th>
            </tr>
          </thead>
          <tbody>
            {changes.map(([what, id, service, detail]) => (
              <tr key={`${what}/${id}`}>
                <td>{what}</td>
                <td><span className="crs-id">{id}</span></td>
                <td>{service}</td>
                <td>{detail}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3>Findings</h3>
      {s.findings.length === 0 ? (
        <p>No findings.</p>
      ) : (
        <>
          <p className="crs-lead">
            {plural(c.error, 'error')}, {plural(c.warning, 'warning')}, {plural(c.note, 'note')}. Rules left out are listed in section {n.skipped}.
          </p>
          <ul className="crs-findings">
            {s.findings.map((f, i) => (
              <li key={i}>
                <span className={`crs-sev crs-sev-${f.severity}`}>{f.severity}</span>
                <span>
                  {f.subject && (
                    <>
                      <span className="crs-id">{f.subject}</span>{' '}
                    </>
                  )}
                  {f.message}
                </span>
              </li>
            ))}
          </ul>
        </>
      )}
      <div className="crs-callout">
        <b>Vendor note.</b> {s.proxyNote}
      </div>
    </section>
  );
});

function SideCell({ side, n }: { side: SheetSide; n: Numbers }): JSX.Element {
  return (
    <>
      <div className="crs-role">
        {side.name} <span>· {side.roleName}</span>
      </div>
      {side.addresses ? (
        <ul className="crs-addrs">
          {side.addresses.map((a) => (
            <li key={a.address}>
              <code>{a.address}</code>
              {a.label && <> <span className="crs-label">{a.label}</span></>}
            </li>
          ))}
        </ul>
      ) : (
        <div className="crs-groupref">
          address group <b>{side.group}</b> · {plural(side.count, 'address', 'addresses')}, listed in section {n.groups}
        </div>
      )}
    </>
  );
}

function RuleRow({ row, n }: { row: SheetRow; n: Numbers }): JSX.Element {
  return (
    <tr id={`crs-rule-${row.n}`}>
      <td className="crs-n">{row.n}</td>
      <td><span className="crs-action">{row.action}</span></td>
      <td><SideCell side={row.source} n={n} /></td>
      <td><SideCell side={row.destination} n={n} /></td>
      <td>
        {row.protocol}
        <span className="crs-family">{familyName(row.source.family)}</span>
      </td>
      <td><span className="crs-port">{row.portText}</span></td>
      <td>
        {row.need}
        {!row.needSuggested && <span className="crs-meta">vendor’s reason: {row.purpose}</span>}
        {(row.owner !== '' || row.expires !== '') && (
          <span className="crs-meta">
            {row.owner !== '' && <>owner {row.owner}</>}
            {row.owner !== '' && row.expires !== '' && ' · '}
            {row.expires !== '' && <>expires {row.expires}</>}
          </span>
        )}
        <span className="crs-meta">
          {row.service} ·{' '}
          {row.ruleIds.map((id, i) => (
            <span key={id}>
              {i > 0 && ', '}
              <span className="crs-id">{id}</span>
            </span>
          ))}{' '}
          · {plural(row.flows, 'pair')}
        </span>
        {row.notes.length > 0 && (
          <span className="crs-tags">
            {row.notes.map((note) => (
              <span key={note} className={`crs-tag${/clear text|instead|non-standard/.test(note) ? ' crs-tag-warn' : ''}`}>{note}</span>
            ))}
          </span>
        )}
      </td>
    </tr>
  );
}

function RuleTable({ rows, n, groups }: { rows: readonly SheetRow[]; n: Numbers; groups?: readonly { id: string; title: string; rows: readonly SheetRow[] }[] }): JSX.Element {
  return (
    <table className="crs-data crs-rules">
      <colgroup>
        <col className="c-n" />
        <col className="c-action" />
        <col className="c-side" />
        <col className="c-side" />
        <col className="c-proto" />
        <col className="c-port" />
        <col />
      </colgroup>
      <thead>
        <tr>
          <th className="crs-n">#</th>
          <th>Action</th>
          <th>Source</th>
          <th>Destination</th>
          <th>Proto</th>
          <th>Port</th>
          <th>Need, owner, comment</th>
        </tr>
      </thead>
      {(groups ?? [{ id: 'all', title: '', rows }]).map((s) => (
        <tbody key={s.id}>
          {s.title !== '' && (
            <tr className="crs-group-row">
              <th colSpan={7}>{s.title}</th>
            </tr>
          )}
          {s.rows.map((row) => (
            <RuleRow key={`${s.id}/${row.key}`} row={row} n={n} />
          ))}
        </tbody>
      ))}
    </table>
  );
}

function DeltaPart({ delta, n, type }: { delta: SheetDelta; n: Numbers; type: ChangeType }): JSX.Element {
  return (
    <section className="crs-section" id="crs-rules">
      <Heading n={n} id="rules" title={type === 'remove' ? 'Rules to remove, and what stays' : 'Rules to add and to remove'} />
      <p className="crs-lead">
        Compared with {delta.baseline}: {plural(delta.addedFlows, 'flow')} added, {plural(delta.removedFlows, 'flow')} removed, {plural(delta.unchangedFlows, 'flow')} unchanged. Source port: any;
        every entry as the plan has it.
      </p>
      <h3>Rules to add ({delta.added.length})</h3>
      {delta.added.length === 0 ? <p>None.</p> : <RuleTable rows={delta.added} n={n} />}
      <h3>Rules to remove ({delta.removed.length})</h3>
      {delta.removed.length === 0 ? <p>None.</p> : <RuleTable rows={delta.removed} n={n} />}
      <h3>Unchanged ({plural(delta.unchangedRules, 'rule')})</h3>
      {delta.unchanged.length === 0 ? (
        <p>None.</p>
      ) : (
        <ul className="crs-findings">
          {delta.unchanged.map((u) => (
            <li key={u.title}>
              {u.title}: {plural(u.rules, 'rule')}, {plural(u.flows, 'flow')}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

const RulesPart = memo(function RulesPart({ sections, n, type }: { sections: readonly SheetSection[]; n: Numbers; type: ChangeType }): JSX.Element {
  return (
    <section className="crs-section" id="crs-rules">
      <Heading n={n} id="rules" title={RULES_PART[type].title} />
      <p className="crs-lead">
        {RULES_PART[type].lead} Source port: any. Every entry is written as the plan has it, with its label; sets too large for a row are address groups
        (section {n.groups || '–'}).
      </p>
      {sections.length === 0 ? <p>No rule: see the findings and the rules not included.</p> : <RuleTable rows={[]} n={n} groups={sections} />}
    </section>
  );
});

function Group({ group: g }: { group: AddressGroup }): JSX.Element {
  const cols = Array.from({ length: g.columns }, (_, i) => i);
  return (
    <div className="crs-group" id={`crs-group-${g.id}`}>
      <h3>
        {g.id} · {g.name}{' '}
        <span className="crs-sub">
          · {g.roleName}, {plural(g.addresses.length, `${familyName(g.family)} address`, `${familyName(g.family)} addresses`)}, used by rule
          {g.usedBy.length === 1 ? '' : 's'} {ranges(g.usedBy)}
        </span>
      </h3>
      <table className="crs-addr-table">
        <colgroup>
          <col style={{ width: '10mm' }} />
          {cols.map((i) => (
            <col key={i} />
          ))}
        </colgroup>
        <tbody>
          {groupLines(g).map((line) => (
            <tr key={line.first}>
              <td className="crs-n">{line.first}</td>
              {cols.map((i) => {
                const a = line.addresses[i];
                return (
                  <td key={i}>
                    {a && (
                      <>
                        {a.address}
                        {a.label && <> <span className="crs-label">{a.label}</span></>}
                      </>
                    )}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const GroupsPart = memo(function GroupsPart({ groups, n }: { groups: readonly AddressGroup[]; n: Numbers }): JSX.Element | null {
  if (groups.length === 0) return null;
  return (
    <section className="crs-section" id="crs-groups">
      <Heading n={n} id="groups" />
      <p className="crs-lead">Every address of the sets named in the rule table, in full.</p>
      {groups.map((g) => (
        <Group key={g.id} group={g} />
      ))}
    </section>
  );
});

const SkippedPart = memo(function SkippedPart({ skipped, n }: { skipped: readonly SkippedRow[]; n: Numbers }): JSX.Element {
  return (
    <section className="crs-section" id="crs-skipped">
      <Heading n={n} id="skipped" />
      <p className="crs-lead">Rows of the vendor article that this change does not open, and why.</p>
      {skipped.length === 0 ? (
        <p>None: every catalog rule is included.</p>
      ) : (
        <table className="crs-data">
          <colgroup>
            <col style={{ width: '32mm' }} />
            <col style={{ width: '34mm' }} />
            <col />
          </colgroup>
          <thead>
            <tr>
              <th>Rule</th>
              <th>Service</th>
              <th>Reason</th>
            </tr>
          </thead>
          <tbody>
            {skipped.map((s) => (
              <tr key={s.ruleId}>
                <td><span className="crs-id">{s.ruleId}</span></td>
                <td>{s.service}</td>
                <td>{s.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
});

const CommandsTable = memo(function CommandsTable({ verification: v }: { verification: SheetContent['verification'] }): JSX.Element {
  const lead = v.sampled
    ? `${plural(v.total, 'check')} in all; one per rule is printed here, and the fwplan verify script runs every one.`
    : `${plural(v.total, 'check')}, every one printed here.`;
  return (
    <>
      <h3>
        Commands <span className="crs-sub">· {lead}</span>
      </h3>
      <p className="crs-lead">{VERIFY_NOTE}</p>
      {v.blocks.length > 0 && (
        <table className="crs-data crs-checks">
          <colgroup>
            <col style={{ width: '11mm' }} />
            <col />
            <col style={{ width: '42%' }} />
          </colgroup>
          <thead>
            <tr>
              <th className="crs-n">Rule</th>
              <th>Command</th>
              <th>Note</th>
            </tr>
          </thead>
          {v.blocks.map((b) => (
            <tbody key={b.from}>
              <tr className="crs-from">
                <th colSpan={3}>
                  Run on {b.from}
                  {b.label && ` (${b.label})`}
                </th>
              </tr>
              {b.checks.map((c, i) => (
                <tr key={i}>
                  <td className="crs-n">{c.rule}</td>
                  <td className="crs-cmd">{c.command}</td>
                  <td>{c.note ?? ''}</td>
                </tr>
              ))}
            </tbody>
          ))}
        </table>
      )}
    </>
  );
});

function Line({ label, value = '', tall = false }: { label: string; value?: string; tall?: boolean }): JSX.Element {
  return (
    <div className={`crs-line${tall ? ' crs-tall' : ''}`}>
      <span>{label}</span>
      <span>{value}</span>
    </div>
  );
}

function ApprovalsPart({ request, n }: { request: SheetRequest; n: Numbers }): JSX.Element {
  return (
    <section className="crs-section crs-avoid" id="crs-approvals">
      <Heading n={n} id="approvals" />
      <div className="crs-approvals">
        {request.approvers.map((a, i) => (
          <div className="crs-box" key={i}>
            <p className="crs-box-title">{a.role}</p>
            <Line label="Name" value={a.name} />
            <Line label="Signature" tall />
            <Line label="Date" />
            <div className="crs-choices">
              <span className="crs-choice">Approved</span>
              <span className="crs-choice">Rejected</span>
            </div>
          </div>
        ))}
      </div>
    </section>
  );
}

function ClosurePart({ n, review }: { n: Numbers; review: string }): JSX.Element {
  return (
    <section className="crs-section crs-avoid" id="crs-closure">
      <Heading n={n} id="closure" />
      <div className="crs-closure">
        <div className="crs-choices">
          <span className="crs-choice">Works: every check passed</span>
          <span className="crs-choice">Does not work: backed out</span>
        </div>
        <div className="crs-closure-grid">
          <Line label="Implemented by" />
          <Line label="Date" />
          <Line label="Verified by" />
          <Line label="Signature" />
        </div>
        <Line label="Notes" tall />
        <h3>Post-implementation review</h3>
        {review !== '' ? <p className="crs-text">{review}</p> : <Line label="Did it work, what was learned" tall />}
      </div>
    </section>
  );
}

function ApplyPart({ apply, n, request }: { apply: ApplySummary; n: Numbers; request: SheetRequest }): JSX.Element {
  return (
    <section className="crs-section" id="crs-apply">
      <Heading n={n} id="apply" />
      <table className="crs-kv">
        <tbody>
          <tr>
            <th scope="row">Enforcement point</th>
            <td>{apply.where}</td>
          </tr>
          <tr>
            <th scope="row">Apply mode</th>
            <td>
              {apply.defaultDrop ? <b>Complete policy (default drop)</b> : <b>Append ALLOW rules</b>}: {apply.mode}
            </td>
          </tr>
          <tr>
            <th scope="row">Outgoing traffic</th>
            <td>{apply.egress}</td>
          </tr>
          <tr>
            <th scope="row">Affected enforcement points</th>
            <td>
              <FreeText request={request} field="enforcementPoints" />
            </td>
          </tr>
          {apply.otherNodes.length > 0 && (
            <tr>
              <th scope="row">Other nodes</th>
              <td>{apply.otherNodes.join(', ')}: each needs its own host export and the same steps.</td>
            </tr>
          )}
        </tbody>
      </table>
    </section>
  );
}

function TextPart({ id, request, n, field }: { id: PartId; request: SheetRequest; n: Numbers; field: TextField }): JSX.Element {
  return (
    <section className="crs-section" id={`crs-${id}`}>
      <Heading n={n} id={id} />
      <FreeText request={request} field={field} />
    </section>
  );
}

export function SheetView({ sheet }: { sheet: Sheet }): JSX.Element {
  const r = sheet.request;
  const n = sheet.groups.length > 0 ? NUMBERS.withGroups : NUMBERS.withoutGroups;
  const render: Record<PartId, () => JSX.Element | null> = {
    request: () => <RequestPart sheet={sheet} n={n} />,
    summary: () => <SummaryPart summary={sheet.summary} n={n} type={r.type} />,
    apply: () => <ApplyPart apply={sheet.apply} n={n} request={r} />,
    risk: () => <TextPart id="risk" field="risk" request={r} n={n} />,
    implementation: () => <TextPart id="implementation" field="implementation" request={r} n={n} />,
    rules: () => (sheet.delta ? <DeltaPart delta={sheet.delta} n={n} type={r.type} /> : <RulesPart sections={sheet.sections} n={n} type={r.type} />),
    groups: () => <GroupsPart groups={sheet.groups} n={n} />,
    skipped: () => <SkippedPart skipped={sheet.skipped} n={n} />,
    verification: () => (
      <section className="crs-section" id="crs-verification">
        <Heading n={n} id="verification" />
        <FreeText request={r} field="verification" />
        <CommandsTable verification={sheet.verification} />
      </section>
    ),
    backout: () => <TextPart id="backout" field="backout" request={r} n={n} />,
    approvals: () => <ApprovalsPart request={r} n={n} />,
    closure: () => <ClosurePart n={n} review={r.postReview} />,
  };
  return (
    <article className="crs" aria-label="Firewall change request">
      <style>{SHEET_CSS}</style>
      <table className="crs-frame">
        <thead>
          <tr>
            <td>
              <header className="crs-running">
                <div className="crs-running-title">
                  <span className="crs-kicker">Firewall change request</span>
                  <strong>{r.title}</strong>
                </div>
                <div className="crs-running-meta">
                  Change <b>{r.changeId || BLANK.changeId}</b>
                  <br />
                  Plan <b>{sheet.planName}</b>
                  <br />
                  Prepared <b>{sheet.date}</b>
                </div>
              </header>
            </td>
          </tr>
        </thead>
        <tbody>
          <tr>
            <td>
              {parts(sheet).map((p) => (
                <Fragment key={p.id}>{render[p.id]()}</Fragment>
              ))}
              <p className="crs-end">End of change request · generated by fwplan from plan “{sheet.planName}”</p>
            </td>
          </tr>
        </tbody>
      </table>
    </article>
  );
}
