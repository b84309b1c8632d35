/**
 * {@linkcode IncomingMessage}: the request a `createServer` handler gets as
 * `req`, with Node's members and events. Its body is read as the chapter
 * reads it (`data` and `end` events, `pipe`, `for await`) or as a web
 * `ReadableStream` (`req.body`), with back-pressure either way: the server
 * stops reading from the client while the body is not consumed.
 *
 * Nothing is built before it is asked for: `headers` (Node's object, with its
 * rules for repeated fields), `rawHeaders`, `headersDistinct` come from the
 * parser's list of pairs on first use.
 *
 * @example Collecting a body the chapter's way
 * ```ts ignore
 * import { createServer } from "./mod.ts";
 *
 * createServer((req, res) => {
 *   let body = "";
 *   req.setEncoding("utf8");
 *   req.on("data", (chunk) => (body += chunk));
 *   req.on("end", () => res.end(`got ${body.length} characters`));
 * }).listen(8080);
 * ```
 *
 * @module
 */

import { Emitter } from "../net/emitter.ts";
import type { HeaderList } from "../protocols/http1/mod.ts";
import { requestBodyStream } from "./_body_stream.ts";
import { decodeBytes } from "./_encoding.ts";
import type { BodySink, Exchange } from "./_exchange.ts";
import {
  type IncomingHttpHeaders,
  nodeHeaders,
  nodeHeadersDistinct,
  rawHeaderList,
} from "./_node_headers.ts";
import type { ServerSocket } from "./server_socket.ts";

export type { IncomingHttpHeaders } from "./_node_headers.ts";

/** The events of an {@linkcode IncomingMessage}. */
export interface IncomingMessageEvents {
  /** A piece of the body (a string after `setEncoding`). */
  data: [chunk: Uint8Array | string];
  /** The whole body was read. */
  end: [];
  /** The request is over: read to its end, or aborted. */
  close: [];
  /** The body could not be read to its end. */
  error: [error: Error];
  /** The client went away before the request was complete. */
  aborted: [];
}

/** Where `pipe` writes: a response, a socket, anything with Node's writable methods. */
export interface PipeDestination {
  /** Takes a piece; `false` means wait for `drain`. */
  write(chunk: Uint8Array): boolean;
  /** Ends the destination. */
  end(): unknown;
  /** Listens for `drain` once. */
  once(event: "drain", listener: () => void): unknown;
}

// Reading states.
const IDLE = 0;
const FLOWING = 1;
const PAUSED = 2;
const STREAM = 3;
const DONE = 4;

/**
 * An incoming request on a `createServer` server (see the module doc).
 *
 * @example
 * ```ts ignore
 * createServer((req, res) => {
 *   res.end(`${req.method} ${req.url} HTTP/${req.httpVersion} from ${req.socket.remoteAddress}`);
 * });
 * ```
 */
export class IncomingMessage extends Emitter<IncomingMessageEvents> {
  readonly #exchange: Exchange;
  #headers: IncomingHttpHeaders | null = null;
  #state = IDLE;
  #encoding: string | null = null;
  #complete = false;
  #ended = false;
  #closed = false;
  #body: ReadableStream<Uint8Array> | null = null;
  #url: string | null = null;

  /**
   * Made by the server for each request.
   *
   * @param exchange the server's exchange
   */
  constructor(exchange: Exchange) {
    super();
    this.#exchange = exchange;
  }

  /** The method, as the client sent it. */
  get method(): string {
    return this.#exchange.head.method;
  }

  /** The request-target as sent (`/path?query`, or an absolute URL, or `host:port` for CONNECT). */
  get url(): string {
    return this.#url ?? this.#exchange.head.target;
  }

  set url(value: string) {
    this.#url = value;
  }

  /** `"1.1"` or `"1.0"`. */
  get httpVersion(): string {
    return this.#exchange.head.version === "1.0" ? "1.0" : "1.1";
  }

  /** 1. */
  get httpVersionMajor(): number {
    return 1;
  }

  /** 1 or 0. */
  get httpVersionMinor(): number {
    return this.#exchange.head.version === "1.0" ? 0 : 1;
  }

  /** The header fields as Node's object (lower-case names; see the module doc). */
  get headers(): IncomingHttpHeaders {
    return this.#headers ??= nodeHeaders(this.#exchange.head.headers);
  }

  set headers(value: IncomingHttpHeaders) {
    this.#headers = value;
  }

