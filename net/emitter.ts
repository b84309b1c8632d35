/**
 * The event base class of wirestack's sockets and servers: an `EventTarget` that
 * also offers Node's `on`/`once`/`off`/`emit`, with Node's listener signatures.
 *
 * ## One event, two ways to listen
 *
 * `emit(type, ...args)` calls every `on`/`once` listener with `args`, as Node's
 * `EventEmitter` does (`data` listeners get the bytes, `message` listeners get
 * `(msg, rinfo)`). Listeners added with `addEventListener` get a `CustomEvent`
 * whose `detail` carries the same payload:
 *
 * | arguments of the event | `event.detail`                              |
 * | ---------------------- | ------------------------------------------- |
 * | none (`connect`)       | `null`                                      |
 * | one (`data`, `error`)  | that argument (the bytes, the error)        |
 * | several (`message`)    | the arguments as an array (`[msg, rinfo]`)  |
 *
 * The `EventDetail` type spells this out per event, so `event.detail` is typed.
 *
 * ## Cost on hot paths
 *
 * An emit with only `on` listeners allocates nothing beyond the argument list:
 * no `Event`, no `CustomEvent`, no `dispatchEvent`. The class keeps its own record
 * of the listeners added with `addEventListener` (including `once` and `signal`
 * removal), and builds and dispatches a `CustomEvent` only when that record holds
 * a listener for the type emitted. Listener lists are copied on change, never on
 * emit, so adding or removing a listener from inside a listener is safe.
 *
 * ## `error` with nobody listening
 *
 * Node's `EventEmitter` throws an `error` event nobody listens to, which crashes
 * the process. This class never throws from `emit`: with no listener of either
 * kind, `emit("error", e)` returns `false` and does nothing else. Each subclass
 * says what it does then, and none lets one peer crash a server:
 * - a `net` `Socket` records the error (`socket.errored`), destroys itself and
 *   emits `close` with `hadError` true;
 * - a `net` `Server` does the same for accept failures, which concern one peer;
 *   a failed `listen()` (`EADDRINUSE`, `EACCES`) is a start-up failure, not a
 *   peer's, and it is raised where the caller can see it (see `Server.listen`);
 * - a `dgram` `Socket` drops it (UDP errors concern one datagram).
 *
 * Listeners that throw are not caught: as in Node, that is a bug in the listener.
 *
 * @example A class with typed events, heard both ways
 * ```ts
 * import { Emitter } from "./emitter.ts";
 *
 * interface ThermometerEvents {
 *   reading: [celsius: number, at: Date];
 *   error: [Error];
 * }
 *
 * class Thermometer extends Emitter<ThermometerEvents> {
 *   measure(): void {
 *     this.emit("reading", 21.5, new Date(0));
 *   }
 * }
 *
 * const thermometer = new Thermometer();
 * thermometer.on("reading", (celsius, at) => console.log(celsius, at.toISOString()));
 * thermometer.addEventListener("reading", (event) => {
 *   const [celsius] = event.detail; // several arguments: detail is the array
 *   console.log(celsius);
 * });
 * thermometer.measure();
 * ```
 *
 * @module
 */

/** The events of an emitter: each event name maps to the arguments its listeners get. */
export type EventMap<T> = { [K in keyof T]: unknown[] };

/** What `event.detail` is for an event with these arguments (see the table above). */
export type EventDetail<Args extends unknown[]> = Args extends [] ? null
  : Args extends [infer Only] ? Only
  : Args;

/**
 * A Node-style listener for an event with these arguments. It may declare more
 * parameters than the event has (they get `undefined`), so that a promise's
 * `resolve` fits as a listener of an event without arguments.
 */
export type Listener<Args extends unknown[]> = (...args: [...Args, ...never[]]) => void;

/** An `addEventListener` listener for an event with these arguments. */
export type DomListener<Args extends unknown[]> =
  | ((event: CustomEvent<EventDetail<Args>>) => void)
  | { handleEvent(event: CustomEvent<EventDetail<Args>>): void };

// deno-lint-ignore no-explicit-any
type AnyListener = (...args: any[]) => void;
type OnceWrapper = AnyListener & { listener: AnyListener };

interface DomEntry {
  listener: EventListenerOrEventListenerObject;
  capture: boolean;
  once: boolean;
}

