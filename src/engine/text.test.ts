import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { internalized, slugify, uniqueSlugs } from './text.ts';

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

describe('internalized', () => {
  it('gives back the same text', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (text) => internalized(text) === text));
    expect(internalized('__proto__')).toBe('__proto__');
  });

  it('gives V8 internalized strings, and every catalog id is one (checked in a node with --allow-natives-syntax)', () => {
    const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
    const script = [
      `const { internalized } = await import(${JSON.stringify(here('./text.ts'))});`,
      `const { SENHASEGURA_CATALOG } = await import(${JSON.stringify(here('./catalog/senhasegura.ts'))});`,
      "const made = ['prd', 'dvc', 'tcp', 22].join('-');",
      'const out = { made: %IsInternalizedString(made), kept: %IsInternalizedString(internalized(made)), ids: SENHASEGURA_CATALOG.filter((r) => !%IsInternalizedString(r.id)).map((r) => r.id) };',
      'console.log(JSON.stringify(out));',
    ].join('\n');
    const r = spawnSync(process.execPath, ['--allow-natives-syntax', '--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    // a string made at run time is not internalized until V8 needs it as a key; internalized() hands back the kept copy
    expect(JSON.parse(r.stdout)).toEqual({ made: false, kept: true, ids: [] });
  });
});
