import { closeSync, fstatSync, openSync, readSync, writeFileSync, writeSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  DELTA_FORMATS,
  FORMAT_IDS,
  MAX_PLAN_BYTES,
  RENDERERS,
  SECTIONS,
  SENHASEGURA_CATALOG,
  decodePlanBytes,
  diffPlans,
  expandPlan,
  exportPlanChunks,
  lintChangeRequest,
  isFormatId,
  parseScope,
  printable,
  readPlanText,
  ruleSetJson,
  verifyScript,
  type Finding,
  type Flow,
  type FormatId,
  type Plan,
  type PlanDiff,
  type RenderOptions,
  type Renderer,
  type RuleSet,
  type Scope,
} from '../engine/index.ts';
import type { AuditReport, LoadedSource } from '../engine/audit.ts';
import { deltaExport } from '../engine/delta.ts';

/** Thrown for bad usage or bad input: printed as lines, exit 2, never a stack trace. */
class UsageError extends Error {
  constructor(readonly lines: string[]) {
    super(lines.join('\n'));
  }
}

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** the file's bytes, at most `limit` of them (a larger file is refused without reading it all) */
  readFile: (path: string, limit: number) => Uint8Array;
  writeFile: (path: string, chunks: Iterable<string>) => void;
}

type OptionName = 'json' | 'format' | 'scope' | 'default-drop' | 'ipset' | 'egress' | 'from' | 'to' | 'device-group' | 'out' | 'against';
type Values = Partial<Record<OptionName, string | boolean | string[]>>;

interface ReadPlan {
  readonly plan: Plan;
  readonly path: string;
  readonly upgraded: boolean;
}

interface Context {
  readonly io: Io;
  readonly values: Values;
  /** the PLAN argument, read and validated (commands that take one) */
  readonly plan: () => ReadPlan;
  /** both PLAN arguments (commands that compare two) */
  readonly plans: () => [ReadPlan, ReadPlan];
}

interface Command {
  readonly summary: string;
  readonly usage: string;
  readonly help: string;
  readonly options: readonly OptionName[];
  /** how many PLAN arguments the command takes */
  readonly plans: 0 | 1 | 2;
  run(ctx: Context): number | Promise<number>;
}

const OPTION_SPEC = {
  help: { type: 'boolean', short: 'h' },
  json: { type: 'boolean' },
  format: { type: 'string', short: 'f' },
  scope: { type: 'string', short: 's' },
  'default-drop': { type: 'boolean' },
  ipset: { type: 'boolean' },
  egress: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  'device-group': { type: 'string' },
  out: { type: 'string', short: 'o' },
  against: { type: 'string', multiple: true },
} as const;

/** A ruleset file may be larger than a plan: a big nft -j listing with its sets. */
const MAX_RULESET_BYTES = 256 * 1024 * 1024;

const SCOPE_HELP = `gateway (default): a Linux router between the zones (FORWARD / forward hook /
                   ufw route); host:NODE: the firewall of one senhasegura node, named by its name
                   or one of its addresses (an MBR node needs cluster mode on). A host export
                   covers every address family the node has.`;

/** Today in the machine's time zone, YYYY-MM-DD: rules and site flows that expired before it are left out. */
/** Each path format's names and defaults for --from and --to, from its metadata. */
const PLACEMENT_HELP = FORMAT_IDS.flatMap((f) => {
  const p = RENDERERS[f].options.placement;
  return p ? [`                   ${f}: --from = ${p.from}, default ${p.defaultFrom}`, `                   ${' '.repeat(f.length)}  --to = ${p.to}, default ${p.defaultTo}`] : [];
}).join('\n');

