import { describe, expect, it } from 'vitest';
import { LIMITS } from '../engine/index.ts';
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
