import {
  BLANK,
  changeRows,
  VERIFY_NOTE,
  CHANGE_CATEGORIES,
  CHANGE_TYPES,
  PRIORITIES,
  RISK_RATINGS,
  RULES_PART,
  STATUSES,
  familyName,
  partNumber,
  parts,
  ranges,
  windowText,
  type PartId,
  type Sheet,
  type SheetRow,
  type SheetSide,
  type TextField,
} from './model.ts';
import { formatCount, mdCell, mdFence, mdParagraphs, plural } from './text.ts';

/**
 * The sheet as Markdown for ticket systems (GitHub, GitLab, Azure DevOps, Jira with a Markdown
 * plugin). Cells go through the engine's markdownCell (no markup, no `|`), free text keeps its
 * lines but cannot open a list, quote, heading or code block.
 */

function heading(sheet: Sheet, id: PartId): string {
  if (id === 'rules') return `## ${partNumber(sheet, id)}. ${RULES_PART[sheet.request.type].title}`;
  const part = parts(sheet).find((p) => p.id === id);
  return `## ${part?.n ?? ''}. ${part?.title ?? id}`;
}

function table(head: readonly string[], rows: readonly (readonly string[])[], align?: readonly ('l' | 'r')[]): string[] {
  const sep = head.map((_, i) => (align?.[i] === 'r' ? '---:' : '---'));
  return [`| ${head.join(' | ')} |`, `| ${sep.join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)];
}

function orBlank(value: string, blank: string): string {
  return value === '' ? `_${blank}_` : mdCell(value);
}

function freeText(sheet: Sheet, field: TextField): string[] {
  const t = sheet.request.text[field];
  return [mdParagraphs(t.value), ...(t.suggested ? ['', '_Suggested by fwplan from the plan._'] : [])];
}

function side(s: SheetSide, sheet: Sheet): string {
  const head = `**${mdCell(s.name)}** (${mdCell(s.roleName)})`;
  if (s.addresses) {
    return `${head}: ${s.addresses.map((a) => `${mdCell(a.address)}${a.label ? ` (${mdCell(a.label)})` : ''}`).join(', ')}`;
  }
  return `${head}: address group ${mdCell(s.group ?? '')}, ${plural(s.count, 'address', 'addresses')} (section ${partNumber(sheet, 'groups')})`;
}

export function renderSheetMarkdown(sheet: Sheet): string {
  const r = sheet.request;
  const s = sheet.summary;
  const out: string[] = [];
  const push = (...lines: string[]) => out.push(...lines);

  push(`# Firewall change request: ${mdCell(r.title)}`, '');
  push(`Change **${orBlank(r.changeId, BLANK.changeId)}** · plan **${mdCell(sheet.planName)}** · prepared ${mdCell(sheet.date)}`, '');

  const render: Record<PartId, () => void> = {
    request: () => {
      push(heading(sheet, 'request'), '');
      push(
        ...table(
          ['Field', 'Value'],
          [
            ['Change ID', orBlank(r.changeId, BLANK.changeId)],
            ['Title', mdCell(r.title)],
            ['Type', mdCell(CHANGE_TYPES[r.type])],
            ['Category', mdCell(CHANGE_CATEGORIES[r.category])],
            ['Requester', orBlank(r.requesterName, 'not given')],
            ['Team', orBlank(r.requesterTeam, 'not given')],
            ['Contact', orBlank(r.requesterContact, 'not given')],
            ['Proposed window', orBlank(windowText(r), BLANK.window)],
            ['Expiry', orBlank(r.expiry, BLANK.expiry)],
            ['Plan', mdCell(sheet.planName)],
            ['Prepared', mdCell(sheet.date)],
            ['Risk rating', `**${RISK_RATINGS[r.riskRating.value]}**${r.riskRating.suggested ? ` (suggested by fwplan from: ${mdCell(r.riskRating.reasons.join('; '))})` : ''}`],
            ['Priority', `${PRIORITIES[r.priority.value]}${r.priority.suggested ? ' (suggested)' : ''}`],
            ['Status', STATUSES[r.status]],
            ['Next review', orBlank(r.reviewDate.value, 'six months after approval')],
          ],
        ),
        '',
        '### Business justification',
        '',
        ...freeText(sheet, 'justification'),
        '',
        '### Effect of not implementing',
        '',
        ...freeText(sheet, 'notImplementing'),
        '',
      );
    },
    summary: () => {
      push(heading(sheet, 'summary'), '');
      push(
        `- ${RULES_PART[r.type].title}: **${formatCount(s.rules)}** (${plural(s.flows, 'address pair')})`,
        `- Catalog rules not included: **${formatCount(s.skipped)}**`,
        `- Cluster mode: **${s.cluster ? `on, ${plural(s.nodes, 'node')}` : 'off'}**`,
        '',
      );
      if (s.findingCounts.error > 0) {
        push(`> **The plan has ${plural(s.findingCounts.error, 'error')}** (listed under Findings): fwplan makes no export until they are fixed, so this change cannot be implemented as it stands.`, '');
      }
      push('### senhasegura nodes', '');
      if (s.nodeList.length === 0) push('No node.', '');
      else push(...table(['Node', 'Role', 'Addresses'], s.nodeList.map((x) => [mdCell(x.name), `${x.role}${x.ignored ? ' (ignored: cluster mode is off)' : ''}`, mdCell(x.addresses.join(', '))])), '');
      push('### Roles and groups', '');
      if (s.roles.length === 0) push('No role has entries.', '');
      else {
        push(
          ...table(
            ['Role', 'Meaning', 'Entries', 'IPv4', 'IPv6'],
            s.roles.map((x) => [
              mdCell(x.role),
              `${x.group !== undefined ? `**${mdCell(x.group)}** · ` : ''}${mdCell(x.description)}${x.services ? ` (services: ${mdCell(x.services.join(', ') || 'none')})` : ''}${x.ignored ? ' (ignored: cluster mode is off)' : ''}${x.invalid > 0 ? ` (${plural(x.invalid, 'invalid entry', 'invalid entries')})` : ''}`,
              formatCount(x.entries),
              formatCount(x.ipv4),
              formatCount(x.ipv6),
            ]),
            ['l', 'l', 'r', 'r', 'r'],
          ),
          '',
        );
      }
      push('### Changes against the vendor defaults', '');
      const changes = changeRows(s);
      if (changes.length === 0) push('None: the plan uses the vendor article as it is.', '');
      else push(...table(['Change', 'Rule', 'Service', 'Detail'], changes.map((c) => c.map((x) => mdCell(x)))), '');
      push('### Findings', '');
      if (s.findings.length === 0) push('No findings.', '');
      else {
        const c = s.findingCounts;
        push(`${plural(c.error, 'error')}, ${plural(c.warning, 'warning')}, ${plural(c.note, 'note')}.`, '');
        push(...table(['Severity', 'About', 'Finding'], s.findings.map((f) => [f.severity, f.subject ? mdCell(f.subject) : '', mdCell(f.message)])), '');
      }
      push(`> **Vendor note.** ${mdCell(s.proxyNote)}`, '');
    },
    apply: () => {
      const a = sheet.apply;
      push(heading(sheet, 'apply'), '');
      push(
        ...table(
          ['', ''],
          [
            ['Enforcement point', mdCell(a.where)],
            ['Apply mode', `**${a.defaultDrop ? 'Complete policy (default drop)' : 'Append ALLOW rules'}**: ${mdCell(a.mode)}`],
            ['Outgoing traffic', mdCell(a.egress)],
            ['Affected enforcement points', mdCell(sheet.request.text.enforcementPoints.value)],
            ...(a.otherNodes.length > 0 ? [['Other nodes', `${mdCell(a.otherNodes.join(', '))}: each needs its own host export and the same steps.`]] : []),
          ],
        ),
        '',
      );
    },
    risk: () => push(heading(sheet, 'risk'), '', ...freeText(sheet, 'risk'), ''),
    implementation: () => push(heading(sheet, 'implementation'), '', ...freeText(sheet, 'implementation'), ''),
    rules: () => {
      const rows = (list: readonly SheetRow[]) =>
        table(
          ['#', 'Action', 'Source', 'Destination', 'Protocol', 'Port', 'Need, owner, comment'],
          list.map((row) => [
            String(row.n),
            row.action,
            side(row.source, sheet),
            side(row.destination, sheet),
            `${row.protocol} (${familyName(row.source.family)})`,
            mdCell(row.portText),
            [
              mdCell(row.need),
              ...(row.owner ? [`owner ${mdCell(row.owner)}`] : []),
              ...(row.expires ? [`expires ${mdCell(row.expires)}`] : []),
              mdCell(row.service),
              row.ruleIds.map((id) => `\`${id}\``).join(', '),
              ...row.notes.map(mdCell),
            ].join('; '),
          ]),
          ['r', 'l', 'l', 'l', 'l', 'r', 'l'],
        );
      const d = sheet.delta;
      if (d) {
        push(heading(sheet, 'rules'), '', `Compared with ${mdCell(d.baseline)}: ${plural(d.addedFlows, 'flow')} added, ${plural(d.removedFlows, 'flow')} removed, ${plural(d.unchangedFlows, 'flow')} unchanged.`, '');
        push(`### Rules to add (${d.added.length})`, '', ...(d.added.length === 0 ? ['None.'] : rows(d.added)), '');
        push(`### Rules to remove (${d.removed.length})`, '', ...(d.removed.length === 0 ? ['None.'] : rows(d.removed)), '');
        push(`### Unchanged (${plural(d.unchangedRules, 'rule')})`, '', ...(d.unchanged.length === 0 ? ['None.'] : d.unchanged.map((u) => `- ${mdCell(u.title)}: ${plural(u.rules, 'rule')}, ${plural(u.flows, 'flow')}`)), '');
        return;
      }
      push(heading(sheet, 'rules'), '', `${RULES_PART[r.type].lead} Source port: any. Every entry is written as the plan has it, with its label.`, '');
      if (sheet.sections.length === 0) push('No rule: see the findings and the rules not included.', '');
      for (const section of sheet.sections) push(`### ${mdCell(section.title)}`, '', ...rows(section.rows), '');
    },
    groups: () => {
      push(heading(sheet, 'groups'), '', 'Every address of the sets named in the rule table, in full.', '');
      for (const g of sheet.groups) {
        push(
          `### ${mdCell(g.id)}: ${mdCell(g.name)}`,
          '',
          `${mdCell(g.roleName)}, ${plural(g.addresses.length, `${familyName(g.family)} address`, `${familyName(g.family)} addresses`)}, used by rule${g.usedBy.length === 1 ? '' : 's'} ${ranges(g.usedBy)}.`,
          '',
          ...table(['#', 'Address', 'Label'], g.addresses.map((a, i) => [String(i + 1), mdCell(a.address), mdCell(a.label ?? '')]), ['r', 'l', 'l']),
          '',
        );
      }
    },
    skipped: () => {
      push(heading(sheet, 'skipped'), '');
      if (sheet.skipped.length === 0) push('None: every catalog rule is included.', '');
      else {
        push(
          ...table(
            ['Rule', 'Service', 'Reason'],
            sheet.skipped.map((x) => [`\`${x.ruleId}\``, mdCell(x.service), mdCell(x.reason)]),
          ),
          '',
        );
      }
    },
    verification: () => {
      const v = sheet.verification;
      push(heading(sheet, 'verification'), '', ...freeText(sheet, 'verification'), '');
      push(
        v.sampled
          ? `${plural(v.total, 'check')} in all; one per rule is listed here, and the fwplan verify script runs every one. ${VERIFY_NOTE}`
          : `${plural(v.total, 'check')}, every one listed here. ${VERIFY_NOTE}`,
        '',
      );
      for (const b of v.blocks) {
        push(`Run on **${mdCell(b.from)}**${b.label ? ` (${mdCell(b.label)})` : ''}:`, '');
        const body = b.checks.map((c) => `${c.command}   # rule ${c.rule}${c.note ? `: ${c.note}` : ''}`).join('\n');
        const fence = mdFence(body);
        push(`${fence}sh`, body, fence, '');
      }
    },
    backout: () => push(heading(sheet, 'backout'), '', ...freeText(sheet, 'backout'), ''),
    approvals: () => {
      push(heading(sheet, 'approvals'), '');
      push(
        ...table(
          ['Role', 'Name', 'Decision', 'Signature', 'Date'],
          r.approvers.map((a) => [mdCell(a.role), a.name === '' ? ' ' : mdCell(a.name), '☐ approved ☐ rejected', ' ', ' ']),
        ),
        '',
      );
    },
    closure: () => {
      push(heading(sheet, 'closure'), '');
      push('- [ ] Works: every check passed', '- [ ] Does not work: backed out', '', 'Implemented by: ', 'Date: ', 'Verified by: ', 'Notes: ', '');
      push('### Post-implementation review', '', r.postReview !== '' ? mdParagraphs(r.postReview) : '_Did it work, what was learned:_ ', '');
    },
  };
  for (const p of parts(sheet)) render[p.id]();
  return `${out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}
