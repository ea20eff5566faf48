/**
 * Every firewall format the engine can export is checked by its real tool: the map below must
 * name every format (a new format does not compile without an entry), and the test file it names
 * must really run that format's export through the tool.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FORMAT_IDS, RENDERERS, type FormatId } from '../../src/engine/index.ts';

/** The real-tool test of each format, or why a format has none (it is not loaded by a firewall). */
const CHECKED = {
  iptables: { file: 'iptables.test.ts', tool: 'iptables-restore' },
  ip6tables: { file: 'iptables.test.ts', tool: 'ip6tables-restore' },
  ipset: { file: 'iptables.test.ts', tool: 'ipset' },
  nftables: { file: 'nftables.test.ts', tool: 'nft' },
  ufw: { file: 'ufw.test.ts', tool: 'ufw' },
  firewalld: { file: 'firewalld.test.ts', tool: 'firewall-offline-cmd' },
  csv: 'a spreadsheet file: no firewall loads it (checked by its golden files and the CSV parser in src/engine)',
  json: 'a data file: no firewall loads it (checked by its golden files and JSON.parse)',
  'aws-terraform': { file: 'terraform.test.ts', tool: 'terraform' },
  'aws-cloudformation': { file: 'cfn-lint.test.ts', tool: 'cfn-lint' },
  'azure-nsg':
    'no offline tool checks an ARM template (az deployment group validate needs an Azure login): checked by its golden files, the documented-limits test and the flow read-back in tests/cloud-flows.test.ts',
  'windows-firewall':
    'PowerShell is not installed here: the script is checked by its own parser (every line a known call with quoted values) and the flow read-back in tests/windows-firewall.test.ts',
} as const satisfies Record<FormatId, { file: string; tool: string } | string>;

describe('real-tool coverage', () => {
  it.each(FORMAT_IDS)('%s: a firewall format is loaded by its real tool in the test the map names', (format) => {
    const entry = CHECKED[format];
    if (typeof entry === 'string') {
      // only formats that no firewall loads may go without a tool: they have no check command
      expect(RENDERERS[format].checkCommand, `${format} has a check command but no real-tool test`).toBeUndefined();
      return;
    }
    const source = readFileSync(join(import.meta.dirname, entry.file), 'utf8');
    expect(source, `${entry.file} never exports ${format}`).toMatch(new RegExp(`['"]${format}['"]`));
    expect(source, `${entry.file} never runs ${entry.tool}`).toContain(entry.tool);
    expect(RENDERERS[format].checkCommand, `${format} tells the user no check command`).toBeDefined();
  });
});