/**
 * An `EventTarget` with Node's `on`/`once`/`off`/`emit`. Subclass it with an
 * interface that maps each event name to its listener's arguments.
 *
 * @typeParam Events the event map: `{ data: [Uint8Array]; close: [hadError: boolean] }`
 *
 * @example Node-style listeners
 * ```ts
 * import { Emitter } from "./emitter.ts";
 *
 * const emitter = new Emitter<{ data: [Uint8Array]; end: [] }>();
 * emitter.once("end", () => console.log("done"));
 * emitter.on("data", (bytes) => console.log(bytes.length));
 * emitter.emit("data", new Uint8Array(3));
 * emitter.emit("end");
 * ```
 *
 * @example EventTarget listeners get the payload in `detail`
 * ```ts
 * import { Emitter } from "./emitter.ts";
 *
 * const emitter = new Emitter<{ data: [Uint8Array] }>();
 * emitter.addEventListener("data", (event) => console.log(event.detail.length));
 * emitter.emit("data", new Uint8Array(3));
 * ```
 */
export class Emitter<Events extends EventMap<Events>> extends EventTarget {
  /**
   * Type-level only, never set: the event map, so that helpers such as
   * {@linkcode once} can infer an emitter's events from its type.
   */
  declare readonly "~events"?: Events;
  // Event names and their listeners (one function, or an array copied on change)
  // in one small array, [type, listeners, type, listeners, ...], replaced by an
  // exactly sized copy when a type comes or goes: a socket has a handful of event
  // types, and this costs an idle socket far less than a dictionary, a Map, or
  // arrays grown by push (which reserve room for 17).
  #events: Array<string | AnyListener | AnyListener[]> | null = null;
  #adopted = false;
  #dom: Map<string, DomEntry[]> | null = null;

  /**
   * Adds a listener, called with the event's arguments every time it is emitted.
   *
   * @param type the event name
   * @param listener the function to call
   * @returns this emitter, for chaining
   *
   * @example
   * ```ts
   * import { Emitter } from "./emitter.ts";
   *
   * new Emitter<{ tick: [number] }>().on("tick", (n) => console.log(n)).emit("tick", 1);
   * ```
   */
  on<K extends keyof Events & string>(type: K, listener: Listener<Events[K]>): this {
    this.#add(type, listener as AnyListener, false);
    return this;
  }

  /**
   * Same as {@linkcode Emitter.on}, under Node's older name.
   *
   * @param type the event name
   * @param listener the function to call
   * @returns this emitter
   *
   * @example
   * ```ts
   * import { Emitter } from "./emitter.ts";
   *
   * new Emitter<{ tick: [] }>().addListener("tick", () => {});
   * ```
   */
  addListener<K extends keyof Events & string>(type: K, listener: Listener<Events[K]>): this {
    return this.on(type, listener);
  }

  /**
   * Adds a listener that runs before the listeners already added.
   *
   * @param type the event name
   * @param listener the function to call
   * @returns this emitter
   *
   * @example
   * ```ts
   * import { Emitter } from "./emitter.ts";
   *
   * const emitter = new Emitter<{ tick: [] }>();
   * emitter.on("tick", () => console.log("second"));
   * emitter.prependListener("tick", () => console.log("first"));
   * emitter.emit("tick");
   * ```
   */
  prependListener<K extends keyof Events & string>(type: K, listener: Listener<Events[K]>): this {
    this.#add(type, listener as AnyListener, true);
    return this;
  }

  /**
   * Adds a listener that runs the next time the event is emitted, then is removed.
   *
   * @param type the event name
   * @param listener the function to call once
   * @returns this emitter
   *
   * @example
   * ```ts
   * import { Emitter } from "./emitter.ts";
   *
   * const emitter = new Emitter<{ ready: [] }>();
   * emitter.once("ready", () => console.log("only once"));
   * emitter.emit("ready");
   * emitter.emit("ready");
   * ```
   */
  once<K extends keyof Events & string>(type: K, listener: Listener<Events[K]>): this {
    const remove = (fn: AnyListener) => this.#remove(type, fn);
    const wrapper = function (this: unknown, ...args: unknown[]) {
      remove(wrapper);
      (listener as AnyListener).apply(this, args);
    } as OnceWrapper;
    wrapper.listener = listener as AnyListener;
    this.#add(type, wrapper, false);
    return this;
  }

