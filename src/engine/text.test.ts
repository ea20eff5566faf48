import { describe, expect, it } from 'vitest';
import { slugify, uniqueSlugs } from './text.ts';

describe('slugify', () => {
  it('makes names file- and object-safe, accents taken off, never empty', () => {
    expect(slugify('HQ vault!')).toBe('hq-vault');
    expect(slugify('Café São Paulo — Zoë')).toBe('cafe-sao-paulo-zoe');
    expect(slugify('ﬁle Ⅸ')).toBe('file-ix');
    expect(slugify('  --  ')).toBe('fwplan');
    expect(slugify(undefined, 'node')).toBe('node');
    expect(slugify('x'.repeat(59) + '-y')).toBe('x'.repeat(59));
  });

  it('numbers repeated slugs', () => {
    expect(uniqueSlugs(['A b', 'a-b', 'a b', ''], 'x')).toEqual(['a-b', 'a-b-2', 'a-b-3', 'x']);
  });
});
