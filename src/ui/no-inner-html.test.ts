import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * User text (labels, plan names, change-request fields, imported files) reaches the page only as
 * text: React escapes it. The ways around that are banned from the whole of src/, so that no later
 * change can put user text into the page as HTML.
 */

const SRC = fileURLToPath(new URL('..', import.meta.url));
const SELF = fileURLToPath(import.meta.url);

/** The patterns are built from pieces so that this file does not match itself. */
const BANNED: { name: string; pattern: RegExp }[] = [
  { name: 'dangerously' + 'SetInnerHTML', pattern: new RegExp('dangerously' + 'SetInnerHTML') },
  { name: '.inner' + 'HTML =', pattern: new RegExp('\\.inner' + 'HTML\\s*\\+?=(?!=)') },
  { name: '.outer' + 'HTML =', pattern: new RegExp('\\.outer' + 'HTML\\s*\\+?=(?!=)') },
  { name: 'insertAdjacent' + 'HTML', pattern: new RegExp('insertAdjacent' + 'HTML\\s*\\(') },
  { name: 'document.' + 'write', pattern: new RegExp('document\\.' + 'write(ln)?\\s*\\(') },
];

const SOURCE = /\.(ts|tsx|js|jsx|mjs|cjs|mts|cts|html)$/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(path);
    return SOURCE.test(entry.name) && path !== SELF ? [path] : [];
  });
}

/** Every banned use in a text, as "line: pattern". */
function bannedUses(text: string): string[] {
  return text.split('\n').flatMap((line, i) => BANNED.filter((b) => b.pattern.test(line)).map((b) => `${i + 1}: ${b.name}`));
}

describe('no HTML from strings anywhere under src/', () => {
  it('finds what it looks for', () => {
    // the check itself: each banned form is caught, harmless look-alikes are not
    const unsafe = [
      '<div dangerously' + 'SetInnerHTML={{ __html: label }} />',
      'el.inner' + 'HTML = label;',
      'el.inner' + 'HTML=label',
      'el.inner' + 'HTML += label;',
      'el.outer' + 'HTML = label;',
      "el.insertAdjacent" + "HTML('beforeend', label);",
      'document.' + 'write(label);',
    ];
    for (const line of unsafe) expect(bannedUses(line), line).toHaveLength(1);
    for (const line of ['if (el.inner' + 'HTML === "") return;', 'el.textContent = label;', 'const innerHtmlCount = 1;']) expect(bannedUses(line), line).toEqual([]);
  });

  it('no file uses them', () => {
    const files = sourceFiles(SRC);
    // the walk really covers the app: the UI, the store, the engine and the sheet writers
    for (const part of ['ui/App.tsx', 'store/store.ts', 'engine/index.ts', 'sheet/markdown.ts', 'ui/change-request/sheetDocument.tsx', 'main.tsx']) {
      expect(files.map((f) => relative(SRC, f).replace(/\\/g, '/'))).toContain(part);
    }
    expect(files.length).toBeGreaterThan(50);
    const found = files.flatMap((f) => bannedUses(readFileSync(f, 'utf8')).map((use) => `${relative(SRC, f)}:${use}`));
    expect(found).toEqual([]);
  });
});
