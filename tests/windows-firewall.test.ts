/**
 * The Windows Defender Firewall script, without PowerShell: tests/readback/powershell.ts reads
 * every line (a known call with known parameters and quoted values, or one of the few fixed lines
 * around them), and the rules it adds must let in exactly the engine's flows to the device groups
 * of the scope — for the fixture plans, each device group alone, and random plans.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exportPlan, expandPlan, stripControls, type AddressEntry, type Plan, type RuleSet, type Scope } from '../src/engine/index.ts';
import { box, canonical, flowBoxes, networkOf, rangeOf, type Box } from './readback/boxes.ts';
import { planArbitrary, scoped, SEED, usable } from './readback/plans.ts';
import { parsePowerShell, values, type PsScript } from './readback/powershell.ts';
import { fixturePlans } from './real-tools/exports.ts';

/** The order every script keeps: stop on errors, remove the group, stop there for rollback, then add. */
function checkShape(script: PsScript, plan: Plan): void {
  const s = script.statements;
  expect(s.slice(0, 5)).toEqual(['param', 'set ErrorActionPreference', 'set Group', 'Remove-NetFirewallRule', 'rollback-exit']);
  expect(s.slice(5).every((x) => x === 'New-NetFirewallRule' || /^set Addresses\d+$/.test(x))).toBe(true);
  const group = script.variables.get('Group');
  expect(group).toEqual({ kind: 'string', value: stripControls(`fwplan ${plan.name ?? 'plan'}`) });
  const remove = script.calls[0];
  expect(remove?.command).toBe('Remove-NetFirewallRule');
  expect(remove?.params.get('Group')).toEqual({ kind: 'var', name: 'Group' });
  const names = new Set<string>();
  for (const c of script.calls.slice(1)) {
    expect(c.command).toBe('New-NetFirewallRule');
    expect(c.params.get('Group'), `line ${c.line}`).toEqual({ kind: 'var', name: 'Group' });
    expect(values(script, c, 'Direction')).toEqual(['Inbound']);
    expect(values(script, c, 'Action')).toEqual(['Allow']);
    expect(values(script, c, 'Enabled')).toEqual(['True']);
    expect(values(script, c, 'Profile')).toEqual(['Any']);
    const [name] = values(script, c, 'Name');
    expect(name).toMatch(/^fwplan-[a-z0-9-]+$/);
    expect(names.has(name as string), `${name} twice`).toBe(false);
    names.add(name as string);
    expect(values(script, c, 'DisplayName')[0]).toMatch(/^fwplan: .+ to device group .+ \(IPv[46]\)$/);
  }
}

/** What the script lets in: remote addresses × the device group's local addresses × protocol × local ports. */
function scriptBoxes(script: PsScript): Box[] {
  const out: Box[] = [];
  for (const c of script.calls) {
    if (c.command !== 'New-NetFirewallRule') continue;
    const [proto] = values(script, c, 'Protocol');
    if (proto !== 'TCP' && proto !== 'UDP') throw new Error(`line ${c.line}: protocol ${proto}`);
    const ports = values(script, c, 'LocalPort').map((p) => {
      const m = /^(\d+)(?:-(\d+))?$/.exec(p);
      if (!m) throw new Error(`line ${c.line}: port ${p}`);
      return [Number(m[1]), Number(m[2] ?? m[1])] as [number, number];
    });
    for (const l of values(script, c, 'LocalAddress').map(networkOf)) {
      for (const r of values(script, c, 'RemoteAddress').map(networkOf)) {
        if (l.family !== r.family) throw new Error(`line ${c.line}: mixes IPv4 and IPv6`);
        for (const p of ports) out.push(box(l.family, proto === 'TCP' ? 'tcp' : 'udp', p, rangeOf(r), rangeOf(l)));
      }
    }
  }
  return out;
}

function check(plan: Plan, ruleSet: RuleSet, scope: Scope, deviceGroup?: string): PsScript {
  const r = exportPlan(plan, 'windows-firewall', { scope, defaultDrop: false, ...(deviceGroup !== undefined ? { deviceGroup } : {}) }, ruleSet);
  if (!r.ok) throw new Error(r.message);
  const script = parsePowerShell(r.text);
  checkShape(script, plan);
  const device = (e: AddressEntry) => e.owner.kind === 'group' && e.owner.role === 'DVC' && (deviceGroup === undefined || e.owner.group === deviceGroup);
  const what = `${scope.kind === 'host' ? scope.node : 'gateway'} ${deviceGroup ?? 'every group'}`;
  expect(canonical(scriptBoxes(script)), what).toBe(canonical(flowBoxes(scoped(ruleSet, scope), device)));
  return script;
}

