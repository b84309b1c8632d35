// What both faces of the HTTP server share: the resolved limits, the accept
// loop, the set of connections, the ticker that enforces every timeout, and
// graceful shutdown. A face (`Server` of createServer, `HttpServer` of serve)
// owns one core and receives its exchanges.

import { type Conn, type Listener, NetError } from "../adapters/mod.ts";
import { type ConnectionOptions, HttpError } from "../protocols/http1/mod.ts";
import { methodSet } from "./_methods.ts";
import { ServerConnection } from "./_server_connection.ts";
import type { Exchange } from "./_exchange.ts";
import { type Interval, unrefInterval } from "./_ticker.ts";
import type { ServerLimitOptions } from "./server_options.ts";

/** What a face does with what the core sees. */
export interface ServerFace {
  /** A request head arrived (its body follows on the exchange): run the handler. */
  request(exchange: Exchange): void;
  /** A connection was accepted. */
  connection?(connection: ServerConnection): void;
  /** A request asks to switch protocols: does the face take the raw connection (`upgrade`/`connect` listeners)? */
  wantsRawTakeover?(exchange: Exchange): boolean;
  /** The core paused on such a request: hand the connection over (`exchange.takeOverRaw`). */
  rawTakeover?(exchange: Exchange): void;
  /** An `Expect` other than 100-continue: true when the face handles it (else 417). */
  unknownExpectation?(exchange: Exchange): boolean;
  /** A malformed request: true when the face's listener answers it (else the core does). */
  clientError?(error: HttpError, connection: ServerConnection): boolean;
  /** A connection was idle past its timeout with a request in progress: true when a listener handles it. */
  timeout?(connection: ServerConnection): boolean;
  /** A handler threw (the core answers 500 or closes). */
  handlerError?(error: unknown): void;
  /** The core stopped accepting and its last HTTP connection closed. */
  drained?(): void;
}

/** The limits with every default filled in, as the connections read them. */
export interface ResolvedLimits {
  headersTimeout: number;
  requestTimeout: number;
  keepAliveTimeout: number;
  idleTimeout: number;
  lingerTimeout: number;
  maxConnections: number;
  maxRequestsPerConnection: number;
  reader: ConnectionOptions;
  methods: ReadonlySet<string>;
  keepAliveField: [string, string] | null;
}

/** How long a closing connection drains what the client still sends. */
const LINGER_TIMEOUT = 5_000;

function timeout(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !(value >= 0) || !Number.isFinite(value)) {
    throw new HttpError("INVALID_ARGUMENT", `${name} must be a number of milliseconds >= 0`);
  }
  return Math.floor(value);
}

function limit(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (
    typeof value !== "number" || !(value >= 1) ||
    (!Number.isSafeInteger(value) && value !== Infinity)
  ) {
    throw new HttpError("INVALID_ARGUMENT", `${name} must be a positive integer`);
  }
  return value;
}

/** Fills in the defaults (see server_options.ts) and checks each option. */
export function resolveLimits(options: ServerLimitOptions): ResolvedLimits {
  const headersTimeout = timeout("headersTimeout", options.headersTimeout, 60_000);
  const requestTimeout = timeout("requestTimeout", options.requestTimeout, 300_000);
  const keepAliveTimeout = timeout("keepAliveTimeout", options.keepAliveTimeout, 65_000);
  const idleTimeout = timeout("idleTimeout", options.idleTimeout, 120_000);
  if (requestTimeout > 0 && headersTimeout > requestTimeout) {
    throw new HttpError(
      "INVALID_ARGUMENT",
      `headersTimeout (${headersTimeout}) must not exceed requestTimeout (${requestTimeout})`,
    );
  }
  return {
    headersTimeout,
    requestTimeout,
    keepAliveTimeout,
    idleTimeout,
    lingerTimeout: LINGER_TIMEOUT,
    maxConnections: limit("maxConnections", options.maxConnections, 16_384),
    maxRequestsPerConnection: limit(
      "maxRequestsPerConnection",
      options.maxRequestsPerConnection,
      Infinity,
    ),
    reader: {
      maxHeaderSize: limit("maxHeaderSize", options.maxHeaderSize, 16_384),
      maxHeaderCount: limit("maxHeaderCount", options.maxHeaderCount, 256),
      maxTargetLength: limit("maxTargetLength", options.maxTargetLength, 8_192),
      maxBodySize: limit("maxBodySize", options.maxBodySize, Infinity),
      allowLfOnly: options.allowLfOnly ?? false,
      allowUnsafeTargetChars: options.allowUnsafeTargetChars ?? false,
    },
    methods: methodSet(options.methods),
    keepAliveField: keepAliveField(keepAliveTimeout),
  };
}

/** `Keep-Alive: timeout=N` in whole seconds, rounded down (none under a second, or when off). */
export function keepAliveField(keepAliveTimeout: number): [string, string] | null {
  const seconds = Math.floor(keepAliveTimeout / 1000);
  return seconds > 0 ? ["Keep-Alive", `timeout=${seconds}`] : null;
}

/** The core of one server (see the file comment). */
export class ServerCore {
  limits: ResolvedLimits;
  readonly face: ServerFace;
  /** Every open connection, HTTP or taken over. */
  readonly connections: Set<ServerConnection> = new Set();
  /** The clock the connections time themselves by, refreshed on every tick. */
  clock: number = Date.now();
  /** Shutting down: responses say `Connection: close`, idle connections close. */
  draining = false;
  listener: Listener | null = null;

