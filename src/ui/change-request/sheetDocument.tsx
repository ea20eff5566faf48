import { renderToStaticMarkup } from 'react-dom/server';
import { escapeHtml } from '../../sheet/text.ts';
import type { Sheet } from '../../sheet/model.ts';
import { SheetView } from './SheetView.tsx';

/**
 * The sheet as one standalone HTML document: the very markup the app shows (SheetView, rendered
 * to static markup), inline CSS, no script and a policy that forbids scripts and every external
 * resource. It prints like the page and can be attached to a ticket or saved as PDF anywhere.
 */
export function sheetDocument(sheet: Sheet): string {
  const title = `Change request ${sheet.request.changeId || ''} ${sheet.planName}`.replace(/\s+/g, ' ').trim();
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
html { background: #e9ecf1; }
body { margin: 0; padding: 8mm 0; }
.crs { box-shadow: 0 1px 4px rgba(0, 0, 0, 0.18); }
@media print { html { background: #fff; } body { padding: 0; } }
</style>
</head>
<body>
${renderToStaticMarkup(<SheetView sheet={sheet} />)}
</body>
</html>
`;
}
