import { describe, expect, it } from 'vitest';
import { evaluate, parseIpsetSave, parseIptablesSave, type Evaluation, type IptablesRuleset, type Loaded, type Packet } from './index.ts';

/** A filter table: policies, then the body lines (chains and rules). */
function table(body: string, policies = { INPUT: 'ACCEPT', FORWARD: 'ACCEPT', OUTPUT: 'ACCEPT' }): string {
  return `*filter\n:INPUT ${policies.INPUT} [0:0]\n:FORWARD ${policies.FORWARD} [0:0]\n:OUTPUT ${policies.OUTPUT} [0:0]\n${body}\nCOMMIT\n`;
}

function ipt(text: string, family: 4 | 6 = 4): IptablesRuleset {
  const r = parseIptablesSave(text, family);
  if (!r.ok) throw new Error(r.errors.map((e) => `line ${e.line}: ${e.message}: ${e.text}`).join('\n'));
  return r.value;
}

function loaded4(text: string, ipsets?: string): Loaded {
  const sets = ipsets === undefined ? undefined : parseIpsetSave(ipsets);
  if (sets && !sets.ok) throw new Error('bad ipset fixture');
  return { iptables: ipt(text), ...(sets?.ok ? { ipsets: sets.value } : {}) };
}

const IN: Packet = { family: 4, hook: 'input', src: '198.51.100.7', dst: '192.0.2.10', proto: 'tcp', sport: 40000, dport: 22, state: 'new', iif: 'eth0' };

function ev(l: Loaded, p: Partial<Packet> = {}): Evaluation {
  return evaluate(l, { ...IN, ...p } as Packet);
}

function verdict(l: Loaded, p: Partial<Packet> = {}): string {
  return ev(l, p).verdict;
}

describe('parseIptablesSave: chains and policies', () => {
  it('reads policies and user chains; the policy line decides when no rule does', () => {
    const l = loaded4(table(':USR - [0:0]\n-A INPUT -p tcp -m tcp --dport 22 -j USR\n-A USR -j ACCEPT', { INPUT: 'DROP', FORWARD: 'DROP', OUTPUT: 'ACCEPT' }));
    const chains = l.iptables?.filter?.chains;
    expect([...(chains?.keys() ?? [])]).toEqual(['INPUT', 'FORWARD', 'OUTPUT', 'USR']);
    expect(chains?.get('INPUT')?.policy).toBe('drop');
    expect(chains?.get('USR')?.policy).toBeUndefined();
    const accepted = ev(l);
    expect(accepted.verdict).toBe('accept');
    expect(accepted.trace).toEqual(['iptables filter line 6: -A INPUT -p tcp -m tcp --dport 22 -j USR', 'iptables filter line 7: -A USR -j ACCEPT']);
    const dropped = ev(l, { dport: 23 });
    expect(dropped.verdict).toBe('drop');
    expect(dropped.reason).toContain('line 2: :INPUT DROP [0:0]');
    expect(dropped.trace).toEqual(['iptables filter line 2: :INPUT DROP [0:0]: policy drop']);
    expect(verdict(l, { hook: 'output', oif: 'eth0' })).toBe('accept');
  });

  it('reads the counters form of iptables-save -c', () => {
    const l = loaded4('*filter\n:INPUT DROP [12:3400]\n[5:300] -A INPUT -s 198.51.100.0/24 -j ACCEPT\nCOMMIT\n');
    expect(ev(l).trace).toEqual(['iptables filter line 3: -A INPUT -s 198.51.100.0/24 -j ACCEPT']);
  });

  it('an empty save means iptables filters nothing', () => {
    const r = parseIptablesSave('', 4);
    expect(r.ok && r.value.filter).toBe(undefined);
    const e = evaluate({ iptables: ipt('') }, IN);
    expect(e.verdict).toBe('accept');
    expect(e.reason).toMatch(/nothing filters it/);
  });

  it('skips rules marked for the other family (-4 / -6), as the restore tools do', () => {
    const r = parseIptablesSave(table('-A INPUT -6 -j DROP'), 4);
    expect(r.ok && r.notes.some((n) => n.includes('line 5: rule skipped'))).toBe(true);
    expect(verdict(loaded4(table('-A INPUT -6 -j DROP')))).toBe('accept');
    expect(verdict(loaded4(table('-A INPUT -4 -j DROP')))).toBe('drop');
  });
});

