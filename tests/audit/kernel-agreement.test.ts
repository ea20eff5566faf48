/**
 * THE proof of the audit evaluator: for hundreds of random rulesets × flows, what it predicts from
 * the rules read back with the real tools is what the kernel does with real packets.
 *
 * Each round: a random ruleset within the supported subset (chains, policies, jumps/gotos/returns,
 * matches on addresses, ports, protocols, conntrack state, interfaces and ipsets, LOG/limit/
 * comment) is loaded into a network namespace — as iptables + ip6tables + ipset (iptables variant)
 * or as nft tables (nft variant), in both cases with an optional second, native nft table on the
 * same hooks at another priority. It is read back with iptables-save, ip6tables-save, ipset save
 * and nft -j list ruleset, parsed, and every flow of the round is evaluated (the connection's first
 * packet, state new, and the reply, state established) and sent as a real TCP or UDP connection.
 * accept on both ⇔ the connection gets through; a drop ⇔ no answer at all; unknown never happens.
 *
 * Two networks, each in two copies that run side by side (one per variant): forward (a router
 * between two namespaces; the firewall is the router's FORWARD) and input (the firewall is one end's
 * INPUT and OUTPUT). Seeded: the same rulesets every run, then three hand-written ones
 * (generate.ts fixedRulesets) for behaviours a seed may miss.
 *
 * AUDIT_DUMP=FILE writes every round's read-back texts and flows as JSON: enough to replay the
 * evaluator offline, to study a disagreement, or to check that a deliberately broken evaluator
 * would disagree with these rounds (that is how the generator's weights were chosen: goto taken
 * as jump, accept taken as final, negation on dependencies, nomatch ignored, priority ties ordered,
 * iptables-save taken alone … are each caught).
 */
import { writeFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, it } from 'vitest';
import { evaluate, type Evaluation, type Loaded, type Packet } from '../../src/engine/audit/index.ts';
import { resetFirewall } from '../enforcement/firewall.ts';
import { gatedDescribe } from '../enforcement/gate.ts';
import { enforcementGate } from '../enforcement/suite.ts';
import { FLOWS_PER_ROUND, FORWARD_SHAPE, arbFlows, arbRound, fixedRulesets, renderIpset, sportBase, renderIptables, renderNft, type GFlow, type GRuleset, type Shape } from './generate.ts';
import { AuditLab, type Outcome } from './lab.ts';
import { READ_BACK_SCRIPT, parseReadBack, splitReadBack, type ReadBack } from './readback.ts';

const SEED = 20240611;
/** the hand-written rounds that follow the random ones (as many for both networks) */
const fixedCount = fixedRulesets(FORWARD_SHAPE).length;
const ROUNDS = 20;
const OPEN_TIMEOUT_MS = 3000;
const DROP_TIMEOUT_MS = 500;

type Variant = 'iptables' | 'nft';

interface Slot {
  readonly name: string;
  readonly kind: 'forward' | 'input';
  readonly variant: Variant;
}

const SLOTS: readonly Slot[] = [
  { name: 'audfi', kind: 'forward', variant: 'iptables' },
  { name: 'audfn', kind: 'forward', variant: 'nft' },
  { name: 'audii', kind: 'input', variant: 'iptables' },
  { name: 'audin', kind: 'input', variant: 'nft' },
];

interface Texts {
  readonly loaded: Record<string, string>;
  readonly readBack: ReadBack;
}

/** The tool that loads each rendering, in loading order (ipsets before the rules that use them). */
const LOADERS: readonly (readonly [key: string, command: string])[] = [
  ['ipset', 'ipset restore'],
  ['iptables', 'iptables-restore'],
  ['ip6tables', 'ip6tables-restore'],
  ['nft', 'nft -f -'],
  ['nftAux', 'nft -f -'],
];

/**
 * Load a round's variant where the firewall runs, with the real tools, and read it back, in one
 * shell (each text from a file of a scratch directory: one process start instead of nine).
 */
