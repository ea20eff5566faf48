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

const NON_ASCII = /[\u0080-\uffff]/;

/** Cut to at most `maxBytes` of UTF-8 without splitting a character. */
export function truncateUtf8(text: string, maxBytes: number): string {
  // the usual comment is short or plain ASCII: no need to walk it character by character
  // (a UTF-16 unit is at most 3 bytes of UTF-8; an ASCII one exactly 1)
  if (text.length * 3 <= maxBytes) return text;
  if (!NON_ASCII.test(text)) return text.slice(0, Math.max(0, maxBytes));
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
 * Text typed into a firewall's command line: no control character, and no `?`, which FortiOS,
 * PAN-OS and Cisco CLIs take as "show help" even inside quotes (the character is lost and the
 * line changes meaning).
 */
function cliText(text: string): string {
  return stripControls(text).replace(/\?/g, '.');
}

/** FortiOS comments hold at most 1023 characters; names are cut by their callers. */
export const FORTIOS_COMMENT_MAX = 1023;

/**
 * A FortiOS CLI string: double quotes, with `\` and `"` escaped by a backslash, on one line, cut
 * to `maxBytes` (counted before escaping, as FortiOS stores it).
 */
export function fortiString(text: string, maxBytes = FORTIOS_COMMENT_MAX): string {
  const clean = truncateUtf8(cliText(text), maxBytes);
  return `"${clean.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** PAN-OS object, rule and zone names: at most 63 characters (zones 31). */
export const PANOS_NAME_MAX = 63;

/**
 * A PAN-OS name: letters, digits, `.`, `_`, `-` and spaces only (anything else becomes `_`),
 * beginning with a letter or digit, at most `max` characters — a cut or changed name keeps a
 * short hash of the text, so different texts stay different names. Returned bare: quote it with
 * panosQuoted for the CLI.
 */
export function panosName(text: string, max = PANOS_NAME_MAX, unique = true): string {
  return safeName(text, /[^A-Za-z0-9._ -]/g, max, unique);
}

/** A name as one PAN-OS CLI word: made a PAN-OS name (see panosName) and double-quoted, as it may hold spaces. */
export function panosQuoted(name: string, max = PANOS_NAME_MAX, unique = true): string {
  return `"${panosName(name, max, unique)}"`;
}

/** PAN-OS descriptions hold at most 1023 characters; this keeps them to 255 for the CLI. */
export const PANOS_TEXT_MAX = 255;

/**
 * A PAN-OS description for the CLI: double quotes; the CLI has no escape inside them, so quotes
 * and backslashes are replaced by `'`, and `?` (help) by `.`.
 */
export function panosText(text: string, maxChars = PANOS_TEXT_MAX): string {
  const clean = cliText(text).replace(/["\\]/g, "'");
  return `"${[...clean].slice(0, maxChars).join('')}"`;
}

/** Character data or an attribute value of an XML document: no markup, no character XML 1.0 forbids. */
export function xmlText(text: string, maxChars = PANOS_TEXT_MAX): string {
  const clean = [...stripControls(text).replace(/[\ufffe\uffff]/g, '\ufffd')].slice(0, maxChars).join('');
  return clean.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** Cisco ASA object, object-group and access-list names: at most 64 characters here. */
export const ASA_NAME_MAX = 64;

/**
 * A Cisco ASA name: one word of letters, digits, `.`, `_` and `-` (anything else becomes `_`),
 * beginning with a letter or digit, at most `max` characters; a cut or changed name keeps a short
 * hash of the text, so different texts stay different names.
 */
export function asaName(text: string, max = ASA_NAME_MAX, unique = true): string {
  return safeName(text, /[^A-Za-z0-9._-]/g, max, unique);
}

/** ASA remarks hold at most 100 characters, descriptions 200. */
export const ASA_REMARK_MAX = 100;

/**
 * Free text for an ASA `remark` or `description`: printable ASCII only (the ASA CLI is ASCII),
 * no `?` (help), no `!` (a comment to config readers) and no `"` (config readers such as Firewall
 * Builder take it as the start of a quoted string that swallows the next lines); never empty.
 */
export function asaText(text: string, maxChars = ASA_REMARK_MAX): string {
  const clean = cliText(text)
    .replace(/[^\x20-\x7e]/g, '_')
    .replace(/!/g, '.')
    .replace(/"/g, "'")
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, maxChars)
    .trim();
  return clean === '' ? '-' : clean;
}

/**
 * A name of allowed characters only, beginning with a letter or digit, at most `max` long. With
 * `unique`, a changed or cut name gets a short hash of the text, so different texts stay
 * different names; without, it is only cleaned and cut (a name that must match something that
 * exists on the device, such as an interface).
 */
function safeName(text: string, disallowed: RegExp, max: number, unique: boolean): string {
  let name = text.replace(disallowed, '_').replace(/^[^A-Za-z0-9]+/, '').replace(/ +$/, '');
  if (name === '') name = 'x';
  if (!unique) return name.slice(0, max).replace(/ +$/, '');
  if (name === text && name.length <= max) return name;
  const tag = fnv1a(text).toString(36).padStart(7, '0').slice(0, 6);
  return `${name.slice(0, Math.max(0, max - tag.length - 1)).replace(/ +$/, '')}-${tag}`;
}

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
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