describe('windows-firewall: every line parses, flows read back', () => {
  for (const { name, plan } of fixturePlans()) {
    it(name, () => {
      const ruleSet = expandPlan(plan);
      for (const scope of [{ kind: 'gateway' } as Scope, ...ruleSet.nodes.map((n): Scope => ({ kind: 'host', node: n.name }))]) {
        check(plan, ruleSet, scope);
        for (const g of ruleSet.deviceGroups) check(plan, ruleSet, scope, g.name);
      }
    });
  }

  it('random plans, every scope and device group (100 plans)', () => {
    let used = 0;
    fc.assert(
      fc.property(planArbitrary, (value) => {
        const u = usable(value);
        if (!u) return;
        used++;
        for (const scope of [{ kind: 'gateway' } as Scope, ...u.ruleSet.nodes.map((n): Scope => ({ kind: 'host', node: n.name }))]) {
          check(u.plan, u.ruleSet, scope);
          for (const g of u.ruleSet.deviceGroups) check(u.plan, u.ruleSet, scope, g.name);
        }
      }),
      { numRuns: 100, seed: SEED },
    );
    expect(used).toBeGreaterThan(40);
  });
});

describe('windows-firewall: device groups, names and hostile text', () => {
  const objects = fixturePlans().find((p) => p.name === 'objects')?.plan as Plan;

  it('--device-group cuts the script to one group, names the file after it, and refuses a group the plan lacks', () => {
    const gateway: Scope = { kind: 'gateway' };
    const r = exportPlan(objects, 'windows-firewall', { scope: gateway, defaultDrop: false, deviceGroup: 'Windows servers' });
    if (!r.ok) throw new Error(r.message);
    expect(r.fileName).toBe('hq-vault-objects-gateway-windows-servers-windows-firewall.ps1');
    expect(r.text).not.toMatch(/Linux servers|Network devices/);
    const missing = exportPlan(objects, 'windows-firewall', { scope: gateway, defaultDrop: false, deviceGroup: 'Windows Servers' });
    expect(missing.ok).toBe(false);
    if (!missing.ok) expect(missing.message).toMatch(/no device group of that name .*"Windows servers"/);
  });

  it('a hostile plan name and group name stay one quoted value each', () => {
    const name = "x' ; Remove-NetFirewallRule -All # ’‘ $(calc) `\n\r\u0000";
    const group = "dc'; Stop-Computer ‛‚ \"$env:PATH\"";
    const plan: Plan = { ...objects, name, deviceGroups: objects.deviceGroups.map((g, i) => (i === 0 ? { ...g, name: group } : g)) };
    const ruleSet = expandPlan(plan);
    expect(ruleSet.hasErrors).toBe(false);
    const script = check(plan, ruleSet, { kind: 'gateway' }, group);
    expect(script.calls.length).toBeGreaterThan(1);
    for (const c of script.calls.slice(1)) expect(values(script, c, 'DisplayName')[0]).toContain(`to device group ${group} (`);
  });

  it('the parser refuses what is not a known, quoted call (so the checks above can fail)', () => {
    const head = ['param(', '    [Parameter(Mandatory = $true)]', "    [ValidateSet('apply', 'rollback')]", '    [string]$Mode', ')', "$Group = 'g'"].join('\n');
    expect(() => parsePowerShell(`${head}\nNew-NetFirewallRule -DisplayName x`)).toThrow(/quoted string/);
    expect(() => parsePowerShell(`${head}\nNew-NetFirewallRule -DisplayName 'a' -Program 'c:\\x.exe'`)).toThrow(/unknown parameter/);
    expect(() => parsePowerShell(`${head}\nNew-NetFirewallRule -DisplayName 'a'; Stop-Computer`)).toThrow();
    expect(() => parsePowerShell(`${head}\nNew-NetFirewallRule -DisplayName 'it’s' -Group $Group`)).toThrow();
    expect(() => parsePowerShell(`${head}\nInvoke-Expression 'x'`)).toThrow(/not a known call/);
    expect(() => parsePowerShell(`New-NetFirewallRule -DisplayName 'a'\n${head}`)).toThrow(/param block comes first/);
  });
});
