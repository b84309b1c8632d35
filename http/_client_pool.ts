// The connections of one route (an origin, a forward proxy, or a tunnel through
// a proxy to an origin) and the requests waiting for one.
//
// - Requests wait in a FIFO queue; free connections wait on a stack and the
//   most recently used goes first (LIFO: the others age out and close), or the
//   oldest with `scheduling: "fifo"`.
// - A connection is opened when a request waits and nothing is on its way for
//   it (a connection being opened or checked), within `maxSockets` for the
//   route and `maxTotalSockets` for the agent.
// - A connection back from a response is checked before reuse: it joins the
//   free stack only after two turns of the event loop, time enough for a FIN or
//   RST that was already on its way to be read (the server closing without
//   saying `Connection: close`). One that saw either, or stray bytes, is closed.
// - Free connections retire at the idle timeout, or a little before the
//   server's `Keep-Alive: timeout=` hint, whichever is sooner; `max=` counts down.

import type { HeaderList } from "../protocols/http1/mod.ts";
import { type Timer, unrefTimeout } from "../net/_timers.ts";
import { type HttpClientError, toClientError } from "./client_errors.ts";
import type { Exchange } from "./_client_exchange.ts";
import {
  BUSY,
  ClientConnection,
  type ConnectionOwner,
  IDLE,
  VERIFYING,
} from "./_client_connection.ts";
import { openConnection, type OpenOptions, type Route } from "./_client_connect.ts";
import type { ConnectionOptions } from "../protocols/http1/mod.ts";

/** What a pool needs from its agent. */
export interface PoolOwner {
  readonly destroyed: boolean;
  readonly keepAlive: boolean;
  readonly keepAliveMsecs: number;
  readonly maxSockets: number;
  readonly maxFreeSockets: number;
  readonly idleTimeout: number;
  readonly lifo: boolean;
  readonly parserOptions: ConnectionOptions;
  openOptions(exchange: Exchange): OpenOptions;
  /** Whether one more connection fits in the agent (it may close a free one elsewhere). */
  reserve(pool: Pool): boolean;
  /** A connection or an attempt of `pool` ended: other pools may open one now. */
  freed(pool: Pool): void;
  /** A connection of `pool` became free: a pool waiting for room may take it over. */
  poke(pool: Pool): void;
  /** Counts a retry. */
  countRetry(): void;
}

/** Counts of one pool (or of the whole agent). */
export interface PoolStats {
  /** Connections open or opening. */
  open: number;
  /** Connections free for a request. */
  idle: number;
  /** Connections running a request. */
  busy: number;
  /** Connections being opened. */
  connecting: number;
  /** Connections back from a response, being checked before reuse. */
  verifying: number;
  /** Requests waiting for a connection. */
  pending: number;
}

// ---- the check before reuse: two turns of the event loop, for every pool at once --------

let verifyList: ClientConnection[] = [];
let verifyStage: unknown = null;
const setImmediateFn = (globalThis as { setImmediate?: (callback: () => void) => unknown })
  .setImmediate;
const clearImmediateFn = (globalThis as { clearImmediate?: (handle: unknown) => void })
  .clearImmediate;

function later(callback: () => void): unknown {
  return setImmediateFn !== undefined ? setImmediateFn(callback) : setTimeout(callback, 0);
}

function cancelLater(handle: unknown): void {
  if (setImmediateFn !== undefined) clearImmediateFn?.(handle);
  else clearTimeout(handle as Timer);
}

/**
 * Turns of the event loop before a connection back from a response is reused.
 * Node reads a socket's FIN on the loop turn after the data that came with it
 * (libuv stops reading after a short read), so a check phase later is still
 * too early: two turns. Deno's pending read completes within one (measured:
 * a FIN sent right after a response was seen after one turn 200 times in 200,
 * and on Node after two turns 199 times in 200, never after one).
 */
const VERIFY_TURNS = "Deno" in globalThis ? 1 : 2;

/**
 * A connection's first reuse waits longer (milliseconds): a server that closes
 * after each response without saying so writes the response and the FIN in two
 * system calls, and a client on the other core can read between them (once in
 * 200 here, more under load). A connection that answered a second request has
 * shown it keeps connections; one that did not waits this long, once.
 */
