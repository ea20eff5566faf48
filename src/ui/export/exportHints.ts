import type { FormatId } from '../../engine/index.ts';

/** How to check a file before it goes near a firewall, per format. */
export function checkCommand(format: FormatId, fileName: string): string | undefined {
  switch (format) {
    case 'iptables':
      return `iptables-restore --test < ${fileName}`;
    case 'ip6tables':
      return `ip6tables-restore --test < ${fileName}`;
    case 'nftables':
      return `nft -c -f ${fileName}`;
    case 'ufw':
    case 'firewalld':
      // the script checks root, its tools and where its snapshot goes, and changes nothing
      return `sudo bash ${fileName} check`;
    case 'ipset':
      return `ip netns add t && ip netns exec t ipset restore < ${fileName}; ip netns del t`;
    case 'csv':
    case 'json':
      return undefined;
    default: {
      const never: never = format;
      return never;
    }
  }
}

export const FORMAT_NOTES: Record<FormatId, string> = {
  iptables: 'iptables-restore input for IPv4. IPv6 needs the ip6tables file as well.',
  ip6tables: 'ip6tables-restore input for IPv6 (the IPv4 rules are in the iptables file).',
  nftables: 'One nft -f file, table inet fwplan: IPv4 and IPv6 together, addresses in named sets.',
  ufw: 'A bash script of ufw commands (ufw route for a gateway). Run it with apply: it takes a snapshot, applies, and rolls back by itself unless you confirm; rollback restores the state before.',
  firewalld: 'A bash script of firewall-cmd rich rules and policies. Run it with apply: it takes a snapshot, applies, and rolls back by itself unless you confirm; rollback restores the state before.',
  ipset: 'ipset restore input: one set per role and family, loaded before an iptables export made with ipsets.',
  csv: 'One row per rule and address pair, for a spreadsheet or a firewall team’s import.',
  json: 'The expanded rules as JSON, for scripts and other tools.',
};

/** Formats that can match roles through kernel ipsets. */
export function usesIpsetOption(format: FormatId): boolean {
  return format === 'iptables' || format === 'ip6tables';
}