describe('parseIptablesSave: matches', () => {
  it('-s / -d: CIDRs, hosts, lists, negation, dotted prefixes', () => {
    const l = loaded4(table('-A INPUT -s 198.51.100.0/25 -d 192.0.2.10/32 -j DROP\n-A INPUT ! -s 203.0.113.0/24 -d 192.0.2.11 -j DROP\n-A INPUT -s 192.0.2.0/255.255.255.0 -j DROP\n-A INPUT -d 192.0.2.20,192.0.2.21 -j DROP'));
    expect(verdict(l)).toBe('drop');
    expect(verdict(l, { src: '198.51.100.200' })).toBe('accept');
    expect(verdict(l, { src: '198.51.100.200', dst: '192.0.2.11' })).toBe('drop');
    expect(verdict(l, { src: '203.0.113.1', dst: '192.0.2.11' })).toBe('accept');
    expect(verdict(l, { src: '192.0.2.99', dst: '192.0.2.12' })).toBe('drop');
    expect(verdict(l, { src: '198.51.100.200', dst: '192.0.2.21' })).toBe('drop');
  });

  it('a non-contiguous netmask or a host name is unknown, naming the line', () => {
    const mask = ev(loaded4(table('-A INPUT -s 192.0.0.0/255.255.0.255 -j DROP')));
    expect(mask.verdict).toBe('unknown');
    expect(mask.reason).toContain('line 5');
    expect(mask.reason).toContain('non-contiguous');
    expect(verdict(loaded4(table('-A INPUT -s vault.example.com -j DROP')))).toBe('unknown');
  });

  it('-p by name and number, all, and negation; icmp is not ipv6-icmp', () => {
    const l = loaded4(table('-A INPUT -p 17 -j DROP\n-A INPUT ! -p tcp -j REJECT'));
    expect(verdict(l)).toBe('accept');
    expect(verdict(l, { proto: 'udp' })).toBe('drop');
    expect(ev(l, { proto: 'icmp' }).rejected).toBe(true);
    expect(verdict(loaded4(table('-A INPUT -p all -j DROP')))).toBe('drop');
    const six = { ip6tables: ipt(table('-A INPUT -p icmp -j DROP\n-A INPUT -p ipv6-icmp -j REJECT'), 6) };
    const e = evaluate(six, { ...IN, family: 6, src: '2001:db8::1', dst: '2001:db8::2', proto: 'icmp' });
    expect(e.verdict).toBe('drop');
    expect(e.reason).toContain('-p ipv6-icmp');
  });

  it('-i / -o with + and !; an interface the packet has not given is unknown', () => {
    const l = loaded4(table('-A INPUT -i lo -j ACCEPT\n-A INPUT -i veth+ -j DROP\n-A INPUT ! -i eth+ -j REJECT'));
    expect(verdict(l, { iif: 'lo' })).toBe('accept');
    expect(verdict(l, { iif: 'veth12' })).toBe('drop');
    expect(verdict(l, { iif: 'eth1' })).toBe('accept');
    expect(verdict(l, { iif: 'wg0' })).toBe('drop');
    const missing = evaluate(l, { ...IN, iif: undefined });
    expect(missing.verdict).toBe('unknown');
    expect(missing.reason).toMatch(/line 5: -A INPUT -i lo -j ACCEPT .*give iif/);
    const fwd = loaded4(table('-A FORWARD -i v-a -o v-b -j ACCEPT', { INPUT: 'ACCEPT', FORWARD: 'DROP', OUTPUT: 'ACCEPT' }));
    expect(verdict(fwd, { hook: 'forward', iif: 'v-a', oif: 'v-b' })).toBe('accept');
    expect(verdict(fwd, { hook: 'forward', iif: 'v-b', oif: 'v-a' })).toBe('drop');
  });

  it('--dport / --sport: single ports and ranges, open ends, negation; a missing port is unknown', () => {
    const l = loaded4(table('-A INPUT -p tcp -m tcp --dport 20:25 -j DROP\n-A INPUT -p tcp -m tcp ! --sport 1024: -j REJECT\n-A INPUT -p udp -m udp --dport :53 -j DROP'));
    expect(verdict(l)).toBe('drop');
    expect(verdict(l, { dport: 26 })).toBe('accept');
    expect(ev(l, { dport: 26, sport: 1023 }).rejected).toBe(true);
    expect(verdict(l, { proto: 'udp', dport: 53 })).toBe('drop');
    expect(verdict(l, { proto: 'udp', dport: 54 })).toBe('accept');
    const noPort = evaluate(l, { ...IN, dport: undefined });
    expect(noPort.verdict).toBe('unknown');
    expect(noPort.reason).toContain('give dport');
    // an ICMP packet never reaches the port test
    expect(verdict(l, { proto: 'icmp', dport: undefined, sport: undefined })).toBe('accept');
  });

  it('-m multiport --dports / --sports / --ports with lists and ranges', () => {
    const l = loaded4(table('-A INPUT -p tcp -m multiport --dports 22,80,8000:8080 -j DROP\n-A INPUT -p udp -m multiport --sports 53,123 -j DROP\n-A INPUT -p udp -m multiport ! --ports 1000:2000 -j REJECT'));
    for (const d of [22, 80, 8000, 8042, 8080]) expect(verdict(l, { dport: d })).toBe('drop');
    expect(verdict(l, { dport: 8081 })).toBe('accept');
    expect(verdict(l, { proto: 'udp', sport: 123, dport: 1 })).toBe('drop');
    expect(verdict(l, { proto: 'udp', sport: 1500, dport: 9 })).toBe('accept');
    expect(verdict(l, { proto: 'udp', sport: 9, dport: 1500 })).toBe('accept');
    expect(ev(l, { proto: 'udp', sport: 9, dport: 9 }).rejected).toBe(true);
  });

  it('-m conntrack --ctstate and -m state --state, negated too; SNAT/DNAT states are unknown', () => {
    const l = loaded4(table('-A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT\n-A INPUT -m state ! --state NEW -j DROP\n-A INPUT -j REJECT'));
    expect(verdict(l, { state: 'established' })).toBe('accept');
    expect(verdict(l, { state: 'related' })).toBe('accept');
    expect(verdict(l, { state: 'invalid' })).toBe('drop');
    expect(ev(l, { state: 'new' }).rejected).toBe(true);
    expect(verdict(loaded4(table('-A INPUT -m conntrack --ctstate DNAT -j DROP')))).toBe('unknown');
  });

  it('-m set --match-set src/dst against the ipsets given; a missing set is unknown', () => {
    const sets = 'create users hash:net family inet\nadd users 198.51.100.0/24\nadd users 198.51.100.128/25 nomatch\ncreate vault hash:ip family inet\nadd vault 192.0.2.10\n';
    const rules = table('-A INPUT -m set --match-set users src -m set --match-set vault dst -j ACCEPT\n-A INPUT -j DROP');
    const l = loaded4(rules, sets);
    expect(verdict(l)).toBe('accept');
    expect(verdict(l, { src: '198.51.100.130' })).toBe('drop');
    expect(verdict(l, { dst: '192.0.2.11' })).toBe('drop');
    const missing = evaluate({ iptables: ipt(rules) }, IN);
    expect(missing.verdict).toBe('unknown');
    expect(missing.reason).toContain('ipset users is referenced but not given');
  });

  it('--match-set with several directions uses the first and says so', () => {
    const r = parseIptablesSave(table('-A INPUT -m set --match-set vault dst,dst -j DROP'), 4);
    expect(r.ok && r.notes.some((n) => n.includes('only the first dimension (dst)'))).toBe(true);
    const l = loaded4(table('-A INPUT -m set --match-set vault dst,src -j DROP'), 'create vault hash:ip family inet\nadd vault 192.0.2.10\n');
    expect(verdict(l)).toBe('drop');
    expect(verdict(l, { dst: '192.0.2.11' })).toBe('accept');
  });

  it('-m comment is ignored (quotes and all); -m limit is taken as matching and said so', () => {
    const l = loaded4(table('-A INPUT -m comment --comment "say \\"hi\\" -j DROP" -m limit --limit 5/min --limit-burst 10 -j DROP'));
    const e = ev(l);
    expect(e.verdict).toBe('drop');
    expect(e.notes.some((n) => n.includes('line 5') && n.includes('-m limit --limit 5/min is taken as matching'))).toBe(true);
  });
});

