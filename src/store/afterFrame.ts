/** What afterNextFrame needs of the page: the window's own functions in the app, fakes in tests. */
export interface FrameClock {
  requestAnimationFrame?: (callback: () => void) => unknown;
  setTimeout: (callback: () => void, ms?: number) => unknown;
  clearTimeout: (id: unknown) => void;
  /** whether the page is hidden now (it then draws no frames) */
  hidden: () => boolean;
}

/**
 * Run `f` once, after the page has drawn the frame being prepared now: a task posted from that
 * frame's animation callback runs after its paint. A hidden page draws no frames: then `f` runs in
 * the next task. A page may also be hidden before its frame comes: with `limitMs`, `f` runs after
 * that long at the latest; without, it waits for the frame.
 */
export function afterNextFrame(f: () => void, clock: FrameClock, limitMs?: number): void {
  if (!clock.requestAnimationFrame || clock.hidden()) {
    clock.setTimeout(f);
    return;
  }
  let done = false;
  const go = () => {
    if (done) return;
    done = true;
    if (limit !== undefined) clock.clearTimeout(limit);
    f();
  };
  const limit = limitMs === undefined ? undefined : clock.setTimeout(go, limitMs);
  clock.requestAnimationFrame(() => clock.setTimeout(go));
}

/** The page's own clock. */
export function windowClock(): FrameClock {
  return {
    ...(typeof requestAnimationFrame === 'function' ? { requestAnimationFrame: (callback: () => void) => requestAnimationFrame(callback) } : {}),
    setTimeout: (callback, ms) => window.setTimeout(callback, ms),
    clearTimeout: (id) => window.clearTimeout(id as number),
    hidden: () => document.visibilityState === 'hidden',
  };
}
