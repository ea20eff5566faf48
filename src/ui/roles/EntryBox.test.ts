import { describe, expect, it } from 'vitest';
import { LARGE_BOX_CHARS, waitsForPause } from './EntryBox.tsx';

describe('typing in a large box', () => {
  const large = 'x'.repeat(LARGE_BOX_CHARS);
  it('waits for a pause only while the box is large, before and after', () => {
    expect(waitsForPause(large, `${large}1`, 'insertText')).toBe(true);
    expect(waitsForPause(`${large}12`, `${large}1`, 'deleteContentBackward')).toBe(true);
    expect(waitsForPause('10.0.0.1', '10.0.0.12', 'insertText')).toBe(false);
    // the edit that makes a box small is taken at once
    expect(waitsForPause(large, 'x', 'deleteContentBackward')).toBe(false);
  });
  it('takes a paste, a drop, a cut and the browser undo at once', () => {
    for (const inputType of ['insertFromPaste', 'insertFromDrop', 'deleteByCut', 'historyUndo', 'historyRedo']) expect(waitsForPause(large, `${large}1`, inputType)).toBe(false);
  });
});
