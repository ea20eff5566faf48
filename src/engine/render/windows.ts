import { spanText } from '../model/plan.ts';
import type { AddressEntry, ExpandedRule, Finding } from '../model/rules.ts';
import { aggregate } from '../net/address.ts';
import { quoted, slugify } from '../text.ts';
import { chunk, countLines, headerLines } from './common.ts';
import { lineComment, psString } from './quote.ts';
import type { Renderer, RenderInput, RenderOutput } from './types.ts';

/**
 * Windows Defender Firewall on the managed Windows devices: the inbound rules that let the
 * appliance (and whatever else the plan sends to a device group) in. One New-NetFirewallRule per
 * plan rule that reaches a device group — rule, group and family —, every rule in the one rule
 * group "fwplan <plan>" so the set is removed as a whole. Each rule names the device group's own
 * entries as its local addresses: run on a device of another group it matches nothing, so one
 * script serves every device.
 */

/** Addresses per line of an address list. */
const PER_LINE = 6;

/** The device entries of a rule's destination (of one group, when the export is cut to one). */
function deviceEntries(rule: ExpandedRule, group: string | undefined): AddressEntry[] {
  return rule.destination.entries.filter((e) => e.owner.kind === 'group' && e.owner.role === 'DVC' && (group === undefined || e.owner.group === group));
}

function groupOf(entries: readonly AddressEntry[]): string {
  const names = [...new Set(entries.map((e) => (e.owner.kind === 'group' ? e.owner.group : '')))];
  return names.join(', ');
}

export function renderWindowsFirewall(input: RenderInput): RenderOutput {
  const { plan, options } = input;
  const only = options.deviceGroup;
  const ruleGroup = `fwplan ${plan.name ?? 'plan'}`;
  const findings: Finding[] = [];
  const lists = new Map<string, string>();
  const assignments: string[] = [];
  /** An address list: inline when short, else a variable defined once. */
  const addresses = (entries: readonly AddressEntry[]): string => {
    const items = aggregate(entries.map((e) => e.network)).map((n) => psString(n.display));
    if (items.length <= 4) return `@(${items.join(', ')})`;
    const key = items.join(',');
    let name = lists.get(key);
    if (name === undefined) {
      name = `$Addresses${lists.size + 1}`;
      lists.set(key, name);
      assignments.push(`${name} = @(`, ...chunk(items, PER_LINE).map((c) => `    ${c.join(', ')}`), ')');
    }
    return name;
  };

  const calls: string[] = [];
  const groups = new Set<string>();
  const planSlug = slugify(plan.name);
  for (const r of input.rules) {
    const devices = deviceEntries(r, only);
    if (devices.length === 0) continue;
    const group = groupOf(devices);
    groups.add(group);
    const port = spanText({ from: r.port, to: r.portEnd });
    const display = `fwplan: ${r.service} from ${r.source.name} to device group ${group} (IPv${r.family})`;
    const description = `${r.ruleId}: ${r.purpose}${r.provenance === 'site' && r.owner !== undefined ? ` (site flow, owner ${r.owner})` : ''}`;
    calls.push(
      [
        'New-NetFirewallRule',
        `-Name ${psString(`fwplan-${planSlug}-${calls.length + 1}-${slugify(r.key, 'rule')}`)}`,
        `-DisplayName ${psString(display)}`,
        `-Description ${psString(description)}`,
        '-Group $Group',
        "-Direction 'Inbound'",
        "-Action 'Allow'",
        "-Profile 'Any'",
        `-Protocol ${psString(r.protocol.toUpperCase())}`,
        `-LocalPort ${psString(port)}`,
        `-LocalAddress ${addresses(devices)}`,
        `-RemoteAddress ${addresses(r.source.entries)}`,
        "-Enabled 'True'",
      ].join(' '),
    );
  }
  if (only !== undefined && calls.length === 0) {
    findings.push({ code: 'outside-target', severity: 'warning', message: `device group ${quoted(only)} is reached by no rule of this scope: the script only removes the group's earlier rules` });
  } else if (calls.length === 0) {
    findings.push({ code: 'outside-target', severity: 'warning', message: 'no rule of this scope reaches a device group: the script only removes earlier fwplan rules' });
  }
  const skipped = input.rules.length - calls.length;

  const body = [
    'param(',
    '    [Parameter(Mandatory = $true)]',
    "    [ValidateSet('apply', 'rollback')]",
    '    [string]$Mode',
    ')',
    "$ErrorActionPreference = 'Stop'",
    `$Group = ${psString(ruleGroup)}`,
    '# apply and rollback both start by removing the rules an earlier run of this plan left',
    "Remove-NetFirewallRule -Group $Group -ErrorAction 'SilentlyContinue'",
    "if ($Mode -eq 'rollback') { return }",
    ...assignments,
    ...calls,
    '',
  ];
  const text = body.join('\n');
  const file = input.fileName;
  const header = [
    '#Requires -RunAsAdministrator',
    ...headerLines(input, 'Windows Defender Firewall (PowerShell, New-NetFirewallRule) for the managed Windows devices', countWindowsFirewall(text)),
    `# ${lineComment(`Device groups: ${groups.size === 0 ? 'none' : [...groups].join('; ')}${only !== undefined ? ` (cut to ${only} with --device-group)` : ''}.`)}`,
    `# ${lineComment(`Inbound allow rules on the devices for the ${input.rules.length - skipped} plan rules that reach a device group; ${skipped} other rules of this scope do not end at a device and are not here.`)}`,
    `# ${options.scope.kind === 'gateway' ? 'From every senhasegura node (gateway scope).' : lineComment(`From node ${options.scope.node} only (host scope).`)}`,
    '# Each rule names its device group\'s entries as local addresses: on a device of another group it matches',
    '# nothing, so this one script can run on every managed Windows device. A device reached through NAT',
    '# under an address of its own that the plan does not list gets none of these rules.',
    '# Windows Defender Firewall blocks unsolicited inbound traffic by default; the device\'s other rules stay.',
    `# ${lineComment(`Every rule is in the rule group ${ruleGroup}: that group is the whole set.`)}`,
    '# Run as administrator on each device (or through your management tool):',
    `#   powershell -NoProfile -ExecutionPolicy Bypass -File ${file} -Mode apply      # removes the group, then adds these`,
    `#   powershell -NoProfile -ExecutionPolicy Bypass -File ${file} -Mode rollback   # removes the group`,
    `# ${lineComment(`Check: Get-NetFirewallRule -Group '${ruleGroup.replace(/'/g, "''")}' | Format-Table Name, DisplayName, Enabled`)}`,
    '',
  ];
  return { text: `${header.join('\n')}\n${text}`, findings };
}

/** New-NetFirewallRule calls of the script. */
export function countWindowsFirewall(text: string): number {
  return countLines(text, 'New-NetFirewallRule ');
}

export const windowsFirewallRenderer: Renderer = {
  id: 'windows-firewall',
  label: 'Windows Defender Firewall (PowerShell)',
  description: 'A PowerShell script for the managed Windows devices: New-NetFirewallRule inbound rules that let the senhasegura nodes in, in one rule group, with apply and rollback.',
  mediaType: 'text/plain',
  suffix: '-windows-firewall.ps1',
  options: { scope: true, defaultDrop: false, ipset: false, egress: false, deviceGroup: true },
  families: [4, 6],
  countRules: countWindowsFirewall,
  countMeaning: 'New-NetFirewallRule calls',
  render: renderWindowsFirewall,
};