  /**
   * Removes a listener added with `on`, `once` or `prependListener`.
   *
   * @param type the event name
   * @param listener the function that was added
   * @returns this emitter
   *
   * @example
   * ```ts
   * import { Emitter } from "./emitter.ts";
   *
   * const emitter = new Emitter<{ tick: [] }>();
   * const listener = () => console.log("tick");
   * emitter.on("tick", listener).off("tick", listener);
   * console.assert(emitter.emit("tick") === false);
   * ```
   */
  off<K extends keyof Events & string>(type: K, listener: Listener<Events[K]>): this {
    this.#remove(type, listener as AnyListener);
    return this;
  }

  /**
   * Same as {@linkcode Emitter.off}, under Node's older name.
   *
   * @param type the event name
   * @param listener the function that was added
   * @returns this emitter
   *
   * @example
   * ```ts
   * import { Emitter } from "./emitter.ts";
   *
   * const emitter = new Emitter<{ tick: [] }>();
   * const listener = () => {};
   * emitter.on("tick", listener).removeListener("tick", listener);
   * ```
   */
  removeListener<K extends keyof Events & string>(type: K, listener: Listener<Events[K]>): this {
    return this.off(type, listener);
  }

  /**
   * Removes every `on`/`once` listener of one event, or of all events. Listeners
   * added with `addEventListener` stay (remove them with `removeEventListener`).
   *
   * @param type the event name; all events when absent
   * @returns this emitter
   *
   * @example
   * ```ts
   * import { Emitter } from "./emitter.ts";
   *
   * const emitter = new Emitter<{ tick: [] }>();
   * emitter.on("tick", () => {}).removeAllListeners("tick");
   * console.assert(emitter.listenerCount("tick") === 0);
   * ```
   */
  removeAllListeners(type?: keyof Events & string): this {
    if (type === undefined) this.#events = null;
    else {
      const at = this.#find(type);
      if (at >= 0) this.#delete(at);
    }
    return this;
  }

  /**
   * Calls every listener of `type` with `args`: the `on`/`once` ones directly, the
   * `addEventListener` ones with a `CustomEvent` whose `detail` is the payload.
   * Never throws for an `error` nobody listens to (see the module notes).
   *
   * @param type the event name
   * @param args the listener arguments
   * @returns whether any listener heard it
   *
   * @example
   * ```ts
   * import { Emitter } from "./emitter.ts";
   *
   * const emitter = new Emitter<{ error: [Error] }>();
   * console.assert(emitter.emit("error", new Error("nobody hears this")) === false);
   * ```
   */
  emit<K extends keyof Events & string>(type: K, ...args: Events[K]): boolean {
    let heard = false;
    const events = this.#events;
    const at = events === null ? -1 : this.#find(type);
    if (at >= 0) {
      const listeners = (events as unknown[])[at + 1] as AnyListener | AnyListener[];
      heard = true;
      if (typeof listeners === "function") listeners.apply(this, args);
      else for (let i = 0; i < listeners.length; i++) listeners[i].apply(this, args);
    }
    if (this.#dom !== null && this.#dom.has(type)) {
      heard = true;
      this.#dispatch(type, args);
    }
    return heard;
  }