describe('parseIptablesSave: targets', () => {
  it('ACCEPT, DROP, REJECT (a drop, marked rejected), LOG goes on', () => {
    const l = loaded4(table('-A INPUT -p tcp -m tcp --dport 1 -j LOG --log-prefix "x y " --log-level 4\n-A INPUT -p tcp -m tcp --dport 1 -j REJECT --reject-with tcp-reset\n-A INPUT -p tcp -m tcp --dport 2 -j DROP'));
    const rej = ev(l, { dport: 1 });
    expect(rej.verdict).toBe('drop');
    expect(rej.rejected).toBe(true);
    expect(rej.reason).toMatch(/^rejected/);
    expect(ev(l, { dport: 2 }).rejected).toBeUndefined();
    expect(verdict(l, { dport: 3 })).toBe('accept');
  });

  it('RETURN goes back to the caller; in a built-in chain it is the policy', () => {
    const l = loaded4(table(':A - [0:0]\n-A INPUT -j A\n-A INPUT -p tcp -j DROP\n-A A -s 198.51.100.7 -j RETURN\n-A A -j ACCEPT\n-A OUTPUT -j RETURN\n-A OUTPUT -j DROP', { INPUT: 'ACCEPT', FORWARD: 'ACCEPT', OUTPUT: 'ACCEPT' }));
    expect(verdict(l)).toBe('drop');
    expect(verdict(l, { src: '198.51.100.8' })).toBe('accept');
    expect(verdict(l, { hook: 'output', oif: 'eth0' })).toBe('accept');
  });

  it('-g: the end of the chain gone to returns to the caller of the chain that went (here: the policy)', () => {
    const body = ':A - [0:0]\n:B - [0:0]\n-A INPUT -j A\n-A INPUT -j ACCEPT\n-A A -g B\n-A A -j DROP\n-A B -p udp -j DROP';
    const l = loaded4(table(body, { INPUT: 'DROP', FORWARD: 'DROP', OUTPUT: 'ACCEPT' }));
    // tcp: INPUT -> A -g B -> end of B -> back to INPUT after "-j A" -> ACCEPT (A's DROP is skipped)
    const e = ev(l);
    expect(e.verdict).toBe('accept');
    expect(e.trace).toEqual(['iptables filter line 8: -A INPUT -j ACCEPT']);
    expect(verdict(l, { proto: 'udp' })).toBe('drop');
    // a goto from the built-in chain: the end of the chain gone to is the policy
    const fromBase = loaded4(table(':B - [0:0]\n-A INPUT -g B\n-A INPUT -j ACCEPT\n-A B -p udp -j ACCEPT', { INPUT: 'DROP', FORWARD: 'DROP', OUTPUT: 'ACCEPT' }));
    expect(verdict(fromBase)).toBe('drop');
    expect(verdict(fromBase, { proto: 'udp' })).toBe('accept');
  });
});