function today(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** Command-line output is for terminals: anything from the plan is shown with control characters escaped. */
function line(text: string): string {
  return `${printable(text)}\n`;
}

function findingLine(f: Finding): string {
  const about = f.path ?? f.ruleId;
  const prefix = about !== undefined && !f.message.startsWith(about) ? `${about}: ` : '';
  return `${f.severity.padEnd(7)} ${prefix}${f.message}`;
}

const SEVERITY_ORDER: Record<Finding['severity'], number> = { error: 0, warning: 1, note: 2 };

/** Errors first, then warnings, then notes; the engine's order within each. */
function bySeverity(findings: readonly Finding[]): Finding[] {
  return [...findings].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
}

function summary(findings: readonly Finding[]): string {
  const count = (s: Finding['severity']) => findings.filter((f) => f.severity === s).length;
  return `${count('error')} errors, ${count('warning')} warnings, ${count('note')} notes`;
}

function writeOut(io: Io, values: Values, chunks: Iterable<string>): void {
  if (typeof values.out !== 'string') {
    for (const c of chunks) io.stdout(c);
    return;
  }
  try {
    io.writeFile(values.out, chunks);
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new UsageError([`--out ${values.out}: cannot write the file${code ? ` (${code})` : ''}`]);
  }
}

/** --scope, for export and verify: gateway (the default) or host:NODE. */
function scopeOption(ruleSet: RuleSet, values: Values): { scope: Scope; scopeText: string } {
  const scopeText = typeof values.scope === 'string' ? values.scope : 'gateway';
  const parsed = parseScope(ruleSet, scopeText);
  if (!parsed.ok) throw new UsageError([`--scope ${parsed.message}`]);
  return { scope: parsed.scope, scopeText };
}

/** --format, for export and delta: required, one of `allowed`. */
function formatOption(values: Values, allowed: readonly FormatId[]): FormatId {
  const format = values.format;
  if (typeof format !== 'string') throw new UsageError([`--format is required: ${allowed.join(', ')}`]);
  if (!isFormatId(format) || !allowed.includes(format)) throw new UsageError([`--format ${format}: ${isFormatId(format) ? 'has no delta' : 'unknown format'} (use ${allowed.join(', ')})`]);
  return format;
}

/** The export options but the scope, checked against what the format takes. */
function renderOptions(renderer: Renderer, values: Values): Omit<RenderOptions, 'scope'> {
  if (values.ipset === true && !renderer.options.ipset) throw new UsageError([`--ipset applies to --format ${FORMAT_IDS.filter((f) => RENDERERS[f].options.ipset).join(' and ')}`]);
  const egress = values.egress ?? 'filter';
  if (egress !== 'filter' && egress !== 'open') throw new UsageError([`--egress ${String(egress)}: use filter or open`]);
  const placement = renderer.options.placement;
  for (const key of ['from', 'to'] as const) {
    if (values[key] !== undefined && !placement) throw new UsageError([`--${key} applies to formats placed in the path: ${FORMAT_IDS.filter((f) => RENDERERS[f].options.placement).join(', ') || 'none'}`]);
  }
  if (values['device-group'] !== undefined && !renderer.options.deviceGroup) throw new UsageError([`--device-group applies to ${FORMAT_IDS.filter((f) => RENDERERS[f].options.deviceGroup).join(', ') || 'no format'}`]);
  return {
    defaultDrop: values['default-drop'] === true,
    ipset: values.ipset === true,
    egress,
    ...(typeof values.from === 'string' ? { from: values.from } : {}),
    ...(typeof values.to === 'string' ? { to: values.to } : {}),
    ...(typeof values['device-group'] === 'string' ? { deviceGroup: values['device-group'] } : {}),
  };
}

/** A plan's errors on standard error, each line saying which plan (`which`) when there are two. */
function reportErrors(io: Io, ruleSet: RuleSet, which = ''): void {
  for (const f of bySeverity(ruleSet.findings).filter((x) => x.severity === 'error')) io.stderr(line(`fwplan: ${which}${findingLine(f)}`));
}

function rulesText(ruleSet: RuleSet): string {
  const lines: string[] = [];
  const list = (entries: readonly { written: string; label?: string }[]) => {
    const shown = entries.slice(0, 6).map((e) => (e.label ? `${e.written} (${e.label})` : e.written));
    return entries.length > 6 ? `${shown.join(', ')} … +${entries.length - 6} more` : shown.join(', ');
  };
  for (const r of ruleSet.rules) {
    const pairs = r.distinctPairs ? ' (every ordered pair of distinct nodes)' : '';
    lines.push(`${r.key.padEnd(24)} ${r.protocol}/${r.port}  ${r.service}: ${r.source.name} [${list(r.source.entries)}] -> ${r.destination.name} [${list(r.destination.entries)}]${pairs}`);
  }
  lines.push('', `${ruleSet.rules.length} rules; ${ruleSet.skipped.length} catalog rows skipped:`);
  for (const s of ruleSet.skipped) lines.push(`  skipped ${s.message}`);
  return lines.map(line).join('');
}

/** A diff as a person reads it: changed groups first (added, then removed), unchanged ones summed up. */
function diffText(d: PlanDiff): string {
  const lines: string[] = [];
  const shown = 8;
  for (const change of ['added', 'removed'] as const) {
    for (const g of d.groups.filter((x) => x.change === change)) {
      const sign = change === 'added' ? '+' : '-';
      lines.push(`${sign} ${String(g.flows.length).padStart(6)} ${g.ruleId}  ${g.service}: ${g.sourceName} -> ${g.destinationName}`);
      for (const f of g.flows.slice(0, shown)) {
        const port = f.portEnd === f.port ? String(f.port) : `${f.port}-${f.portEnd}`;
        lines.push(`${sign}        ${f.source.written}${f.source.label ? ` (${f.source.label})` : ''} -> ${f.destination.written}${f.destination.label ? ` (${f.destination.label})` : ''} ${f.protocol}/${port}`);
      }
      if (g.flows.length > shown) lines.push(`${sign}        … ${g.flows.length - shown} more`);
    }
  }
  const kept = new Set(d.groups.filter((g) => g.change === 'unchanged').map((g) => g.ruleId)).size;
  lines.push(`${d.added.length} flows added, ${d.removed.length} removed, ${d.unchanged.length} unchanged (in ${kept} rules)`);
  return lines.map(line).join('');
}

/** An audit as a person reads it: what is not as planned first, then what is allowed beyond, then the counts. */
function auditText(r: AuditReport, sources: readonly LoadedSource[], titles: Record<string, string>, names: { ownerName: (e: Flow['source']) => string; entryText: (e: Flow['source']) => string; portsText: (p: readonly number[]) => string }): string {
  const lines: string[] = [];
  lines.push(`fwplan audit, ${r.scopeText}, against ${sources.map((s) => `${titles[s.kind] ?? s.kind} (${s.name})`).join(', ')}`);
  const total = r.flows.length;
  lines.push(`planned flows: ${r.counts.allowed} allowed, ${r.counts.blocked} blocked, ${r.counts.unknown} unknown (of ${total})`);
  const shown = 50;
  for (const status of ['blocked', 'unknown'] as const) {
    const list = r.flows.filter((f) => f.status === status);
    for (const f of list.slice(0, shown)) {
      const port = f.flow.portEnd === f.flow.port ? String(f.flow.port) : `${f.flow.port}-${f.flow.portEnd}`;
      lines.push(`${status.padEnd(8)} ${f.flow.ruleId}  ${f.flow.protocol}/${port}  ${names.entryText(f.flow.source)} [${f.flow.sourceName}] -> ${names.entryText(f.flow.destination)} [${f.flow.destinationName}]`);
      if (f.why !== undefined) lines.push(`           ${f.why}`);
    }
    if (list.length > shown) lines.push(`${status.padEnd(8)} … ${list.length - shown} more (--json lists them all)`);
  }
  const counted = r.beyond.filter((b) => !b.antiLockout);
  lines.push(`beyond the plan: ${counted.length} (probed ${r.probes.pairs} ordered pairs of the plan's ${r.probes.addresses} addresses on ${r.probes.ports} TCP/UDP ports; ${r.probes.classes} pairs the rules tell apart; ${r.probes.packets} packets evaluated)`);
  for (const b of r.beyond) {
    const tag = b.antiLockout ? 'kept    ' : 'beyond  ';
    lines.push(`${tag} ${b.protocol}/${names.portsText(b.ports)}  ${names.entryText(b.source)} [${names.ownerName(b.source)}] -> ${names.entryText(b.destination)} [${names.ownerName(b.destination)}]${b.antiLockout ? '  (anti-lockout: fwplan host exports keep the admin shell)' : ''}`);
    lines.push(`           accepted by ${b.acceptedBy.join('; ') || 'the policy'}`);
  }
  if (r.unevaluated.length > 0) {
    lines.push(`could not evaluate ${r.unevaluated.reduce((n, u) => n + u.probes, 0)} beyond-the-plan probes:`);
    for (const u of r.unevaluated) lines.push(`  ${u.probes} × ${u.reason} (e.g. ${u.example})`);
  }
  if (r.probes.skipped > 0) lines.push(`not asked: ${r.probes.skipped} probes past the limit`);
  if (r.notes.length > 0) {
    lines.push('notes:');
    for (const n of r.notes) lines.push(`  ${n}`);
  }
  lines.push(r.clean ? 'result: every planned flow is allowed and nothing beyond the plan' : `result: ${r.counts.blocked + r.counts.unknown} planned flows not shown to be allowed, ${counted.length} beyond the plan, ${r.unevaluated.length > 0 ? 'some probes not evaluated' : 'every probe evaluated'}`);
  return lines.map(line).join('');
}

function catalogText(): string {
  const lines: string[] = [];
  for (const section of SECTIONS) {
    lines.push(`== ${section.title}`);
    for (const r of SENHASEGURA_CATALOG.filter((x) => x.section === section.id)) {
      const flags = [
        r.optional ? 'optional' : '',
        r.origin !== 'article' ? 'not in the article' : '',
        r.nonStandard ? 'non-standard port' : '',
        r.cleartext ? 'clear text' : '',
      ].filter(Boolean).join(', ');
      lines.push(`${r.id.padEnd(22)} ${r.protocol.toUpperCase()} ${String(r.port).padStart(5)}  ${r.source.padEnd(6)} -> ${r.destination.padEnd(7)} ${r.label.padEnd(10)} ${r.purpose}${flags ? `  [${flags}]` : ''}`);
      if (r.cite) lines.push(`${''.padEnd(24)}source: ${r.cite.title} (${r.cite.path})`);
    }
  }
  return `${lines.join('\n')}\n`;
}

const COMMANDS: Record<string, Command> = {
  catalog: {
    summary: 'the vendor\'s firewall table as fwplan\'s catalog',
    usage: 'fwplan catalog [--json]',
    help: `Prints the catalog: every row of the vendor article (50), the optional rules from newer vendor
documentation, and the rows from other vendor pages (the admin shell, ADMINW → nodes 59022/tcp)
with the page they come from. --json prints an array of {id, section, service, protocol, port,
source, destination} plus label, purpose, origin, optional, cite and the flags.`,
    options: ['json'],
    plans: 0,
    run({ io, values }) {
      if (!values.json) {
        io.stdout(catalogText());
        return 0;
      }
      const rows = SENHASEGURA_CATALOG.map((r) => ({
        id: r.id, section: r.section, service: r.service, protocol: r.protocol, port: r.port, source: r.source, destination: r.destination,
        label: r.label, purpose: r.purpose, optional: r.optional, origin: r.origin,
        ...(r.cite ? { cite: r.cite } : {}),
        ...(r.nonStandard ? { nonStandard: r.nonStandard } : {}),
        ...(r.cleartext ? { cleartext: r.cleartext } : {}),
      }));
      io.stdout(`${JSON.stringify(rows, null, 2)}\n`);
      return 0;
    },
  },
  schema: {
    summary: 'the plan file\'s JSON Schema',
    usage: 'fwplan schema',
    help: 'Prints the JSON Schema of the plan file (version 2), made from the zod schema. Version 1 files are still read.',
    options: [],
    plans: 0,
    async run({ io }) {
      const { planJsonSchema } = await import('../engine/schema.ts');
      io.stdout(`${JSON.stringify(planJsonSchema(), null, 2)}\n`);
      return 0;
    },
  },
  lint: {
    summary: 'findings for a plan; exit 1 if any is an error',
    usage: 'fwplan lint PLAN [--json]',
    help: `Validates the plan and prints its findings (errors, warnings, notes), each with the JSON path it is
about. Invalid entries, CIDRs with host bits set and broken nodes are errors. Exit 1 if any
finding is an error; exit 2 if the file is not a plan at all.`,
    options: ['json'],
    plans: 1,
    run({ io, values, plan }) {
      const p = plan().plan;
      const ruleSet = expandPlan(p, { today: today() });
      // the change request's own problems (dates) are findings too, though they never block an export
      const findings = [...ruleSet.findings, ...lintChangeRequest(p, today())];
      if (values.json) io.stdout(`${JSON.stringify({ findings }, null, 2)}\n`);
      else io.stdout(bySeverity(findings).map((f) => line(findingLine(f))).join('') + line(summary(findings)));
      return findings.some((f) => f.severity === 'error') ? 1 : 0;
    },
  },
  rules: {
    summary: 'the rules the plan expands to, and what was skipped',
    usage: 'fwplan rules PLAN [--json]',
    help: `Prints the rules the plan expands to (one per catalog rule, group and address family) with their
source and destination entries as written, then every skipped catalog rule with its reason.`,
    options: ['json'],
    plans: 1,
    run({ io, values, plan }) {
      const p = plan().plan;
      const ruleSet = expandPlan(p, { today: today() });
      io.stdout(values.json ? `${JSON.stringify(ruleSetJson(ruleSet, ruleSet.rules, { plan: p.name ?? null, cluster: p.cluster }), null, 2)}\n` : rulesText(ruleSet));
      return ruleSet.hasErrors ? 1 : 0;
    },
  },
  export: {
    summary: `one export (${FORMAT_IDS.join(', ')})`,
    usage: 'fwplan export PLAN --format F [--scope S] [--default-drop] [--egress filter|open] [--ipset] [--from X --to Y] [--device-group G] [--out FILE]',
    help: `  --format F       ${FORMAT_IDS.join(', ')}
  --scope S        ${SCOPE_HELP}
  --default-drop   a complete policy: default DROP, established/related, loopback, essential ICMP,
                   then the plan's rules. Without it only ACCEPT rules are added in fwplan's own chains.
                   On a node the admin shell from ADMINW is always kept (anti-lockout).
  --egress E       with --default-drop on a host: filter (default) drops outbound traffic the plan
                   does not list; open leaves the node's outbound traffic alone
  --ipset          iptables/ip6tables: match roles of several addresses through kernel ipsets
                   instead of address chains (tens of rules instead of thousands); load the sets
                   first from the companion export: fwplan export PLAN --format ipset | ipset restore
  --from X, --to Y firewalls in the path: where the policy sits, X the far side (users, devices,
                   servers) and Y the side of the senhasegura nodes:
${PLACEMENT_HELP}
  --device-group G formats for the managed devices (Windows Firewall): only the rules of group G
  --out FILE       write to FILE instead of standard output

The export alone goes to standard output; findings go to standard error. A plan with errors
gives no export (exit 1): fix what fwplan lint lists first.`,
    options: ['format', 'scope', 'default-drop', 'ipset', 'egress', 'from', 'to', 'device-group', 'out'],
    plans: 1,
    run({ io, values, plan }) {
      const format = formatOption(values, FORMAT_IDS);
      const p = plan().plan;
      const ruleSet = expandPlan(p, { today: today() });
      const options = renderOptions(RENDERERS[format], values);
      if (ruleSet.hasErrors) {
        reportErrors(io, ruleSet);
        io.stderr(line(`fwplan: no export: the plan has errors (${summary(ruleSet.findings)}); fix them first`));
        return 1;
      }
      const { scope, scopeText } = scopeOption(ruleSet, values);
      const result = exportPlanChunks(p, format, { scope, ...options }, ruleSet);
      if (!result.ok) throw new UsageError([result.message]);
      writeOut(io, values, result.chunks);
      for (const f of [...ruleSet.findings, ...result.findings].filter((x) => x.severity !== 'note')) io.stderr(line(`fwplan: ${findingLine(f)}`));
      io.stderr(line(`fwplan: ${format}, ${scopeText}: ${result.planRules} plan rules; ${ruleSet.skipped.length} catalog rows skipped (fwplan lint for details)`));
      return 0;
    },
  },
  delta: {
    summary: `what turns a firewall loaded with OLD's export into NEW's (${DELTA_FORMATS.join(', ')})`,
    usage: 'fwplan delta OLD NEW --format F [--scope S] [--default-drop] [--egress filter|open] [--ipset] [--out FILE]',
    help: `Compares the exports of two plans made with the same format and options, and prints what turns a
firewall that holds OLD's export into one that holds NEW's, adding before removing:
  nftables         a bash script: checks table inet fwplan holds exactly OLD's rules (each rule
                   carries a tag), looks up the handles of the rules it deletes, then one nft
                   transaction (nft -c -f, nft -f): sets, elements and rules added and deleted
  iptables, ip6tables
                   iptables-restore --noflush input: -A NEW's rules, -D OLD's, chains declared and
                   removed; the built-in chains are left alone
  ipset            ipset restore input (with --ipset, load it before the iptables deltas); sets NEW
                   no longer has are listed, to destroy once the iptables deltas are loaded
  ufw              a bash script: ufw allow for NEW's rules, then ufw delete for OLD's
  firewalld        a bash script: --add-rich-rule, ipset --add-entry, then --remove-rich-rule,
                   --remove-entry, --delete-ipset, and one --reload
  --format F       ${DELTA_FORMATS.join(', ')}
  --scope S        ${SCOPE_HELP}
  --default-drop, --egress E, --ipset
                   as OLD's export was made (fwplan export --help); NEW's is made the same way
  --out FILE       write to FILE instead of standard output

The delta alone goes to standard output (nothing to change: a delta that changes nothing). Exit 1
when either plan has errors, or when the exports differ where a delta cannot reach (a chain's
policy, the built-in chains): load NEW's full export then.`,
    options: ['format', 'scope', 'default-drop', 'ipset', 'egress', 'out'],
    plans: 2,
    run({ io, values, plans }) {
      const format = formatOption(values, DELTA_FORMATS);
      const [before, after] = plans();
      const options = renderOptions(RENDERERS[format], values);
      const oldRules = expandPlan(before.plan, { today: today() });
      const newRules = expandPlan(after.plan, { today: today() });
      if (oldRules.hasErrors || newRules.hasErrors) {
        for (const [which, rs, path] of [['OLD', oldRules, before.path], ['NEW', newRules, after.path]] as const) {
          if (rs.hasErrors) reportErrors(io, rs, `${which} ${path}: `);
        }
        io.stderr(line('fwplan: no delta: a plan has errors; fix them first'));
        return 1;
      }
      const { scope, scopeText } = scopeOption(newRules, values);
      const result = deltaExport(before.plan, after.plan, format, { scope, ...options }, { old: oldRules, new: newRules });
      if (!result.ok) {
        io.stderr(line(`fwplan: ${result.message}`));
        return 1;
      }
      writeOut(io, values, [result.text]);
      for (const f of result.findings.filter((x) => x.severity !== 'note')) io.stderr(line(`fwplan: ${findingLine(f)}`));
      for (const c of result.afterwards) io.stderr(line(`fwplan: once the rule deltas are loaded: ${c}`));
      io.stderr(line(`fwplan: ${format} delta, ${scopeText}: ${result.added} added, ${result.removed} removed`));
      return 0;
    },
  },
  verify: {
    summary: 'a script of nc commands that checks every planned flow after the change',
    usage: 'fwplan verify PLAN [--scope S] [--out FILE]',
    help: `Prints a bash script with one nc command per planned flow (nc -zv for TCP, nc -zuv for UDP), to
run after the change from the flow's source host.
  --scope S        ${SCOPE_HELP}
  --out FILE       write to FILE instead of standard output`,
    options: ['scope', 'out'],
    plans: 1,
    run({ io, values, plan }) {
      const p = plan().plan;
      const ruleSet = expandPlan(p, { today: today() });
      if (ruleSet.hasErrors) {
        for (const f of ruleSet.findings.filter((x) => x.severity === 'error')) io.stderr(line(`fwplan: ${findingLine(f)}`));
        return 1;
      }
      const result = verifyScript(p, scopeOption(ruleSet, values).scope, ruleSet);
      if (!result.ok) throw new UsageError([`--scope ${result.message}`]);
      writeOut(io, values, [result.text]);
      return 0;
    },
  },
  diff: {
    summary: 'the flows a change adds, removes and keeps; exit 1 when the plans differ',
    usage: 'fwplan diff OLD NEW [--json]',
    help: `Compares two plans flow by flow (every address pair and port each allows, as the engine expands
them): a port override, a disabled rule, a new device or a node added to the cluster show as the
flows they change. Prints the changes by rule and sides, then a count of added, removed and
unchanged flows. Exit 0 when the plans allow the same flows, 1 when they differ (like diff), 2 on
bad usage or a file that is not a plan. --json prints the flows themselves.`,
    options: ['json'],
    plans: 2,
    run({ io, values, plans }) {
      const [before, after] = plans();
      const d = diffPlans(before.plan, after.plan, { today: today() });
      if (values.json) {
        const flow = (f: Flow) => ({ ruleId: f.ruleId, protocol: f.protocol, port: f.port, ...(f.portEnd !== f.port ? { portEnd: f.portEnd } : {}), source: f.source.written, sourceName: f.sourceName, destination: f.destination.written, destinationName: f.destinationName });
        io.stdout(`${JSON.stringify({ equal: d.equal, added: d.added.map(flow), removed: d.removed.map(flow), unchanged: d.unchanged.length }, null, 2)}\n`);
      } else {
        io.stdout(diffText(d));
      }
      return d.equal ? 0 : 1;
    },
  },
  audit: {
    summary: 'whether a loaded ruleset allows the planned flows, and what it allows beyond them',
    usage: 'fwplan audit PLAN --against FILE [--against FILE ...] [--scope S] [--json]',
    help: `Reads what a machine has loaded and tells, for every planned flow of the scope, whether that
ruleset lets it through (allowed), drops it (blocked, with the rule or policy that does), or
cannot be evaluated (unknown, with the rule and why). Then lists what the ruleset lets through
beyond the plan between the plan's own addresses: every ordered pair of them (gateway) or the
node and each of them (host), on every port of the catalog, of the plan and named by the loaded
rules, TCP and UDP.
  --against FILE   what is loaded, recognised by its content; give each kind at most once:
                     iptables-save, ip6tables-save, ipset save (the sets -m set uses),
                     nft -j list ruleset (nft's text listing is refused: use -j)
                   - reads standard input
  --scope S        ${SCOPE_HELP}
                   gateway audits the FORWARD path; host:NODE the node's INPUT and OUTPUT.
  --json           the whole report as JSON: every flow with its status

A flow is asked with packets: the first and last address of each side, each port (the ends of
a span wider than 16), the first packet (state new, source port 49152) and its reply (state
established), on an interface that is not loopback. Exit 0 when every planned flow is allowed
and nothing beyond the plan is (the admin shell a host export keeps aside), 1 when not (or when
something could not be evaluated), 2 on bad usage, an unreadable file or a plan with errors.`,
    options: ['against', 'scope', 'json'],
    plans: 1,
    async run({ io, values, plan }) {
      const against = Array.isArray(values.against) ? values.against : [];
      if (against.length === 0) throw new UsageError(['--against FILE is required: iptables-save, ip6tables-save, ipset save or nft -j list ruleset output']);
      const files = against.map((path) => {
        let bytes: Uint8Array;
        try {
          bytes = io.readFile(path, MAX_RULESET_BYTES + 1);
        } catch (e) {
          const code = (e as { code?: string }).code;
          throw new UsageError([`--against ${path}: cannot read the file${code ? ` (${code})` : ''}`]);
        }
        if (bytes.length > MAX_RULESET_BYTES) throw new UsageError([`--against ${path}: larger than ${MAX_RULESET_BYTES / 1024 / 1024} MB`]);
        return { name: path, text: new TextDecoder('utf-8').decode(bytes) };
      });
      const p = plan().plan;
      const ruleSet = expandPlan(p, { today: today() });
      if (ruleSet.hasErrors) {
        for (const f of bySeverity(ruleSet.findings).filter((x) => x.severity === 'error')) io.stderr(line(`fwplan: ${findingLine(f)}`));
        throw new UsageError([`no audit: the plan has errors (${summary(ruleSet.findings)}); fix them first`]);
      }
      const { scope } = scopeOption(ruleSet, values);
      const audit = await import('../engine/audit.ts');
      const read = audit.readLoaded(files);
      if (!read.ok) throw new UsageError([...read.errors]);
      const result = audit.auditPlan(p, read.loaded, { scope, ruleSet });
      if (!result.ok) throw new UsageError([`--scope ${result.message}`]);
      if (values.json) io.stdout(`${JSON.stringify(audit.auditJson(result.report, read.sources), null, 2)}\n`);
      else io.stdout(auditText(result.report, read.sources, audit.KIND_TITLES, audit));
      return result.report.clean ? 0 : 1;
    },
  },
  migrate: {
    summary: 'the plan in the current file format (version 2)',
    usage: 'fwplan migrate PLAN [--out FILE]',
    help: `Reads a plan of any version and writes it as version 2: PRD and MBR entries become named nodes
(entries with the same label and different address families become one dual-stack node), USERW
and DVC become one group each holding every service of its rows, so the flows stay the same.
  --out FILE       write to FILE instead of standard output`,
    options: ['out'],
    plans: 1,
    run({ io, values, plan }) {
      const read = plan();
      writeOut(io, values, [`${JSON.stringify(read.plan, null, 2)}\n`]);
      if (read.upgraded) io.stderr(line(`fwplan: ${read.path}: upgraded from version 1 to version 2`));
      return 0;
    },
  },
};

function mainHelp(): string {
  const width = Math.max(...Object.values(COMMANDS).map((c) => c.usage.split(' [')[0]?.length ?? 0)) + 2;
  return `fwplan — plan the firewall openings a senhasegura deployment needs

Usage: fwplan <command> [options]

Commands:
${Object.values(COMMANDS).map((c) => `  ${(c.usage.replace(/^fwplan /, '').split(' [')[0] ?? '').padEnd(width)}${c.summary}`).join('\n')}

Run "fwplan <command> --help" for a command's options. PLAN is a file, or - for standard input.
Exit codes: 0 done; 1 the plan has errors; 2 bad usage, unreadable file or not a plan.`;
}

/**
 * Read and validate one PLAN argument. A valid plan is read without zod (readPlanText); only a
 * refused one loads the schema module, to say what is wrong field by field.
 */
async function readPlan(io: Io, path: string | undefined): Promise<ReadPlan> {
  if (path === undefined) throw new UsageError(['missing PLAN (a plan file, or - for standard input)']);
  let bytes: Uint8Array;
  try {
    bytes = io.readFile(path, MAX_PLAN_BYTES + 1);
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new UsageError([`${path}: cannot read the file${code ? ` (${code})` : ''}`]);
  }
  const decoded = decodePlanBytes(bytes);
  if (!decoded.ok) throw new UsageError(decoded.errors.map((err) => `${path}: ${err.path}: ${err.message}`));
  const read = readPlanText(decoded.text);
  const parsed = read.ok === 'unexplained' ? (await import('../engine/schema.ts')).explainPlan(read) : read;
  if (!parsed.ok) throw new UsageError(parsed.errors.map((err) => `${path}: ${err.path}: ${err.message}`));
  return { plan: parsed.plan, path, upgraded: parsed.upgradedFrom !== undefined };
}

export async function run(argv: readonly string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  try {
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      io.stdout(`${mainHelp()}\n`);
      return name === undefined ? 2 : 0;
    }
    if (name === '--version') {
      io.stdout('fwplan 0.2.0\n');
      return 0;
    }
    const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
    if (!command) throw new UsageError([`unknown command "${name}"`, 'run fwplan --help for the commands']);
    let parsed;
    try {
      parsed = parseArgs({ args: [...rest], allowPositionals: true, strict: true, options: OPTION_SPEC });
    } catch (e) {
      throw new UsageError([e instanceof Error ? e.message : String(e), `run fwplan ${name} --help`]);
    }
    const { values, positionals } = parsed;
    if (values.help) {
      io.stdout(`Usage: ${command.usage}\n\n${command.help}\n`);
      return 0;
    }
    for (const key of Object.keys(values)) {
      if (key !== 'help' && !(command.options as readonly string[]).includes(key)) throw new UsageError([`fwplan ${name} does not take --${key}`]);
    }
    if (positionals.length > command.plans) throw new UsageError([`unexpected argument "${positionals[command.plans]}"`]);
    if (command.plans === 2 && positionals.length < 2) throw new UsageError([`fwplan ${name} needs two plans: OLD NEW`]);
    if (positionals.filter((p) => p === '-').length > 1) throw new UsageError(['only one of OLD and NEW can be standard input (-)']);
    // the plans are read before the command runs: reading one may need the schema module (async)
    const reads: ReadPlan[] = [];
    for (let i = 0; i < command.plans; i++) reads.push(await readPlan(io, positionals[i]));
    return await command.run({
      io,
      values,
      plan: () => reads[0] as ReadPlan,
      plans: () => [reads[0] as ReadPlan, reads[1] as ReadPlan],
    });
  } catch (e) {
    if (e instanceof UsageError) {
      for (const l of e.lines) io.stderr(line(`fwplan: ${l}`));
      return 2;
    }
    io.stderr(line(`fwplan: internal error: ${e instanceof Error ? e.message : String(e)}`));
    return 70;
  }
}

