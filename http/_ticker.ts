// One interval per server, which lets the process exit while it waits (the
// listener and the connections keep the process alive, not the clock).

interface DenoTimers {
  unrefTimer(id: number): void;
}

const denoTimers = (globalThis as { Deno?: DenoTimers }).Deno;

/** An interval handle of either runtime. */
export type Interval = ReturnType<typeof setInterval>;

/** Calls `callback` every `ms` milliseconds without keeping the process alive. */
export function unrefInterval(callback: () => void, ms: number): Interval {
  const interval = setInterval(callback, ms);
  if (denoTimers !== undefined) denoTimers.unrefTimer(interval as unknown as number);
  else (interval as unknown as { unref(): void }).unref();
  return interval;
}
