// Timers that do not keep the process alive (socket idle timeouts, as in Node).

interface DenoTimers {
  unrefTimer(id: number): void;
}

const denoTimers = (globalThis as { Deno?: DenoTimers }).Deno;

/** A timer handle of either runtime. */
export type Timer = ReturnType<typeof setTimeout>;

/** Starts a timer that lets the process exit while it waits. */
export function unrefTimeout(callback: () => void, ms: number): Timer {
  const timer = setTimeout(callback, ms);
  if (denoTimers !== undefined) denoTimers.unrefTimer(timer as unknown as number);
  else (timer as unknown as { unref(): void }).unref();
  return timer;
}

const immediate = (globalThis as { setImmediate?: (callback: () => void) => unknown })
  .setImmediate;

/**
 * Runs `callback` on a later turn of the event loop, after pending I/O callbacks
 * (as Node emits `close` after the handle closed), not in the current microtask
 * queue: code that awaits one event can still subscribe to the next.
 */
export function nextTurn(callback: () => void): void {
  if (immediate !== undefined) immediate(callback);
  else setTimeout(callback, 0);
}
