import fc from 'fast-check';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { armLiteral, awsText, csvCell, hclString, iptablesComment, IPTABLES_COMMENT_MAX, lineComment, markdownCell, nftString, psString, shellWord, stripControls, truncateUtf8 } from './quote.ts';

/** Hostile text: any Unicode, quotes, backslashes, command substitutions, newlines, NUL, long. */
const hostile = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 400 }),
  fc.string({ unit: 'grapheme', maxLength: 300 }),
  fc.array(
    fc.constantFrom("'", '"', '\\', '$(', ')', '`', '\n', '\r', '\0', ';', '|', '&', '#', ' ', '=', '-', '+', '@', '\t', 'é', '😀', '中', '\u202e', '${IFS}', '${', '%{', '$$', '%%', '[', ']', '\u2018', '\u2019', '\u201a', '\u201b', '"', '\\u0041'),
    { maxLength: 80 },
  ).map((a) => a.join('')),
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

/** HCL's reading of a quoted string (the HCL native syntax spec): escapes, and $${ / %%{ for a literal ${ / %{. */
function readHcl(q: string): { value: string; end: number } {
  let out = '';
  let i = 1;
  for (;;) {
    const c = q[i];
    if (c === undefined || c === '\n' || c === '\r') throw new Error('unterminated');
    if (c === '"') return { value: out, end: i + 1 };
    if (c === '\\') {
      const e = q[i + 1] ?? '';
      const simple: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' };
      if (simple[e] === undefined) throw new Error(`escape \\${e}`);
      out += simple[e];
      i += 2;
    } else if ((c === '$' || c === '%') && q[i + 1] === c && q[i + 2] === '{') {
      out += `${c}{`;
      i += 3;
    } else if ((c === '$' || c === '%') && q[i + 1] === '{') {
      throw new Error('a template sequence would be evaluated');
    } else {
      out += c;
      i++;
    }
  }
}

describe('hclString', () => {
  it('reads back as the text itself, with no interpolation and no way out of the string', () => {
    fc.assert(fc.property(hostile, (s) => {
      const q = hclString(s);
      const read = readHcl(q);
      expect(read.end).toBe(q.length);
      expect(read.value).toBe(stripControls(s));
    }));
  });

  it('escapes the template introducers', () => {
    expect(hclString('${var.x} %{ if } $${y}')).toBe('"$${var.x} %%{ if } $$${y}"');
    expect(readHcl(hclString('a "b" \\c')).value).toBe('a "b" \\c');
  });
});

describe('awsText', () => {
  it('keeps to the characters AWS takes in descriptions, at most 255', () => {
    fc.assert(fc.property(hostile, (s) => {
      expect(awsText(s)).toMatch(/^[A-Za-z0-9 ._\-:/()#,@[\]+=&;{}!$*]{0,255}$/);
    }));
    expect(awsText('Segurança "HQ" <vault>')).toBe('Seguranca HQ vault');
  });
});

/** PowerShell's reading of a single-quoted string: any of ' ‘ ’ ‚ ‛ ends it, two in a row are one. */
function readPs(q: string): { value: string; end: number } {
  const quote = (c: string | undefined) => c !== undefined && "'\u2018\u2019\u201a\u201b".includes(c) && c.length === 1;
  if (!quote(q[0])) throw new Error('no opening quote');
  let out = '';
  let i = 1;
  for (;;) {
    const c = q[i];
    if (c === undefined) throw new Error('unterminated');
    if (quote(c)) {
      if (quote(q[i + 1])) {
        out += c;
        i += 2;
        continue;
      }
      return { value: out, end: i + 1 };
    }
    out += c;
    i++;
  }
}

describe('psString', () => {
  it('is one single-quoted string that reads back as the text, typographic quotes included', () => {
    fc.assert(fc.property(hostile, (s) => {
      const q = psString(s);
      const read = readPs(q);
      expect(read.end).toBe(q.length);
      expect(read.value).toBe(stripControls(s));
      expect(q).not.toMatch(/[\n\r\0]/);
    }));
  });

  it('doubles every quote PowerShell knows', () => {
    expect(psString("O'Brien’s $(rm -rf /)")).toBe("'O''Brien’’s $(rm -rf /)'");
  });
});

describe('armLiteral', () => {
  it('never begins an ARM expression, and reads back as the text', () => {
    fc.assert(fc.property(hostile, fc.integer({ min: 1, max: 200 }), (s, max) => {
      const out = armLiteral(s, max);
      if (out.startsWith('[')) expect(out.startsWith('[[')).toBe(true);
      const literal = out.startsWith('[[') ? out.slice(1) : out;
      expect(Array.from(literal).length).toBeLessThanOrEqual(max);
      expect(stripControls(s).startsWith(literal)).toBe(true);
      // eslint-disable-next-line no-control-regex
      expect(out).not.toMatch(/[\u0000-\u001f]/);
    }));
    expect(armLiteral("[concat('a')]")).toBe("[[concat('a')]");
  });
});
