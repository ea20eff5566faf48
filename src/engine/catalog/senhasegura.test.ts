import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SECTIONS, SENHASEGURA_CATALOG, SERVICE_PRESETS, groupServiceIds } from './senhasegura.ts';

/** The vendor article's table rows, kept in the project (tests never read outside it). */
const FIXTURE = fileURLToPath(new URL('../../../tests/fixtures/vendor-article-rows.json', import.meta.url));

interface ArticleRow {
  section: number;
  permission: string;
  protocol: string;
  source: string;
  destination: string;
  port: number;
  label: string;
}

function articleRows(): ArticleRow[] {
  const doc = JSON.parse(readFileSync(FIXTURE, 'utf8')) as { rows: (ArticleRow & { sectionTitle: string })[] };
  const role = (name: string) => name.replace(/ SERVER$/, '');
  return doc.rows.map(({ sectionTitle: _, ...r }) => ({ ...r, source: role(r.source), destination: role(r.destination) }));
}

describe('the catalog', () => {
  const article = articleRows();
  const rows = SENHASEGURA_CATALOG.filter((r) => r.origin === 'article');

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
    const flagged = SENHASEGURA_CATALOG.filter((r) => r.nonStandard && r.origin === 'article').map((r) => r.id);
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
    const optional = SENHASEGURA_CATALOG.filter((r) => r.optional && r.section === 'cluster');
    expect(optional.map((r) => r.id)).toEqual(['prd-mbr-tcp-4248', 'mbr-prd-tcp-4248', 'prd-mbr-tcp-59022', 'mbr-prd-tcp-59022']);
    for (const r of optional) expect(r.origin).toBe('newer-vendor-docs');
  });

  it('has section titles as the article has them', () => {
    const doc = JSON.parse(readFileSync(FIXTURE, 'utf8')) as { rows: { section: number; sectionTitle: string }[] };
    for (const r of doc.rows) expect(SECTIONS[r.section]?.title).toBe(r.sectionTitle);
  });

  it('cites the vendor page of every row that is not in the article', () => {
    for (const r of SENHASEGURA_CATALOG.filter((x) => x.origin !== 'article')) expect(r.cite?.title, r.id).toBeTruthy();
  });

  it('offers presets made of the services of their own section only', () => {
    for (const role of ['USERW', 'DVC'] as const) {
      const allowed = new Set(groupServiceIds(role));
      for (const preset of SERVICE_PRESETS[role]) for (const id of preset.services) expect(allowed.has(id), `${preset.id} ${id}`).toBe(true);
    }
  });
});
