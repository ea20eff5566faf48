/**
 * Proof that the enforcement checker catches a broken renderer: a correct export is broken the way
 * a renderer bug would break it (one port left out of a rule; a rule's direction reversed), loaded
 * into the router, and the checker must report exactly the flows that went wrong — the planned flow
 * that no longer passes, and for the reversed rule the flow that now passes though nothing allows it.
 * These tests pass because the checker detects the breakage.
 */
import { expect, it } from 'vitest';
import type { Flow } from './flows.ts';
import { gatedDescribe } from './gate.ts';
import { dropPort, swapDirection } from './mutate.ts';
import type { Failure } from './probe.ts';
import { enforcementGate, useEnforcementLab } from './suite.ts';
import { PROOF } from './topologies.ts';

/** A failure as a comparable line: "expected open got timeout tcp/22 userw1 -> prd". */
function summary(f: Pick<Failure, 'expected' | 'got'> & { flow: Pick<Flow, 'proto' | 'port' | 'src' | 'dst'> }): string {
  return `expected ${f.expected} got ${f.got} ${f.flow.proto}/${f.flow.port} ${f.flow.src.host} -> ${f.flow.dst.host}`;
}

gatedDescribe('enforcement: the checker catches a broken renderer', enforcementGate(), () => {
  const lab = useEnforcementLab(PROOF);

  for (const format of ['nftables', 'iptables'] as const) {
    it(`${format}: the unbroken export passes (control)`, async () => {
      const r = await lab().round(format, { kind: 'gateway' });
      expect(r.failures.map(summary)).toEqual([]);
    });

    it(`${format}: a port left out of a rule (SSH from USERW to PRD) is reported as missing flows`, async () => {
      const r = await lab().round(format, { kind: 'gateway' }, { mutate: (text) => dropPort(text, 'userw-prd-tcp-22', 22) });
      expect(r.failures.map(summary).sort()).toEqual([
        'expected open got timeout tcp/22 userw1 -> prd',
        'expected open got timeout tcp/22 userw2 -> prd',
      ]);
    });

    it(`${format}: a rule with source and destination swapped (NTP) is reported as a missing and an extra flow`, async () => {
      const r = await lab().round(format, { kind: 'gateway' }, { mutate: (text) => swapDirection(text, 'prd-ntp-udp-123') });
      expect(r.failures.map(summary).sort()).toEqual([
        'expected dropped got open udp/123 ntp -> prd',
        'expected open got timeout udp/123 prd -> ntp',
      ]);
    });
  }
});