  /**
   * Counts the listeners of an event, of both kinds.
   *
   * @param type the event name
   * @returns how many listeners it has
   *
   * @example
   * ```ts
   * import { Emitter } from "./emitter.ts";
   *
   * const emitter = new Emitter<{ tick: [] }>();
   * emitter.on("tick", () => {});
   * emitter.addEventListener("tick", () => {});
   * console.assert(emitter.listenerCount("tick") === 2);
   * ```
   */
  listenerCount(type: keyof Events & string): number {
    const listeners = this.#get(type);
    const own = listeners === undefined
      ? 0
      : typeof listeners === "function"
      ? 1
      : listeners.length;
    return own + (this.#dom?.get(type)?.length ?? 0);
  }

  /**
   * The `on`/`once` listeners of an event, in calling order (a copy).
   *
   * @param type the event name
   * @returns the listener functions (`once` ones unwrapped)
   *
   * @example
   * ```ts
   * import { Emitter } from "./emitter.ts";
   *
   * const emitter = new Emitter<{ tick: [] }>();
   * emitter.on("tick", () => {});
   * console.assert(emitter.listeners("tick").length === 1);
   * ```
   */
  listeners<K extends keyof Events & string>(type: K): Listener<Events[K]>[] {
    const listeners = this.#get(type);
    if (listeners === undefined) return [];
    const list = typeof listeners === "function" ? [listeners] : listeners;
    return list.map((listener) => (listener as Partial<OnceWrapper>).listener ?? listener);
  }

  /**
   * The names of the events that have listeners of either kind.
   *
   * @returns the event names
   *
   * @example
   * ```ts
   * import { Emitter } from "./emitter.ts";
   *
   * const emitter = new Emitter<{ tick: []; tock: [] }>();
   * emitter.on("tick", () => {});
   * console.assert(emitter.eventNames().join() === "tick");
   * ```
   */
  eventNames(): string[] {
    const names = new Set<string>();
    const events = this.#events ?? [];
    for (let i = 0; i < events.length; i += 2) names.add(events[i] as string);
    for (const type of this.#dom?.keys() ?? []) names.add(type);
    return [...names];
  }

  /**
   * Adds an `EventTarget` listener. For an event of this emitter, the listener
   * gets a `CustomEvent` whose `detail` is the payload (see the module notes).
   *
   * @param type the event name
   * @param listener the listener function or object
   * @param options `capture`, `once`, `passive`, `signal`, as for any `EventTarget`
   *
   * @example
   * ```ts
   * import { Emitter } from "./emitter.ts";
   *
   * const emitter = new Emitter<{ data: [Uint8Array] }>();
   * const controller = new AbortController();
   * emitter.addEventListener("data", (event) => console.log(event.detail), {
   *   signal: controller.signal,
   * });
   * controller.abort(); // removes the listener
   * ```
   */
  override addEventListener<K extends keyof Events & string>(
    type: K,
    listener: DomListener<Events[K]> | null,
    options?: AddEventListenerOptions | boolean,
  ): void;
  /**
   * Adds an `EventTarget` listener for any event type.
   *
   * @param type the event name
   * @param listener the listener function or object
   * @param options `capture`, `once`, `passive`, `signal`
   */
  override addEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: AddEventListenerOptions | boolean,
  ): void;
  override addEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: AddEventListenerOptions | boolean,
  ): void {
    this.#adopt();
    super.addEventListener(type, listener, options);
    if (listener === null) return;
    const capture = typeof options === "boolean" ? options : options?.capture ?? false;
    const once = typeof options === "object" && options.once === true;
    const signal = typeof options === "object" ? options.signal : undefined;
    if (signal?.aborted) return;
    const dom = this.#dom ??= new Map<string, DomEntry[]>();
    const entries = dom.get(type) ?? [];
    if (entries.some((entry) => entry.listener === listener && entry.capture === capture)) return;
    dom.set(type, [...entries, { listener, capture, once }]);
    signal?.addEventListener("abort", () => this.#forget(type, listener, capture), { once: true });
    this.listenerAdded(type);
  }

  /**
   * Removes an `EventTarget` listener.
   *
   * @param type the event name
   * @param listener the listener that was added
   * @param options `capture`, as when it was added
   *
   * @example
   * ```ts
   * import { Emitter } from "./emitter.ts";
   *
   * const emitter = new Emitter<{ tick: [] }>();
   * const listener = () => {};
   * emitter.addEventListener("tick", listener);
   * emitter.removeEventListener("tick", listener);
   * console.assert(emitter.listenerCount("tick") === 0);
   * ```
   */
  override removeEventListener<K extends keyof Events & string>(
    type: K,
    listener: DomListener<Events[K]> | null,
    options?: EventListenerOptions | boolean,
  ): void;
  /**
   * Removes an `EventTarget` listener of any event type.
   *
   * @param type the event name
   * @param listener the listener that was added
   * @param options `capture`, as when it was added
   */
  override removeEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: EventListenerOptions | boolean,
  ): void;
  override removeEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: EventListenerOptions | boolean,
  ): void {
    this.#adopt();
    super.removeEventListener(type, listener, options);
    if (listener === null) return;
    const capture = typeof options === "boolean" ? options : options?.capture ?? false;
    this.#forget(type, listener, capture);
  }

  /**
   * Dispatches an event to the `addEventListener` listeners, as any `EventTarget`.
   *
   * @param event the event
   * @returns `false` if a listener cancelled it
   *
   * @example
   * ```ts
   * import { Emitter } from "./emitter.ts";
   *
   * const emitter = new Emitter<{ ping: [] }>();
   * emitter.addEventListener("ping", () => console.log("pinged"));
   * emitter.dispatchEvent(new Event("ping"));
   * ```
   */
  override dispatchEvent(event: Event): boolean {
    this.#adopt();
    return super.dispatchEvent(event);
  }

  /** Gives this object the runtime's EventTarget internals, on first use (see `lazyBase`). */
  #adopt(): void {
    if (this.#adopted) return;
    this.#adopted = true;
    if (lazyBase !== null) adoptEventTargetInternals(this);
  }

  /**
   * Called after a listener of either kind was added. Subclasses override it to
   * start work lazily (a socket starts reading when a `data` listener comes).
   *
   * @param _type the event name
   *
   * @example
   * ```ts
   * import { Emitter } from "./emitter.ts";
   *
   * class Lazy extends Emitter<{ data: [string] }> {
   *   protected override listenerAdded(type: string): void {
   *     if (type === "data") queueMicrotask(() => this.emit("data", "started"));
   *   }
   * }
   * new Lazy().on("data", (text) => console.log(text));
   * ```
   */
  protected listenerAdded(_type: string): void {}

  /** Where `type` is in `#events` (an even index), or -1. */
  #find(type: string): number {
    const events = this.#events;
    if (events === null) return -1;
    for (let i = 0; i < events.length; i += 2) if (events[i] === type) return i;
    return -1;
  }

  #get(type: string): AnyListener | AnyListener[] | undefined {
    const at = this.#find(type);
    return at < 0 ? undefined : (this.#events as unknown[])[at + 1] as AnyListener | AnyListener[];
  }

  #delete(at: number): void {
    const events = this.#events as Array<string | AnyListener | AnyListener[]>;
    if (events.length === 2) {
      this.#events = null;
      return;
    }
    const next = new Array<string | AnyListener | AnyListener[]>(events.length - 2);
    for (let i = 0, j = 0; i < events.length; i++) {
      if (i !== at && i !== at + 1) next[j++] = events[i];
    }
    this.#events = next;
  }

  #add(type: string, listener: AnyListener, prepend: boolean): void {
    const at = this.#find(type);
    if (at < 0) {
      // An exactly sized copy (a spread or a push would reserve spare room).
      const events = this.#events ?? [];
      const next = new Array<string | AnyListener | AnyListener[]>(events.length + 2);
      for (let i = 0; i < events.length; i++) next[i] = events[i];
      next[events.length] = type;
      next[events.length + 1] = listener;
      this.#events = next;
    } else {
      // Copy on change: an emit that is iterating the old list is not disturbed.
      const events = this.#events as Array<string | AnyListener | AnyListener[]>;
      const existing = events[at + 1] as AnyListener | AnyListener[];
      const list = typeof existing === "function" ? [existing] : existing;
      events[at + 1] = prepend ? [listener, ...list] : [...list, listener];
    }
    this.listenerAdded(type);
  }

  #remove(type: string, listener: AnyListener): void {
    const at = this.#find(type);
    if (at < 0) return;
    const events = this.#events as Array<string | AnyListener | AnyListener[]>;
    const existing = events[at + 1] as AnyListener | AnyListener[];
    const matches = (candidate: AnyListener) =>
      candidate === listener || (candidate as Partial<OnceWrapper>).listener === listener;
    if (typeof existing === "function") {
      if (matches(existing)) this.#delete(at);
      return;
    }
    const index = existing.findLastIndex(matches);
    if (index < 0) return;
    const rest = existing.filter((_, i) => i !== index);
    if (rest.length === 0) this.#delete(at);
    else events[at + 1] = rest.length === 1 ? rest[0] : rest;
  }

  #forget(type: string, listener: EventListenerOrEventListenerObject, capture: boolean): void {
    const entries = this.#dom?.get(type);
    if (entries === undefined) return;
    const rest = entries.filter((entry) =>
      entry.listener !== listener || entry.capture !== capture
    );
    if (rest.length === entries.length) return;
    if (rest.length === 0) this.#dom?.delete(type);
    else this.#dom?.set(type, rest);
  }

  #dispatch(type: string, args: unknown[]): void {
    const detail = args.length === 0 ? null : args.length === 1 ? args[0] : args;
    this.dispatchEvent(new CustomEvent(type, { detail }));
    // `once` listeners are gone from the EventTarget now; forget them too.
    const entries = this.#dom?.get(type);
    if (entries !== undefined && entries.some((entry) => entry.once)) {
      const rest = entries.filter((entry) => !entry.once);
      if (rest.length === 0) this.#dom?.delete(type);
      else this.#dom?.set(type, rest);
    }
  }
}

