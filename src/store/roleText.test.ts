import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LIMITS, parseAddress } from '../engine/index.ts';
import { parseRoleText, planEntries, replaceToken, roleTextFromEntries } from './roleText.ts';

describe('parseRoleText', () => {
  it('splits on new lines, commas, semicolons and spaces', () => {
    const p = parseRoleText('192.0.2.1, 192.0.2.2;192.0.2.3\n\n  2001:db8::1\t198.51.100.0/24');
    expect(p.entries.map((e) => e.written)).toEqual(['192.0.2.1', '192.0.2.2', '192.0.2.3', '2001:db8::1', '198.51.100.0/24']);
    expect(p.errors).toEqual([]);
    expect(p.v4).toBe(4);
    expect(p.v6).toBe(1);
  });

  it('labels every address of a line with the text after #', () => {
    const p = parseRoleText('192.0.2.1 192.0.2.2 # dns pair #2\n192.0.2.3\n# a comment line\n192.0.2.4 #   ');
    expect(planEntries(p)).toEqual([
      { address: '192.0.2.1', label: 'dns pair #2' },
      { address: '192.0.2.2', label: 'dns pair #2' },
      '192.0.2.3',
      '192.0.2.4',
    ]);
  });

  it('reports every bad token with its line, position and the engine reason, and keeps it', () => {
    const text = '192.0.2.1\nvault.example.com 10.0.0.300\n10.0.0.0/33';
    const p = parseRoleText(text);
    expect(p.entries).toHaveLength(1);
    expect(planEntries(p)).toEqual(['192.0.2.1', 'vault.example.com', '10.0.0.300', '10.0.0.0/33']);
    expect(p.errors.map((e) => [e.line, e.text])).toEqual([
      [2, 'vault.example.com'],
      [2, '10.0.0.300'],
      [3, '10.0.0.0/33'],
    ]);
    for (const e of p.errors) {
      expect(text.slice(e.start, e.end)).toBe(e.text);
      expect(e.reason.length).toBeGreaterThan(5);
    }
    expect(p.errors[0]?.reason).toMatch(/hostname/);
  });

  it('keeps a CIDR with host bits as written and asks which of its two meanings is meant', () => {
    const p = parseRoleText('10.0.0.5/24');
    expect(p.entries).toHaveLength(0);
    expect(p.tokens[0]?.written).toBe('10.0.0.5/24');
    expect(p.errors[0]?.choices).toEqual(['10.0.0.5', '10.0.0.0/24']);
    expect(replaceToken('x 10.0.0.5/24 y', { start: 2, end: 13 }, '10.0.0.5')).toBe('x 10.0.0.5 y');
  });

  it('cuts a label longer than the schema allows, and says so', () => {
    const p = parseRoleText(`192.0.2.1 # ${'x'.repeat(LIMITS.labelLength + 1)}`);
    expect(p.entries).toHaveLength(1);
    expect(p.entries[0]?.label).toHaveLength(LIMITS.labelLength);
    expect(p.errors[0]?.reason).toMatch(/label longer/);
  });

  it('round-trips plan entries through the text form', () => {
    const entries = ['192.0.2.1', { address: '2001:db8::/48', label: 'lab # 1' }, { address: '192.0.2.9' }];
    const text = roleTextFromEntries(entries);
    expect(planEntries(parseRoleText(text))).toEqual(['192.0.2.1', { address: '2001:db8::/48', label: 'lab # 1' }, '192.0.2.9']);
  });
});

/**
 * parseRoleText as it was before its fast path for one-address lines: every line split by the
 * token pattern. The fast path must read every text exactly as this does.
 */
