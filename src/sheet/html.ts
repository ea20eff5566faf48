import { slugify } from '../engine/index.ts';
import { SHEET_CSS } from './css.ts';
import {
  BLANK,
  changeRows,
  summaryFigures,
  CHANGE_CATEGORIES,
  CHANGE_TYPES,
  familyName,
  groupLines,
  PART_TITLES,
  VERIFY_NOTE,
  partNumber,
  parts,
  ranges,
  windowText,
  type AddressGroup,
  type PartId,
  type Sheet,
  type SheetRow,
  type SheetSide,
  type TextField,
} from './model.ts';
import { escapeHtml as e, formatCount, plural } from './text.ts';

/**
 * The sheet as one standalone HTML document: inline CSS, no script, no external resource (a
 * Content-Security-Policy forbids both), every piece of user text escaped. It prints like the
 * page in the app and can be attached to a ticket or saved as PDF from any browser.
 */

function heading(sheet: Sheet, id: PartId): string {
  return `<h2><span class="crs-num">${partNumber(sheet, id)}</span>${e(PART_TITLES[id])}</h2>`;
}

function valueOr(value: string, blank: string): string {
  return value === '' ? `<span class="crs-blank">${e(blank)}</span>` : e(value);
}

function freeText(sheet: Sheet, field: TextField): string {
  const t = sheet.request.text[field];
  return `<p class="crs-text">${e(t.value)}</p>${t.suggested ? '<p class="crs-suggested">Suggested by fwplan from the plan.</p>' : ''}`;
}

function request(sheet: Sheet): string {
  const r = sheet.request;
  return `<section class="crs-section" id="crs-request">${heading(sheet, 'request')}
<table class="crs-kv"><tbody>
<tr><th scope="row">Change ID</th><td>${valueOr(r.changeId, BLANK.changeId)}</td><th scope="row">Type</th><td>${e(CHANGE_TYPES[r.type])}</td></tr>
<tr><th scope="row">Title</th><td colspan="3">${e(r.title)}</td></tr>
<tr><th scope="row">Requester</th><td>${valueOr(r.requesterName, '')}</td><th scope="row">Team</th><td>${valueOr(r.requesterTeam, '')}</td></tr>
<tr><th scope="row">Contact</th><td>${valueOr(r.requesterContact, '')}</td><th scope="row">Category</th><td>${e(CHANGE_CATEGORIES[r.category])}</td></tr>
<tr><th scope="row">Proposed window</th><td>${valueOr(windowText(r), BLANK.window)}</td><th scope="row">Expiry</th><td>${valueOr(r.expiry, BLANK.expiry)}</td></tr>
<tr><th scope="row">Plan</th><td>${e(sheet.planName)}</td><th scope="row">Prepared</th><td>${e(sheet.date)}</td></tr>
</tbody></table>
<h3>Business justification</h3>
${freeText(sheet, 'justification')}
</section>`;
}