async function loadAndReadBack(lab: AuditLab, ruleset: GRuleset, variant: Variant): Promise<Texts> {
  const [stage0, stage1] = ruleset.stages;
  if (stage0 === undefined) throw new Error('a ruleset has a first stage');
  const loaded: Record<string, string> = {};
  if (variant === 'iptables') {
    loaded.ipset = renderIpset(stage0);
    loaded.iptables = renderIptables(stage0, 4);
    loaded.ip6tables = renderIptables(stage0, 6);
  } else {
    loaded.nft = renderNft(stage0, 'fw0');
  }
  if (stage1 !== undefined) loaded.nftAux = renderNft(stage1, 'aux1');
  const dir = await mkdtemp(join(tmpdir(), 'fwplan-audit-'));
  try {
    const steps: string[] = [];
    for (const [key, command] of LOADERS) {
      const text = loaded[key];
      if (text === undefined || text === '') continue;
      await writeFile(join(dir, key), text);
      steps.push(`${command} < "$1/${key}"`);
    }
    const out = await lab.lab.execOk(lab.spec.firewall, 'sh', ['-ec', `${steps.join('\n')}\n${READ_BACK_SCRIPT}`, 'fwplan-audit-load', dir]);
    return { loaded, readBack: splitReadBack(out) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

interface Prediction {
  readonly request: Evaluation;
  readonly reply: Evaluation;
  readonly open: boolean;
}

function predict(lab: AuditLab, loaded: Loaded, f: GFlow): Prediction {
  const ifs = lab.interfaces(f);
  const hooks = lab.spec.shape.kind === 'forward' ? (['forward', 'forward'] as const) : (['input', 'output'] as const);
  const request: Packet = { family: f.family, hook: hooks[0], src: f.src, dst: f.dst, proto: f.proto, sport: f.sport, dport: f.dport, state: 'new', ...ifs.request };
  const reply: Packet = { family: f.family, hook: hooks[1], src: f.dst, dst: f.src, proto: f.proto, sport: f.dport, dport: f.sport, state: 'established', ...ifs.reply };
  const req = evaluate(loaded, request);
  const rep = evaluate(loaded, reply);
  return { request: req, reply: rep, open: req.verdict === 'accept' && rep.verdict === 'accept' };
}

interface Mismatch {
  readonly round: number;
  readonly flow: GFlow;
  readonly prediction: Prediction;
  readonly got: Outcome;
  readonly texts: Texts;
}

function describeFlow(f: GFlow): string {
  return `IPv${f.family} ${f.proto} ${f.src}:${f.sport} -> ${f.dst}:${f.dport}`;
}

function formatMismatches(slot: Slot, list: readonly Mismatch[]): string {
  if (list.length === 0) return 'none';
  const shown = list.slice(0, 3).map((m) => {
    const ev = (e: Evaluation): string => `${e.verdict}: ${e.reason}\n      trace: ${e.trace.join(' | ')}`;
    return [
      `round ${m.round}, ${describeFlow(m.flow)}: kernel ${m.got}`,
      `    request ${ev(m.prediction.request)}`,
      `    reply   ${ev(m.prediction.reply)}`,
      ...Object.entries(m.texts.loaded).map(([k, v]) => `  --- loaded ${k}:\n${v}`),
      `  --- iptables-save:\n${m.texts.readBack.ipt4}`,
      `  --- ip6tables-save:\n${m.texts.readBack.ipt6}`,
      `  --- ipset save:\n${m.texts.readBack.ipset}`,
      `  --- nft -j list ruleset:\n${m.texts.readBack.nft}`,
    ].join('\n');
  });
  const rest = list.slice(3).map((m) => `round ${m.round}, ${describeFlow(m.flow)}: kernel ${m.got}, predicted ${m.prediction.request.verdict}/${m.prediction.reply.verdict}`);
  return `${slot.kind}/${slot.variant}: ${list.length} case(s) disagree\n${[...shown, ...rest].join('\n\n')}`;
}

/** Whether the kernel's outcome is what the prediction allows. */
function agrees(p: Prediction, got: Outcome): boolean {
  if (p.open) return got === 'open';
  if (got === 'open') return false;
  // a plain drop of the first packet, or any drop of the reply, leaves the sender without an answer;
  // a reject sends an error back (which the rules on the way back may or may not let through)
  if (p.request.verdict === 'drop' && p.request.rejected !== true) return got === 'timeout';
  if (p.request.verdict === 'accept') return got === 'timeout';
  return true;
}

const dumps: unknown[] = [];
const rounds = new Map<'forward' | 'input', { ruleset: GRuleset; flows: GFlow[] }[]>();
function roundsFor(shape: Shape): { ruleset: GRuleset; flows: GFlow[] }[] {
  const known = rounds.get(shape.kind);
  if (known) return known;
  const list = Array.from({ length: ROUNDS }, (_, r) => {
    const sample = fc.sample(arbRound(shape, r), { seed: SEED + r + (shape.kind === 'forward' ? 0 : 1000), numRuns: 1 })[0];
    if (sample === undefined) throw new Error('fast-check gave no sample');
    return sample;
  });
  for (const [i, fixed] of fixedRulesets(shape).entries()) {
    const r = ROUNDS + i;
    const flows = fc.sample(arbFlows(shape, sportBase(r)), { seed: SEED + r, numRuns: 1 })[0];
    if (flows === undefined) throw new Error('fast-check gave no sample');
    list.push({ ruleset: fixed.ruleset, flows });
  }
  rounds.set(shape.kind, list);
  return list;
}

gatedDescribe('audit: the evaluator agrees with the kernel on random rulesets', enforcementGate(['iptables-save', 'ip6tables-save']), () => {
  const labs = new Map<string, AuditLab>();
  const started = Date.now();
  const totals = { cases: 0, unknown: 0, open: 0 };

  beforeAll(async () => {
    const built = await Promise.allSettled(SLOTS.map(async (s) => labs.set(s.name, await AuditLab.create(s.name, s.kind))));
    const failed = built.find((b): b is PromiseRejectedResult => b.status === 'rejected');
    if (failed) throw failed.reason;
  }, 120_000);

  afterAll(async () => {
    const errors: string[] = [];
    for (const lab of labs.values()) {
      try {
        await lab.destroy();
      } catch (e) {
        errors.push(e instanceof Error ? e.message : String(e));
      }
    }
    if (process.env.AUDIT_DUMP) writeFileSync(process.env.AUDIT_DUMP, JSON.stringify(dumps));
    console.log(`[audit] kernel agreement: ${totals.cases} cases (${totals.open} open), ${totals.unknown} unknown, ${((Date.now() - started) / 1000).toFixed(1)} s`);
    if (errors.length > 0) throw new Error(errors.join('; '));
  }, 60_000);

  for (const slot of SLOTS) {
    it.concurrent(`${slot.kind} chain, ${slot.variant} variant: ${ROUNDS} random + ${fixedCount} fixed rulesets × ${FLOWS_PER_ROUND} flows, every verdict as the kernel decides`, async ({ expect }) => {
      const lab = labs.get(slot.name);
      if (!lab) throw new Error(`lab ${slot.name} was not built (see the beforeAll error)`);
      const mismatches: Mismatch[] = [];
      const unknowns: string[] = [];
      let open = 0;
      for (const [r, { ruleset, flows }] of roundsFor(lab.spec.shape).entries()) {
        try {
          const texts = await loadAndReadBack(lab, ruleset, slot.variant);
          const loaded = parseReadBack(texts.readBack);
          const predictions = flows.map((f) => predict(lab, loaded, f));
          if (process.env.AUDIT_DUMP) dumps.push({ slot: slot.name, round: r, texts: texts.readBack, flows, kind: lab.spec.shape.kind, ifs: flows.map((f) => lab.interfaces(f)) });
          for (const [k, p] of predictions.entries()) {
            for (const e of [p.request, ...(p.request.verdict === 'accept' ? [p.reply] : [])]) {
              if (e.verdict === 'unknown') unknowns.push(`round ${r} ${describeFlow(flows[k] as GFlow)}: ${e.reason}`);
            }
          }
          const outcomes = await lab.probe(flows, (_, k) => (predictions[k]?.open ? OPEN_TIMEOUT_MS : DROP_TIMEOUT_MS));
          for (const [k, f] of flows.entries()) {
            const p = predictions[k] as Prediction;
            const got = outcomes[k] as Outcome;
            if (p.open) open++;
            if (p.request.verdict === 'unknown' || (p.request.verdict === 'accept' && p.reply.verdict === 'unknown')) continue;
            if (!agrees(p, got)) mismatches.push({ round: r, flow: f, prediction: p, got, texts });
          }
          totals.cases += flows.length;
        } finally {
          await resetFirewall(lab.lab, lab.spec.firewall);
        }
      }
      totals.unknown += unknowns.length;
      totals.open += open;
      expect(unknowns, `the evaluator said unknown for generated rulesets:\n${unknowns.slice(0, 20).join('\n')}`).toEqual([]);
      expect(mismatches.length, formatMismatches(slot, mismatches)).toBe(0);
      // not vacuous: both outcomes occur in quantity
      expect(open).toBeGreaterThan(ROUNDS);
      expect((ROUNDS + fixedCount) * FLOWS_PER_ROUND - open).toBeGreaterThan(ROUNDS);
    }, 240_000);
  }
});
