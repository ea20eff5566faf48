/**
 * nftables exports for every fixture plan, scope and --default-drop setting, checked by the real
 * nft in a fresh network namespace: `nft -c -f` accepts the file, loading it for real works, and the
 * kernel then holds exactly as many rules in table inet fwplan as the file has.
 */
import { describe, expect, it } from 'vitest';
import { gatedDescribe, rootAndTools } from '../enforcement/gate.ts';
import { exportCases, render, type ExportCase } from './exports.ts';
import { failureText, inFreshNetns } from './sandbox.ts';

/** Rule lines inside the chains of the file (not the chain's `type … hook …` line). */
function nftRuleLines(text: string): number {
  let inChain = false;
  let n = 0;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (/^chain \S+ \{$/.test(line)) inChain = true;
    else if (inChain && line === '}') inChain = false;
    else if (inChain && line !== '' && !line.startsWith('type ') && !line.startsWith('#')) n++;
  }
  return n;
}

interface NftJson {
  nftables: ({ rule?: { table: string; family: string } } & Record<string, unknown>)[];
}

async function check(c: ExportCase): Promise<void> {
  const text = render(c, 'nftables');
  const r = await inFreshNetns('nft -c -f "$1/rules"\nnft -f "$1/rules"\n# loading twice works: a changed plan can be re-applied\nnft -f "$1/rules"\nnft -j list ruleset', { rules: text });
  expect(r.code, failureText(r)).toBe(0);
  const listed = JSON.parse(r.stdout) as NftJson;
  const rules = listed.nftables.filter((o) => o.rule?.table === 'fwplan' && o.rule.family === 'inet').length;
  expect(rules, 'rules in the kernel vs rules in the file').toBe(nftRuleLines(text));
}

gatedDescribe('real tools: nft', rootAndTools(['unshare', 'nft']), () => {
  for (const c of exportCases()) {
    describe(c.title, () => {
      it('accepted by nft -c -f and loaded whole', () => check(c));
    });
  }

  it('the check fails on a file nft refuses (so it can fail)', async () => {
    const r = await inFreshNetns('nft -c -f "$1/rules"', { rules: 'table inet t {\n\tchain c {\n\t\ttcp dport 70000 accept\n\t}\n}\n' });
    expect(r.code).not.toBe(0);
  });
});
