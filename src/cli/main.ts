import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  FORMAT_IDS,
  SECTIONS,
  SENHASEGURA_CATALOG,
  expandPlan,
  exportPlan,
  parsePlanText,
  parseScope,
  planJsonSchema,
  ruleSetJson,
  verifyScript,
  type Finding,
  type FormatId,
  type Plan,
  type RuleSet,
  type Scope,
} from '../engine/index.ts';

/** Thrown for bad usage or bad input: printed as lines, exit 2, never a stack trace. */
class UsageError extends Error {
  constructor(readonly lines: string[]) {
    super(lines.join('\n'));
  }
}

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  readFile: (path: string) => string;
  writeFile: (path: string, text: string) => void;
}

const HELP: Record<string, string> = {
  main: `fwplan — plan the firewall openings a senhasegura deployment needs

Usage: fwplan <command> [options]

Commands:
  catalog [--json]            the vendor's firewall table as fwplan's catalog
  schema                      the plan file's JSON Schema
  lint PLAN [--json]          findings for a plan; exit 1 if any is an error
  rules PLAN [--json]         the rules the plan expands to, and what was skipped
  export PLAN --format F      one export (iptables, ip6tables, nftables, ufw, firewalld, ipset, csv, json)
  verify PLAN [--scope S]     a script of nc commands that checks every planned flow after the change

Run "fwplan <command> --help" for a command's options. PLAN is a file, or - for standard input.
Exit codes: 0 done; 1 lint errors; 2 bad usage, unreadable file or invalid plan.`,
  catalog: `Usage: fwplan catalog [--json]

Prints the catalog: every row of the vendor article (50) and the optional rules from newer vendor
documentation. --json prints an array of {id, section, service, protocol, port, source, destination}
plus label, purpose, optional and the non-standard-port and clear-text notes.`,
  schema: `Usage: fwplan schema

Prints the JSON Schema of the plan file (version 1), made from the zod schema.`,
  lint: `Usage: fwplan lint PLAN [--json]

Validates the plan and prints its findings (errors, warnings, notes), each with the JSON path it is
about. Exit 1 if any finding is an error; exit 2 if the plan is invalid.`,
  rules: `Usage: fwplan rules PLAN [--json]

Prints the rules the plan expands to (one per catalog rule and address family) with their source
and destination addresses, then every skipped catalog rule with its reason.`,
  export: `Usage: fwplan export PLAN --format F [--scope S] [--default-drop] [--egress filter|open] [--ipset] [--out FILE]

  --format F       ${FORMAT_IDS.join(', ')}
  --scope S        gateway (default): a Linux router between the zones (FORWARD / forward hook /
                   ufw route); host:ADDRESS: the firewall of one senhasegura node (an entry of PRD,
                   or of MBR with cluster mode on)
  --default-drop   a complete policy: default DROP, established/related, loopback, essential ICMP,
                   then the plan's rules. Without it only ACCEPT rules are added in fwplan's own chains.
  --egress E       with --default-drop on a host: filter (default) drops outbound traffic the plan
                   does not list; open leaves the node's outbound traffic alone
  --ipset          iptables/ip6tables: match roles of several addresses through kernel ipsets
                   instead of address chains (tens of rules instead of thousands); load the sets
                   first from the companion export: fwplan export PLAN --format ipset | ipset restore
  --out FILE       write to FILE instead of standard output

The export alone goes to standard output; findings go to standard error.`,
  verify: `Usage: fwplan verify PLAN [--scope S] [--out FILE]

Prints a bash script with one nc command per planned flow (nc -zv for TCP, nc -zuv for UDP), to
run after the change from the flow's source host. --scope as for export.`,
};

