/**
 * The output formats' ids, apart from their renderers: what the page's saved options are checked
 * against without loading every renderer (the registry holds the renderers, one per id).
 */
export const FORMAT_IDS = ['iptables', 'ip6tables', 'nftables', 'ufw', 'firewalld', 'ipset', 'csv', 'json', 'fortigate', 'panos', 'panos-xml', 'asa', 'aws-terraform', 'aws-cloudformation', 'azure-nsg', 'windows-firewall'] as const;

export type FormatId = (typeof FORMAT_IDS)[number];

export function isFormatId(value: unknown): value is FormatId {
  return typeof value === 'string' && (FORMAT_IDS as readonly string[]).includes(value);
}
