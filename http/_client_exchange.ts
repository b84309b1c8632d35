// One request and its response, as the agent's pool and connections see it:
// what to send, where the request is, its deadlines and timings, and the
// handler (the `request()` face or `fetch()`) that hears what happens.
//
// A face fills an Exchange and gives it to `Agent.dispatch`. The pool queues it
// and hands it a connection; the connection writes it and parses the response
// into handler calls. A streamed request body is written through `write()` /
// `end()` (bytes wait here until a connection takes them). Retries (a reused
// connection that the server had closed) keep the same Exchange.

import type { Conn } from "../adapters/mod.ts";
import type { HeaderList, ResponseHead } from "../protocols/http1/mod.ts";
import { type ClientPhase, HttpClientError } from "./client_errors.ts";
import type { ResolvedTimeouts } from "./client_timeouts.ts";
import { type Deadline, deadline } from "./_client_timers.ts";
import type { Target } from "./_client_url.ts";
import type { ClientConnection } from "./_client_connection.ts";

/** What an exchange tells the face that made it. */
export interface ExchangeHandler {
  /** A connection was chosen; the request is about to be written on it. */
  onConnection(connection: ClientConnection): void;
  /** A 1xx response other than 101 (100 Continue, 103 Early Hints ...). */
  onInformation(head: ResponseHead): void;
  /** The final response head. Body bytes follow through `onData`, then `onEnd`. */
  onResponse(head: ResponseHead): void;
  /** Body bytes, the handler's to keep. Call `exchange.pause()` to stop the flow. */
  onData(chunk: Uint8Array): void;
  /** The response is complete. */
  onEnd(trailers: HeaderList | null): void;
  /**
   * A 101 to an upgrade or a 2xx to CONNECT: the connection leaves HTTP and is
   * the handler's (the pool forgot it). `rest` holds bytes that came after the head.
   */
  onUpgrade(head: ResponseHead, conn: Conn, rest: Uint8Array): void;
  /** The exchange failed; nothing follows. */
  onError(error: HttpClientError): void;
  /** A streamed request body may go on (the connection took what was written). */
  onDrain(): void;
  /** The whole request was handed to the connection. */
  onSent(): void;
}

/** Per-request timings in milliseconds (`performance.now()` clock). */
export interface RequestTimings {
  /** When the request was dispatched to the agent. */
  start: number;
  /** Waiting for a connection (a free one, or a new one: then `connect` and `tls` are part of it). */
  queue: number;
  /** Opening the new connection (DNS and TCP), or 0 for a reused one. */
  connect: number;
  /** The TLS handshake of the new connection, or 0. */
  tls: number;
  /** From the request sent to the first byte of the response. */
  firstByte: number;
  /** From the start to the end of the response body (`NaN` until it ends). */
  total: number;
  /** Whether the connection had served a request before. */
  reused: boolean;
}

// States.
const WAITING = 0;
const ACTIVE = 1;
const DONE = 2;
const FAILED = 3;

/** Body kinds. */
export const BODY_NONE = 0;
export const BODY_BYTES = 1;
export const BODY_STREAM = 2;

const IDEMPOTENT = new Set(["GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"]);

/** One request to send and its response to read. */
export class Exchange {
  readonly method: string;
  readonly target: Target;
  /** The header fields to send, `Host` included. */
  readonly headers: HeaderList;
  readonly handler: ExchangeHandler;
  readonly timeouts: ResolvedTimeouts;
  /** BODY_NONE, BODY_BYTES or BODY_STREAM. */
  readonly bodyKind: number;
  /** The whole body (BODY_BYTES). */
  readonly body: Uint8Array | null;
  /** The request asks to switch protocols (Upgrade or CONNECT). */
  readonly upgrade: boolean;
  readonly timings: RequestTimings;

  /** The request-target to send: the URL's path and query, unless set (CONNECT: `host:port`). */
  requestTarget: string;
  /** The connection it runs on, while it runs. */
  connection: ClientConnection | null = null;
  /** Set when the next attempt must use a new connection (a retry). */
  needsFresh = false;
  /** A retry already happened. */
  retried = false;
  /** Bytes of the response seen so far. */
  bytesIn = 0;
  /** The request head was handed to a connection. */
  headSent = false;
  /** The whole request was handed to a connection. */
  sent = false;
  /** The phase it is in, for errors. */
  phase: ClientPhase = "queue";
  /** Whether the current connection is a reused one. */
  reused = false;
  /** Trailers of the response, once read. */
  trailers: HeaderList | null = null;