const PROBATION_MS = 3;

let probationList: ClientConnection[] = [];
let probationTimer: Timer | undefined;

function verifyLater(connection: ClientConnection): void {
  if (connection.requests === 1) {
    probationList.push(connection);
    probationTimer ??= setTimeout(endProbation, PROBATION_MS);
    return;
  }
  verifyList.push(connection);
  if (verifyStage === null) verifyStage = later(VERIFY_TURNS === 1 ? verifyNow : verifySecondTurn);
}

function verifySecondTurn(): void {
  verifyStage = later(verifyNow);
}

function verifyNow(): void {
  verifyStage = null;
  const list = verifyList;
  verifyList = [];
  for (const connection of list) {
    if (connection.state === VERIFYING) (connection.owner as Pool).verified(connection);
  }
}

function endProbation(): void {
  probationTimer = undefined;
  const list = probationList;
  probationList = [];
  for (const connection of list) {
    if (connection.state === VERIFYING) (connection.owner as Pool).verified(connection);
  }
}

/** Forgets `connection` in the check (it closed); stops the waits when none is left. */
function unverify(connection: ClientConnection): void {
  let index = verifyList.indexOf(connection);
  if (index >= 0) verifyList.splice(index, 1);
  if (verifyList.length === 0 && verifyStage !== null) {
    cancelLater(verifyStage);
    verifyStage = null;
  }
  index = probationList.indexOf(connection);
  if (index >= 0) probationList.splice(index, 1);
  if (probationList.length === 0 && probationTimer !== undefined) {
    clearTimeout(probationTimer);
    probationTimer = undefined;
  }
}

/** One route's connections and waiting requests. */
export class Pool implements ConnectionOwner {
  readonly agent: PoolOwner;
  readonly route: Route;
  readonly absoluteForm: boolean;
  readonly extraHeaders: HeaderList | null;

  #idle: ClientConnection[] = [];
  #all = new Set<ClientConnection>();
  /** Connections being opened: destroy() stops them. */
  #attempts = new Set<AbortController>();
  #busy = 0;
  #verifying = 0;
  #connecting = 0;
  #queue: Exchange[] = [];
  #head = 0;
  #scheduling = false;
  #again = false;
  #sweep: Timer | undefined;
  #sweepAt = Infinity;

  constructor(agent: PoolOwner, route: Route) {
    this.agent = agent;
    this.route = route;
    this.absoluteForm = route.kind === "forward";
    const proxy = route.proxy;
    if (route.kind === "forward" && proxy !== null) {
      const extra: HeaderList = [];
      if (proxy.authorization !== null) extra.push(["Proxy-Authorization", proxy.authorization]);
      for (const field of proxy.headers) extra.push(field);
      this.extraHeaders = extra.length > 0 ? extra : null;
    } else this.extraHeaders = null;
  }

  /** Connections open or opening. */
  get open(): number {
    return this.#idle.length + this.#busy + this.#verifying + this.#connecting;
  }

  /** Requests waiting (some may have been cancelled and not yet swept). */
  get waiting(): number {
    return this.#queue.length - this.#head;
  }

  /** Whether the pool holds nothing: the agent may forget it. */
  get empty(): boolean {
    return this.open === 0 && this.waiting === 0;
  }