// Node builds two Maps for every EventTarget it constructs (about 440 bytes),
// which would be most of an idle socket's cost, while few sockets ever get an
// `addEventListener` listener. So an Emitter does not run EventTarget's
// constructor: its `super()` reaches a constructor that builds nothing, and the
// EventTarget internals (the own symbol-keyed properties a fresh EventTarget
// has, on Node and on Deno) are copied in on the first `addEventListener`,
// `removeEventListener` or `dispatchEvent`. `instanceof EventTarget` holds all
// along. This is checked once at load time on a probe; on a runtime where it
// does not work, Emitter runs EventTarget's constructor as usual.

function adoptEventTargetInternals(target: object): void {
  const fresh = new EventTarget() as unknown as Record<PropertyKey, unknown>;
  for (const key of Reflect.ownKeys(fresh)) {
    (target as Record<PropertyKey, unknown>)[key] = fresh[key];
  }
}

function findLazyBase(): (new () => EventTarget) | null {
  // A constructor that builds nothing, with EventTarget's statics (Node's brand
  // check looks for a static symbol on the constructor).
  const Bare = function () {} as unknown as new () => EventTarget;
  Object.setPrototypeOf(Bare, EventTarget);
  try {
    class Probe extends EventTarget {}
    Object.setPrototypeOf(Probe, Bare);
    const probe = new Probe();
    if (!(probe instanceof EventTarget) || Reflect.ownKeys(probe).length !== 0) return null;
    adoptEventTargetInternals(probe);
    let target: unknown = null;
    const listener = (event: Event) => (target = event.target);
    probe.addEventListener("probe", listener);
    probe.dispatchEvent(new Event("probe"));
    probe.removeEventListener("probe", listener);
    let after = 0;
    probe.dispatchEvent(new Event("probe"));
    probe.addEventListener("probe", () => after++, { once: true });
    probe.dispatchEvent(new CustomEvent("probe", { detail: 1 }));
    probe.dispatchEvent(new Event("probe"));
    return target === probe && after === 1 ? Bare : null;
  } catch {
    return null;
  }
}

