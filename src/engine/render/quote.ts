import Papa from 'papaparse';

/**
 * Quoting, one helper per target. Each takes any text (labels and plan names are hostile) and
 * returns something the target reads back as exactly one harmless token.
 */

/** Drop control characters (C0, DEL, C1) and lone surrogates; keep every other character. */
export function stripControls(text: string): string {
  // eslint-disable-next-line no-control-regex -- removing control characters is the point
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ').replace(/\p{Cs}/gu, '\ufffd');
}

/** Cut to at most `maxBytes` of UTF-8 without splitting a character. */
export function truncateUtf8(text: string, maxBytes: number): string {
  let bytes = 0;
  let out = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    const size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    if (bytes + size > maxBytes) break;
    bytes += size;
    out += ch;
  }
  return out;
}

/** A POSIX shell word: single quotes, with ' written as '\''. Nothing inside is expanded. */
export function shellWord(text: string): string {
  return `'${stripControls(text).replace(/'/g, `'\\''`)}'`;
}

/**
 * The text of a ufw rule comment (then quoted with shellWord). ufw refuses a comment holding ' —
 * "ERROR: Invalid syntax" — and accepts every other character (found by running `ufw --dry-run
 * ... comment X` on quotes, backslashes, $(), backticks, %, non-ASCII, emoji and long text; it
 * stores comments hex-encoded). So ' becomes ’, and control characters go as everywhere else.
 */
export function ufwComment(text: string): string {
  return stripControls(text).replace(/'/g, '\u2019');
}

/** The iptables comment match takes at most 256 bytes. */
export const IPTABLES_COMMENT_MAX = 256;

/**
 * An iptables-restore comment argument. iptables-restore splits on spaces and honours double
 * quotes with backslash escapes; quotes and backslashes are replaced (not escaped) so the text
 * survives every iptables version's parser, and cut to the module's byte limit.
 */
export function iptablesComment(text: string): string {
  const clean = stripControls(text).replace(/["\\]/g, "'");
  return `"${truncateUtf8(clean, IPTABLES_COMMENT_MAX - 1)}"`;
}

/** nft comments are at most 128 bytes. */
export const NFT_COMMENT_MAX = 128;

/** An nft string literal: double quotes; nft has no escapes inside, so quotes are replaced. */
export function nftString(text: string): string {
  const clean = stripControls(text).replace(/["\\]/g, "'");
  return `"${truncateUtf8(clean, NFT_COMMENT_MAX - 1)}"`;
}

/** A '#' comment line in a script or rules file: no newline can end it early. */
export function lineComment(text: string): string {
  return stripControls(text);
}

/**
 * Options shared by every CSV writer of the project: RFC 4180 with OWASP formula neutralising.
 * papaparse's own `escapeFormulae: true` misses a cell such as "=1+2\nx" (its pattern needs the
 * whole cell on one line), so the pattern is given explicitly.
 */
export const CSV_OPTIONS = { escapeFormulae: /^[=+\-@\t\r]/, newline: '\r\n', quotes: false };

/**
 * One CSV cell (RFC 4180), written by papaparse. Cells that a spreadsheet would run as a formula
 * (starting with =, +, -, @, tab or CR) get a leading apostrophe (OWASP "CSV injection").
 * Addresses, ports and ids never start with those characters, so they stay machine-readable.
 */
export function csvCell(text: string): string {
  return Papa.unparse([[text]], CSV_OPTIONS);
}

/** Text placed in Markdown table cells or HTML: no markup, no table break. */
export function markdownCell(text: string): string {
  return stripControls(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]#|])/g, '\\$1');
}

/**
 * An HCL (Terraform) quoted string: backslash and double quote escaped, and the template
 * introducers `${` and `%{` written as `$${` and `%%{` so nothing inside is interpolated.
 */
export function hclString(text: string): string {
  const clean = stripControls(text).replace(/[\\"]/g, (c) => `\\${c}`).replace(/\$\{/g, () => '$${').replace(/%\{/g, () => '%%{');
  return `"${clean}"`;
}

/** AWS descriptions (security groups and their rules) take at most 255 characters. */
export const AWS_DESCRIPTION_MAX = 255;

/**
 * Text AWS accepts as a security group or rule description: a-z, A-Z, 0-9, spaces and
 * `._-:/()#,@[]+=&;{}!$*` only, at most 255 characters. Every other character becomes a space
 * (accents are dropped first, so "Segurança" stays readable); the target's quoting comes on top.
 */
export function awsText(text: string): string {
  const ascii = stripControls(text).normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
  return ascii.replace(/[^A-Za-z0-9 ._\-:/()#,@[\]+=&;{}!$*]/g, ' ').replace(/ {2,}/g, ' ').trim().slice(0, AWS_DESCRIPTION_MAX);
}

/** The characters PowerShell reads as a single quote: ' and the typographic ‘ ’ ‚ ‛. */
const PS_SINGLE_QUOTES = /['\u2018\u2019\u201a\u201b]/g;

/**
 * A PowerShell single-quoted string: nothing inside is expanded; every character PowerShell takes
 * for a single quote (the typographic ones too) is doubled, control characters are removed.
 */
export function psString(text: string): string {
  return `'${stripControls(text).replace(PS_SINGLE_QUOTES, (q) => q + q)}'`;
}

/**
 * A literal string in an Azure Resource Manager template: a value that begins with `[` would be
 * read as a template expression, so it gets a second `[` (ARM's escape); control characters are
 * removed and the value is cut to `max` characters. JSON quoting (JSON.stringify) comes on top.
 */
export function armLiteral(text: string, max = Number.POSITIVE_INFINITY): string {
  const clean = Array.from(stripControls(text)).slice(0, max).join('');
  return clean.startsWith('[') ? `[${clean}` : clean;
}
