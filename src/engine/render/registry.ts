import { awsCloudFormationRenderer, awsTerraformRenderer } from './aws.ts';
import { azureNsgRenderer } from './azure.ts';
import { csvRenderer } from './csv.ts';
import { firewalldRenderer } from './firewalld.ts';
import { ip6tablesRenderer, iptablesRenderer } from './iptables.ts';
import { ipsetRenderer } from './ipset.ts';
import { jsonRenderer } from './json.ts';
import { nftablesRenderer } from './nftables.ts';
import type { Renderer } from './types.ts';
import { ufwRenderer } from './ufw.ts';
import { windowsFirewallRenderer } from './windows.ts';

/** Every output format, by id. A new format is its file and one line here; nothing else names formats. */
export const RENDERERS = {
  iptables: iptablesRenderer,
  ip6tables: ip6tablesRenderer,
  nftables: nftablesRenderer,
  ufw: ufwRenderer,
  firewalld: firewalldRenderer,
  ipset: ipsetRenderer,
  csv: csvRenderer,
  json: jsonRenderer,
  'aws-terraform': awsTerraformRenderer,
  'aws-cloudformation': awsCloudFormationRenderer,
  'azure-nsg': azureNsgRenderer,
  'windows-firewall': windowsFirewallRenderer,
} as const satisfies Record<string, Renderer>;

export type FormatId = keyof typeof RENDERERS;
export const FORMAT_IDS = Object.keys(RENDERERS) as FormatId[];

export function isFormatId(value: unknown): value is FormatId {
  return typeof value === 'string' && Object.hasOwn(RENDERERS, value);
}

/** The renderer of a format, typed as the general interface. */
export function rendererOf(format: FormatId): Renderer {
  return RENDERERS[format];
}