function summary(sheet: Sheet): string {
  const s = sheet.summary;
  const figures = summaryFigures(s);
  const roles = s.roles
    .map(
      (r) =>
        `<tr><td><b>${e(r.role)}</b></td><td>${e(r.description)}${r.ignored ? ' <span class="crs-tag crs-tag-warn">ignored: cluster mode is off</span>' : ''}</td><td class="crs-right">${formatCount(r.entries)}</td><td class="crs-right">${formatCount(r.ipv4)}</td><td class="crs-right">${formatCount(r.ipv6)}</td></tr>`,
    )
    .join('\n');
  const changes = changeRows(s);
  const changeTable =
    changes.length === 0
      ? '<p>None: the plan uses the vendor article as it is.</p>'
      : `<table class="crs-data"><thead><tr><th>Change</th><th>Rule</th><th>Service</th><th>Detail</th></tr></thead><tbody>
${changes.map(([what, id, service, detail]) => `<tr><td>${e(what)}</td><td><span class="crs-id">${e(id)}</span></td><td>${e(service)}</td><td>${e(detail)}</td></tr>`).join('\n')}
</tbody></table>`;
  const c = s.findingCounts;
  const findings =
    s.findings.length === 0
      ? '<p>No findings.</p>'
      : `<p class="crs-lead">${plural(c.error, 'error')}, ${plural(c.warning, 'warning')}, ${plural(c.note, 'note')}. Rules left out are listed in section ${partNumber(sheet, 'skipped')}.</p>
<ul class="crs-findings">
${s.findings.map((f) => `<li><span class="crs-sev crs-sev-${f.severity}">${e(f.severity)}</span><span>${f.subject ? `<span class="crs-id">${e(f.subject)}</span> ` : ''}${e(f.message)}</span></li>`).join('\n')}
</ul>`;
  return `<section class="crs-section" id="crs-summary">${heading(sheet, 'summary')}
<div class="crs-figures">${figures.map(([v, l]) => `<div class="crs-figure"><b>${e(v)}</b><span>${e(l)}</span></div>`).join('')}</div>
<h3>Roles</h3>
${s.roles.length === 0 ? '<p>No role has entries.</p>' : `<table class="crs-data"><thead><tr><th>Role</th><th>Meaning</th><th class="crs-right">Entries</th><th class="crs-right">IPv4</th><th class="crs-right">IPv6</th></tr></thead><tbody>
${roles}
</tbody></table>`}
<h3>Changes against the vendor defaults</h3>
${changeTable}
<h3>Findings</h3>
${findings}
<div class="crs-callout"><b>Vendor note.</b> ${e(s.proxyNote)}</div>
</section>`;
}

function sideCell(side: SheetSide, sheet: Sheet): string {
  const role = `<div class="crs-role">${e(side.role)} <span>· ${e(side.roleName)}</span></div>`;
  if (side.addresses) {
    return `${role}<ul class="crs-addrs">${side.addresses
      .map((a) => `<li><code>${e(a.address)}</code>${a.label ? ` <span class="crs-label">${e(a.label)}</span>` : ''}</li>`)
      .join('')}</ul>`;
  }
  return `${role}<div class="crs-groupref">address group <b>${e(side.group ?? '')}</b> · ${plural(side.count, 'address', 'addresses')}, listed in section ${partNumber(sheet, 'groups')}</div>`;
}

function ruleRow(row: SheetRow, sheet: Sheet): string {
  const tags = row.notes.map((n) => `<span class="crs-tag${/clear text|instead|non-standard/.test(n) ? ' crs-tag-warn' : ''}">${e(n)}</span>`).join('');
  return `<tr id="crs-rule-${row.n}"><td class="crs-n">${row.n}</td><td><span class="crs-action">${row.action}</span></td><td>${sideCell(row.source, sheet)}</td><td>${sideCell(row.destination, sheet)}</td><td>${row.protocol}<span class="crs-family">${familyName(row.source.family)}</span></td><td><span class="crs-port">${row.port}</span></td><td>${e(row.purpose)}<span class="crs-meta">${e(row.service)} · ${row.ruleIds.map((id) => `<span class="crs-id">${e(id)}</span>`).join(', ')} · ${plural(row.flows, 'pair')}</span>${tags ? `<span class="crs-tags">${tags}</span>` : ''}</td></tr>`;
}

function rules(sheet: Sheet): string {
  const body =
    sheet.sections.length === 0
      ? '<p>No rule: see the findings and the rules not included.</p>'
      : `<table class="crs-data crs-rules"><colgroup><col class="c-n"><col class="c-action"><col class="c-side"><col class="c-side"><col class="c-proto"><col class="c-port"><col></colgroup>
<thead><tr><th class="crs-n">#</th><th>Action</th><th>Source</th><th>Destination</th><th>Proto</th><th>Port</th><th>Comment</th></tr></thead>
${sheet.sections
  .map((s) => `<tbody><tr class="crs-group-row"><th colspan="7">${e(s.title)}</th></tr>
${s.rows.map((r) => ruleRow(r, sheet)).join('\n')}
</tbody>`)
  .join('\n')}
</table>`;
  return `<section class="crs-section" id="crs-rules">${heading(sheet, 'rules')}
<p class="crs-lead">Source port: any. Every address is written in full; sets too large for a row are address groups (section ${partNumber(sheet, 'groups') || '–'}). Networks that are adjacent or overlap are merged as the rules use them.</p>
${body}
</section>`;
}

