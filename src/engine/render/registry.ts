import { asaRenderer } from './asa.ts';
import { awsCloudFormationRenderer, awsTerraformRenderer } from './aws.ts';
import { azureNsgRenderer } from './azure.ts';
import { csvRenderer } from './csv.ts';
import { firewalldRenderer } from './firewalld.ts';
import { fortigateRenderer } from './fortigate.ts';
import { FORMAT_IDS, type FormatId } from './formats.ts';
import { ip6tablesRenderer, iptablesRenderer } from './iptables.ts';
import { ipsetRenderer } from './ipset.ts';
import { jsonRenderer } from './json.ts';
import { nftablesRenderer } from './nftables.ts';
import { panosRenderer, panosXmlRenderer } from './panos.ts';
import type { Renderer } from './types.ts';
import { ufwRenderer } from './ufw.ts';
import { windowsFirewallRenderer } from './windows.ts';

/**
 * Every output format, by id. A new format is its file, its id in ./formats.ts and one line here;
 * nothing else names formats.
 */
export const RENDERERS = {
  iptables: iptablesRenderer,
  ip6tables: ip6tablesRenderer,
  nftables: nftablesRenderer,
  ufw: ufwRenderer,
  firewalld: firewalldRenderer,
  ipset: ipsetRenderer,
  csv: csvRenderer,
  json: jsonRenderer,
  fortigate: fortigateRenderer,
  panos: panosRenderer,
  'panos-xml': panosXmlRenderer,
  asa: asaRenderer,
  'aws-terraform': awsTerraformRenderer,
  'aws-cloudformation': awsCloudFormationRenderer,
  'azure-nsg': azureNsgRenderer,
  'windows-firewall': windowsFirewallRenderer,
} as const satisfies Record<FormatId, Renderer>;

export { FORMAT_IDS, isFormatId, type FormatId } from './formats.ts';

/** The formats that have a delta (their renderer declares one), in registry order. */
// pure: the page imports the engine entry without the renderers, and a bare call would keep them
export const DELTA_FORMATS: readonly FormatId[] = /* @__PURE__ */ FORMAT_IDS.filter((f) => (RENDERERS[f] as Renderer).delta !== undefined);

/** The renderer of a format, typed as the general interface. */
export function rendererOf(format: FormatId): Renderer {
  return RENDERERS[format];
}
