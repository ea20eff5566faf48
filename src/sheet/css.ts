/**
 * The sheet's stylesheet, shared by the page in the app and the standalone HTML download.
 * Every selector sits under .crs so it cannot touch the rest of the app; only the @page rule is
 * global, and it means something only when printing.
 *
 * Print techniques (Chromium, Firefox, Safari):
 * - The running header (plan, change id, date) is the <thead> of one table that frames the whole
 *   sheet: browsers repeat a table's header group at the top of every printed page.
 * - Page numbers are @page margin boxes with counter(page) and counter(pages) (Chromium 131+,
 *   also in page.pdf()). The browser's own "Headers and footers" option should be off.
 * - Rows, boxes and headings use break-inside: avoid / break-after: avoid, so no rule row is cut.
 */
export const SHEET_CSS = `
@page {
  size: auto;
  margin: 14mm 13mm 16mm 13mm;
  @bottom-left { content: "fwplan · firewall change request"; font: 7.5pt "Helvetica Neue", Helvetica, Arial, "Liberation Sans", sans-serif; color: #5b6472; }
  @bottom-right { content: "Page " counter(page) " of " counter(pages); font: 7.5pt "Helvetica Neue", Helvetica, Arial, "Liberation Sans", sans-serif; color: #5b6472; }
}
.crs {
  --crs-ink: #1b2230;
  --crs-muted: #5b6472;
  --crs-line: #c3cad5;
  --crs-soft: #eef1f6;
  --crs-accent: #1f3a5f;
  --crs-warn: #8a5300;
  --crs-error: #a3161b;
  --crs-mono: "SFMono-Regular", Menlo, Consolas, "Liberation Mono", "DejaVu Sans Mono", monospace;
  box-sizing: border-box;
  max-width: 210mm;
  margin: 0 auto;
  padding: 12mm 13mm 14mm;
  background: #fff;
  color: var(--crs-ink);
  font: 9pt/1.38 "Helvetica Neue", Helvetica, Arial, "Liberation Sans", sans-serif;
  text-align: left;
  -webkit-print-color-adjust: exact;
  print-color-adjust: exact;
}
.crs *, .crs *::before, .crs *::after { box-sizing: border-box; }
.crs table { border-collapse: collapse; width: 100%; }
.crs th, .crs td { text-align: left; vertical-align: top; }
.crs code, .crs .crs-mono { font-family: var(--crs-mono); font-size: 0.9em; background: none; border: 0; border-radius: 0; padding: 0; color: inherit; }
.crs p { margin: 0 0 2mm; }

/* the frame: its thead is the running header of every printed page */
.crs-frame { table-layout: fixed; }
/* 1px each side: a collapsed table border half outside the page area would be cut off */
.crs-frame > thead > tr > td, .crs-frame > tbody > tr > td { padding: 0 1px; }
.crs-running { display: flex; justify-content: space-between; align-items: flex-end; gap: 6mm; padding: 0 0 2mm; margin: 0 0 5mm; border-bottom: 1.6pt solid var(--crs-accent); }
.crs-running-title { min-width: 0; }
.crs-kicker { display: block; font-size: 7pt; font-weight: 700; letter-spacing: 0.12em; text-transform: uppercase; color: var(--crs-accent); }
.crs-running-title strong { display: block; font-size: 11pt; line-height: 1.25; overflow-wrap: anywhere; }
.crs-running-meta { flex: none; max-width: 55%; text-align: right; font-size: 7.5pt; line-height: 1.45; color: var(--crs-muted); overflow-wrap: anywhere; }
.crs-running-meta b { color: var(--crs-ink); font-weight: 600; }

/* sections */
.crs-section { margin: 0 0 6mm; }
.crs h2 { font-weight: 700; display: flex; align-items: baseline; gap: 2.5mm; margin: 0 0 2.5mm; padding: 0 0 1mm; font-size: 11pt; line-height: 1.25; color: var(--crs-accent); border-bottom: 0.5pt solid var(--crs-line); break-after: avoid; page-break-after: avoid; }
.crs h2 .crs-num { font-size: 9pt; color: var(--crs-muted); min-width: 5mm; }
.crs h3 { font-weight: 700; margin: 3.5mm 0 1.5mm; font-size: 9pt; line-height: 1.3; break-after: avoid; page-break-after: avoid; }
.crs h3 .crs-sub { font-weight: 400; color: var(--crs-muted); }
.crs-lead { color: var(--crs-muted); font-size: 8pt; }
.crs-text { white-space: pre-wrap; overflow-wrap: anywhere; margin: 0; padding: 2mm 2.5mm; border-left: 2pt solid var(--crs-line); background: #fafbfc; }
.crs-suggested { margin: 1mm 0 0; font-size: 7pt; color: var(--crs-muted); }
.crs-blank { display: inline-block; min-width: 40mm; border-bottom: 0.6pt solid var(--crs-muted); color: var(--crs-muted); }
.crs-avoid { break-inside: avoid; page-break-inside: avoid; }

/* key / value grid */
.crs-kv { table-layout: fixed; border: 0.6pt solid var(--crs-line); }
.crs-kv th, .crs-kv td { padding: 1.4mm 2mm; border: 0.6pt solid var(--crs-line); overflow-wrap: anywhere; }
.crs-kv th { width: 17%; background: var(--crs-soft); font-weight: 600; font-size: 7.5pt; color: var(--crs-muted); text-transform: uppercase; letter-spacing: 0.04em; }
.crs-kv td { width: 33%; }
.crs-kv tr { break-inside: avoid; page-break-inside: avoid; }

/* figures */
.crs-figures { display: flex; gap: 2.5mm; margin: 0 0 3mm; break-inside: avoid; page-break-inside: avoid; }
.crs-figure { flex: 1 1 0; padding: 1.8mm 2.5mm; border: 0.6pt solid var(--crs-line); border-top: 2pt solid var(--crs-accent); }
.crs-figure b { display: block; font-size: 13pt; line-height: 1.2; }
.crs-figure span { font-size: 7.5pt; color: var(--crs-muted); }

/* data tables */
.crs-data { border: 0.6pt solid var(--crs-line); font-size: 8pt; }
.crs-data th, .crs-data td { padding: 1.2mm 1.6mm; border: 0.6pt solid var(--crs-line); overflow-wrap: anywhere; }
.crs-data > thead > tr > th { background: var(--crs-accent); color: #fff; font-size: 7.5pt; font-weight: 600; letter-spacing: 0.02em; border-color: var(--crs-accent); }
.crs-data tr { break-inside: avoid; page-break-inside: avoid; }
.crs-data .crs-n { text-align: right; font-variant-numeric: tabular-nums; color: var(--crs-muted); }
.crs-data > thead > tr > th.crs-n { color: #fff; }
.crs-data .crs-right { text-align: right; font-variant-numeric: tabular-nums; }
.crs-data .crs-group-row th { background: var(--crs-soft); color: var(--crs-accent); font-size: 8pt; font-weight: 700; break-after: avoid; page-break-after: avoid; }
.crs-data tbody tr:nth-child(even) td { background: #fbfcfd; }

/* the rule table */
.crs-rules { table-layout: fixed; }
.crs-rules col.c-n { width: 8mm; }
.crs-rules col.c-action { width: 15mm; }
.crs-rules col.c-side { width: 23%; }
.crs-rules col.c-proto { width: 14mm; }
.crs-rules col.c-port { width: 12.5mm; }
.crs-data > thead > tr > th { white-space: nowrap; overflow: hidden; }
.crs-action { white-space: nowrap; font-weight: 700; color: #17603a; font-size: 7.5pt; letter-spacing: 0.03em; }
.crs-role { font-weight: 700; }
.crs-role span { font-weight: 400; color: var(--crs-muted); }
.crs-addrs { list-style: none; margin: 0.6mm 0 0; padding: 0; }
.crs-addrs li { margin: 0; padding: 0; line-height: 1.3; }
.crs-addrs code { font-size: 7.5pt; overflow-wrap: anywhere; }
.crs-label { color: var(--crs-muted); font-size: 7.5pt; }
.crs-groupref { margin-top: 0.6mm; font-size: 7.5pt; }
.crs-groupref b { font-family: var(--crs-mono); }
.crs-port { font-weight: 700; font-variant-numeric: tabular-nums; }
.crs-family { display: block; color: var(--crs-muted); font-size: 7pt; }
.crs-meta { display: block; margin-top: 0.6mm; font-size: 7pt; color: var(--crs-muted); }
.crs-id { font-family: var(--crs-mono); font-size: 6.8pt; white-space: nowrap; }
.crs-tags { display: block; margin-top: 0.6mm; }
.crs-tag { display: inline-block; max-width: 100%; margin: 0.4mm 0.8mm 0 0; padding: 0 1.2mm; border: 0.5pt solid var(--crs-line); border-radius: 1mm; font-size: 6.5pt; line-height: 1.45; color: var(--crs-muted); }
.crs-tag.crs-tag-warn { color: var(--crs-warn); border-color: #d9b27a; }

/* address groups */
.crs-addr-table { font-family: var(--crs-mono); font-size: 7.5pt; table-layout: fixed; }
.crs-addr-table td { padding: 0.35mm 1.2mm; border: 0; border-bottom: 0.4pt solid #e1e5eb; line-height: 1.25; overflow-wrap: anywhere; }
.crs-addr-table td.crs-n { width: 10mm; font-family: inherit; font-size: 6.5pt; padding-top: 0.6mm; padding-right: 2mm; text-align: right; color: var(--crs-muted); font-variant-numeric: tabular-nums; }
.crs-addr-table .crs-label { font-family: "Helvetica Neue", Helvetica, Arial, "Liberation Sans", sans-serif; font-size: 7pt; }
.crs-addr-table tr { break-inside: avoid; page-break-inside: avoid; }

/* findings */
.crs-findings { margin: 0; padding: 0; list-style: none; font-size: 8pt; }
.crs-findings li { display: flex; gap: 2mm; padding: 0.8mm 0; border-bottom: 0.4pt solid #e1e5eb; break-inside: avoid; page-break-inside: avoid; overflow-wrap: anywhere; }
.crs-sev { flex: none; width: 14mm; font-size: 6.5pt; font-weight: 700; text-transform: uppercase; letter-spacing: 0.05em; padding-top: 0.4mm; }
.crs-sev-error { color: var(--crs-error); }
.crs-sev-warning { color: var(--crs-warn); }
.crs-sev-note { color: var(--crs-muted); }
.crs-callout { margin: 3mm 0 0; padding: 2mm 3mm; border: 0.6pt solid #d9b27a; border-left: 2.5pt solid var(--crs-warn); background: #fff8ec; break-inside: avoid; page-break-inside: avoid; }
.crs-callout b { color: var(--crs-warn); }
.crs-callout-error { border-color: #e4a3a3; border-left-color: #b42318; background: #fef3f2; margin: 0 0 3mm; }
.crs-callout-error b { color: #b42318; }

/* verification commands */
.crs-checks td { padding-top: 0.7mm; padding-bottom: 0.7mm; }
.crs-checks td.crs-cmd { font-family: var(--crs-mono); font-size: 7.5pt; white-space: pre-wrap; }
.crs-checks .crs-from th { background: var(--crs-soft); color: var(--crs-ink); font-size: 7.5pt; font-weight: 600; break-after: avoid; page-break-after: avoid; }

/* approvals and closure */
.crs-approvals { display: grid; grid-template-columns: 1fr 1fr; gap: 3mm; }
.crs-box { padding: 2.5mm 3mm 2.5mm; border: 0.8pt solid var(--crs-ink); break-inside: avoid; page-break-inside: avoid; }
.crs-box-title { margin: 0 0 2mm; font-size: 8pt; font-weight: 700; letter-spacing: 0.06em; text-transform: uppercase; color: var(--crs-accent); }
.crs-line { display: flex; align-items: flex-end; gap: 2mm; margin: 0 0 3.2mm; font-size: 7.5pt; color: var(--crs-muted); }
.crs-line > span:first-child { flex: none; width: 22mm; }
.crs-line > span:last-child { flex: 1; min-height: 5mm; padding: 0 0 0.4mm 0.5mm; border-bottom: 0.6pt solid var(--crs-muted); color: var(--crs-ink); font-size: 8.5pt; overflow-wrap: anywhere; }
.crs-line.crs-tall > span:last-child { min-height: 11mm; }
.crs-choices { display: flex; flex-wrap: wrap; gap: 5mm; margin: 1mm 0 0; font-size: 8pt; }
.crs-choice { display: inline-flex; align-items: center; gap: 1.5mm; }
.crs-choice::before { content: ""; display: inline-block; width: 3.2mm; height: 3.2mm; border: 0.8pt solid var(--crs-ink); }
.crs-closure { padding: 2.5mm 3mm 1mm; border: 0.8pt solid var(--crs-ink); break-inside: avoid; page-break-inside: avoid; }
.crs-closure .crs-choices { margin: 0 0 4mm; }
.crs-closure-grid { display: grid; grid-template-columns: 1fr 1fr; column-gap: 6mm; }
.crs-end { margin-top: 4mm; font-size: 7pt; color: var(--crs-muted); text-align: center; }

@media print {
  .crs { max-width: none; margin: 0; padding: 0; box-shadow: none; font-size: 8.6pt; }
}
`;
