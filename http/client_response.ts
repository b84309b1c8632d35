/**
 * {@linkcode ClientResponse}: the response `request()` gives to its
 * `response` listeners (Node's `http.IncomingMessage` on the client side):
 * `statusCode`, `statusMessage`, `headers` (Node's object: lowercase names,
 * `set-cookie` an array, repeated fields joined), `rawHeaders`, `trailers`,
 * and the body three ways, one per response:
 * - `data` and `end` events, with `pause()` and `resume()` (flowing starts
 *   with the first `data` listener or `resume()`, as in Node);
 * - `body`, a web `ReadableStream` (with `for await`, `pipeTo`);
 * - `text()`, `json()`, `bytes()`, `arrayBuffer()`.
 *
 * The connection reads ahead up to 64 KiB of body nobody consumes, then
 * stops; a body left unread that long fails with `IDLE_TIMEOUT` after the
 * request's `timeouts.idle`, which frees the connection.
 *
 * @example Reading a response with events, or as text
 * ```ts ignore
 * import { request } from "./mod.ts";
 *
 * request("http://example.com/", (response) => {
 *   console.log(response.statusCode, response.headers["content-type"]);
 *   response.on("data", (chunk) => console.log(chunk.length));
 *   response.on("end", () => console.log("done"));
 * }).end();
 * ```
 *
 * @module
 */

import type { HeaderList, ResponseHead } from "../protocols/http1/mod.ts";
import { Emitter } from "../net/emitter.ts";
import type { Exchange, RequestTimings } from "./_client_exchange.ts";
import { headersObject, rawHeaders } from "./_client_headers.ts";

/** The events of a {@linkcode ClientResponse} and their listeners' arguments. */
export interface ClientResponseEvents {
  /** Body bytes (flowing mode), or text after `setEncoding`. */
  data: [chunk: Uint8Array | string];
  /** The body ended and was all consumed. */
  end: [];
  /** The body failed (the connection closed early, a timeout, an abort). */
  error: [error: Error];
  /** The response was cut before its end (Node's event; `error` follows). */
  aborted: [];
  /** Nothing more will happen. */
  close: [];
}

/** Bytes waiting unread before the connection stops reading. */
const READ_AHEAD = 65536;

const decoder = new TextDecoder();

/**
 * A response to a `request()`: status, headers, and a body to read once.
 *
 * @example Collecting a body
 * ```ts ignore
 * import { request } from "./mod.ts";
 *
 * const req = request("http://example.com/");
 * req.on("response", async (response) => console.log(await response.text()));
 * req.end();
 * ```
 */
export class ClientResponse extends Emitter<ClientResponseEvents> {
  /** The status code. */
  readonly statusCode: number;
  /** The reason phrase, as received. */
  readonly statusMessage: string;
  /** `"1.1"` or `"1.0"`. */
  readonly httpVersion: string;
  /** Timings of the request (`total` is set when the body ends). */
  readonly timings: RequestTimings;
  /** Whether the body was received to its end. */
  complete = false;
  /** Whether the response was cut before its end. */
  aborted = false;
  /** The trailer fields (Node's object), once the body ended. */
  trailers: Record<string, string | string[] | undefined> = {};
  /** The trailer fields as received, names and values alternating. */
  rawTrailers: string[] = [];

  #head: ResponseHead;
  #exchange: Exchange | null;
  #headers: Record<string, string | string[] | undefined> | null = null;
  #chunks: Uint8Array[] = [];
  #buffered = 0;
  #flowing: boolean | null = null;
  #ended = false;
  #endEmitted = false;
  #error: Error | null = null;
  #closed = false;
  #encoding: string | null = null;
  #draining = false;
  #textDecoder: TextDecoder | null = null;
  #controller: ReadableStreamDefaultController<Uint8Array> | null = null;
  #stream: ReadableStream<Uint8Array> | null = null;