  readonly #borrowed: boolean;
  #httpConnections = 0;
  #accepting = false;
  #stopped = false;
  #ticker: Interval | null = null;
  #tickMs = 1000;
  #ref = true;
  #drainedTold = false;

  /**
   * @param face where requests go
   * @param limits resolved limits
   * @param borrowed read chunks borrowed (Deno: saves a copy) or owned (Node: free)
   */
  constructor(face: ServerFace, limits: ResolvedLimits, borrowed: boolean) {
    this.face = face;
    this.limits = limits;
    this.#borrowed = borrowed;
    this.#tickMs = tickInterval(limits);
  }

  /** The number of connections still speaking HTTP (not taken over). */
  get httpConnections(): number {
    return this.#httpConnections;
  }

  /** Whether the accept loop stopped for good. */
  get stopped(): boolean {
    return this.#stopped;
  }

  /** Replaces the limits (the chapter's settable `server.keepAliveTimeout` and the like). */
  setLimits(limits: ResolvedLimits): void {
    this.limits = limits;
    const tick = tickInterval(limits);
    if (tick !== this.#tickMs) {
      this.#tickMs = tick;
      if (this.#ticker !== null) {
        clearInterval(this.#ticker);
        this.#ticker = null;
        this.#startTicker();
      }
    }
  }

  /** Starts accepting on `listener`. */
  serve(listener: Listener): void {
    this.listener = listener;
    if (!this.#ref) listener.setRef(false);
    if (this.#stopped) {
      listener.close();
      return;
    }
    this.#accepting = true;
    this.#acceptLoop(listener).finally(() => {
      this.#accepting = false;
      this.#maybeDrained();
    });
  }

  async #acceptLoop(listener: Listener): Promise<void> {
    for (;;) {
      let conn: Conn | null;
      try {
        conn = await listener.accept();
      } catch {
        // EMFILE and the like concern the peers being accepted: wait, go on.
        await new Promise((resolve) => setTimeout(resolve, 50));
        if (this.#stopped) return;
        continue;
      }
      if (conn === null) return;
      if (this.#stopped) {
        conn.close();
        return;
      }
      this.#accept(conn);
    }
  }

  #accept(conn: Conn): void {
    if (this.connections.size >= this.limits.maxConnections && !this.#makeRoom()) {
      conn.close();
      return;
    }
    this.clock = Date.now();
    const connection = new ServerConnection(this, conn, this.#borrowed);
    this.connections.add(connection);
    this.#httpConnections++;
    if (this.#ticker === null) this.#startTicker();
    try {
      conn.attach(connection, { chunks: this.#borrowed ? "borrowed" : "owned" });
    } catch {
      connection.destroy();
      return;
    }
    this.face.connection?.(connection);
  }

  /** At the connection limit: closes one idle keep-alive connection. */
  #makeRoom(): boolean {
    for (const connection of this.connections) {
      if (connection.idle && connection.requests > 0) {
        connection.destroy();
        return true;
      }
    }
    return false;
  }

  #startTicker(): void {
    this.#ticker = unrefInterval(() => this.#tick(), this.#tickMs);
  }

  #tick(): void {
    const now = this.clock = Date.now();
    for (const connection of this.connections) connection.tick(now);
  }

  /** A connection closed. */
  connectionClosed(connection: ServerConnection): void {
    if (!this.connections.delete(connection)) return;
    if (!connection.takenOver) this.#httpConnections--;
    if (this.connections.size === 0 && this.#ticker !== null) {
      clearInterval(this.#ticker);
      this.#ticker = null;
    }
    this.#maybeDrained();
  }

  /** A connection was handed over: shutdown no longer waits for it. */
  connectionTakenOver(_connection: ServerConnection): void {
    this.#httpConnections--;
    this.#maybeDrained();
  }

  /** Stops accepting (the listener closes). */
  stopAccepting(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    const listener = this.listener;
    if (listener !== null) listener.close();
    this.#maybeDrained();
  }

  /** Closes the connections that wait for a request and have none of it. */
  closeIdle(): void {
    for (const connection of [...this.connections]) {
      if (connection.idle) connection.destroy();
    }
  }

  /** Closes every connection now, taken over ones included. */
  closeAll(): void {
    for (const connection of [...this.connections]) connection.destroy();
  }

  /** Graceful: stop accepting, close idle connections, answer the rest with `Connection: close`. */
  drain(): void {
    this.draining = true;
    this.stopAccepting();
    this.closeIdle();
  }

  #maybeDrained(): void {
    if (this.#stopped && !this.#accepting && this.#httpConnections === 0 && !this.#drainedTold) {
      this.#drainedTold = true;
      this.face.drained?.();
    }
  }

  /** Lets the process exit while the server listens (`false`), or not. */
  setRef(ref: boolean): void {
    this.#ref = ref;
    this.listener?.setRef(ref);
  }
}

/** Ticks fine enough for the shortest timeout (a tenth of it), between 10 ms and 1 s. */
function tickInterval(limits: ResolvedLimits): number {
  let shortest = limits.lingerTimeout;
  for (
    const value of [
      limits.headersTimeout,
      limits.requestTimeout,
      limits.keepAliveTimeout,
      limits.idleTimeout,
    ]
  ) if (value > 0 && value < shortest) shortest = value;
  return Math.min(1000, Math.max(10, Math.floor(shortest / 10)));
}

/** The error of `server.addr` and the like before the server listens. */
export function notListening(what: string): NetError {
  return new NetError("ERR_SERVER_NOT_RUNNING", `${what}: the server is not listening yet`);
}
