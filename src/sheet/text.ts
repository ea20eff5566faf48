import { markdownCell, stripControls } from '../engine/index.ts';

/** Text for HTML element content and attribute values: no markup survives. */
export function escapeHtml(text: string): string {
  return stripControlsKeepNewlines(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Like stripControls, but line breaks (free text typed into a textarea) are kept as \n. */
export function stripControlsKeepNewlines(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => stripControls(line))
    .join('\n');
}

/** One line of text: control characters and line breaks become spaces. */
export function oneLine(text: string): string {
  return stripControls(text).replace(/\s+/g, ' ').trim();
}

/** A Markdown table cell: one line, no markup, no `|` that would end the cell. */
export function mdCell(text: string): string {
  return markdownCell(oneLine(text));
}

/**
 * Free text as Markdown paragraphs. Every line is escaped like a cell; what would start a list,
 * a quote, a heading underline or a code block at the start of a line is escaped too.
 */
export function mdParagraphs(text: string): string {
  const lines = stripControlsKeepNewlines(text).split('\n');
  const out: string[] = [];
  for (const raw of lines) {
    const line = raw.trim();
    if (line === '') {
      if (out.length > 0 && out[out.length - 1] !== '') out.push('');
      continue;
    }
    const escaped = markdownCell(line)
      .replace(/^([-+=~>])/, '\\$1')
      .replace(/^(\d+)([.)])/, '$1\\$2');
    // two trailing spaces: a hard line break, so the typed lines stay lines
    if (out.length > 0 && out[out.length - 1] !== '') out[out.length - 1] += '  ';
    out.push(escaped);
  }
  while (out.length > 0 && out[out.length - 1] === '') out.pop();
  return out.join('\n');
}

/** A fence longer than any run of backticks in the content, so nothing can close it early. */
export function mdFence(content: string): string {
  let longest = 0;
  for (const run of content.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  return '`'.repeat(Math.max(3, longest + 1));
}

/** 5000 → "5,000": fixed grouping, so the output does not depend on the machine's locale. */
export function formatCount(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}
