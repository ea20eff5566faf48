import { isFormatId } from '../../engine/index.ts';
import type { FormatId } from '../../engine/index.ts';
import type { SliceCreator } from '../types.ts';

export interface ExportOptions {
  format: FormatId;
  scope: 'gateway' | 'host';
  /** the node a host export protects, by name; checked against the plan's nodes when used */
  hostNode: string;
  defaultDrop: boolean;
  /** iptables/ip6tables: match roles of several addresses through kernel ipsets (the ipset export) */
  ipset: boolean;
  /** host scope with default drop: filter the node's outbound traffic too, or leave it open */
  egress: 'filter' | 'open';
  /** firewalls in the path: the interface or zone the policy sits between ('' = the format's default) */
  from: string;
  to: string;
  /** formats for the managed devices: one device group's rules ('' = every group) */
  deviceGroup: string;
}

export interface ExportSlice {
  exportOptions: ExportOptions;
  setExportOptions: (patch: Partial<ExportOptions>) => void;
}

export const DEFAULT_EXPORT_OPTIONS: ExportOptions = { format: 'nftables', scope: 'gateway', hostNode: '', defaultDrop: false, ipset: false, egress: 'filter', from: '', to: '', deviceGroup: '' };

/** Saved options come from storage: keep only what is well formed (an older save named the node by address). */
export function sanitizeExportOptions(value: unknown): ExportOptions {
  if (typeof value !== 'object' || value === null) return DEFAULT_EXPORT_OPTIONS;
  const v = value as Record<string, unknown>;
  const node = typeof v.hostNode === 'string' ? v.hostNode : typeof v.hostAddress === 'string' ? v.hostAddress.split(',')[0] ?? '' : '';
  return {
    format: isFormatId(v.format) ? v.format : DEFAULT_EXPORT_OPTIONS.format,
    scope: v.scope === 'host' ? 'host' : 'gateway',
    hostNode: node.slice(0, 100),
    defaultDrop: v.defaultDrop === true,
    ipset: v.ipset === true,
    egress: v.egress === 'open' ? 'open' : 'filter',
    from: typeof v.from === 'string' ? v.from.slice(0, 63) : '',
    to: typeof v.to === 'string' ? v.to.slice(0, 63) : '',
    deviceGroup: typeof v.deviceGroup === 'string' ? v.deviceGroup.slice(0, 120) : '',
  };
}

export const createExportSlice: SliceCreator<ExportSlice> = (set) => ({
  exportOptions: DEFAULT_EXPORT_OPTIONS,
  setExportOptions: (patch) => set((s) => ({ exportOptions: { ...s.exportOptions, ...patch } })),
});