  #state = WAITING;
  #sentAt = 0;
  #pending: Uint8Array[] | null = null;
  #pendingBytes = 0;
  #ended = false;
  #endTrailers: HeaderList | undefined;
  #paused = false;
  /** The first-byte deadline, then (once bytes come) the idle one: one object for both. */
  #timer: Deadline | null = null;
  #total: Deadline | null = null;
  #abortListener: (() => void) | null = null;
  #signal: AbortSignal | null = null;
  #cancel: ((error: HttpClientError) => void) | null = null;

  constructor(
    method: string,
    target: Target,
    headers: HeaderList,
    body: Uint8Array | null | "stream",
    handler: ExchangeHandler,
    timeouts: ResolvedTimeouts,
    upgrade: boolean,
  ) {
    this.method = method;
    this.target = target;
    this.headers = headers;
    this.handler = handler;
    this.timeouts = timeouts;
    this.upgrade = upgrade;
    this.requestTarget = target.path;
    if (body === "stream") {
      this.bodyKind = BODY_STREAM;
      this.body = null;
    } else {
      this.bodyKind = body === null ? BODY_NONE : BODY_BYTES;
      this.body = body;
    }
    this.timings = {
      start: performance.now(),
      queue: 0,
      connect: 0,
      tls: 0,
      firstByte: 0,
      total: NaN,
      reused: false,
    };
  }

  /** Whether it may be sent again after a failure on a reused connection. */
  get replayable(): boolean {
    return IDEMPOTENT.has(this.method) && this.bodyKind !== BODY_STREAM;
  }

  /** Waiting in a queue or running on a connection. */
  get settled(): boolean {
    return this.#state >= DONE;
  }

  /** Whether the handler asked to stop the body flow. */
  get paused(): boolean {
    return this.#paused;
  }