function addressGroup(g: AddressGroup): string {
  const lines = groupLines(g);
  const cols = Array.from({ length: g.columns }, () => '<col>').join('');
  return `<div class="crs-group" id="crs-group-${e(g.id)}">
<h3>${e(g.id)} · ${e(g.name)} <span class="crs-sub">· ${e(g.roleName)}, ${plural(g.addresses.length, `${familyName(g.family)} address`, `${familyName(g.family)} addresses`)}, used by rule${g.usedBy.length === 1 ? '' : 's'} ${ranges(g.usedBy)}</span></h3>
<table class="crs-addr-table"><colgroup><col style="width:10mm">${cols}</colgroup><tbody>
${lines
  .map(
    (l) =>
      `<tr><td class="crs-n">${l.first}</td>${l.addresses.map((a) => `<td>${e(a.address)}${a.label ? ` <span class="crs-label">${e(a.label)}</span>` : ''}</td>`).join('')}${'<td></td>'.repeat(g.columns - l.addresses.length)}</tr>`,
  )
  .join('\n')}
</tbody></table>
</div>`;
}

function groups(sheet: Sheet): string {
  if (sheet.groups.length === 0) return '';
  return `<section class="crs-section" id="crs-groups">${heading(sheet, 'groups')}
<p class="crs-lead">Every address of the sets named in the rule table, in full.</p>
${sheet.groups.map(addressGroup).join('\n')}
</section>`;
}

function skipped(sheet: Sheet): string {
  const body =
    sheet.skipped.length === 0
      ? '<p>None: every catalog rule is included.</p>'
      : `<table class="crs-data"><colgroup><col style="width:32mm"><col style="width:34mm"><col></colgroup><thead><tr><th>Rule</th><th>Service</th><th>Reason</th></tr></thead><tbody>
${sheet.skipped.map((s) => `<tr><td><span class="crs-id">${e(s.ruleId)}</span></td><td>${e(s.service)}</td><td>${e(s.reason)}</td></tr>`).join('\n')}
</tbody></table>`;
  return `<section class="crs-section" id="crs-skipped">${heading(sheet, 'skipped')}
<p class="crs-lead">Rows of the vendor article that this change does not open, and why.</p>
${body}
</section>`;
}

function verification(sheet: Sheet): string {
  const v = sheet.verification;
  const lead = v.sampled
    ? `${plural(v.total, 'check')} in all; one per rule is printed here, and the fwplan verify script runs every one.`
    : `${plural(v.total, 'check')}, every one printed here.`;
  const table =
    v.blocks.length === 0
      ? ''
      : `<table class="crs-data crs-checks"><colgroup><col style="width:11mm"><col><col style="width:42%"></colgroup>
<thead><tr><th class="crs-n">Rule</th><th>Command</th><th>Note</th></tr></thead>
${v.blocks
  .map(
    (b) => `<tbody><tr class="crs-from"><th colspan="3">Run on ${e(b.from)}${b.label ? ` (${e(b.label)})` : ''}</th></tr>
${b.checks.map((c) => `<tr><td class="crs-n">${c.rule}</td><td class="crs-cmd">${e(c.command)}</td><td>${e(c.note ?? '')}</td></tr>`).join('\n')}
</tbody>`,
  )
  .join('\n')}
</table>`;
  return `<section class="crs-section" id="crs-verification">${heading(sheet, 'verification')}
${freeText(sheet, 'verification')}
<h3>Commands <span class="crs-sub">· ${e(lead)}</span></h3>
<p class="crs-lead">${e(VERIFY_NOTE)}</p>
${table}
</section>`;
}

