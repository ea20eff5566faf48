import { describe, expect, it } from 'vitest';
import { GATEWAY, catalogRule, emptyPlan, expandPlan, withRuleOn, type AddressEntry, type Entry, type Plan, type RenderOptions, type ResolvedListOrigin } from '../../engine/index.ts';
import { parseRoleText, planEntries } from '../roleText.ts';
import { ExpansionClient, optionsKey, type Expanded } from './client.ts';
import { exportPreview, utf8Bytes } from './exportPreview.ts';
import { ExpansionHost } from './host.ts';
import type { WorkerAnswer, WorkerRequest } from './protocol.ts';
import { ListInbox, ListOutbox, compactEntries, decodePlan, encodePlan, expandEntries } from './wire.ts';

const TODAY = '2025-06-01';

/** A plan with nodes, roles, groups of both families and labels; `broken`: one entry is not an address (exports are refused). */
function plan(devices = 300, broken = true): Plan {
  const dvc = Array.from({ length: devices }, (_, i) => `10.20.${i >> 8}.${i & 255}`);
  return {
    ...emptyPlan('worker test'),
    cluster: true,
    nodes: [
      { name: 'vault-01', role: 'PRD', addresses: ['192.0.2.10', '2001:db8::10'] },
      { name: 'vault-02', role: 'MBR', addresses: ['192.0.2.11'] },
    ],
    roles: { NTP: ['192.0.2.1'], ADMINW: [{ address: '198.51.100.7', label: 'admin' }], DNS: [broken ? '10.0.0.300' : '192.0.2.53'] },
    userGroups: [{ name: 'Everyone', entries: ['198.51.100.0/24', '2001:db8:100::/48'], services: ['userw-prd-tcp-443'] }],
    deviceGroups: [
      { name: 'Servers', entries: [...dvc, '2001:db8:20::5', { address: '10.9.9.9', label: 'core' }], services: ['prd-dvc-tcp-22', 'prd-dvc-tcp-3389'] },
      { name: 'Switches', entries: ['10.30.0.0/24'], services: ['prd-dvc-tcp-22'] },
    ],
  };
}

function toggled(p: Plan, ruleId = 'prd-dvc-tcp-22'): Plan {
  const rule = catalogRule(ruleId);
  if (!rule) throw new Error(ruleId);
  return withRuleOn(p, rule, false);
}

/**
 * An entry of one of the plan's lists writes its path when asked (resolve.ts); one that crossed a
 * message whole carries it as a property. Equal when their network, text, path, owner and label are.
 */
function isAddressEntry(x: unknown): x is AddressEntry {
  return typeof x === 'object' && x !== null && 'network' in x && 'written' in x && 'owner' in x;
}
expect.addEqualityTesters([
  function sameEntry(a: unknown, b: unknown, testers) {
    if (!isAddressEntry(a) || !isAddressEntry(b)) return undefined;
    const fields = (e: AddressEntry) => [e.network, e.written, e.path, e.owner, e.label];
    return this.equals(fields(a), fields(b), testers);
  },
]);

/**
 * A client and a host joined as the page and the worker are: every message structured-cloned (as
 * postMessage does), requests queued until the "worker" runs, answers handed back on `deliver`.
 */
function connect() {
  const host = new ExpansionHost();
  const inbox: WorkerRequest[] = [];
  const sent: WorkerRequest[] = [];
  const taken: Expanded[] = [];
  const client = new ExpansionClient(
    {
      postMessage: (m) => {
        const copy = structuredClone(m);
        sent.push(copy);
        inbox.push(copy);
      },
    },
    TODAY,
    (e) => taken.push(e),
  );
  /** the worker reads what has come in, then works once */
  const run = (): WorkerAnswer[] => {
    for (const m of inbox.splice(0)) host.receive(m);
    return host.work().map((a) => structuredClone(a));
  };
  const deliver = (answers: readonly WorkerAnswer[]) => {
    for (const a of answers) client.receive(a);
  };
  return { host, client, sent, taken, run, deliver, step: () => deliver(run()) };
}

