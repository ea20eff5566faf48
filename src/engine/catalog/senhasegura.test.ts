import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SECTIONS, SENHASEGURA_CATALOG } from './senhasegura.ts';

const ARTICLE = fileURLToPath(new URL('../../../../shared/reference/senhasegura-firewall-rules.md', import.meta.url));

interface ArticleRow {
  section: number;
  permission: string;
  protocol: string;
  source: string;
  destination: string;
  port: number;
  label: string;
}

/** Read the vendor's markdown tables as they are: one row per table line under each "###" heading. */
function articleRows(): ArticleRow[] {
  const rows: ArticleRow[] = [];
  let section = -1;
  for (const line of readFileSync(ARTICLE, 'utf8').split('\n')) {
    if (line.startsWith('### ')) section++;
    const cells = line.split('|').slice(1, -1).map((c) => c.trim());
    if (cells.length !== 6 || cells[0] !== 'ALLOW') continue;
    const [permission, protocol, source, , destination, dport] = cells as [string, string, string, string, string, string];
    const [port, label] = dport.split('/') as [string, string];
    const role = (name: string) => name.replace(/ SERVER$/, '');
    rows.push({ section, permission, protocol, source: role(source), destination: role(destination), port: Number(port), label });
  }
  return rows;
}

describe('the catalog', () => {
  const article = articleRows();
  const rows = SENHASEGURA_CATALOG.filter((r) => !r.optional);

  it('has the 50 rows of the vendor article', () => {
    expect(article).toHaveLength(50);
    expect(rows).toHaveLength(50);
  });

  it('matches the vendor article row for row, in order', () => {
    rows.forEach((rule, i) => {
      const row = article[i] as ArticleRow;
      expect({
        section: SECTIONS.findIndex((s) => s.id === rule.section),
        permission: 'ALLOW',
        protocol: rule.protocol.toUpperCase(),
        source: rule.source,
        destination: rule.destination,
        port: rule.port,
        label: rule.label,
      }).toEqual(row);
    });
  });

  it('has stable, unique ids', () => {
    const ids = SENHASEGURA_CATALOG.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.slice(0, 3)).toEqual(['prd-ntp-udp-123', 'prd-dns-udp-53', 'prd-mail-tcp-420']);
    for (const r of SENHASEGURA_CATALOG) expect(r.id).toBe(`${r.source}-${r.destination}-${r.protocol}-${r.port}`.toLowerCase());
  });

  it('flags the ports that differ from the IANA registration, and keeps them', () => {
    const flagged = SENHASEGURA_CATALOG.filter((r) => r.nonStandard).map((r) => r.id);
    expect(flagged).toEqual(['prd-mail-tcp-420', 'prd-log-tcp-514', 'prd-log-udp-6514', 'prd-backup-tcp-5445', 'prd-dvc-tcp-7443']);
  });

  it('flags clear-text protocols', () => {
    const flagged = SENHASEGURA_CATALOG.filter((r) => r.cleartext).map((r) => r.id);
    expect(flagged).toEqual(expect.arrayContaining(['prd-ldap-tcp-389', 'prd-dvc-tcp-23', 'userw-prd-tcp-80', 'prd-dvc-tcp-80']));
    expect(flagged).not.toContain('prd-ldap-tcp-636');
  });

  it('says what the cluster ports are for, not only the article labels', () => {
    const purpose = (id: string) => SENHASEGURA_CATALOG.find((r) => r.id === id)?.purpose;
    expect(purpose('prd-mbr-tcp-9300')).toBe('Elasticsearch transport');
    expect(purpose('prd-mbr-tcp-4567')).toBe('Galera replication');
    expect(purpose('prd-mbr-tcp-4568')).toMatch(/IST/);
    expect(purpose('prd-mbr-tcp-4444')).toMatch(/SST/);
  });

  it('adds the newer vendor cluster ports, both ways, off by default', () => {
    const optional = SENHASEGURA_CATALOG.filter((r) => r.optional);
    expect(optional.map((r) => r.id)).toEqual(['prd-mbr-tcp-4248', 'mbr-prd-tcp-4248', 'prd-mbr-tcp-59022', 'mbr-prd-tcp-59022']);
    for (const r of optional) expect(r.origin).toBe('newer-vendor-docs');
  });
});