function readPlan(io: Io, path: string | undefined): Plan {
  if (path === undefined) throw new UsageError(['missing PLAN (a plan file, or - for standard input)']);
  let text: string;
  try {
    text = io.readFile(path);
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new UsageError([`${path}: cannot read the file${code ? ` (${code})` : ''}`]);
  }
  const parsed = parsePlanText(text);
  if (!parsed.ok) throw new UsageError(parsed.errors.map((err) => `${path}: ${err.path}: ${err.message}`));
  return parsed.plan;
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

function hasErrors(ruleSet: RuleSet): boolean {
  return ruleSet.findings.some((f) => f.severity === 'error');
}

function catalogCommand(io: Io, json: boolean): number {
  if (json) {
    const rows = SENHASEGURA_CATALOG.map((r) => ({
      id: r.id,
      section: r.section,
      service: r.service,
      protocol: r.protocol,
      port: r.port,
      source: r.source,
      destination: r.destination,
      label: r.label,
      purpose: r.purpose,
      optional: r.optional,
      origin: r.origin,
      ...(r.nonStandard ? { nonStandard: r.nonStandard } : {}),
      ...(r.cleartext ? { cleartext: r.cleartext } : {}),
    }));
    io.stdout(`${JSON.stringify(rows, null, 2)}\n`);
    return 0;
  }
  const lines: string[] = [];
  for (const section of SECTIONS) {
    lines.push(`== ${section.title}`);
    for (const r of SENHASEGURA_CATALOG.filter((x) => x.section === section.id)) {
      const flags = [r.optional ? 'optional (newer vendor docs)' : '', r.nonStandard ? 'non-standard port' : '', r.cleartext ? 'clear text' : '']
        .filter(Boolean)
        .join(', ');
      lines.push(
        `${r.id.padEnd(20)} ${r.protocol.toUpperCase()} ${String(r.port).padStart(5)}  ${r.source.padEnd(6)} -> ${r.destination.padEnd(7)} ${r.label.padEnd(10)} ${r.purpose}${flags ? `  [${flags}]` : ''}`,
      );
    }
  }
  io.stdout(`${lines.join('\n')}\n`);
  return 0;
}

function rulesText(ruleSet: RuleSet): string {
  const lines: string[] = [];
  const list = (entries: readonly { network: { display: string }; label?: string }[]) => {
    const shown = entries.slice(0, 6).map((e) => (e.label ? `${e.network.display} (${e.label})` : e.network.display));
    return entries.length > 6 ? `${shown.join(', ')} … +${entries.length - 6} more` : shown.join(', ');
  };
  for (const r of ruleSet.rules) {
    const pairs = r.distinctPairs ? ' (every ordered pair of distinct nodes)' : '';
    lines.push(`${r.key.padEnd(24)} ${r.protocol}/${r.port}  ${r.service}: ${r.source.role} [${list(r.source.entries)}] -> ${r.destination.role} [${list(r.destination.entries)}]${pairs}`);
  }
  lines.push('', `${ruleSet.rules.length} rules; ${ruleSet.skipped.length} catalog rows skipped:`);
  for (const s of ruleSet.skipped) lines.push(`  skipped ${s.message}`);
  return `${lines.join('\n')}\n`;
}

/** --scope, for export and verify: gateway (the default) or host:ADDRESS[,ADDRESS]. */
function scopeOption(values: Record<string, string | boolean | undefined>): { scope: Scope; scopeText: string } {
  const scopeText = typeof values.scope === 'string' ? values.scope : 'gateway';
  const scope = parseScope(scopeText);
  if (!scope) throw new UsageError([`--scope ${scopeText}: use gateway or host:ADDRESS`]);
  return { scope, scopeText };
}

function exportCommand(io: Io, plan: Plan, values: Record<string, string | boolean | undefined>): number {
  const format = values.format;
  if (typeof format !== 'string') throw new UsageError([`--format is required: ${FORMAT_IDS.join(', ')}`]);
  if (!(FORMAT_IDS as readonly string[]).includes(format)) throw new UsageError([`--format ${format}: unknown format (use ${FORMAT_IDS.join(', ')})`]);
  const { scope, scopeText } = scopeOption(values);
  const ruleSet = expandPlan(plan);
  if (values.ipset === true && format !== 'iptables' && format !== 'ip6tables') throw new UsageError(['--ipset applies to --format iptables and ip6tables']);
  const egress = values.egress ?? 'filter';
  if (egress !== 'filter' && egress !== 'open') throw new UsageError([`--egress ${String(egress)}: use filter or open`]);
  const result = exportPlan(plan, format as FormatId, { scope, defaultDrop: values['default-drop'] === true, ipset: values.ipset === true, egress }, ruleSet);
  if (!result.ok) throw new UsageError([`--scope ${result.message}`]);
  if (typeof values.out === 'string') {
    try {
      io.writeFile(values.out, result.text);
    } catch (e) {
      const code = (e as { code?: string }).code;
      throw new UsageError([`--out ${values.out}: cannot write the file${code ? ` (${code})` : ''}`]);
    }
  } else {
    io.stdout(result.text);
  }
  const shown = [...ruleSet.findings, ...result.findings].filter((f) => f.severity !== 'note');
  for (const f of shown) io.stderr(`fwplan: ${findingLine(f)}\n`);
  io.stderr(`fwplan: ${format}, ${scopeText}: ${result.ruleCount} rules; ${ruleSet.skipped.length} catalog rows skipped (fwplan lint for details)\n`);
  return hasErrors(ruleSet) ? 1 : 0;
}

export function run(argv: readonly string[], io: Io): number {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      io.stdout(`${HELP.main}\n`);
      return command === undefined ? 2 : 0;
    }
    if (command === '--version') {
      io.stdout('fwplan 0.1.0\n');
      return 0;
    }
    if (!Object.hasOwn(HELP, command) || command === 'main') throw new UsageError([`unknown command "${command}"`, 'run fwplan --help for the commands']);
    let parsed;
    try {
      parsed = parseArgs({
        args: [...rest],
        allowPositionals: true,
        strict: true,
        options: {
          help: { type: 'boolean', short: 'h' },
          json: { type: 'boolean' },
          format: { type: 'string', short: 'f' },
          scope: { type: 'string', short: 's' },
          'default-drop': { type: 'boolean' },
          ipset: { type: 'boolean' },
          egress: { type: 'string' },
          out: { type: 'string', short: 'o' },
        },
      });
    } catch (e) {
      throw new UsageError([e instanceof Error ? e.message : String(e), `run fwplan ${command} --help`]);
    }
    const { values, positionals } = parsed;
    if (values.help) {
      io.stdout(`${HELP[command]}\n`);
      return 0;
    }
    const allowed: Record<string, string[]> = {
      catalog: ['json'],
      schema: [],
      lint: ['json'],
      rules: ['json'],
      export: ['format', 'scope', 'default-drop', 'ipset', 'egress', 'out'],
      verify: ['scope', 'out'],
    };
    for (const key of Object.keys(values)) {
      if (key !== 'help' && !allowed[command]?.includes(key)) throw new UsageError([`fwplan ${command} does not take --${key}`]);
    }
    const wantsPlan = !['catalog', 'schema'].includes(command);
    if (positionals.length > (wantsPlan ? 1 : 0)) throw new UsageError([`unexpected argument "${positionals[wantsPlan ? 1 : 0]}"`]);
    switch (command) {
      case 'catalog':
        return catalogCommand(io, values.json === true);
      case 'schema':
        io.stdout(`${JSON.stringify(planJsonSchema(), null, 2)}\n`);
        return 0;
      case 'lint': {
        const plan = readPlan(io, positionals[0]);
        const ruleSet = expandPlan(plan);
        if (values.json) io.stdout(`${JSON.stringify({ findings: ruleSet.findings }, null, 2)}\n`);
        else io.stdout(`${bySeverity(ruleSet.findings).map(findingLine).join('\n')}\n${summary(ruleSet.findings)}\n`);
        return hasErrors(ruleSet) ? 1 : 0;
      }
      case 'rules': {
        const plan = readPlan(io, positionals[0]);
        const ruleSet = expandPlan(plan);
        io.stdout(values.json ? `${JSON.stringify(ruleSetJson(ruleSet, ruleSet.rules, { plan: plan.name ?? null, cluster: plan.cluster }), null, 2)}\n` : rulesText(ruleSet));
        return hasErrors(ruleSet) ? 1 : 0;
      }
      case 'export':
        return exportCommand(io, readPlan(io, positionals[0]), values);
      case 'verify': {
        const plan = readPlan(io, positionals[0]);
        const result = verifyScript(plan, scopeOption(values).scope);
        if (!result.ok) throw new UsageError([`--scope ${result.message}`]);
        if (typeof values.out === 'string') io.writeFile(values.out, result.text);
        else io.stdout(result.text);
        return 0;
      }
      default:
        throw new UsageError([`unknown command "${command}"`]);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      for (const line of e.lines) io.stderr(`fwplan: ${line}\n`);
      return 2;
    }
    io.stderr(`fwplan: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
    return 70;
  }
}

export function main(): void {
  const io: Io = {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    readFile: (p) => readFileSync(p === '-' ? 0 : p, 'utf8'),
    writeFile: (p, t) => writeFileSync(p, t),
  };
  process.exitCode = run(process.argv.slice(2), io);
}