/** The number of entries a message carries whole (not as the id of a list the other side holds). */
function entriesCarried(lists: readonly (number | readonly [number, readonly unknown[] | string])[]): number {
  return lists.reduce<number>((n, slot) => n + (typeof slot === 'number' ? 0 : typeof slot[1] === 'string' ? slot[1].split('\n').length : slot[1].length), 0);
}

/** The lists of an answer that cross as where they come from in the plan (no entries carried). */
function listsByOrigin(answer: WorkerAnswer | undefined): string[] {
  if (answer?.kind !== 'expanded') return [];
  return answer.lists.flatMap((slot) => (typeof slot !== 'number' && !Array.isArray(slot[1]) ? [(slot[1] as ResolvedListOrigin).base] : []));
}

/**
 * Entries of an answer carried whole that are not the nodes' own addresses: the engine makes the
 * few node entries anew with every expansion, every list of a role or group it keeps.
 */
function listEntriesCarried(answer: WorkerAnswer | undefined): number {
  if (answer?.kind !== 'expanded') return -1;
  return answer.lists.reduce<number>((n, slot) => {
    if (typeof slot === 'number') return n;
    const items = slot[1];
    // a list named by its origin carries no entries
    return Array.isArray(items) ? n + (items as readonly AddressEntry[]).filter((e) => e.owner.kind !== 'node').length : n;
  }, 0);
}

describe('lists by identity', () => {
  it('sends a list once, then its id; the receiver gives back the same array and lets go of lists no longer named', () => {
    const out = new ListOutbox<string>();
    const inbox = new ListInbox<string>();
    const a = ['x', 'y'];
    const b = ['z'];
    const first = out.pack([a, b, a]);
    expect(first.slots).toEqual([[1, a], [2, b]]);
    const read1 = inbox.unpack(structuredClone(first.slots));
    const a1 = read1(1);
    expect(a1).toEqual(a);
    const second = out.pack([a]);
    expect(second.slots).toEqual([1]);
    expect(inbox.unpack(second.slots)(1)).toBe(a1);
    expect(inbox.size).toBe(1);
    // b was let go on both sides: it goes whole again, under a new id
    const third = out.pack([b, a]);
    expect(third.slots).toEqual([[3, b], 1]);
    expect(() => new ListInbox<string>().unpack([7])).toThrow(/never sent/);
  });

  it('rebuilds a plan equal to the one sent, around the arrays it had before', () => {
    const out = new ListOutbox<Entry, string>();
    const inbox = new ListInbox<Entry, string>();
    const p = plan(50);
    const w1 = structuredClone(encodePlan(p, out));
    const got1 = decodePlan(w1.plan, w1.lists, inbox);
    expect(got1).toEqual(p);
    const p2 = { ...toggled(p), name: 'renamed' };
    const w2 = structuredClone(encodePlan(p2, out));
    expect(entriesCarried(w2.lists)).toBe(0);
    const got2 = decodePlan(w2.plan, w2.lists, inbox);
    expect(got2).toEqual(p2);
    expect(got2.deviceGroups[0]?.entries).toBe(got1.deviceGroups[0]?.entries);
    expect(got2.roles.NTP).toBe(got1.roles.NTP);
  });

  it('carries a long list of plain addresses as one string, and anything else as an array', () => {
    const out = new ListOutbox<Entry, string>(compactEntries);
    const inbox = new ListInbox<Entry, string>(expandEntries);
    const plain = Array.from({ length: 100 }, (_, i) => `10.0.${i >> 8}.${i & 255}`);
    const labelled: Entry[] = [...plain.slice(1), { address: '10.9.9.9', label: 'core' }];
    const broken: Entry[] = [...plain.slice(2), 'x\ny', ''];
    const short: Entry[] = ['10.1.1.1', ''];
    const withEmpty: Entry[] = ['', ...plain.slice(3), ''];
    const { slots } = out.pack([plain, labelled, broken, short, withEmpty]);
    expect(slots.map((s) => (typeof s === 'number' ? 'id' : typeof s[1] === 'string' ? 'text' : 'array'))).toEqual(['text', 'array', 'array', 'array', 'text']);
    const read = inbox.unpack(structuredClone(slots));
    expect(read(1)).toEqual(plain);
    expect(read(2)).toEqual(labelled);
    expect(read(3)).toEqual(broken);
    expect(read(4)).toEqual(short);
    expect(read(5)).toEqual(withEmpty);
    // an inbox that cannot read text says so instead of taking a string for a list
    expect(() => new ListInbox<Entry, string>().unpack(out.pack([[...plain]]).slots)).toThrow(/compact form/);
  });
});

