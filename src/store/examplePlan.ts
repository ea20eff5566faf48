import { parsePlan, type Plan } from '../engine/index.ts';

/** A small plan in documentation address ranges: what a first look at fwplan needs. */
const EXAMPLE = {
  version: 1,
  name: 'Example vault',
  cluster: false,
  roles: {
    PRD: [{ address: '192.0.2.10', label: 'vault-01' }],
    USERW: ['198.51.100.0/24'],
    DVC: ['203.0.113.0/25', { address: '203.0.113.200', label: 'core switch' }],
    NTP: ['192.0.2.1'],
    DNS: ['192.0.2.2', '192.0.2.3'],
    MAIL: [{ address: '192.0.2.25', label: 'smtp relay' }],
    LDAP: [{ address: '192.0.2.30', label: 'dc-01' }],
    LOG: ['192.0.2.40'],
    BACKUP: ['192.0.2.50'],
  },
  disabled: ['prd-dvc-tcp-23'],
  ports: { 'prd-mail-tcp-420': 587 },
};

export function examplePlan(): Plan {
  const parsed = parsePlan(EXAMPLE);
  if (!parsed.ok) throw new Error(`the example plan is invalid: ${parsed.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
  return parsed.plan;
}
