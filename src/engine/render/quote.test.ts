import fc from 'fast-check';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import {
  armLiteral,
  ASA_NAME_MAX,
  asaName,
  asaText,
  awsText,
  csvCell,
  fortiString,
  hclString,
  IPTABLES_COMMENT_MAX,
  iptablesComment,
  lineComment,
  markdownCell,
  nftString,
  panosName,
  panosQuoted,
  panosText,
  psString,
  shellWord,
  stripControls,
  truncateUtf8,
  xmlText,
} from './quote.ts';

/** Hostile text: any Unicode, quotes, backslashes, command substitutions, newlines, NUL, long. */
const hostile = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 400 }),
  fc.string({ unit: 'grapheme', maxLength: 300 }),
  fc.array(
    fc.constantFrom("'", '"', '\\', '$(', ')', '`', '\n', '\r', '\0', ';', '|', '&', '#', ' ', '=', '-', '+', '@', '\t', 'é', '😀', '中', '\u202e', '${IFS}', '${', '%{', '$$', '%%', '[', ']', '\u2018', '\u2019', '\u201a', '\u201b', '"', '\\u0041', '?', '!', '<', '>', '--', 'end', 'next'),
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

describe('truncateUtf8 against the character walk', () => {
  // the plain way: whole characters while they fit
  const walk = (text: string, maxBytes: number) => {
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
  };

  it('keeps exactly as much: short, ASCII, multi-byte and lone-surrogate text alike', () => {
    const text = fc.oneof(fc.string({ maxLength: 200 }), fc.string({ unit: 'grapheme', maxLength: 120 }), fc.string({ unit: 'binary', maxLength: 120 }));
    fc.assert(fc.property(text, fc.integer({ min: 0, max: 400 }), (s, max) => {
      expect(truncateUtf8(s, max)).toBe(walk(s, max));
    }), { numRuns: 2000 });
    expect(truncateUtf8('a'.repeat(200), 127)).toBe('a'.repeat(127));
    expect(truncateUtf8(`${'a'.repeat(125)}é`, 127)).toBe(`${'a'.repeat(125)}é`);
    expect(truncateUtf8(`${'a'.repeat(126)}é`, 127)).toBe('a'.repeat(126));
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

/** How FortiOS reads a double-quoted CLI string: backslash escapes the next character. Returns the text and what follows. */
function readFortiString(line: string): { text: string; rest: string } | undefined {
  if (!line.startsWith('"')) return undefined;
  let text = '';
  for (let i = 1; i < line.length; i++) {
    const c = line[i] as string;
    if (c === '\\') {
      text += line[i + 1] ?? '';
      i++;
    } else if (c === '"') {
      return { text, rest: line.slice(i + 1) };
    } else {
      text += c;
    }
  }
  return undefined;
}

describe('fortiString', () => {
  it('reads back (FortiOS escapes) as one string on one line: the text without controls or ?, within the byte limit', () => {
    fc.assert(fc.property(hostile, fc.integer({ min: 1, max: 1023 }), (s, max) => {
      const q = fortiString(s, max);
      expect(q).not.toMatch(/[\n\r?]/);
      const read = readFortiString(`${q} next`);
      expect(read?.rest).toBe(' next');
      const expected = truncateUtf8(stripControls(s).replace(/\?/g, '.'), max);
      expect(read?.text).toBe(expected);
      expect(utf8Bytes(read?.text ?? '')).toBeLessThanOrEqual(max);
    }));
  });

  it('escapes the two characters that could end it', () => {
    expect(fortiString('dc01 "primary" \\ x')).toBe('"dc01 \\"primary\\" \\\\ x"');
  });
});

describe('panosName, panosQuoted and panosText', () => {
  it('make a name of letters, digits, . _ - and spaces, beginning with one of the first two, at most 63', () => {
    fc.assert(fc.property(hostile, (s) => {
      const n = panosName(s);
      expect(n).toMatch(/^[A-Za-z0-9][A-Za-z0-9._ -]*$/);
      expect(n.length).toBeLessThanOrEqual(63);
      expect(panosName(n)).toBe(n);
      expect(panosQuoted(s)).toBe(`"${n}"`);
    }));
  });

  it('keep different texts different names, and a valid name as it is', () => {
    fc.assert(fc.property(hostile, hostile, (a, b) => {
      if (a !== b) expect(panosName(a)).not.toBe(panosName(b));
    }));
    expect(panosName('hq-vault-USERW-administrators')).toBe('hq-vault-USERW-administrators');
    expect(panosName('Admins!')).toMatch(/^Admins_-[a-z0-9]{6}$/);
    // a zone must match the firewall's own: cleaned, never hashed
    expect(panosName('vault zone?', 31, false)).toBe('vault zone_');
  });

  it('quote a description as one string with nothing inside that could end it or ask for help', () => {
    fc.assert(fc.property(hostile, (s) => {
      const q = panosText(s);
      expect(q.startsWith('"') && q.endsWith('"')).toBe(true);
      expect(q.slice(1, -1)).not.toMatch(/["\\\n\r?]/);
      expect([...q.slice(1, -1)].length).toBeLessThanOrEqual(255);
    }));
  });
});

describe('xmlText', () => {
  it('is character data with no markup: every & starts an entity, no < > or quote', () => {
    fc.assert(fc.property(hostile, (s) => {
      const x = xmlText(s, 1023);
      expect(x).not.toMatch(/[<>"']/);
      expect(x.replace(/&(amp|lt|gt|quot|apos);/g, '')).not.toContain('&');
      // eslint-disable-next-line no-control-regex
      expect(x).not.toMatch(/[\u0000-\u001f\ufffe\uffff]/);
      const back = x.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
      expect(back).toBe([...stripControls(s).replace(/[\ufffe\uffff]/g, '\ufffd')].slice(0, 1023).join(''));
    }));
  });
});

describe('asaName and asaText', () => {
  it('make one word of letters, digits, . _ -, beginning with a letter or digit, at most 64', () => {
    fc.assert(fc.property(hostile, (s) => {
      const n = asaName(s);
      expect(n).toMatch(/^[A-Za-z0-9][A-Za-z0-9._-]*$/);
      expect(n.length).toBeLessThanOrEqual(ASA_NAME_MAX);
      expect(asaName(n)).toBe(n);
    }));
    fc.assert(fc.property(hostile, hostile, (a, b) => {
      if (a !== b) expect(asaName(a)).not.toBe(asaName(b));
    }));
    expect(asaName('inside')).toBe('inside');
    expect(asaName('my if', 48, false)).toBe('my_if');
  });

  it('make remark text printable ASCII, never empty, with no ? ! or " that a CLI or a config reader takes for something else', () => {
    fc.assert(fc.property(hostile, fc.integer({ min: 1, max: 200 }), (s, max) => {
      const t = asaText(s, max);
      expect(t).toMatch(/^[\x20-\x7e]+$/);
      expect(t).not.toMatch(/[?!"]/);
      expect(t).toBe(t.trim());
      expect(t.length).toBeGreaterThan(0);
      expect(t.length).toBeLessThanOrEqual(max);
    }));
    expect(asaText('dc01 "primary"! ok?')).toBe("dc01 'primary'. ok.");
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