/**
 * Read at most `limit` bytes: an endless pipe or /dev/zero is refused at the limit, not read to the
 * end. A regular file is read into one buffer of its size (no chunks copied and joined); anything
 * else into a buffer that doubles as it fills.
 */
function readLimited(path: string, limit: number): Uint8Array {
  const fd = path === '-' ? 0 : openSync(path, 'r');
  try {
    const stat = fstatSync(fd);
    // one byte more than the file's size: the read that finds the end needs no larger buffer
    let buf = Buffer.allocUnsafe(Math.min(limit, stat.isFile() ? stat.size + 1 : 1 << 16));
    let total = 0;
    for (;;) {
      if (total === buf.length) {
        if (total >= limit) break;
        const bigger = Buffer.allocUnsafe(Math.min(limit, buf.length * 2));
        buf.copy(bigger, 0, 0, total);
        buf = bigger;
      }
      let n: number;
      try {
        n = readSync(fd, buf, total, buf.length - total, null);
      } catch (e) {
        // a non-blocking standard input with nothing yet: wait and try again
        if ((e as { code?: string }).code === 'EAGAIN') {
          pause(10);
          continue;
        }
        throw e;
      }
      if (n === 0) break;
      total += n;
    }
    return buf.subarray(0, total);
  } finally {
    if (path !== '-') closeSync(fd);
  }
}

