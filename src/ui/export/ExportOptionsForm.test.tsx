import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { FORMAT_IDS, RENDERERS, type FormatId } from '../../engine/index.ts';
import { DEFAULT_EXPORT_OPTIONS } from '../../store/slices/exportSlice.ts';
import { ExportOptionsForm } from './ExportOptionsForm.tsx';

function note(format: FormatId): string {
  const html = renderToStaticMarkup(
    <ExportOptionsForm options={{ ...DEFAULT_EXPORT_OPTIONS, format }} nodes={[]} hostNode={undefined} deviceGroups={[]} onChange={() => undefined} />,
  );
  const m = /data-testid="egress-note">([^<]*)</.exec(html);
  if (!m?.[1]) throw new Error(`no egress note for ${format}`);
  return m[1];
}

describe('Export options: what the chosen format does to the policy', () => {
  it('calls only rule lists "not a firewall format"; AWS and Windows say what their file does instead', () => {
    expect(note('csv')).toMatch(/^Not a firewall format/);
    expect(note('json')).toMatch(/^Not a firewall format/);
    expect(note('aws-terraform')).toMatch(/security group is always a complete policy/);
    expect(note('aws-cloudformation')).toMatch(/security group is always a complete policy/);
    expect(note('windows-firewall')).toMatch(/inbound allow rules in the rule group/);
    for (const id of FORMAT_IDS) {
      const o = RENDERERS[id].options;
      if (o.defaultDrop || o.policy !== undefined) expect(note(id), id).not.toMatch(/Not a firewall format/);
    }
  });
});