describe('the expansion worker protocol', () => {
  it('gives the rule set the engine makes of the plan', () => {
    const c = connect();
    const p = plan();
    c.client.send(p, true);
    expect(c.client.pending).toBe(true);
    c.step();
    expect(c.client.pending).toBe(false);
    expect(c.taken).toHaveLength(1);
    expect(c.taken[0]?.plan).toBe(p);
    expect(c.taken[0]?.ruleSet).toEqual(expandPlan(p, { today: TODAY }));
    // the 300 devices are the plan's own list: the page read it from the plan, none crossed
    expect(c.client.stats.last?.byOrigin).toBeGreaterThanOrEqual(1);
    expect(c.client.stats.last?.newEntries).toBeLessThan(300);
  });

  it("the plan's own lists come back as where they sit in the plan, and the page reads them itself", () => {
    const c = connect();
    const p = plan(2000);
    // a mixed device group: its IPv6 part is a list made from it, which crosses whole
    const mixed: Plan = { ...p, deviceGroups: p.deviceGroups.map((g, i) => (i === 0 ? { ...g, entries: [...g.entries, '2001:db8:77::1', '2001:db8:77::2'] } : g)) };
    c.client.send(mixed, true);
    const answers = c.run();
    const answer = answers.find((a) => a.kind === 'expanded');
    // the group's IPv4 part by where it comes from; its two IPv6 entries cross whole (a short list)
    expect(listsByOrigin(answer)).toContain('deviceGroups[0].entries');
    expect(listEntriesCarried(answer)).toBeLessThan(100);
    c.deliver(answers);
    const got = c.taken[0]?.ruleSet;
    expect(got).toEqual(expandPlan(mixed, { today: TODAY }));
    expect(got?.rules.some((r) => r.destination.entries.length >= 2000 && r.family === 4)).toBe(true);
    // the two IPv6 entries crossed whole and still say where they are in the plan (the table's Go to)
    const n = mixed.deviceGroups[0]?.entries.indexOf('2001:db8:77::1') ?? -1;
    const v6 = got?.rules.find((r) => r.family === 6 && r.destination.entries.some((e) => e.written === '2001:db8:77::2'))?.destination.entries;
    expect(v6?.filter((e) => e.written.startsWith('2001:db8:77::')).map((e) => [e.written, e.path])).toEqual([
      ['2001:db8:77::1', `deviceGroups[0].entries[${n}]`],
      ['2001:db8:77::2', `deviceGroups[0].entries[${n + 1}]`],
    ]);
  });

  it("a list the page read from a box is rebuilt from that reading: each network is the one the box's parse made", () => {
    const c = connect();
    const p = plan(2000);
    const text = [...Array.from({ length: 2000 }, (_, i) => `10.21.${i >> 8}.${i & 255}`), 'not-an-address', '2001:db8:21::1 # a label'].join('\n');
    const parse = parseRoleText(text);
    const entries = planEntries(parse);
    const boxed: Plan = { ...p, deviceGroups: p.deviceGroups.map((g, i) => (i === 0 ? { ...g, entries } : g)) };
    c.client.send(boxed, true);
    const answers = c.run();
    expect(listsByOrigin(answers.find((a) => a.kind === 'expanded'))).toContain('deviceGroups[0].entries');
    c.deliver(answers);
    const got = c.taken[0]?.ruleSet.deviceGroups[0]?.entries ?? [];
    expect(got).toHaveLength(2001);
    // the very network objects of the box's tokens: nothing was parsed twice on the page
    const read = parse.tokens.map((t) => ('network' in t ? t.network : undefined));
    for (let i = 0; i < got.length; i++) expect(got[i]?.network).toBe(read[i >= 2000 ? i + 1 : i]);
    expect(c.taken[0]?.ruleSet).toEqual(expandPlan(boxed, { today: TODAY }));
  });

  it('a service toggle sends no address either way, and the page keeps the lists it has', () => {
    const c = connect();
    const p = plan(2000);
    c.client.send(p, true);
    c.step();
    const before = c.taken[0]?.ruleSet;
    const p2 = toggled(p);
    c.client.send(p2, true);
    const request = c.sent.at(-1);
    expect(request?.kind === 'plan' && entriesCarried(request.lists)).toBe(0);
    const answers = c.run();
    // the worker's engine handed back the very lists it made before: it did not read the addresses again
    expect(listEntriesCarried(answers.find((a) => a.kind === 'expanded'))).toBe(0);
    c.deliver(answers);
    const after = c.taken[1]?.ruleSet;
    expect(after).toEqual(expandPlan(p2, { today: TODAY }));
    expect(after?.deviceGroups[0]?.entries).toBe(before?.deviceGroups[0]?.entries);
    expect(after?.rules.length).toBeLessThan(before?.rules.length ?? 0);
    expect(JSON.stringify(c.sent.at(-1)).length).toBeLessThan(10_000);
  });

  it('sends the plan again only when it changed', () => {
    const c = connect();
    const p = plan(10);
    c.client.send(p, true);
    c.client.send(p, true);
    c.client.send(p, false);
    expect(c.sent).toHaveLength(1);
  });

  it('expands only the latest of the plans sent before the worker got to them', () => {
    const c = connect();
    const a = plan(10);
    const b = { ...a, roles: { ...a.roles, NTP: ['192.0.2.2'] } };
    const cc = toggled(b);
    c.client.send(a, true);
    c.client.send(b, true);
    c.client.send(cc, true);
    const answers = c.run();
    expect(answers.map((x) => x.kind)).toEqual(['expanded']);
    c.deliver(answers);
    expect(c.taken.map((t) => t.plan)).toEqual([cc]);
    expect(c.client.pending).toBe(false);
  });

  it('drops an answer to a plan edited since, and still reads the lists it brought', () => {
    const c = connect();
    const a = plan(500);
    c.client.send(a, true);
    const late = c.run();
    // the user toggles a service before the answer for a arrives
    const b = toggled(a);
    c.client.send(b, true);
    c.deliver(late);
    expect(c.taken).toEqual([]);
    expect(c.client.stats.dropped).toBe(1);
    expect(c.client.pending).toBe(true);
    // b's answer names a's lists by id alone: the page can read it only because it read a's
    const answers = c.run();
    expect(listEntriesCarried(answers.find((x) => x.kind === 'expanded'))).toBe(0);
    c.deliver(answers);
    expect(c.taken.map((t) => t.plan)).toEqual([b]);
    expect(c.taken[0]?.ruleSet).toEqual(expandPlan(b, { today: TODAY }));
  });

  it('makes the latest export preview of the latest plan, and drops older ones', () => {
    const c = connect();
    const p = plan(20, false);
    const options: RenderOptions = { scope: GATEWAY, defaultDrop: true };
    c.client.requestExport(p, 'nftables', options, false);
    c.client.requestExport(p, 'iptables', options, false);
    c.step();
    const got = c.client.latestPreview();
    expect(c.client.stats.previews).toBe(1);
    expect(got?.plan).toBe(p);
    expect(got?.key).toBe(optionsKey('iptables', options));
    expect(got?.preview).toEqual(exportPreview(p, expandPlan(p, { today: TODAY }), 'iptables', options));
    expect(got?.preview.ok).toBe(true);
    // an export of a plan edited before the worker got to it is not made at all
    c.client.requestExport(p, 'ufw', options, true);
    c.client.send(toggled(p), true);
    const answers = c.run();
    expect(answers.map((x) => x.kind)).toEqual(['expanded']);
    c.deliver(answers);
    expect(c.client.latestPreview()).toBe(got);
  });

  it('does not send back a rule set the page already has when it only needs an export', () => {
    const c = connect();
    const p = plan(20, false);
    c.client.requestExport(p, 'csv', { scope: GATEWAY, defaultDrop: false }, true);
    const answers = c.run();
    expect(answers.map((x) => x.kind)).toEqual(['exported']);
    c.deliver(answers);
    expect(c.taken).toEqual([]);
    expect(c.client.latestPreview()?.preview.ok).toBe(true);
  });

  it('once an export was asked for, makes it again for each new plan, after sending its rule set', () => {
    const c = connect();
    const p = plan(20, false);
    // before any export was asked for, a new plan brings no preview
    c.client.refreshExport(p, false);
    expect(c.sent).toEqual([]);
    c.client.send(p, true);
    c.step();
    expect(c.client.latestPreview()).toBeUndefined();
    const options: RenderOptions = { scope: GATEWAY, defaultDrop: true };
    c.client.requestExport(p, 'nftables', options, true);
    c.step();
    const p2 = toggled(p);
    c.client.send(p2, true);
    c.client.refreshExport(p2, false);
    expect(c.sent.slice(-2).map((m) => m.kind)).toEqual(['plan', 'export']);
    const run = c.run();
    expect(run.map((a) => a.kind)).toEqual(['expanded', 'exported']);
    c.deliver(run);
    const got = c.client.latestPreview();
    expect(got?.plan).toBe(p2);
    expect(got?.key).toBe(optionsKey('nftables', options));
    expect(got?.preview).toEqual(exportPreview(p2, expandPlan(p2, { today: TODAY }), 'nftables', options));
  });

  it('hands each answer on as soon as it is made', () => {
    const host = new ExpansionHost();
    const out = new ListOutbox<Entry, string>();
    const p = plan(20, false);
    const wire = encodePlan(p, out);
    host.receive({ kind: 'plan', id: 1, today: TODAY, plan: wire.plan, lists: wire.lists, answer: true });
    host.receive({ kind: 'export', id: 2, planId: 1, format: 'csv', options: { scope: GATEWAY, defaultDrop: false } });
    const seen: string[] = [];
    const answers = host.work((a) => seen.push(`${a.kind} while ${host.busy ? 'busy' : 'idle'}`));
    // the rule set went out while the export was still to be made
    expect(seen).toEqual(['expanded while busy', 'exported while idle']);
    expect(answers.map((a) => a.kind)).toEqual(['expanded', 'exported']);
  });

  it('says when the worker failed, so the page works the plan out itself', () => {
    const c = connect();
    let heard = 0;
    c.client.subscribe(() => heard++);
    c.client.receive({ kind: 'failed', id: 1, request: 'plan', message: 'boom' });
    expect(c.client.failure).toMatch(/boom/);
    expect(heard).toBe(1);
  });
});

describe('export preview', () => {
  it('keeps the beginning of a long file, and its full length and size', () => {
    const p = plan(3000, false);
    const ruleSet = expandPlan(p);
    const preview = exportPreview(p, ruleSet, 'csv', { scope: GATEWAY, defaultDrop: false }, 1000);
    expect(preview.ok && preview.head.length).toBe(1000);
    expect(preview.ok && preview.length).toBeGreaterThan(1000);
  });

  it('counts UTF-8 bytes as an encoder does', () => {
    for (const text of ['', 'abc', 'ção', '€', '😀 x', '\ud800 lone', 'é\udc00']) expect(utf8Bytes(text)).toBe(new TextEncoder().encode(text).length);
  });
});
