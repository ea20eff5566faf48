import fc from 'fast-check';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { csvCell, iptablesComment, IPTABLES_COMMENT_MAX, lineComment, markdownCell, nftString, shellWord, stripControls, truncateUtf8 } from './quote.ts';

/** Hostile text: any Unicode, quotes, backslashes, command substitutions, newlines, NUL, long. */
const hostile = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 400 }),
  fc.string({ unit: 'grapheme', maxLength: 300 }),
  fc.array(fc.constantFrom("'", '"', '\\', '$(', ')', '`', '\n', '\r', '\0', ';', '|', '&', '#', ' ', '=', '-', '+', '@', '\t', 'é', '😀', '中', '\u202e', '${IFS}'), { maxLength: 80 }).map((a) => a.join('')),
);

const utf8Bytes = (s: string) => new TextEncoder().encode(s).length;

describe('stripControls and truncateUtf8', () => {
  it('leave no control character and no lone surrogate', () => {
    fc.assert(fc.property(hostile, (s) => {
      const out = stripControls(s);
      // eslint-disable-next-line no-control-regex
      expect(out).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
      expect(out.isWellFormed()).toBe(true);
    }));
  });

  it('cut at a byte limit without splitting a character', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), fc.integer({ min: 0, max: 300 }), (s, max) => {
      const out = truncateUtf8(s, max);
      expect(utf8Bytes(out)).toBeLessThanOrEqual(max);
      expect(s.startsWith(out)).toBe(true);
      expect(out.isWellFormed()).toBe(true);
    }));
  });
});

describe('iptablesComment', () => {
  it('is one double-quoted argument within the module limit, with nothing to escape', () => {
    fc.assert(fc.property(hostile, (s) => {
      const q = iptablesComment(s);
      expect(q.startsWith('"') && q.endsWith('"')).toBe(true);
      const inner = q.slice(1, -1);
      expect(inner).not.toMatch(/["\\\n\r]/);
      expect(utf8Bytes(inner)).toBeLessThan(IPTABLES_COMMENT_MAX);
      expect(inner.isWellFormed()).toBe(true);
    }));
  });

  it('keeps a long multi-byte comment whole up to the last full character', () => {
    const q = iptablesComment('é'.repeat(300));
    expect(q.slice(1, -1)).toBe('é'.repeat(127));
  });
});

describe('nftString', () => {
  it('is one double-quoted string with no quote or backslash inside, at most 128 bytes', () => {
    fc.assert(fc.property(hostile, (s) => {
      const inner = nftString(s).slice(1, -1);
      expect(inner).not.toMatch(/["\\\n\r]/);
      expect(utf8Bytes(inner)).toBeLessThan(128);
    }));
  });
});

describe('lineComment', () => {
  it('can never end a comment line early', () => {
    fc.assert(fc.property(hostile, (s) => {
      expect(lineComment(s)).not.toMatch(/[\n\r]/);
    }));
  });
});

describe('shellWord', () => {
  it('is a single-quoted word whose only quotes are the escaped kind', () => {
    fc.assert(fc.property(hostile, (s) => {
      const w = shellWord(s);
      expect(w.startsWith("'") && w.endsWith("'")).toBe(true);
      // inside, every ' belongs to the '\'' sequence
      expect(w.slice(1, -1).replace(/'\\''/g, '')).not.toContain("'");
      expect(w).not.toMatch(/[\n\r\0]/);
    }));
  });
});

describe('csvCell', () => {
  it('reads back as the same text, with formulas neutralised', () => {
    fc.assert(fc.property(hostile, (s) => {
      const cell = csvCell(s);
      const parsed = Papa.parse<string[]>(`${cell},x\r\n`, { delimiter: ',', newline: '\r\n' }).data[0];
      const expected = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
      expect(parsed?.[0]).toBe(expected);
      expect(parsed?.[1]).toBe('x');
      expect(parsed?.[0]).not.toMatch(/^[=+\-@\t\r]/);
    }));
  });

  it('leaves addresses and ports machine-readable', () => {
    for (const v of ['10.0.0.1', '2001:db8::1', '::1', '10.0.0.0/8', '443', 'prd-dvc-tcp-22']) expect(csvCell(v)).toBe(v);
    expect(csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvCell('-1+2')).toBe(`"'-1+2"`);
  });
});

describe('markdownCell', () => {
  it('has no raw markup, pipe or line break', () => {
    fc.assert(fc.property(hostile, (s) => {
      const out = markdownCell(s);
      expect(out).not.toMatch(/[<>\n\r]/);
      expect(out.replace(/\\[\\`*_[\]#|]/g, '')).not.toMatch(/[|`*_[\]#]/);
    }));
  });
});