  /** Every value of every field, as arrays. */
  get headersDistinct(): Record<string, string[]> {
    return nodeHeadersDistinct(this.#exchange.head.headers);
  }

  /** Names and values as received, in one flat list. */
  get rawHeaders(): string[] {
    return rawHeaderList(this.#exchange.head.headers);
  }

  /** The trailer fields (after the body of a chunked request). */
  get trailers(): IncomingHttpHeaders {
    return nodeHeaders(this.#exchange.trailers ?? EMPTY_FIELDS);
  }

  /** Trailer names and values in one flat list. */
  get rawTrailers(): string[] {
    return rawHeaderList(this.#exchange.trailers ?? EMPTY_FIELDS);
  }

  /** The `[name, value]` pairs of the head, as the parser gave them. */
  get headerPairs(): HeaderList {
    return this.#exchange.head.headers;
  }

  /** The connection. */
  get socket(): ServerSocket {
    return this.#exchange.connection.socket;
  }

  /** The connection (Node's older name). */
  get connection(): ServerSocket {
    return this.socket;
  }

  /** Whether the whole body was received. */
  get complete(): boolean {
    return this.#complete;
  }

  /** Whether the client went away before the request was complete. */
  get aborted(): boolean {
    return this.#exchange.aborted && !this.#complete;
  }

  /** Whether `end` was emitted. */
  get readableEnded(): boolean {
    return this.#ended;
  }

  /** Whether the request is over (`close` was emitted). */
  get destroyed(): boolean {
    return this.#closed;
  }

  /** Aborts when the client goes away before the response is sent. */
  get signal(): AbortSignal {
    return this.#exchange.signal;
  }

  /** The body as a web stream (instead of `data` events; not both). */
  get body(): ReadableStream<Uint8Array> {
    if (this.#body === null) {
      if (this.#state !== IDLE) throw new TypeError("the body is already being read as events");
      this.#state = STREAM;
      this.#body = requestBodyStream(this.#exchange);
    }
    return this.#body;
  }

  /**
   * Starts the flow of `data` events when the first `data` listener comes, as Node does.
   *
   * @param type the event a listener was added for
   */
  protected override listenerAdded(type: string): void {
    if (type === "data" && this.#state === IDLE) this.#flow();
  }

  /**
   * Goes on emitting `data` (starts the flow when nothing listens yet: the
   * body is then read and dropped, as Node's `resume()` does).
   *
   * @returns this request
   *
   * @example
   * ```ts ignore
   * req.resume(); // ignore the body
   * ```
   */
  resume(): this {
    if (this.#state === IDLE) this.#flow();
    else if (this.#state === PAUSED) {
      this.#state = FLOWING;
      this.#exchange.resumeBody();
    }
    return this;
  }

  /**
   * Stops `data` events (and reading from the client) until `resume()`.
   *
   * @returns this request
   *
   * @example
   * ```ts ignore
   * req.pause();
   * ```
   */
  pause(): this {
    if (this.#state === FLOWING) {
      this.#state = PAUSED;
      this.#exchange.pauseBody();
    } else if (this.#state === IDLE) this.#state = PAUSED;
    return this;
  }

  /**
   * Whether the flow is paused.
   *
   * @returns `true` when paused
   *
   * @example
   * ```ts ignore
   * if (req.isPaused()) req.resume();
   * ```
   */
  isPaused(): boolean {
    return this.#state === PAUSED;
  }

  /**
   * Emits `data` as strings decoded with `encoding` (Node's names: utf8, latin1, hex, base64).
   *
   * @param encoding the encoding
   * @returns this request
   *
   * @example
   * ```ts ignore
   * req.setEncoding("utf8");
   * ```
   */
  setEncoding(encoding: string): this {
    this.#encoding = encoding.toLowerCase();
    return this;
  }

  #flow(): void {
    const wasPaused = this.#state === PAUSED;
    this.#state = FLOWING;
    const sink: BodySink = {
      data: (chunk) => {
        this.emit("data", this.#encoding === null ? chunk : decodeBytes(chunk, this.#encoding));
        return this.#state === FLOWING;
      },
      end: () => {
        this.#complete = true;
        this.#ended = true;
        this.#state = DONE;
        this.emit("end");
        this.#close();
      },
      error: (error) => {
        this.#state = DONE;
        this.emit("aborted");
        this.emit("error", error);
        this.#close();
      },
    };
    this.#exchange.readBody(sink);
    if (wasPaused) this.#exchange.pauseBody();
  }

  #close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.emit("close");
  }

  /** The server tells: the exchange was aborted before the body ended. */
  abortedByServer(): void {
    if (this.#complete || this.#closed) return;
    if (this.#state === IDLE || this.#state === PAUSED || this.#state === STREAM) {
      this.emit("aborted");
      this.#close();
    }
  }

  /**
   * Writes the body into `destination` (a response, a socket), with
   * back-pressure, and ends it at the end (unless `end: false`).
   *
   * @param destination where the body goes
   * @param options `end: false` keeps the destination open
   * @returns the destination
   *
   * @example The chapter's echo server
   * ```ts ignore
   * createServer((req, res) => req.pipe(res));
   * ```
   */
  pipe<T extends PipeDestination>(destination: T, options: { end?: boolean } = {}): T {
    this.on("data", (chunk) => {
      const bytes = typeof chunk === "string" ? new TextEncoder().encode(chunk) : chunk;
      if (!destination.write(bytes)) {
        this.pause();
        destination.once("drain", () => this.resume());
      }
    });
    if (options.end !== false) this.once("end", () => destination.end());
    return destination;
  }

  /**
   * Reads the body chunk by chunk: `for await (const chunk of req)`.
   *
   * @returns an async iterator over the body
   *
   * @example
   * ```ts ignore
   * let size = 0;
   * for await (const chunk of req) size += chunk.length;
   * ```
   */
  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array, void, undefined> {
    const reader = this.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) {
          this.#complete = true;
          this.#ended = true;
          return;
        }
        yield value;
      }
    } finally {
      reader.releaseLock();
    }
  }

  /**
   * Ends the request and closes its connection (a response in progress is cut).
   *
   * @param error the reason, if any
   * @returns this request
   *
   * @example
   * ```ts ignore
   * req.destroy();
   * ```
   */
  destroy(error?: Error): this {
    this.#exchange.connection.destroy(error);
    return this;
  }

  /**
   * Sets the connection's idle timeout (see `ServerSocket.setTimeout`).
   *
   * @param ms the delay
   * @param callback added as the socket's `timeout` listener
   * @returns this request
   *
   * @example
   * ```ts ignore
   * req.setTimeout(10_000);
   * ```
   */
  setTimeout(ms: number, callback?: () => void): this {
    this.socket.setTimeout(ms, callback);
    return this;
  }
}

const EMPTY_FIELDS: HeaderList = [];