  /** Starts the total deadline and hooks the abort signal. */
  begin(signal: AbortSignal | null): void {
    const total = this.timeouts.total;
    if (total !== Infinity) {
      this.#total = deadline(total, () => {
        this.fail(this.#timeout("TOTAL_TIMEOUT", `the request took longer than ${total} ms`));
      });
    }
    if (signal !== null) {
      this.#signal = signal;
      const onAbort = () => this.fail(abortError(signal, this));
      this.#abortListener = onAbort;
      signal.addEventListener("abort", onAbort, { once: true });
    }
  }

  #timeout(code: "TOTAL_TIMEOUT" | "FIRST_BYTE_TIMEOUT" | "IDLE_TIMEOUT", message: string) {
    return new HttpClientError(code, message, {
      phase: this.phase,
      reused: this.reused,
      url: this.target.href,
    });
  }

  // ---- the connection calls these ---------------------------------------------

  /** A connection takes the exchange. */
  attachTo(connection: ClientConnection, reused: boolean): void {
    this.#state = ACTIVE;
    this.connection = connection;
    this.reused = reused;
    this.timings.reused = reused;
    this.timings.queue = performance.now() - this.timings.start;
    this.phase = "write";
  }

  /** The first-byte or idle deadline passed. */
  #onTimer = (): void => {
    this.#timer = null;
    if (this.bytesIn === 0) {
      this.fail(
        this.#timeout("FIRST_BYTE_TIMEOUT", `no response within ${this.timeouts.firstByte} ms`),
      );
    } else {
      this.fail(
        this.#timeout("IDLE_TIMEOUT", `the response made no progress for ${this.timeouts.idle} ms`),
      );
    }
  };

  /** The whole request is out: the first-byte deadline starts. */
  markSent(): void {
    this.sent = true;
    this.#sentAt = performance.now();
    if (this.bytesIn === 0) {
      this.phase = "head";
      if (this.#timer === null) this.#timer = deadline(this.timeouts.firstByte, this.#onTimer);
    }
    this.handler.onSent();
  }

  /** Response bytes arrived. */
  received(n: number): void {
    if (this.bytesIn === 0) {
      this.timings.firstByte = this.sent ? performance.now() - this.#sentAt : 0;
      this.phase = "head";
      const ms = this.timeouts.idle;
      const timer = this.#timer;
      if (timer !== null && ms !== Infinity) timer.restart(ms);
      else {
        timer?.clear();
        this.#timer = deadline(ms, this.#onTimer);
      }
    } else this.#timer?.refresh();
    this.bytesIn += n;
  }

  /** Progress that is not bytes in: the caller read some of the body. */
  touch(): void {
    if (this.bytesIn > 0) this.#timer?.refresh();
  }

  /** Back in the queue for a retry on a new connection. */
  requeue(): void {
    this.#state = WAITING;
    this.connection = null;
    this.needsFresh = true;
    this.retried = true;
    this.headSent = false;
    this.sent = false;
    this.phase = "queue";
    this.#timer?.clear();
    this.#timer = null;
  }

  /** The response ended: timings close, deadlines stop. */
  complete(): void {
    if (this.#state >= DONE) return;
    this.#state = DONE;
    this.timings.total = performance.now() - this.timings.start;
    this.#release();
    this.connection = null;
  }

  /** Ends the exchange with `error` (once) and tells the handler. */
  fail(error: HttpClientError): void {
    if (this.#state >= DONE) return;
    this.#state = FAILED;
    this.#release();
    const cancel = this.#cancel;
    this.#cancel = null;
    cancel?.(error); // the pool or connection lets go of it
    this.connection = null;
    this.handler.onError(error);
  }

  /** The reader of the response body gave up: the connection closes, nothing is reported as failed. */
  cancelBody(): void {
    this.fail(
      new HttpClientError("ABORTED", "the response body was cancelled", {
        phase: "body",
        reused: this.reused,
        url: this.target.href,
      }),
    );
  }

  #release(): void {
    this.#timer?.clear();
    this.#total?.clear();
    this.#timer = this.#total = null;
    if (this.#abortListener !== null) {
      this.#signal?.removeEventListener("abort", this.#abortListener);
      this.#abortListener = null;
      this.#signal = null;
    }
  }

  /** Who stops the exchange from now on (the pool while queued, then the connection). */
  setCanceller(cancel: ((error: HttpClientError) => void) | null): void {
    this.#cancel = cancel;
  }

  // ---- flow control of the response body ------------------------------------------

  /** Stops body bytes until `resume()` (the connection stops reading). */
  pause(): void {
    if (this.#paused) return;
    this.#paused = true;
    this.connection?.pauseReading();
  }

  /** Lets body bytes flow again. */
  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    if (this.bytesIn > 0) this.#timer?.refresh();
    this.connection?.resumeReading();
  }

  // ---- a streamed request body -------------------------------------------------------

  /**
   * Writes a piece of a streamed body: straight to the connection once the
   * head is out, queued before. Returns `false` when the caller should wait
   * for `onDrain`.
   */
  write(chunk: Uint8Array): boolean {
    if (this.#state >= DONE || this.#ended) return false;
    const connection = this.connection;
    if (connection !== null && this.headSent && this.#pending === null) {
      return connection.writeBody(this, chunk);
    }
    (this.#pending ??= []).push(chunk);
    this.#pendingBytes += chunk.length;
    return this.#pendingBytes < 16384;
  }

  /** Ends a streamed body, with trailers for a chunked one. */
  end(trailers?: HeaderList): void {
    if (this.#state >= DONE || this.#ended) return;
    this.#ended = true;
    this.#endTrailers = trailers;
    const connection = this.connection;
    if (connection !== null && this.headSent && this.#pending === null) {
      connection.endBody(this, trailers);
    }
  }

  /** Whether `end()` was called. */
  get bodyEnded(): boolean {
    return this.#ended;
  }

  /** The connection sent the head: hands it what was written meanwhile. */
  flushPending(connection: ClientConnection): void {
    const pending = this.#pending;
    this.#pending = null;
    this.#pendingBytes = 0;
    let accepted = true;
    if (pending !== null) {
      for (const chunk of pending) accepted = connection.writeBody(this, chunk);
    }
    if (this.#ended) connection.endBody(this, this.#endTrailers);
    else if (accepted) this.handler.onDrain();
  }
}

/** The error for an aborted request: the signal's reason as the cause. */
export function abortError(signal: AbortSignal, exchange: Exchange): HttpClientError {
  return new HttpClientError("ABORTED", "the request was aborted", {
    phase: exchange.phase,
    reused: exchange.reused,
    cause: signal.reason,
    url: exchange.target.href,
  });
}