describe('parseIptablesSave: what is not evaluated is unknown, never guessed', () => {
  it('an unknown match module makes the rule unknown wherever it is reached, naming the line', () => {
    const l = loaded4(table('-A INPUT -p udp -j DROP\n-A INPUT -m addrtype --dst-type LOCAL -p udp -j DROP'));
    const e = ev(l);
    expect(e.verdict).toBe('unknown');
    expect(e.reason).toContain('line 6: -A INPUT -m addrtype --dst-type LOCAL -p udp -j DROP');
    expect(e.reason).toContain('-m addrtype');
  });

  it('a known option whose meaning is not modelled is unknown only when the rest of the rule matches', () => {
    const l = loaded4(table('-A INPUT -p icmp -m icmp --icmp-type 8 -j ACCEPT\n-A INPUT -p tcp -m tcp --tcp-flags SYN,ACK SYN --dport 80 -j DROP'));
    expect(verdict(l)).toBe('accept');
    expect(verdict(l, { proto: 'icmp', dport: undefined })).toBe('unknown');
    expect(verdict(l, { dport: 80 })).toBe('unknown');
  });

  it('an unknown target is unknown when its rule matches, skipped when it does not', () => {
    const l = loaded4(table('-A INPUT -p udp -j NFQUEUE --queue-num 3\n-A INPUT -p tcp -j MARK --set-xmark 0x1/0xffffffff'));
    expect(verdict(l, { proto: 'icmp' })).toBe('accept');
    const e = ev(l);
    expect(e.verdict).toBe('unknown');
    expect(e.reason).toContain('line 6');
    expect(e.reason).toContain('-j MARK');
  });

  it('other tables: notes, and a table that can drop makes an accept unknown (a drop stays a drop)', () => {
    const text = `*nat\n:PREROUTING ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n-A POSTROUTING -o eth0 -j MASQUERADE\nCOMMIT\n${table('-A INPUT -p udp -j DROP')}`;
    const r = parseIptablesSave(text, 4);
    expect(r.ok && r.value.tables).toEqual(['nat', 'filter']);
    expect(r.ok && r.notes.some((n) => n.includes('table nat (1 rule(s)) is not evaluated'))).toBe(true);
    expect(verdict({ iptables: ipt(text) })).toBe('accept');
    const mangled = `*mangle\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -p tcp -m tcp --dport 23 -j DROP\nCOMMIT\n${table('-A INPUT -p udp -j DROP')}`;
    const e = ev({ iptables: ipt(mangled) });
    expect(e.verdict).toBe('unknown');
    expect(e.reason).toContain('table mangle line 3 can drop packets');
    expect(ev({ iptables: ipt(mangled) }, { proto: 'udp' }).verdict).toBe('drop');
  });
});

