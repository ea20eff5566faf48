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
}

export interface ExportSlice {
  exportOptions: ExportOptions;
  setExportOptions: (patch: Partial<ExportOptions>) => void;
}

export const DEFAULT_EXPORT_OPTIONS: ExportOptions = { format: 'nftables', scope: 'gateway', hostNode: '', defaultDrop: false, ipset: false, egress: 'filter' };

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
  };
}

export const createExportSlice: SliceCreator<ExportSlice> = (set) => ({
  exportOptions: DEFAULT_EXPORT_OPTIONS,
  setExportOptions: (patch) => set((s) => ({ exportOptions: { ...s.exportOptions, ...patch } })),
});
