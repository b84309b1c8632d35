// Coarse deadlines for TLS handshakes: one timer per process ticks while any
// deadline is pending, instead of a timer per handshake (a timer costs several
// microseconds to set and clear under Deno, a handshake's budget is 30 s, and
// a tick of 100 ms is precision enough). A server under load with many
// handshakes under way sets no timer per connection. The timer never keeps the
// process alive, and it is cleared as soon as nothing is pending.

/** How often pending deadlines are checked (milliseconds). */
const TICK = 100;

interface Entry {
  at: number;
  expire(): void;
}

const pending = new Set<Entry>();
let timer: ReturnType<typeof setTimeout> | undefined;

function unref(handle: ReturnType<typeof setTimeout>): void {
  const deno = (globalThis as { Deno?: { unrefTimer(id: number): void } }).Deno;
  if (deno !== undefined && typeof handle === "number") deno.unrefTimer(handle);
  else (handle as unknown as { unref?(): void }).unref?.();
}

function arm(): void {
  if (timer !== undefined || pending.size === 0) return;
  timer = setTimeout(tick, TICK);
  unref(timer);
}

function tick(): void {
  timer = undefined;
  const now = performance.now();
  for (const entry of pending) {
    if (entry.at <= now) {
      pending.delete(entry);
      entry.expire();
    }
  }
  arm();
}

/** A pending deadline; `clear()` cancels it. */
export interface Deadline {
  clear(): void;
}

/** Calls `expire` about `ms` milliseconds from now (within one tick), unless cleared first. */
export function deadline(ms: number, expire: () => void): Deadline {
  const entry: Entry = { at: performance.now() + ms, expire };
  pending.add(entry);
  arm();
  return {
    clear() {
      pending.delete(entry);
      if (pending.size === 0 && timer !== undefined) {
        clearTimeout(timer);
        timer = undefined;
      }
    },
  };
}
