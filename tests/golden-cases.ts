import { RENDERERS, type FormatId, type RenderOptions } from '../src/engine/index.ts';

/** One golden file: a format and the options of one variant ("gateway-drop", "host-drop-ipset" …). */
export interface Case {
  readonly name: string;
  readonly format: FormatId;
  readonly options: RenderOptions;
}

/** The variants of one format for one plan: only those its options make different. */
export function goldenCases(format: FormatId, primary: string | undefined, member: string | undefined, deviceGroup?: string): Case[] {
  const r = RENDERERS[format];
  const gateway = { kind: 'gateway' } as const;
  const cases: Case[] = [{ name: 'gateway', format, options: { scope: gateway, defaultDrop: false } }];
  if (r.options.defaultDrop) cases.push({ name: 'gateway-drop', format, options: { scope: gateway, defaultDrop: true } });
  if (primary) {
    cases.push({ name: 'host', format, options: { scope: { kind: 'host', node: primary }, defaultDrop: false } });
    if (r.options.defaultDrop) cases.push({ name: 'host-drop', format, options: { scope: { kind: 'host', node: primary }, defaultDrop: true } });
    if (r.options.egress) cases.push({ name: 'host-drop-egress-open', format, options: { scope: { kind: 'host', node: primary }, defaultDrop: true, egress: 'open' } });
    if (r.options.ipset) cases.push({ name: 'host-drop-ipset', format, options: { scope: { kind: 'host', node: primary }, defaultDrop: true, ipset: true } });
  }
  if (member && r.options.defaultDrop) cases.push({ name: 'member-drop', format, options: { scope: { kind: 'host', node: member }, defaultDrop: true } });
  if (r.options.ipset) cases.push({ name: 'gateway-ipset', format, options: { scope: gateway, defaultDrop: false, ipset: true } });
  if (r.options.deviceGroup && deviceGroup !== undefined) cases.push({ name: 'device-group', format, options: { scope: gateway, defaultDrop: false, deviceGroup } });
  return cases;
}