const lazyBase = findLazyBase();
if (lazyBase !== null) Object.setPrototypeOf(Emitter, lazyBase);

/**
 * Waits for one event and resolves to its listener arguments, like Node's
 * `events.once`. Rejects if the emitter emits `error` first, or when `signal`
 * aborts.
 *
 * @param emitter the emitter to listen to
 * @param type the event to wait for
 * @param options a `signal` that cancels the wait
 * @returns the event's arguments
 *
 * @example Wait for a server to listen
 * ```ts
 * import { createServer, once } from "./mod.ts";
 *
 * const server = createServer().listen(0, "127.0.0.1");
 * await once(server, "listening");
 * server.close();
 * ```
 */
export function once<Events extends EventMap<Events>, K extends keyof Events & string>(
  emitter: Emitter<Events>,
  type: K,
  options: { signal?: AbortSignal } = {},
): Promise<Events[K]> {
  const signal = options.signal;
  if (signal?.aborted) return Promise.reject(signal.reason);
  // The emitter's own type may not have an `error` event; listen to it untyped.
  const untyped = emitter as unknown as Emitter<Record<string, unknown[]>>;
  return new Promise((resolve, reject) => {
    const onEvent = (...args: unknown[]) => {
      cleanup();
      resolve(args as Events[K]);
    };
    const onError = (error: unknown) => {
      cleanup();
      reject(error);
    };
    const onAbort = () => {
      cleanup();
      reject(signal?.reason);
    };
    const cleanup = () => {
      untyped.off(type, onEvent);
      if (type !== "error") untyped.off("error", onError);
      signal?.removeEventListener("abort", onAbort);
    };
    untyped.on(type, onEvent);
    if (type !== "error") untyped.on("error", onError);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
