// Deadlines for the client's timeouts, cheap enough for one per request.
//
// Most client timeouts are long (minutes) and almost never fire, yet a request
// would set and clear several of them. A native timer per deadline costs an
// allocation and a heap operation at each set, clear and refresh (about 2 us
// on Deno, measured). Long deadlines (at least LONG_MS) go instead into one
// list checked by a single unref'd timer every TICK_MS: setting one is an array
// push, refreshing one is a field write, clearing one is a flag. The tick stops
// by itself one tick after the last deadline went (stopping it at once would
// cost a timer per request again); `stopIdleTicks()` stops it at once when
// nothing is watched, for an agent being destroyed. Short deadlines, where a
// quarter second matters, get a native unref'd timer.

import { type Timer, unrefTimeout } from "../net/_timers.ts";

/** Deadlines this long or longer are checked by the shared tick. */
const LONG_MS = 2000;
/** How often the shared tick looks at long deadlines. */
const TICK_MS = 250;

/** One pending deadline. */
export class Deadline {
  /** When it fires (performance.now() time). */
  at: number;
  /** How long `refresh()` pushes it back. */
  ms: number;
  #callback: (() => void) | null;
  #timer: Timer | undefined;

  constructor(ms: number, callback: () => void) {
    this.ms = ms;
    this.at = performance.now() + ms;
    this.#callback = callback;
    if (ms < LONG_MS) this.#timer = unrefTimeout(() => this.#fire(), ms);
    else addLong(this);
  }

  /** Whether it neither fired nor was cleared. */
  get active(): boolean {
    return this.#callback !== null;
  }

  /** Starts the delay again from now. */
  refresh(): void {
    if (this.#callback === null) return;
    this.at = performance.now() + this.ms;
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = unrefTimeout(() => this.#fire(), this.ms);
    }
  }

  /** Starts it again from now with a new delay (and the same callback). */
  restart(ms: number): void {
    if (this.#callback === null) return;
    const wasLong = this.#timer === undefined;
    if (wasLong !== ms >= LONG_MS) {
      // from the shared list to a native timer, or back: rare
      const callback = this.#callback;
      this.clear();
      this.#callback = callback;
      this.ms = ms;
      this.at = performance.now() + ms;
      if (ms < LONG_MS) this.#timer = unrefTimeout(() => this.#fire(), ms);
      else addLong(this);
      return;
    }
    this.ms = ms;
    this.refresh();
  }

  /** Cancels it. */
  clear(): void {
    if (this.#callback === null) return;
    this.#callback = null;
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    } else removeLong();
  }

  /** Runs the callback if it is due (the shared tick calls this). */
  check(now: number): boolean {
    if (this.#callback === null) return true;
    if (now < this.at) return false;
    this.#fire();
    return true;
  }

  #fire(): void {
    const callback = this.#callback;
    if (callback === null) return;
    this.#callback = null;
    if (this.#timer === undefined) removeLong();
    this.#timer = undefined;
    callback();
  }
}

let long: Deadline[] = [];
/** Long deadlines neither fired nor cleared: the tick stops when none is left. */
let activeLong = 0;
let ticker: Timer | undefined;

function addLong(deadline: Deadline): void {
  long.push(deadline);
  activeLong++;
  if (ticker === undefined) ticker = unrefTimeout(tick, TICK_MS);
}

function removeLong(): void {
  if (--activeLong > 0) return;
  long = []; // nothing left to watch; the tick stops at its next turn
}

/** Stops the shared tick now if no deadline is left (an agent is being destroyed). */
export function stopIdleTicks(): void {
  if (activeLong > 0 || ticker === undefined) return;
  clearTimeout(ticker);
  ticker = undefined;
}

function tick(): void {
  ticker = undefined;
  const now = performance.now();
  const current = long;
  long = [];
  for (const deadline of current) {
    if (!deadline.check(now)) long.push(deadline);
  }
  if (activeLong > 0 && ticker === undefined) ticker = unrefTimeout(tick, TICK_MS);
}

/** A deadline `ms` from now, or `null` when `ms` is not a positive finite number. */
export function deadline(ms: number, callback: () => void): Deadline | null {
  return ms > 0 && ms < Infinity ? new Deadline(ms, callback) : null;
}
