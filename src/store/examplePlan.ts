import { type Plan } from '../engine/index.ts';
import { parsePlan } from '../engine/schema.ts';

/** A small plan in documentation address ranges: what a first look at fwplan needs. */
const EXAMPLE = {
  version: 2,
  name: 'Example vault',
  cluster: false,
  nodes: [{ name: 'vault-01', role: 'PRD', addresses: ['192.0.2.10', '2001:db8:10::10'] }],
  roles: {
    ADMINW: [{ address: '198.51.100.7', label: 'admin workstation' }],
    NTP: ['192.0.2.1'],
    DNS: ['192.0.2.2', '192.0.2.3'],
    MAIL: [{ address: '192.0.2.25', label: 'smtp relay' }],
    LDAP: [{ address: '192.0.2.30', label: 'dc-01' }],
    LOG: ['192.0.2.40'],
    BACKUP: ['192.0.2.50'],
  },
  userGroups: [
    { name: 'Administrators', entries: ['198.51.100.0/28'], services: ['userw-prd-tcp-443', 'userw-prd-tcp-22', 'userw-prd-tcp-3389'] },
    { name: 'Everyone', entries: ['198.51.100.0/24', '2001:db8:100::/48'], services: ['userw-prd-tcp-443'] },
  ],
  deviceGroups: [
    { name: 'Windows servers', entries: [{ address: '203.0.113.5', label: 'dc01' }, '203.0.113.64/26'], services: ['prd-dvc-tcp-3389', 'prd-dvc-tcp-135', 'prd-dvc-tcp-139', 'prd-dvc-tcp-445'] },
    { name: 'Linux servers', entries: ['203.0.113.128/26'], services: ['prd-dvc-tcp-22'] },
    { name: 'Network devices', entries: [{ address: '203.0.113.200', label: 'core switch' }], services: ['prd-dvc-tcp-22', 'prd-dvc-tcp-443'] },
  ],
  disabled: [],
  ports: { 'prd-mail-tcp-420': 587 },
};

export function examplePlan(): Plan {
  const parsed = parsePlan(EXAMPLE);
  if (!parsed.ok) throw new Error(`the example plan is invalid: ${parsed.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
  return parsed.plan;
}
