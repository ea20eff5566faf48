import type { Plan, RoleCode } from './model/plan.ts';
import { ROLE_CODES } from './model/plan.ts';
import type { AddressEntry, CatalogRule, Finding } from './model/rules.ts';
import { compareNetworks } from './net/address.ts';

/** At most this many findings of one kind per role are listed one by one; the rest are counted. */
const PER_ROLE_DETAIL = 25;

function quoteEntry(e: AddressEntry): string {
  return `"${e.written}"`;
}

/** Findings about the addresses themselves: they never change the rule set. */
export function lintEntries(plan: Plan, roles: Record<RoleCode, AddressEntry[]>): Finding[] {
  const out: Finding[] = [];
  if (!plan.cluster && roles.MBR.length > 0) {
    out.push({ code: 'mbr-ignored', severity: 'warning', path: 'roles.MBR', message: `MBR has ${roles.MBR.length} entr${roles.MBR.length === 1 ? 'y' : 'ies'} but cluster mode is off: they are ignored` });
  }
  for (const role of ROLE_CODES) {
    const entries = roles[role];
    const capped = (code: Finding['code'], list: Finding[], what: string) => {
      out.push(...list.slice(0, PER_ROLE_DETAIL));
      if (list.length > PER_ROLE_DETAIL) {
        out.push({ code, severity: 'warning', path: `roles.${role}`, message: `${role}: ${list.length - PER_ROLE_DETAIL} more ${what} not listed` });
      }
    };
    const hostBits: Finding[] = [];
    const broad: Finding[] = [];
    for (const e of entries) {
      if (e.hostBitsSet) {
        hostBits.push({ code: 'host-bits', severity: 'warning', path: e.path, message: `${quoteEntry(e)} has host bits set; it is used as ${e.network.cidr}` });
      }
      if (e.network.prefix === 0) {
        broad.push({ code: 'over-broad', severity: 'warning', path: e.path, message: `${quoteEntry(e)} matches every IPv${e.network.family} address` });
      } else if ((role === 'PRD' || role === 'MBR') && e.network.prefix < (e.network.family === 4 ? 32 : 128)) {
        broad.push({ code: 'over-broad', severity: 'warning', path: e.path, message: `${quoteEntry(e)} is a network, but ${role} lists senhasegura nodes: each node should be one address` });
      }
    }
    capped('host-bits', hostBits, 'entries with host bits set');
    capped('over-broad', broad, 'over-broad entries');

    // duplicates and overlaps: one sort, one sweep
    const sorted = [...entries].sort((a, b) => compareNetworks(a.network, b.network) || (a.path < b.path ? -1 : 1));
    const dup: Finding[] = [];
    const overlap: Finding[] = [];
    let widest: AddressEntry | undefined;
    for (const e of sorted) {
      if (widest && widest.network.family === e.network.family && e.network.start <= widest.network.end) {
        if (widest.network.cidr === e.network.cidr) {
          dup.push({ code: 'duplicate-entry', severity: 'warning', path: e.path, message: `${quoteEntry(e)} is listed twice in ${role} (also ${widest.path})` });
        } else {
          overlap.push({ code: 'overlapping-entry', severity: 'warning', path: e.path, message: `${quoteEntry(e)} overlaps ${quoteEntry(widest)} (${widest.path}) in ${role}` });
        }
        if (e.network.end > widest.network.end) widest = e;
      } else {
        widest = e;
      }
    }
    capped('duplicate-entry', dup, 'duplicate entries');
    capped('overlapping-entry', overlap, 'overlapping entries');
  }
  return out;
}

/** Findings about the rules that are on: odd ports, overrides, clear-text protocols. */
export function lintRules(plan: Plan, active: readonly CatalogRule[]): Finding[] {
  const out: Finding[] = [];
  for (const rule of active) {
    const override = plan.ports[rule.id];
    if (override !== undefined && override !== rule.port) {
      out.push({ code: 'port-override', severity: 'note', path: `ports["${rule.id}"]`, ruleId: rule.id, message: `port ${override}/${rule.protocol} instead of the article's ${rule.port}` });
    } else if (rule.nonStandard) {
      out.push({ code: 'non-standard-port', severity: 'warning', ruleId: rule.id, message: `${rule.port}/${rule.protocol} is kept as the article gives it, but ${rule.nonStandard}. Override the port if your server listens elsewhere` });
    }
    if (rule.cleartext) {
      out.push({ code: 'cleartext', severity: 'warning', ruleId: rule.id, message: rule.cleartext });
    }
  }
  return out;
}
