/**
 * Every firewall format the engine can export has a real-tool check here (and a packet check in
 * tests/enforcement): a new format without one fails this test instead of going unchecked.
 */
import { describe, expect, it } from 'vitest';
import { FORMAT_IDS, RENDERERS } from '../../src/engine/index.ts';

/** Formats checked by tests/real-tools/*.test.ts, and by which tool. */
const CHECKED: Record<string, string> = {
  iptables: 'iptables-restore --test, then loaded (iptables.test.ts)',
  ip6tables: 'ip6tables-restore --test, then loaded (iptables.test.ts)',
  ipset: 'ipset restore, with iptables --ipset (iptables.test.ts)',
  nftables: 'nft -c -f, then loaded (nftables.test.ts)',
  ufw: 'bash -n, every call through ufw --dry-run (ufw.test.ts)',
  firewalld: 'bash -n, every call through firewall-offline-cmd (firewalld.test.ts)',
};

describe('real-tool coverage', () => {
  it('every firewall format of the engine has a real-tool check', () => {
    const firewallFormats = FORMAT_IDS.filter((f) => RENDERERS[f].firewall);
    expect(firewallFormats.filter((f) => !(f in CHECKED))).toEqual([]);
    expect(firewallFormats.length).toBeGreaterThanOrEqual(5);
  });
});
