import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countLines, countLinesOf } from './common.ts';

describe('countLinesOf', () => {
  it('counts as countLines counts the lines joined, also where an item holds several lines', () => {
    const piece = fc.constantFrom('-A ', '-I ', 'add ', '# -A ', '\n', '-', 'A', ' ', 'x', '');
    const item = fc.array(piece, { maxLength: 6 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(fc.array(item, { maxLength: 30 }), (lines) => {
        expect(countLinesOf(lines, '-A ', '-I ')).toBe(countLines(lines.join('\n'), '-A ', '-I '));
        expect(countLinesOf(lines, 'add ')).toBe(countLines(lines.join('\n'), 'add '));
      }),
      { numRuns: 500 },
    );
    expect(countLinesOf(['-A x', '-I y\n-A z', '# -A', 'x\n-I '], '-A ', '-I ')).toBe(4);
  });
});
