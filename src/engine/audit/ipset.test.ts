import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAddress } from '../net/address.ts';
import { evaluate, ipsetContains, parseIpsetSave, parseIptablesSave, type IpsetCollection, type Packet } from './index.ts';

const FIXTURES = new URL('../../../tests/fixtures/audit/', import.meta.url);

function sets(text: string): IpsetCollection {
  const r = parseIpsetSave(text);
  if (!r.ok) throw new Error(r.errors.map((e) => `line ${e.line}: ${e.message}`).join('\n'));
  return r.value;
}

function has(c: IpsetCollection, name: string, address: string): boolean {
  const set = c.sets.get(name);
  const a = parseAddress(address);
  if (!set || !a.ok) throw new Error('bad test input');
  return ipsetContains(set, a.network.start);
}

describe('parseIpsetSave', () => {
  it('reads what `ipset save` writes, options and all', () => {
    const c = sets(readFileSync(new URL('iptables-nft.ipset-save', FIXTURES), 'utf8'));
    expect([...c.sets.keys()]).toEqual(['users', 'hosts6']);
    expect(c.sets.get('users')).toMatchObject({ type: 'hash:net', family: 4 });
    expect(c.sets.get('hosts6')).toMatchObject({ type: 'hash:ip', family: 6 });
    expect(has(c, 'users', '198.51.100.1')).toBe(true);
    expect(has(c, 'users', '198.51.100.200')).toBe(false);
    expect(has(c, 'hosts6', '2001:db8::10')).toBe(true);
    expect(has(c, 'hosts6', '2001:db8::11')).toBe(false);
  });

  it('hash:net: the most specific entry decides, and a nomatch entry says no', () => {
    const c = sets('create n hash:net family inet hashsize 1024 maxelem 65536 counters comment\nadd n 10.0.0.0/8 packets 1 bytes 2 comment "big one"\nadd n 10.1.0.0/16 nomatch\nadd n 10.1.2.0/24\n');
    expect(has(c, 'n', '10.9.9.9')).toBe(true);
    expect(has(c, 'n', '10.1.9.9')).toBe(false);
    expect(has(c, 'n', '10.1.2.3')).toBe(true);
    expect(has(c, 'n', '11.0.0.1')).toBe(false);
  });

  it('hash:net: a range added by hand becomes the CIDRs ipset would store', () => {
    const c = sets('create n hash:net family inet\nadd n 192.0.2.5-192.0.2.9\n');
    expect(['192.0.2.4', '192.0.2.10'].map((a) => has(c, 'n', a))).toEqual([false, false]);
    expect(['192.0.2.5', '192.0.2.8', '192.0.2.9'].map((a) => has(c, 'n', a))).toEqual([true, true, true]);
  });

  it('hash:ip with netmask stores (and looks up) whole blocks', () => {
    const c = sets('create h hash:ip family inet netmask 30\nadd h 192.0.2.4\n');
    expect(['192.0.2.3', '192.0.2.4', '192.0.2.7', '192.0.2.8'].map((a) => has(c, 'h', a))).toEqual([false, true, true, false]);
  });

  it('timeouts are noted: entries are as they were when saved', () => {
    const r = parseIpsetSave('create t hash:net family inet timeout 300\nadd t 10.0.0.0/8 timeout 99\n');
    expect(r.ok && r.notes).toEqual(['ipset t has timeouts: its entries are evaluated as they were when saved']);
  });

  it('other set types are read but make a rule that uses them unknown', () => {
    const c = sets('create hp hash:ip,port family inet\nadd hp 192.0.2.1,tcp:80\ncreate bp bitmap:port range 0-1000\n');
    expect(c.sets.get('hp')?.unsupported).toMatch(/hash:ip,port is not evaluated/);
    const rules = parseIptablesSave('*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -m set --match-set hp dst -j DROP\nCOMMIT\n', 4);
    if (!rules.ok) throw new Error('fixture');
    const p: Packet = { family: 4, hook: 'input', src: '198.51.100.1', dst: '192.0.2.1', proto: 'tcp', sport: 1, dport: 80, state: 'new', iif: 'eth0' };
    const e = evaluate({ iptables: rules.value, ipsets: c }, p);
    expect(e.verdict).toBe('unknown');
    expect(e.reason).toContain('ipset hp: set type hash:ip,port is not evaluated');
  });

  it('a set of the other family is unknown for the packet', () => {
    const rules = parseIptablesSave('*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -m set --match-set six src -j DROP\nCOMMIT\n', 4);
    if (!rules.ok) throw new Error('fixture');
    const p: Packet = { family: 4, hook: 'input', src: '198.51.100.1', dst: '192.0.2.1', proto: 'udp', sport: 1, dport: 53, state: 'new', iif: 'eth0' };
    const e = evaluate({ iptables: rules.value, ipsets: sets('create six hash:net family inet6\nadd six 2001:db8::/32\n') }, p);
    expect(e.verdict).toBe('unknown');
    expect(e.reason).toContain('ipset six is an IPv6 set');
  });

  const errors: [string, string, number, RegExp][] = [
    ['an add before its create', 'add n 10.0.0.0/8\n', 1, /not created before/],
    ['a bad address', 'create n hash:net family inet\nadd n 10.0.0.300\n', 2, /not a valid IPv4 address/],
    ['an address of the other family', 'create n hash:net family inet6\nadd n 10.0.0.1\n', 2, /not an IPv6 address/],
    ['an unknown command', 'create n hash:net family inet\nflush n\n', 2, /not a "create" or "add" line/],
    ['a set created twice', 'create n hash:net\ncreate n hash:ip\n', 2, /created twice/],
    ['a bad family', 'create n hash:net family ipx\n', 1, /not inet or inet6/],
  ];
  for (const [what, text, line, message] of errors) {
    it(`errors name the line: ${what}`, () => {
      const r = parseIpsetSave(text);
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.errors[0]?.line).toBe(line);
      expect(r.errors[0]?.text).toBe(text.split('\n')[line - 1]);
      expect(r.errors[0]?.message).toMatch(message);
    });
  }
});
