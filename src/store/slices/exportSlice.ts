import { FORMAT_IDS, type FormatId } from '../../engine/index.ts';
import type { SliceCreator } from '../types.ts';

export interface ExportOptions {
  format: FormatId;
  scope: 'gateway' | 'host';
  /** the node a host export protects; checked against the plan's nodes when used */
  hostAddress: string;
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

export const DEFAULT_EXPORT_OPTIONS: ExportOptions = { format: 'nftables', scope: 'gateway', hostAddress: '', defaultDrop: false, ipset: false, egress: 'filter' };

export function isFormatId(value: unknown): value is FormatId {
  return typeof value === 'string' && (FORMAT_IDS as readonly string[]).includes(value);
}

/** Saved options come from storage: keep only what is well formed. */
export function sanitizeExportOptions(value: unknown): ExportOptions {
  if (typeof value !== 'object' || value === null) return DEFAULT_EXPORT_OPTIONS;
  const v = value as Record<string, unknown>;
  return {
    format: isFormatId(v.format) ? v.format : DEFAULT_EXPORT_OPTIONS.format,
    scope: v.scope === 'host' ? 'host' : 'gateway',
    hostAddress: typeof v.hostAddress === 'string' ? v.hostAddress.slice(0, 100) : '',
    defaultDrop: v.defaultDrop === true,
    ipset: v.ipset === true,
    egress: v.egress === 'open' ? 'open' : 'filter',
  };
}

export const createExportSlice: SliceCreator<ExportSlice> = (set) => ({
  exportOptions: DEFAULT_EXPORT_OPTIONS,
  setExportOptions: (patch) => set((s) => ({ exportOptions: { ...s.exportOptions, ...patch } })),
});