function backout(sheet: Sheet): string {
  return `<section class="crs-section" id="crs-backout">${heading(sheet, 'backout')}
${freeText(sheet, 'backout')}
</section>`;
}

function line(label: string, value = '', tall = false): string {
  return `<div class="crs-line${tall ? ' crs-tall' : ''}"><span>${e(label)}</span><span>${e(value)}</span></div>`;
}

function approvals(sheet: Sheet): string {
  const boxes = sheet.request.approvers.map(
    (a) => `<div class="crs-box"><p class="crs-box-title">${e(a.role)}</p>${line('Name', a.name)}${line('Signature', '', true)}${line('Date')}<div class="crs-choices"><span class="crs-choice">Approved</span><span class="crs-choice">Rejected</span></div></div>`,
  );
  return `<section class="crs-section crs-avoid" id="crs-approvals">${heading(sheet, 'approvals')}
<div class="crs-approvals">
${boxes.join('\n')}
</div>
</section>`;
}

function closure(sheet: Sheet): string {
  return `<section class="crs-section crs-avoid" id="crs-closure">${heading(sheet, 'closure')}
<div class="crs-closure">
<div class="crs-choices"><span class="crs-choice">Works: every check passed</span><span class="crs-choice">Does not work: backed out</span></div>
<div class="crs-closure-grid">${line('Implemented by')}${line('Date')}${line('Verified by')}${line('Signature')}</div>
${line('Notes', '', true)}
</div>
</section>`;
}

/** The sheet's markup, shared by the standalone document. */
export function renderSheetBody(sheet: Sheet): string {
  const r = sheet.request;
  const outline = parts(sheet).map((p) => p.id);
  const render: Record<PartId, (s: Sheet) => string> = {
    request,
    summary,
    risk: (s) => `<section class="crs-section" id="crs-risk">${heading(s, 'risk')}\n${freeText(s, 'risk')}\n</section>`,
    implementation: (s) => `<section class="crs-section" id="crs-implementation">${heading(s, 'implementation')}\n${freeText(s, 'implementation')}\n</section>`,
    rules,
    groups,
    skipped,
    verification,
    backout,
    approvals,
    closure,
  };
  return `<article class="crs" aria-label="Firewall change request">
<table class="crs-frame"><thead><tr><td>
<header class="crs-running"><div class="crs-running-title"><span class="crs-kicker">Firewall change request</span><strong>${e(r.title)}</strong></div>
<div class="crs-running-meta">Change <b>${e(r.changeId || BLANK.changeId)}</b><br>Plan <b>${e(sheet.planName)}</b><br>Prepared <b>${e(sheet.date)}</b></div></header>
</td></tr></thead><tbody><tr><td>
${outline.map((id) => render[id](sheet)).join('\n')}
<p class="crs-end">End of change request · generated by fwplan from plan “${e(sheet.planName)}”</p>
</td></tr></tbody></table>
</article>`;
}

export function renderSheetHtml(sheet: Sheet): string {
  const title = `Change request ${sheet.request.changeId || ''} ${sheet.planName}`.replace(/\s+/g, ' ').trim();
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(title)}</title>
<style>
html { background: #e9ecf1; }
body { margin: 0; padding: 8mm 0; }
.crs { box-shadow: 0 1px 4px rgba(0, 0, 0, 0.18); }
@media print { html { background: #fff; } body { padding: 0; } }
${SHEET_CSS}
</style>
</head>
<body>
${renderSheetBody(sheet)}
</body>
</html>
`;
}

export function sheetFileName(sheet: Sheet, extension: 'html' | 'md'): string {
  const id = sheet.request.changeId ? `-${slugify(sheet.request.changeId)}` : '';
  return `${slugify(sheet.planName)}${id}-change-request.${extension}`;
}