  stats(): PoolStats {
    let pending = 0;
    for (let i = this.#head; i < this.#queue.length; i++) if (!this.#queue[i].settled) pending++;
    return {
      open: this.open,
      idle: this.#idle.length,
      busy: this.#busy,
      connecting: this.#connecting,
      verifying: this.#verifying,
      pending,
    };
  }

  // ---- requests in -------------------------------------------------------------------

  dispatch(exchange: Exchange): void {
    this.#queue.push(exchange);
    exchange.setCanceller(null); // a cancelled request is skipped when its turn comes
    this.schedule();
  }

  retry(exchange: Exchange): void {
    this.agent.countRetry();
    if (this.#head > 0) this.#queue[--this.#head] = exchange;
    else this.#queue.unshift(exchange);
    exchange.setCanceller(null);
    this.schedule();
  }

  /** Gives free connections to waiting requests, and opens connections for the rest. */
  schedule(): void {
    if (this.#scheduling) {
      this.#again = true;
      return;
    }
    this.#scheduling = true;
    try {
      do {
        this.#again = false;
        this.#assign();
        this.#openForWaiting();
      } while (this.#again);
    } finally {
      this.#scheduling = false;
    }
  }

  #assign(): void {
    while (this.#head < this.#queue.length) {
      const exchange = this.#queue[this.#head];
      if (exchange.settled) {
        this.#shift();
        continue;
      }
      if (exchange.needsFresh && this.open < this.agent.maxSockets) return; // opened below
      const connection = this.#takeIdle();
      if (connection === null) return;
      this.#shift();
      this.#busy++;
      connection.setRef(true);
      connection.start(exchange);
    }
  }

  #shift(): void {
    this.#queue[this.#head++] = undefined as unknown as Exchange;
    if (this.#head === this.#queue.length) {
      this.#queue = [];
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
  }

  #takeIdle(): ClientConnection | null {
    const idle = this.#idle;
    if (idle.length === 0) return null;
    const now = performance.now();
    let found: ClientConnection | null = null;
    while (idle.length > 0) {
      const connection = (this.agent.lifo ? idle.pop() : idle.shift()) as ClientConnection;
      connection.state = BUSY; // out of the stack: closing it must not look there
      if (connection.dead || connection.expiresAt <= now) {
        this.#busy++;
        connection.close(null);
        continue;
      }
      found = connection;
      break;
    }
    // The sweep stays armed: it finds nothing when it fires, and re-arming it
    // for every request would cost a timer each time.
    return found;
  }

  /** Opens connections while more requests wait than connections are on their way. */
  #openForWaiting(): void {
    let waiting = 0;
    for (let i = this.#head; i < this.#queue.length; i++) if (!this.#queue[i].settled) waiting++;
    let coming = this.#connecting + this.#verifying;
    while (waiting > coming) {
      if (this.open >= this.agent.maxSockets || this.agent.destroyed) return;
      if (!this.agent.reserve(this)) return;
      // The attempt is made for the first waiting request without one.
      let index = this.#head;
      for (let skip = coming; index < this.#queue.length; index++) {
        if (this.#queue[index].settled) continue;
        if (skip-- === 0) break;
      }
      this.#connect(this.#queue[index] ?? null);
      coming++;
    }
  }

  #connect(exchange: Exchange | null): void {
    this.#connecting++;
    if (exchange !== null) exchange.phase = "connect";
    const options = this.agent.openOptions(exchange as Exchange);
    const attempt = new AbortController();
    this.#attempts.add(attempt);
    openConnection(this.route, options, attempt).then(
      (opened) => {
        this.#attempts.delete(attempt);
        this.#connecting--;
        if (this.agent.destroyed) {
          opened.conn.close();
          this.agent.freed(this);
          return;
        }
        const agent = this.agent;
        const connection = new ClientConnection(
          this,
          opened.conn,
          agent.parserOptions,
          opened.connectMs,
          opened.tlsMs,
        );
        if (agent.keepAlive) opened.conn.setKeepAlive(true, agent.keepAliveMsecs);
        this.#all.add(connection);
        this.#busy++;
        const next = this.#nextWaiting();
        if (next !== null) connection.start(next);
        else this.release(connection);
        this.schedule();
      },
      (error: unknown) => {
        this.#attempts.delete(attempt);
        this.#connecting--;
        const failure = toClientError(error, "connect", false);
        if (exchange !== null && !exchange.settled) exchange.fail(failure);
        // Nothing to this route works: the others waiting would fail the same way.
        if (this.#busy + this.#idle.length + this.#verifying + this.#connecting === 0) {
          for (let i = this.#head; i < this.#queue.length; i++) {
            const waiting = this.#queue[i];
            if (!waiting.settled) waiting.fail(failure);
          }
        }
        this.agent.freed(this);
        this.schedule();
      },
    );
  }

  #nextWaiting(): Exchange | null {
    while (this.#head < this.#queue.length) {
      const exchange = this.#queue[this.#head];
      this.#shift();
      if (!exchange.settled) return exchange;
    }
    return null;
  }