  /**
   * Made by `request()`.
   *
   * @param head the response head
   * @param exchange the exchange the body comes from (`null` for a bodiless answer)
   */
  constructor(head: ResponseHead, exchange: Exchange | null, timings: RequestTimings) {
    super();
    this.#head = head;
    this.#exchange = exchange;
    this.statusCode = head.status;
    this.statusMessage = head.reason;
    this.httpVersion = head.version;
    this.timings = timings;
  }

  /** The major version (1). */
  get httpVersionMajor(): number {
    return 1;
  }

  /** The minor version (1 or 0). */
  get httpVersionMinor(): number {
    return this.#head.version === "1.0" ? 0 : 1;
  }

  /** The header fields as Node's object (lowercase names, made on first use). */
  get headers(): Record<string, string | string[] | undefined> {
    return this.#headers ??= headersObject(this.#head.headers);
  }

  /** The header fields as received, names and values alternating. */
  get rawHeaders(): string[] {
    return rawHeaders(this.#head.headers);
  }

  /** The header fields as `[name, value]` pairs in wire order. */
  get headerList(): HeaderList {
    return this.#head.headers;
  }

  /** Whether `end` was emitted. */
  get readableEnded(): boolean {
    return this.#endEmitted;
  }

  /** Whether the body ended or failed and nothing more is to come. */
  get destroyed(): boolean {
    return this.#closed;
  }

  // ---- the request feeds these ------------------------------------------------------

  /** Body bytes from the connection. */
  push(chunk: Uint8Array): void {
    const controller = this.#controller;
    if (controller !== null) {
      controller.enqueue(chunk);
      if ((controller.desiredSize ?? 0) <= 0) this.#exchange?.pause();
      return;
    }
    if (this.#flowing === true && this.#chunks.length === 0 && !this.#draining) {
      this.#emitData(chunk);
      return;
    }
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
    if (this.#buffered >= READ_AHEAD) this.#exchange?.pause();
  }

  /** The body ended. */
  finish(trailers: HeaderList | null): void {
    this.#ended = true;
    this.complete = true;
    this.#exchange = null;
    if (trailers !== null) {
      this.trailers = headersObject(trailers);
      this.rawTrailers = rawHeaders(trailers);
    }
    const controller = this.#controller;
    if (controller !== null) {
      this.#controller = null;
      controller.close();
      this.#emitEnd();
      return;
    }
    if (this.#chunks.length === 0 && this.#flowing === true && !this.#draining) this.#emitEnd();
  }

  /** The body failed. */
  fail(error: Error): void {
    if (this.#ended || this.#closed) return;
    this.#error = error;
    this.#exchange = null;
    this.aborted = true;
    const controller = this.#controller;
    this.#controller = null;
    controller?.error(error);
    this.emit("aborted");
    this.emit("error", error);
    this.#close();
  }

  #emitData(chunk: Uint8Array): void {
    if (this.#encoding !== null) {
      const text = (this.#textDecoder as TextDecoder).decode(chunk, { stream: true });
      if (text !== "") this.emit("data", text);
    } else this.emit("data", chunk);
  }

  #emitEnd(): void {
    if (this.#endEmitted) return;
    this.#endEmitted = true;
    if (this.#textDecoder !== null) {
      const rest = this.#textDecoder.decode();
      if (rest !== "") this.emit("data", rest);
    }
    this.emit("end");
    this.#close();
  }

  #close(): void {
    if (this.#closed) return;
    this.#closed = true;
    queueMicrotask(() => this.emit("close")); // after what the caller emits now, as in Node
  }

  // ---- flowing mode ----------------------------------------------------------------------

  /** Starts flowing when the first `data` listener comes, as Node does. */
  protected override listenerAdded(type: string): void {
    if (type === "data" && this.#flowing === null) this.resume();
  }

  /**
   * Starts (or goes on with) `data` events; without a `data` listener the body
   * is read and dropped, so that `end` comes and the connection is reused.
   *
   * @returns this response
   */
  resume(): this {
    if (this.#stream !== null) return this;
    this.#flowing = true;
    // As in Node, the flow starts on a later microtask: listeners added right
    // after this call (an `end` listener after the `data` one) hear everything.
    if (!this.#draining) {
      this.#draining = true;
      queueMicrotask(() => this.#drain());
    }
    return this;
  }

  #drain(): void {
    this.#draining = false;
    if (this.#flowing !== true || this.#stream !== null) return;
    const chunks = this.#chunks;
    while (chunks.length > 0 && this.#flowing) {
      const chunk = chunks.shift() as Uint8Array;
      this.#buffered -= chunk.length;
      this.#emitData(chunk);
    }
    if (!this.#flowing) return;
    if (this.#ended) this.#emitEnd();
    else {
      this.#exchange?.touch();
      this.#exchange?.resume();
    }
  }

  /**
   * Stops `data` events; bytes keep arriving up to the read-ahead, then the
   * connection stops reading.
   *
   * @returns this response
   */
  pause(): this {
    this.#flowing = false;
    return this;
  }

  /** Whether `pause()` stopped the flow. */
  isPaused(): boolean {
    return this.#flowing === false;
  }

  /**
   * Emits text instead of bytes (`"utf8"`/`"utf-8"`, `"latin1"`, any `TextDecoder` label).
   *
   * @param encoding the text encoding
   * @returns this response
   */
  setEncoding(encoding: string): this {
    this.#encoding = encoding;
    this.#textDecoder = new TextDecoder(
      encoding === "latin1" || encoding === "binary" ? "latin1" : encoding,
    );
    return this;
  }

  /**
   * Stops reading the body: the connection closes (it cannot be reused with
   * a body half read), `error` follows when `error` is given, then `close`.
   *
   * @param error the reason, emitted as `error`
   * @returns this response
   */
  destroy(error?: Error): this {
    if (this.#closed) return this;
    const exchange = this.#exchange;
    this.#exchange = null;
    if (error !== undefined) this.fail(error);
    else {
      this.aborted = !this.#ended;
      const controller = this.#controller;
      this.#controller = null;
      controller?.error(new Error("the response was destroyed"));
      this.#close();
    }
    exchange?.cancelBody();
    return this;
  }

  // ---- web streams and whole bodies -------------------------------------------------------

  /** The body as a web stream (use it instead of `data` events, not with them). */
  get body(): ReadableStream<Uint8Array> {
    if (this.#stream !== null) return this.#stream;
    this.#flowing = false;
    this.#stream = new ReadableStream<Uint8Array>({
      start: (controller) => {
        for (const chunk of this.#chunks) controller.enqueue(chunk);
        this.#chunks = [];
        this.#buffered = 0;
        if (this.#error !== null) controller.error(this.#error);
        else if (this.#ended) {
          controller.close();
          queueMicrotask(() => this.#emitEnd());
        } else this.#controller = controller;
      },
      pull: () => {
        this.#exchange?.touch();
        this.#exchange?.resume();
      },
      cancel: () => {
        this.#controller = null;
        if (!this.#ended) this.destroy();
      },
    }, { highWaterMark: READ_AHEAD, size: (chunk) => chunk.byteLength });
    return this.#stream;
  }

  /** Reads the body to its end, as bytes. */
  async bytes(): Promise<Uint8Array> {
    const reader = this.body.getReader();
    const parts: Uint8Array[] = [];
    let length = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(value);
      length += value.length;
    }
    if (parts.length === 1) return parts[0];
    const all = new Uint8Array(length);
    let offset = 0;
    for (const part of parts) {
      all.set(part, offset);
      offset += part.length;
    }
    return all;
  }

  /** Reads the body to its end, as an `ArrayBuffer`. */
  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = await this.bytes();
    return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
      ? bytes.buffer as ArrayBuffer
      : bytes.slice().buffer as ArrayBuffer;
  }

  /** Reads the body to its end, as UTF-8 text. */
  async text(): Promise<string> {
    return decoder.decode(await this.bytes());
  }

  /** Reads the body to its end and parses it as JSON. */
  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }

  /** Iterates over the body's chunks (`for await (const chunk of response)`). */
  async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    const reader = this.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        yield value;
      }
    } finally {
      reader.releaseLock();
    }
  }
}