describe('parseIptablesSave: errors name the line number and text', () => {
  const cases: [string, string, RegExp][] = [
    ['garbage in a table', table('hello world'), /not a rule, chain, table or COMMIT line/],
    ['a rule outside a table', '-A INPUT -j DROP\n', /outside a table/],
    ['no COMMIT', '*filter\n:INPUT ACCEPT [0:0]\n', /not committed/],
    ['an undeclared chain', table('-A NOPE -j DROP'), /chain NOPE is not declared/],
    ['a goto to nowhere', table('-A INPUT -g NOPE'), /-g NOPE: no such chain/],
    ['a bad address', table('-A INPUT -s 10.0.0.300 -j DROP'), /-s "10.0.0.300" is not a valid IPv4 address/],
    ['an IPv6 address in iptables', table('-A INPUT -s 2001:db8::1 -j DROP'), /not an IPv4 address/],
    ['a reversed port range', table('-A INPUT -p tcp -m tcp --dport 25:22 -j DROP'), /reversed/],
    ['an open quote', table('-A INPUT -m comment --comment "oops -j DROP'), /double quote is not closed/],
    ['-I instead of -A', table('-I INPUT 1 -j DROP'), /only -A rules/],
    ['a policy on a user chain', table(':USR ACCEPT [0:0]'), /cannot have a policy/],
    ['a bad state', table('-A INPUT -m conntrack --ctstate FRESH -j DROP'), /not a connection state/],
    ['two targets', table('-A INPUT -j ACCEPT -j DROP'), /one target/],
    ['a dangling !', table('-A INPUT -j DROP !'), /"!"/],
  ];
  for (const [what, text, message] of cases) {
    it(what, () => {
      const r = parseIptablesSave(text, 4);
      expect(r.ok).toBe(false);
      if (r.ok) return;
      const e = r.errors[0];
      expect(e?.message).toMatch(message);
      expect(e?.line).toBeGreaterThan(0);
      const line = text.split('\n')[(e?.line ?? 1) - 1]?.trim();
      expect(e?.text).toBe(line);
    });
  }
});