/** Wait a moment without spinning: a non-blocking pipe whose reader has not caught up yet. */
function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Write all of `text` to standard output (1) or error (2), synchronously and without Node's
 * stream objects (creating process.stdout costs a cold start several milliseconds): a partial
 * write goes on with the rest, a non-blocking pipe that is full (EAGAIN) is waited for. When the
 * reader has closed the pipe (`fwplan export … | head`), it has what it wanted: standard output
 * stops quietly with exit 0, as Unix tools do, instead of dying with EPIPE and a stack trace;
 * messages for a closed standard error are dropped. (`write` is fs.writeSync but in tests.)
 */
export function writeAll(fd: 1 | 2, text: string, write: (fd: number, bytes: Uint8Array, offset: number, length: number) => number = writeSync): void {
  const bytes = Buffer.from(text, 'utf8');
  let done = 0;
  while (done < bytes.length) {
    try {
      done += write(fd, bytes, done, bytes.length - done);
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === 'EAGAIN') {
        pause(1);
        continue;
      }
      if (code === 'EPIPE') {
        if (fd === 1) process.exit(0);
        return;
      }
      throw e;
    }
  }
}

export async function main(): Promise<void> {
  const io: Io = {
    stdout: (t) => writeAll(1, t),
    stderr: (t) => writeAll(2, t),
    readFile: readLimited,
    writeFile: (p, chunks) => {
      const fd = openSync(p, 'w');
      try {
        for (const c of chunks) writeFileSync(fd, c);
      } finally {
        closeSync(fd);
      }
    },
  };
  process.exitCode = await run(process.argv.slice(2), io);
}
