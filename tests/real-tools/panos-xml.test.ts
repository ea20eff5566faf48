/**
 * PAN-OS XML exports for every fixture plan, scope and --default-drop setting, read by libxml2's
 * xmllint: the file is well-formed XML; xmllint's XPath finds the security rules where
 * `load config partial` takes them from, as many as the header says; and every member a group or
 * rule names (address, address group, service, service group) is defined in the same file, so the
 * firewall's commit cannot fail on a dangling name. Hostile labels must arrive as text, never as
 * markup.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RENDERERS, exportPlan } from '../../src/engine/index.ts';
import { parsePlan } from '../../src/engine/schema.ts';
import { run } from '../enforcement/exec.ts';
import { gatedDescribe, tools } from '../enforcement/gate.ts';
import { exportCases } from './exports.ts';

const work = mkdtempSync(join(tmpdir(), 'fwplan-panos-xml-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const VSYS = "/config/devices/entry[@name='localhost.localdomain']/vsys/entry[@name='vsys1']";
let n = 0;

async function xpath(file: string, expr: string): Promise<string> {
  const r = await run('xmllint', ['--xpath', expr, file]);
  // xmllint exits 10 when an XPath set is empty
  if (r.code === 10) return '';
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
}

/** The text of every node an XPath selects, one per line (xmllint ≥ 2.9.x prints each on a line of its own). */
async function texts(file: string, expr: string): Promise<string[]> {
  return (await xpath(file, expr)).split('\n').map((l) => l.trim().replace(/^name="(.*)"$/, '$1')).filter((l) => l !== '');
}

async function check(text: string): Promise<void> {
  const file = join(work, `case${++n}.xml`);
  writeFileSync(file, text);
  const lint = await run('xmllint', ['--noout', file]);
  expect(lint.code, lint.stderr).toBe(0);
  const rules = Number(await xpath(file, `count(${VSYS}/rulebase/security/rules/entry)`));
  expect(rules).toBe(RENDERERS['panos-xml'].countRules(text));
  const addresses = new Set(await texts(file, `${VSYS}/address/entry/@name`));
  const groups = new Set(await texts(file, `${VSYS}/address-group/entry/@name`));
  const services = new Set(await texts(file, `${VSYS}/service/entry/@name`));
  const serviceGroups = new Set(await texts(file, `${VSYS}/service-group/entry/@name`));
  // the names were read one by one: as many as there are entries
  expect(addresses.size).toBe(Number(await xpath(file, `count(${VSYS}/address/entry)`)));
  expect(groups.size).toBe(Number(await xpath(file, `count(${VSYS}/address-group/entry)`)));
  for (const m of await texts(file, `${VSYS}/address-group/entry/static/member/text()`)) expect(addresses.has(m) || groups.has(m), `group member ${m}`).toBe(true);
  for (const m of await texts(file, `${VSYS}/service-group/entry/members/member/text()`)) expect(services.has(m), `service group member ${m}`).toBe(true);
  for (const side of ['source', 'destination']) {
    for (const m of await texts(file, `${VSYS}/rulebase/security/rules/entry/${side}/member/text()`)) expect(m === 'any' || m === '0.0.0.0/0' || m === '::/0' || addresses.has(m) || groups.has(m), `${side} ${m}`).toBe(true);
  }
  for (const m of await texts(file, `${VSYS}/rulebase/security/rules/entry/service/member/text()`)) expect(m === 'any' || services.has(m) || serviceGroups.has(m), `service ${m}`).toBe(true);
  for (const a of await texts(file, `${VSYS}/rulebase/security/rules/entry/action/text()`)) expect(['allow', 'deny']).toContain(a);
}

gatedDescribe('real tools: xmllint reads the PAN-OS XML export', tools(['xmllint']), () => {
  for (const c of exportCases()) {
    it(`${c.title}: well-formed, its rules where load config partial looks, every name defined`, async () => {
      for (const placement of [{}, { from: 'untrust', to: 'vault zone' }]) {
        const out = exportPlan(c.plan, 'panos-xml', { scope: c.scope, defaultDrop: c.defaultDrop, ...placement });
        if (!out.ok) throw new Error(out.message);
        await check(out.text);
      }
    });
  }

  it('carries hostile labels and names as text, never as markup', async () => {
    const hostile = '</description><entry name="x"> & <!-- -- --> ]]> "\'';
    const parsed = parsePlan({
      version: 2,
      name: `${hostile} plan--`,
      nodes: [{ name: 'vault-01', role: 'PRD', addresses: ['192.0.2.10'] }],
      roles: { NTP: [{ address: '192.0.2.123', label: hostile }] },
      deviceGroups: [{ name: hostile, entries: ['203.0.113.0/24'], services: ['prd-dvc-tcp-22'] }],
    });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    const out = exportPlan(parsed.plan, 'panos-xml', { scope: { kind: 'gateway' }, defaultDrop: true });
    if (!out.ok) throw new Error(out.message);
    await check(out.text);
    const file = join(work, 'hostile.xml');
    writeFileSync(file, out.text);
    expect(await texts(file, `${VSYS}/address/entry/description/text()`)).toContain(xmlEscaped(hostile));
  });

  describe('the check can fail', () => {
    it('xmllint refuses a file that is not well-formed', async () => {
      const file = join(work, 'broken.xml');
      writeFileSync(file, '<config><devices></config>');
      expect((await run('xmllint', ['--noout', file])).code).not.toBe(0);
    });
  });
});

/** How xmllint prints a text node: with &, < and > escaped again. */
function xmlEscaped(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
