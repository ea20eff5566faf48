import { csvRenderer } from './csv.ts';
import { firewalldRenderer } from './firewalld.ts';
import { ip6tablesRenderer, iptablesRenderer } from './iptables.ts';
import { ipsetRenderer } from './ipset.ts';
import { jsonRenderer } from './json.ts';
import { nftablesRenderer } from './nftables.ts';
import type { FormatId, Renderer } from './types.ts';
import { ufwRenderer } from './ufw.ts';

export const RENDERERS = {
  iptables: iptablesRenderer,
  ip6tables: ip6tablesRenderer,
  nftables: nftablesRenderer,
  ufw: ufwRenderer,
  firewalld: firewalldRenderer,
  ipset: ipsetRenderer,
  csv: csvRenderer,
  json: jsonRenderer,
} as const satisfies Record<FormatId, Renderer>;
