// One request and its response on a server connection: the request head, its
// body on its way in (queued until a reader comes, with back-pressure), and the
// response on its way out. Both of the server's faces (the chapter's `req`/`res`
// and the web `Request`/`Response`) are thin objects over an exchange.

import type { Conn } from "../adapters/mod.ts";
import type { HeaderList, RequestHead } from "../protocols/http1/mod.ts";
import type { ServerConnection } from "./_server_connection.ts";
import type { Takeover } from "./takeover.ts";

/** Where request body chunks go once somebody reads the body. */
export interface BodySink {
  /** A piece of the body, the sink's to keep. Returns `false` to pause the flow. */
  data(chunk: Uint8Array): boolean;
  /** The body ended (trailers, if any, are on the exchange). */
  end(): void;
  /** The body cannot be read to its end (the client went away, a limit, a timeout). */
  error(error: Error): void;
}

// Body states.
const BODY_OPEN = 0;
const BODY_ENDED = 1;
const BODY_FAILED = 2;

// Response states.
const RESPONSE_NONE = 0;
const RESPONSE_PENDING_HEAD = 1;
const RESPONSE_STREAMING = 2;
const RESPONSE_DONE = 3;
const RESPONSE_GONE = 4;

/** What a face's response object hears from its exchange (one object, no closures per request). */
export interface ExchangeObserver {
  /** The exchange was aborted: the client went away, or a timeout. */
  exchangeAborted(reason: Error): void;
  /** Writing may go on after `write` returned `false`. */
  exchangeDrained(): void;
  /** The last byte of the response was handed to the connection. */
  exchangeFinished(): void;
}

/** Bytes of request body queued for a reader before the connection stops reading. */
export const BODY_HIGH_WATER = 65536;

const EMPTY_LIST: Uint8Array[] = [];

/** One request/response exchange (see the file comment). */
export class Exchange {
  readonly connection: ServerConnection;
  readonly head: RequestHead;
  /** The trailer fields of a chunked request body, once read. */
  trailers: HeaderList | null = null;
  /** Called once when the exchange is aborted (the client went away, a timeout). */
  onAbort: ((reason: Error) => void) | null = null;
  /** Called when writing may go on after `write` returned `false`. */
  onDrain: (() => void) | null = null;
  /** Called once the last byte of the response was handed to the connection. */
  onFinish: (() => void) | null = null;
  /** The face's objects for this exchange (the chapter's `req`, or a web request). */
  request: unknown = null;
  /** Whether the server adds a `Date` field to the response (the chapter's `res.sendDate`). */
  sendDate = true;
  /** The face's response object, told of aborts, drains and the finish. */
  observer: ExchangeObserver | null = null;

  #bodyState = BODY_OPEN;
  #bodyError: Error | null = null;
  #queue: Uint8Array[] = EMPTY_LIST;
  #queued = 0;
  #sink: BodySink | null = null;
  #flowing = false;
  #flushing = false;
  #discard = false;
  #continueSent = false;

  #response = RESPONSE_NONE;
  #status = 0;
  #reason: string | undefined;
  #fields: HeaderList | null = null;
  #aborted: Error | null = null;
  #controller: AbortController | null = null;

  constructor(connection: ServerConnection, head: RequestHead) {
    this.connection = connection;
    this.head = head;
  }

  // ---- the request body ------------------------------------------------------------

  /** The whole request body has arrived. */
  get requestComplete(): boolean {
    return this.#bodyState !== BODY_OPEN;
  }

  /** Whether the body ended normally (false while open or after a failure). */
  get bodyEnded(): boolean {
    return this.#bodyState === BODY_ENDED;
  }

  /** Whether the body is being dropped (the response is done, or nobody will read it). */
  get discarding(): boolean {
    return this.#discard;
  }

