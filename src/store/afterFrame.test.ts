import { describe, expect, it } from 'vitest';
import { afterNextFrame, type FrameClock } from './afterFrame.ts';

const AFTER_FRAME_LIMIT_MS = 100;

/** A page's clock by hand: frames and timers run only when the test says so. */
function fakeClock(options: { frames?: boolean; hidden?: boolean } = {}) {
  let now = 0;
  let nextId = 1;
  const timers = new Map<number, { at: number; run: () => void }>();
  const frames: (() => void)[] = [];
  const clock: FrameClock = {
    ...(options.frames === false ? {} : { requestAnimationFrame: (callback: () => void) => frames.push(callback) }),
    setTimeout: (run, ms = 0) => {
      const id = nextId++;
      timers.set(id, { at: now + ms, run });
      return id;
    },
    clearTimeout: (id) => void timers.delete(id as number),
    hidden: () => options.hidden === true,
  };
  /** run the timers due by `to` (and those they post) in time order */
  const advance = (to: number) => {
    for (;;) {
      const due = [...timers].filter(([, t]) => t.at <= to).sort((a, b) => a[1].at - b[1].at || a[0] - b[0])[0];
      if (!due) break;
      timers.delete(due[0]);
      now = Math.max(now, due[1].at);
      due[1].run();
    }
    now = to;
  };
  /** draw a frame: its animation callbacks run */
  const frame = () => frames.splice(0).forEach((f) => f());
  return { clock, advance, frame, pendingTimers: () => timers.size, pendingFrames: () => frames.length };
}

describe('afterNextFrame', () => {
  it('runs after the next frame, in a task of its own, and not before', () => {
    const c = fakeClock();
    const calls: string[] = [];
    afterNextFrame(() => calls.push('sent'), c.clock, AFTER_FRAME_LIMIT_MS);
    c.advance(0);
    expect(calls).toEqual([]);
    c.frame();
    // the frame's callback posts a task: what runs in the frame (its paint) comes first
    expect(calls).toEqual([]);
    c.advance(1);
    expect(calls).toEqual(['sent']);
    // once: the fallback timer is gone, and a late one would not call again
    expect(c.pendingTimers()).toBe(0);
    c.advance(AFTER_FRAME_LIMIT_MS * 2);
    expect(calls).toEqual(['sent']);
  });

  it('runs after the limit when no frame comes (a page hidden after the edit)', () => {
    const c = fakeClock();
    const calls: number[] = [];
    afterNextFrame(() => calls.push(1), c.clock, AFTER_FRAME_LIMIT_MS);
    c.advance(AFTER_FRAME_LIMIT_MS - 1);
    expect(calls).toEqual([]);
    c.advance(AFTER_FRAME_LIMIT_MS);
    expect(calls).toEqual([1]);
    // the frame that comes later, once the page is shown again, does not call a second time
    c.frame();
    c.advance(AFTER_FRAME_LIMIT_MS * 3);
    expect(calls).toEqual([1]);
  });

  it('does not wait for a frame on a hidden page, nor where there are no frames: the next task', () => {
    for (const options of [{ hidden: true }, { frames: false }]) {
      for (const limit of [AFTER_FRAME_LIMIT_MS, undefined]) {
        const c = fakeClock(options);
        const calls: number[] = [];
        afterNextFrame(() => calls.push(1), c.clock, limit);
        expect(c.pendingFrames()).toBe(0);
        expect(calls).toEqual([]);
        c.advance(0);
        expect(calls).toEqual([1]);
        c.advance(AFTER_FRAME_LIMIT_MS);
        expect(calls).toEqual([1]);
      }
    }
  });

  it('without a limit, waits for the frame however long it takes', () => {
    const c = fakeClock();
    const calls: number[] = [];
    afterNextFrame(() => calls.push(1), c.clock);
    c.advance(AFTER_FRAME_LIMIT_MS * 50);
    expect(calls).toEqual([]);
    expect(c.pendingTimers()).toBe(0);
    c.frame();
    c.advance(AFTER_FRAME_LIMIT_MS * 50 + 1);
    expect(calls).toEqual([1]);
  });
});