  // ---- connections back ----------------------------------------------------------------

  release(connection: ClientConnection): void {
    const agent = this.agent;
    if (
      agent.destroyed || !agent.keepAlive || connection.requestsLeft <= 0 || connection.dead
    ) {
      connection.close(null);
      return;
    }
    let ttl = agent.idleTimeout;
    const hint = connection.keepAliveHint;
    if (hint >= 0) ttl = Math.min(ttl, hint - Math.min(1000, hint / 2));
    if (!(ttl > 0)) {
      connection.close(null);
      return;
    }
    connection.expiresAt = performance.now() + ttl;
    this.#busy--;
    this.#verifying++;
    connection.state = VERIFYING;
    if (connection.requests === 0) this.verified(connection); // new: nothing to check
    else verifyLater(connection);
  }

  /** The check before reuse passed (or the connection is new). */
  verified(connection: ClientConnection): void {
    if (connection.dead) {
      connection.close(null);
      return;
    }
    this.#verifying--;
    connection.state = IDLE;
    connection.setRef(false);
    const idle = this.#idle;
    idle.push(connection);
    if (idle.length > this.agent.maxFreeSockets) {
      const oldest = idle.shift() as ClientConnection;
      oldest.state = BUSY;
      this.#busy++;
      oldest.close(null);
    }
    this.#armSweep(connection.expiresAt);
    this.schedule();
    if (this.waiting === 0) this.agent.poke(this); // another pool may want the room
  }

  remove(connection: ClientConnection, was: number): void {
    this.#all.delete(connection);
    if (was === BUSY) this.#busy--;
    else if (was === VERIFYING) {
      this.#verifying--;
      unverify(connection);
    } else if (was === IDLE) {
      const index = this.#idle.indexOf(connection);
      if (index >= 0) this.#idle.splice(index, 1);
    }
    this.agent.freed(this);
    if (this.waiting > 0 && !this.#scheduling) this.schedule();
  }

  /** Closes one free connection (the oldest), to make room elsewhere. */
  evictOne(): boolean {
    if (this.#idle.length === 0) return false;
    const oldest = this.#idle.shift() as ClientConnection;
    oldest.state = BUSY;
    this.#busy++;
    oldest.close(null);
    return true;
  }

  // ---- free connections retire ------------------------------------------------------------

  #armSweep(at: number): void {
    if (this.#sweep !== undefined && this.#sweepAt <= at) return;
    if (this.#sweep !== undefined) clearTimeout(this.#sweep);
    this.#sweepAt = at;
    this.#sweep = unrefTimeout(() => this.#sweepNow(), Math.max(1, at - performance.now()) + 1);
  }

  /** The agent forgot this pool (empty): no timer of it may stay behind. */
  forgotten(): void {
    this.#disarmSweep();
  }

  #disarmSweep(): void {
    if (this.#sweep !== undefined) clearTimeout(this.#sweep);
    this.#sweep = undefined;
    this.#sweepAt = Infinity;
  }

  #sweepNow(): void {
    this.#sweep = undefined;
    this.#sweepAt = Infinity;
    const now = performance.now();
    let next = Infinity;
    for (const connection of this.#idle.slice()) {
      if (connection.expiresAt <= now) connection.close(null);
      else next = Math.min(next, connection.expiresAt);
    }
    if (next !== Infinity && this.#idle.length > 0) this.#armSweep(next);
  }

  // ---- the end -----------------------------------------------------------------------

  /** Fails everything waiting and closes every connection. */
  destroy(error: HttpClientError): void {
    for (let i = this.#head; i < this.#queue.length; i++) {
      const exchange = this.#queue[i];
      if (!exchange.settled) exchange.fail(error);
    }
    this.#queue = [];
    this.#head = 0;
    for (const connection of [...this.#all]) connection.close(error);
    for (const attempt of this.#attempts) attempt.abort(error);
    this.#disarmSweep();
  }
}