function referenceParse(text: string) {
  const tokens: { written: string; line: number; start: number; end: number; label?: string }[] = [];
  const problems: { start: number; reason: string }[] = [];
  let v4 = 0;
  let v6 = 0;
  let lineStart = 0;
  let lineNo = 0;
  while (lineStart <= text.length) {
    lineNo++;
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd === -1) lineEnd = text.length;
    const line = text.slice(lineStart, lineEnd);
    const hash = line.indexOf('#');
    const body = hash === -1 ? line : line.slice(0, hash);
    const labelText = hash === -1 ? '' : line.slice(hash + 1).trim();
    const label = labelText === '' ? undefined : labelText.slice(0, LIMITS.labelLength);
    for (const m of body.matchAll(/[^\s,;]+/g)) {
      const written = m[0].slice(0, LIMITS.entryLength);
      const start = lineStart + (m.index ?? 0);
      tokens.push({ written, line: lineNo, start, end: start + m[0].length, ...(label !== undefined ? { label } : {}) });
      const parsed = parseAddress(written);
      if (!parsed.ok || parsed.hostBitsSet) problems.push({ start, reason: parsed.ok ? 'host bits' : parsed.reason });
      else if (parsed.network.family === 4) v4++;
      else v6++;
    }
    lineStart = lineEnd + 1;
  }
  return { tokens, problems, v4, v6 };
}

describe('parseRoleText reads every text as the plain token split does', () => {
  const piece = fc.oneof(
    fc.constantFrom('192.0.2.1', '10.0.0.0/8', '10.0.0.5/24', '2001:db8::1', 'host.example', '01.2.3.4', '::192.0.2.1', '', '#', '# label', ',', ';', ' ', '\t', '\r', '\u00a0', '\u2028', '\ufeff', '\u0000', 'é'),
    fc.string({ maxLength: 6 }),
  );
  const text = fc.array(fc.array(piece, { maxLength: 5 }).map((parts) => parts.join('')), { maxLength: 8 }).map((lines) => lines.join('\n'));

  it('gives the joined form of a list of one address per line, trailing blank lines and all', () => {
    expect(parseRoleText('192.0.2.1\n10.0.0.0/8\n\n').plainText).toBe('192.0.2.1\n10.0.0.0/8');
    expect(planEntries(parseRoleText('192.0.2.1\nbad\n'))).toEqual(['192.0.2.1', 'bad']);
    expect(parseRoleText('192.0.2.1\n\n10.0.0.0/8').plainText).toBeUndefined();
    expect(parseRoleText('192.0.2.1 # dns\n10.0.0.0/8').plainText).toBeUndefined();
    expect(parseRoleText('').plainText).toBeUndefined();
  });

  it('tokens, positions, labels, counts and problems agree', () => {
    fc.assert(
      fc.property(text, (t) => {
        const got = parseRoleText(t);
        const want = referenceParse(t);
        expect(got.tokens.map((k) => ({ written: k.written, line: k.line, start: k.start, end: k.end, ...(k.label !== undefined ? { label: k.label } : {}) }))).toEqual(want.tokens);
        expect(got.v4).toBe(want.v4);
        expect(got.v6).toBe(want.v6);
        expect(got.errors.filter((e) => !e.reason.startsWith('has a label longer')).map((e) => e.start)).toEqual(want.problems.map((p) => p.start));
        expect(got.entries.length + got.errors.filter((e) => !e.reason.startsWith('has a label longer')).length).toBe(got.tokens.length);
        // the joined form, where there is one, is exactly the plan's entries joined
        if (got.plainText !== undefined) expect(planEntries(got).join('\n')).toBe(got.plainText);
        const lines = t.replace(/\n+$/, '').split('\n');
        const onePerLine = t.replace(/\n+$/, '') !== '' && lines.every((l) => l !== '' && /^[^\s,;#]+$/.test(l) && [...l].every((c) => c.charCodeAt(0) > 32 && c.charCodeAt(0) < 127) && l.length <= LIMITS.entryLength);
        expect(got.plainText !== undefined).toBe(onePerLine);
      }),
      { numRuns: 2000 },
    );
  });
});