  /** The connection hands over a body piece (already the exchange's to keep). */
  pushBody(chunk: Uint8Array): boolean {
    if (this.#discard) return true;
    const sink = this.#sink;
    if (sink !== null && this.#flowing && this.#queued === 0 && !this.#flushing) {
      if (!sink.data(chunk)) this.#flowing = false;
      return this.#flowing || this.#sink === null;
    }
    if (this.#queue === EMPTY_LIST) this.#queue = [];
    this.#queue.push(chunk);
    this.#queued += chunk.length;
    return this.#queued < BODY_HIGH_WATER;
  }

  /** The connection read the end of the body. */
  endBody(): void {
    if (this.#bodyState !== BODY_OPEN) return;
    this.#bodyState = BODY_ENDED;
    const sink = this.#sink;
    if (sink !== null && this.#queued === 0 && !this.#flushing) {
      this.#sink = null;
      sink.end();
    }
  }

  /** The body cannot be completed. */
  failBody(error: Error): void {
    if (this.#bodyState !== BODY_OPEN) return;
    this.#bodyState = BODY_FAILED;
    this.#bodyError = error;
    this.#queue = EMPTY_LIST;
    this.#queued = 0;
    const sink = this.#sink;
    if (sink !== null) {
      this.#sink = null;
      sink.error(error);
    }
  }

  /**
   * Starts delivering the body to `sink` (queued pieces first, on a later
   * microtask). Sends `100 Continue` when the client waits for it.
   */
  readBody(sink: BodySink): void {
    if (this.#sink !== null) throw new TypeError("the request body is already being read");
    this.#sink = sink;
    this.#flowing = true;
    this.#maybeContinue();
    queueMicrotask(() => this.#flush());
  }

  /** Stops the flow to the sink until `resumeBody()`. */
  pauseBody(): void {
    this.#flowing = false;
  }

  /** Goes on delivering to the sink. */
  resumeBody(): void {
    if (this.#flowing || this.#sink === null) return;
    this.#flowing = true;
    this.#flush();
  }

  /** Drops the body: queued pieces and those to come. */
  discardBody(): void {
    this.#discard = true;
    this.#queue = EMPTY_LIST;
    this.#queued = 0;
    this.#sink = null;
    this.connection.bodyConsumed(this);
  }

  #flush(): void {
    if (this.#flushing) return;
    this.#flushing = true;
    try {
      while (this.#flowing && this.#queue.length > 0 && this.#sink !== null) {
        const chunk = this.#queue.shift() as Uint8Array;
        this.#queued -= chunk.length;
        if (!this.#sink.data(chunk)) this.#flowing = false;
      }
    } finally {
      this.#flushing = false;
    }
    const sink = this.#sink;
    if (sink === null) return;
    if (this.#queue.length === 0) {
      if (this.#bodyState === BODY_ENDED) {
        this.#sink = null;
        sink.end();
        return;
      }
      if (this.#bodyState === BODY_FAILED) {
        this.#sink = null;
        sink.error(this.#bodyError as Error);
        return;
      }
    }
    if (this.#flowing && this.#queued < BODY_HIGH_WATER) this.connection.bodyConsumed(this);
  }

  /** Sends `100 Continue` once, if the client waits for it and no response started. */
  #maybeContinue(): void {
    if (
      this.#continueSent || !this.head.expectContinue || this.#response !== RESPONSE_NONE ||
      this.#bodyState !== BODY_OPEN
    ) return;
    this.#continueSent = true;
    this.connection.sendInformational(this, 100, null);
  }

  /** Sends `100 Continue` now (the chapter's `writeContinue`). */
  sendContinue(): void {
    this.#maybeContinue();
  }

  // ---- the response ------------------------------------------------------------------

  /** Whether the response head went out (or is on its way with the first write). */
  get responseStarted(): boolean {
    return this.#response !== RESPONSE_NONE;
  }

  /** Whether the response is complete (or can no longer be sent). */
  get responseDone(): boolean {
    return this.#response >= RESPONSE_DONE;
  }

  /** Whether the connection broke before the response was done. */
  get aborted(): boolean {
    return this.#aborted !== null;
  }

  /** The signal that aborts when the client goes away before the response is done. */
  get signal(): AbortSignal {
    let controller = this.#controller;
    if (controller === null) {
      controller = this.#controller = new AbortController();
      if (this.#aborted !== null) controller.abort(this.#aborted);
    }
    return controller.signal;
  }

  /** Sends a whole response: head and body in one write when small. */
  respond(
    status: number,
    reason: string | undefined,
    fields: HeaderList,
    body: Uint8Array | null,
  ): void {
    if (this.#response !== RESPONSE_NONE && this.#response !== RESPONSE_PENDING_HEAD) {
      throw new TypeError("the response was already sent");
    }
    const previous = this.#response;
    this.#response = RESPONSE_DONE;
    let sent: boolean;
    try {
      sent = this.connection.sendWhole(this, status, reason, fields, body);
    } catch (error) {
      this.#response = previous;
      throw error;
    }
    if (sent) this.#finished();
  }

  /** Sets the head of a streamed response; it goes out with the first write or the end. */
  beginResponse(status: number, reason: string | undefined, fields: HeaderList): void {
    if (this.#response !== RESPONSE_NONE) throw new TypeError("the response was already started");
    this.#response = RESPONSE_PENDING_HEAD;
    this.#status = status;
    this.#reason = reason;
    this.#fields = fields;
  }

  /** Sends the pending head with `body` as the whole body (one write, a Content-Length). */
  finishWith(body: Uint8Array): void {
    if (this.#response !== RESPONSE_PENDING_HEAD) {
      if (body.length > 0) this.write(body);
      this.end();
      return;
    }
    this.respond(this.#status, this.#reason, this.#fields as HeaderList, body);
  }

  /** Sends the pending head now, without body bytes (the chapter's `flushHeaders`). */
  flushHead(): void {
    if (this.#response !== RESPONSE_PENDING_HEAD) return;
    this.#response = RESPONSE_STREAMING;
    this.connection.sendStreamHead(
      this,
      this.#status,
      this.#reason,
      this.#fields as HeaderList,
      null,
    );
  }

  /** Writes a piece of the streamed body; `false` means wait for `onDrain`. */
  write(chunk: Uint8Array): boolean {
    switch (this.#response) {
      case RESPONSE_PENDING_HEAD:
        this.#response = RESPONSE_STREAMING;
        return this.connection.sendStreamHead(
          this,
          this.#status,
          this.#reason,
          this.#fields as HeaderList,
          chunk,
        );
      case RESPONSE_STREAMING:
        return this.connection.sendBody(this, chunk);
      case RESPONSE_GONE:
        return false;
      default:
        throw new TypeError("write() needs a response head first, and not after the end");
    }
  }

  /** Ends the streamed response (trailers only after a chunked body). */
  end(trailers?: HeaderList): void {
    switch (this.#response) {
      case RESPONSE_PENDING_HEAD:
        this.#response = RESPONSE_NONE;
        this.respond(this.#status, this.#reason, this.#fields as HeaderList, EMPTY_BODY);
        return;
      case RESPONSE_STREAMING:
        this.#response = RESPONSE_DONE;
        if (!this.connection.sendEnd(this, trailers)) return;
        this.#finished();
        return;
      case RESPONSE_GONE:
        return;
      default:
        throw new TypeError("end() needs a response head first, and not twice");
    }
  }

  /** Sends a 1xx response (103 Early Hints, 100 Continue). */
  informational(status: number, fields: HeaderList | null): void {
    if (this.#response >= RESPONSE_STREAMING) {
      throw new TypeError("an informational response must come before the final one");
    }
    if (status === 100) {
      this.#maybeContinue();
      return;
    }
    this.connection.sendInformational(this, status, fields);
  }

  /**
   * Writes the head of a 101 (or a 2xx answering CONNECT) and hands the
   * connection to `takeover` (see takeover.ts).
   */
  takeOver(
    status: number,
    reason: string | undefined,
    fields: HeaderList,
    takeover: Takeover,
  ): void {
    if (this.#response !== RESPONSE_NONE) throw new TypeError("the response was already started");
    this.connection.takeOver(this, status, reason, fields, takeover);
    this.#response = RESPONSE_DONE;
  }

  /** Hands the connection over as it is, with no response (the chapter's `upgrade` and `connect` events). */
  takeOverRaw(takeover: (conn: Conn, head: Uint8Array) => void): void {
    this.#response = RESPONSE_DONE;
    this.connection.takeOver(this, 0, undefined, null, takeover);
  }

  /** The response cannot be completed (a body stream failed): the connection closes. */
  abortResponse(error: Error): void {
    if (this.#response >= RESPONSE_DONE) return;
    this.#response = RESPONSE_GONE;
    this.connection.destroy(error);
  }

  // ---- what the connection tells ----------------------------------------------------

  /** The connection can take more bytes. */
  drained(): void {
    if (this.#response !== RESPONSE_STREAMING) return;
    this.observer?.exchangeDrained();
    this.onDrain?.();
  }

  /** The connection broke before the response was done: nothing more goes out. */
  abort(reason: Error): void {
    if (this.#response < RESPONSE_DONE) this.#response = RESPONSE_GONE;
    this.failBody(reason);
    this.peerEnded(reason);
  }

  /** The client ended its side after a complete request: the signal fires, the response may still go out. */
  peerEnded(reason: Error): void {
    if (this.#aborted !== null) return;
    this.#aborted = reason;
    this.#controller?.abort(reason);
    this.observer?.exchangeAborted(reason);
    this.onAbort?.(reason);
  }

  #finished(): void {
    this.connection.responseDone(this);
    this.observer?.exchangeFinished();
    this.onFinish?.();
  }
}

const EMPTY_BODY = new Uint8Array(0);
