/** What afterNextFrame needs of the page: the window's own functions in the app, fakes in tests. */
export interface FrameClock {
  requestAnimationFrame?: (callback: () => void) => unknown;
  setTimeout: (callback: () => void, ms?: number) => unknown;
  clearTimeout: (id: unknown) => void;
  /** whether the page is hidden now (it then draws no frames) */
  hidden: () => boolean;
}

/** How long afterNextFrame waits for a frame before it runs its callback anyway. */
export const AFTER_FRAME_LIMIT_MS = 100;

/**
 * Run `f` once, after the page has drawn the frame being prepared now: a task posted from that
 * frame's animation callback runs after its paint. A hidden page draws no frames, and one may be
 * hidden before its frame comes: then `f` runs after AFTER_FRAME_LIMIT_MS.
 */
export function afterNextFrame(f: () => void, clock: FrameClock): void {
  let done = false;
  const go = () => {
    if (done) return;
    done = true;
    clock.clearTimeout(limit);
    f();
  };
  const limit = clock.setTimeout(go, AFTER_FRAME_LIMIT_MS);
  if (clock.requestAnimationFrame && !clock.hidden()) clock.requestAnimationFrame(() => clock.setTimeout(go));
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
