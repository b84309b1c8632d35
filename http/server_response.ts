/**
 * {@linkcode ServerResponse}: the response a `createServer` handler writes as
 * `res`, with Node's members and events. A response ended with its whole
 * body (`res.end(body)`) goes out in one write with a `Content-Length`; one
 * written piece by piece is chunked (or framed by its `Content-Length` when
 * set), and `write()` returns `false` while the client does not keep up
 * (`drain` says when to go on).
 *
 * @example
 * ```ts ignore
 * import { createServer } from "./mod.ts";
 *
 * createServer((req, res) => {
 *   res.statusCode = 200;
 *   res.setHeader("Content-Type", "text/plain");
 *   res.end("Hello World\n");
 * }).listen(8080);
 * ```
 *
 * @module
 */

import { Emitter } from "../net/emitter.ts";
import { type HeaderList, STATUS_TEXT } from "../protocols/http1/mod.ts";
import { encodeString } from "./_encoding.ts";
import type { Exchange } from "./_exchange.ts";
import type { IncomingMessage } from "./incoming_message.ts";
import type { ServerSocket } from "./server_socket.ts";

/** The events of a {@linkcode ServerResponse}. */
export interface ServerResponseEvents {
  /** The whole response was handed to the connection. */
  finish: [];
  /** The response is over: finished, or its connection closed first. */
  close: [];
  /** Writing may go on after `write()` returned `false`. */
  drain: [];
  /** Something failed while writing. */
  error: [error: Error];
}

/** A header value as `setHeader` takes it. */
export type OutgoingHeaderValue = string | number | readonly string[];

/** Headers as `writeHead` takes them: a record, a list of pairs, or Node's flat list. */
export type OutgoingHeaders =
  | Record<string, OutgoingHeaderValue | undefined>
  | ReadonlyArray<readonly [string, OutgoingHeaderValue]>
  | readonly string[];

// Token characters (RFC 9110 5.6.2), checked when a header is set.
const TOKEN = new Uint8Array(128);
for (const c of "!#$%&'*+-.^_`|~") TOKEN[c.charCodeAt(0)] = 1;
for (let c = 0x30; c <= 0x39; c++) TOKEN[c] = 1;
for (let c = 0x41; c <= 0x5a; c++) TOKEN[c] = 1;
for (let c = 0x61; c <= 0x7a; c++) TOKEN[c] = 1;

function checkName(name: string): void {
  if (typeof name !== "string" || name.length === 0) {
    throw new TypeError(`Header name must be a valid HTTP token ["${name}"]`);
  }
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c >= 128 || TOKEN[c] !== 1) {
      throw new TypeError(`Header name must be a valid HTTP token ["${name}"]`);
    }
  }
}

function checkValue(name: string, value: string): void {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09) || c === 0x7f || c > 0xff) {
      throw new TypeError(`Invalid character in header content ["${name}"]`);
    }
  }
}

type Stored = [name: string, value: string | string[]];

/** `writeHead`'s record as the fields to send, checked as `setHeader` checks. */
function directFields(record: Record<string, OutgoingHeaderValue | undefined>): HeaderList {
  const fields: HeaderList = [];
  for (const name in record) {
    const value = record[name];
    if (value === undefined) continue;
    checkName(name);
    if (typeof value === "object") {
      for (const item of value) {
        const text = String(item);
        checkValue(name, text);
        fields.push([name, text]);
      }
    } else {
      const text = typeof value === "string" ? value : String(value);
      checkValue(name, text);
      fields.push([name, text]);
    }
  }
  return fields;
}

function headersSentError(what: string): Error {
  const error = new Error(`Cannot ${what} after they are sent to the client`);
  (error as { code?: string }).code = "ERR_HTTP_HEADERS_SENT";
  return error;
}

/**
 * The response of a `createServer` handler (see the module doc).
 *
 * @example Streaming with back-pressure
 * ```ts ignore
 * createServer(async (req, res) => {
 *   res.writeHead(200, { "Content-Type": "text/plain" });
 *   for (let i = 0; i < 1000; i++) {
 *     if (!res.write(`line ${i}\n`)) await new Promise((r) => res.once("drain", r));
 *   }
 *   res.end();
 * });
 * ```
 */
// Structurally an ExchangeObserver (private to the package: no `implements` in public API).
export class ServerResponse extends Emitter<ServerResponseEvents> {
  /** The status code (default 200). */
  statusCode = 200;
  /** The reason phrase (default: the standard one for the status). */
  statusMessage: string | undefined = undefined;
  /** Whether a `Date` field is added (default true). */
  sendDate = true;
  /** The request this response answers. */
  readonly req: IncomingMessage;

  readonly #exchange: Exchange;
  /** Lower-case names of the fields set, and the fields (same index). */
  #keys: string[] | null = null;
  #entries: Stored[] | null = null;
  /** Fields given to `writeHead` before any `setHeader` (sent as they are, as Node does). */
  #direct: HeaderList | null = null;
  #trailers: HeaderList | undefined;
  #headSent = false;
  #wrote = false;
  #ended = false;
  #finished = false;
  #closed = false;

  /**
   * Made by the server for each request.
   *
   * @param exchange the server's exchange
   * @param req the request
   */
  constructor(exchange: Exchange, req: IncomingMessage) {
    super();
    this.#exchange = exchange;
    this.req = req;
  }

  /** Whether the head was sent (or fixed by `writeHead`). */
  get headersSent(): boolean {
    return this.#headSent;
  }

  /** Whether `end()` was called. */
  get writableEnded(): boolean {
    return this.#ended;
  }

  /** Whether `end()` was called (Node's older name). */
  get finished(): boolean {
    return this.#ended;
  }

  /** Whether the whole response was handed to the connection. */
  get writableFinished(): boolean {
    return this.#finished;
  }

  /** Whether the response can still be written. */
  get writable(): boolean {
    return !this.#ended && !this.#exchange.responseDone;
  }

  /** Bytes waiting to be sent on the connection. */
  get writableLength(): number {
    return this.#exchange.connection.conn.writableLength;
  }

  /** Whether the connection closed before the response finished, or the response was destroyed. */
  get destroyed(): boolean {
    return this.#closed && !this.#finished;
  }

  /** The connection. */
  get socket(): ServerSocket {
    return this.#exchange.connection.socket;
  }

  /** The connection (Node's older name). */
  get connection(): ServerSocket {
    return this.socket;
  }

  // ---- headers ----------------------------------------------------------------------

  /**
   * Sets a header field (replacing one of the same name, any case).
   *
   * @param name the field name
   * @param value a value, or several (one field line each)
   * @returns this response
   *
   * @example
   * ```ts ignore
   * res.setHeader("Set-Cookie", ["a=1", "b=2"]);
   * ```
   */
  setHeader(name: string, value: OutgoingHeaderValue): this {
    if (this.#headSent) throw headersSentError("set headers");
    checkName(name);
    const stored = this.#store(name, value);
    const key = name.toLowerCase();
    const keys = this.#keys;
    if (keys === null) {
      this.#keys = [key];
      this.#entries = [[name, stored]];
      return this;
    }
    const at = keys.indexOf(key);
    if (at >= 0) (this.#entries as Stored[])[at] = [name, stored];
    else {
      keys.push(key);
      (this.#entries as Stored[]).push([name, stored]);
    }
    return this;
  }

  /**
   * Adds a value to a header field (a new field line).
   *
   * @param name the field name
   * @param value a value, or several
   * @returns this response
   *
   * @example
   * ```ts ignore
   * res.appendHeader("Vary", "Accept-Encoding");
   * ```
   */
  appendHeader(name: string, value: OutgoingHeaderValue): this {
    if (this.#headSent) throw headersSentError("append headers");
    checkName(name);
    const added = this.#store(name, value);
    const at = this.#keys?.indexOf(name.toLowerCase()) ?? -1;
    if (at < 0) return this.setHeader(name, added);
    const entry = (this.#entries as Stored[])[at];
    const before = Array.isArray(entry[1]) ? entry[1] : [entry[1]];
    entry[1] = before.concat(added);
    return this;
  }

  #store(name: string, value: OutgoingHeaderValue): string | string[] {
    if (value === undefined) throw new TypeError(`Invalid value "undefined" for header "${name}"`);
    if (Array.isArray(value)) {
      const values = value.map(String);
      for (const item of values) checkValue(name, item);
      return values;
    }
    const text = String(value);
    checkValue(name, text);
    return text;
  }

  /**
   * A header field's value.
   *
   * @param name the field name (any case)
   * @returns the value(s), or `undefined`
   *
   * @example
   * ```ts ignore
   * res.getHeader("content-type");
   * ```
   */
  getHeader(name: string): string | string[] | undefined {
    const at = this.#keys?.indexOf(name.toLowerCase()) ?? -1;
    return at < 0 ? undefined : (this.#entries as Stored[])[at][1];
  }

  /**
   * Every header field, keyed by lower-case name.
   *
   * @returns the fields
   *
   * @example
   * ```ts ignore
   * console.log(res.getHeaders());
   * ```
   */
  getHeaders(): Record<string, string | string[]> {
    const out: Record<string, string | string[]> = Object.create(null);
    const keys = this.#keys ?? [];
    for (let i = 0; i < keys.length; i++) out[keys[i]] = (this.#entries as Stored[])[i][1];
    return out;
  }

  /**
   * The lower-case names of the header fields set.
   *
   * @returns the names
   *
   * @example
   * ```ts ignore
   * res.getHeaderNames();
   * ```
   */
  getHeaderNames(): string[] {
    return this.#keys === null ? [] : [...this.#keys];
  }

  /**
   * Whether a header field is set.
   *
   * @param name the field name (any case)
   * @returns `true` when set
   *
   * @example
   * ```ts ignore
   * if (!res.hasHeader("content-type")) res.setHeader("Content-Type", "text/plain");
   * ```
   */
  hasHeader(name: string): boolean {
    return (this.#keys?.indexOf(name.toLowerCase()) ?? -1) >= 0;
  }

  /**
   * Removes a header field.
   *
   * @param name the field name (any case)
   *
   * @example
   * ```ts ignore
   * res.removeHeader("x-powered-by");
   * ```
   */
  removeHeader(name: string): void {
    if (this.#headSent) throw headersSentError("remove headers");
    const at = this.#keys?.indexOf(name.toLowerCase()) ?? -1;
    if (at < 0) return;
    (this.#keys as string[]).splice(at, 1);
    (this.#entries as Stored[]).splice(at, 1);
  }

  /**
   * Fixes the status and adds header fields; the head goes out with the first
   * write (or at the end).
   *
   * @param statusCode the status code
   * @param reasonOrHeaders a reason phrase, or the headers
   * @param headers the headers (a record, pairs, or Node's flat list)
   * @returns this response
   *
   * @example
   * ```ts ignore
   * res.writeHead(404, { "Content-Type": "text/plain" }).end("not here");
   * ```
   */
  writeHead(
    statusCode: number,
    reasonOrHeaders?: string | OutgoingHeaders,
    headers?: OutgoingHeaders,
  ): this {
    if (this.#headSent) throw headersSentError("write headers");
    if (!Number.isInteger(statusCode) || statusCode < 100 || statusCode > 999) {
      throw new RangeError(`Invalid status code: ${statusCode}`);
    }
    this.statusCode = statusCode;
    let fields = headers;
    if (typeof reasonOrHeaders === "string") {
      checkValue("statusMessage", reasonOrHeaders);
      this.statusMessage = reasonOrHeaders;
    } else fields = reasonOrHeaders;
    if (fields !== undefined) {
      if (this.#keys === null && !Array.isArray(fields)) {
        this.#direct = directFields(fields as Record<string, OutgoingHeaderValue | undefined>);
      } else this.#addHeaders(fields);
    }
    this.#commitHead();
    return this;
  }

  #addHeaders(fields: OutgoingHeaders): void {
    if (Array.isArray(fields)) {
      if (fields.length > 0 && typeof fields[0] === "string") {
        const flat = fields as readonly string[];
        for (let i = 0; i + 1 < flat.length; i += 2) this.appendHeader(flat[i], flat[i + 1]);
        return;
      }
      for (const [name, value] of fields as ReadonlyArray<readonly [string, OutgoingHeaderValue]>) {
        this.appendHeader(name, value);
      }
      return;
    }
    const record = fields as Record<string, OutgoingHeaderValue | undefined>;
    for (const name in record) {
      const value = record[name];
      if (value !== undefined) this.setHeader(name, value);
    }
  }

  /** The header list to send. */
  #fields(): HeaderList {
    const direct = this.#direct;
    if (direct !== null) return direct;
    const fields: HeaderList = [];
    const entries = this.#entries;
    if (entries !== null) {
      for (let i = 0; i < entries.length; i++) {
        const [name, value] = entries[i];
        if (typeof value === "string") fields.push([name, value]);
        else for (const item of value) fields.push([name, item]);
      }
    }
    return fields;
  }

  #reason(): string | undefined {
    const message = this.statusMessage;
    return message === undefined || message === STATUS_TEXT[this.statusCode] ? undefined : message;
  }

  #commitHead(): void {
    if (this.#headSent) return;
    this.#headSent = true;
    this.#exchange.sendDate = this.sendDate;
    this.#exchange.beginResponse(this.statusCode, this.#reason(), this.#fields());
  }

  // ---- body -------------------------------------------------------------------------

  /**
   * Writes a piece of the body (the head goes first, once).
   *
   * @param chunk bytes or text
   * @param encodingOrCallback the text's encoding (default utf8), or the callback
   * @param callback called once the piece is handed to the connection
   * @returns `false` while the client does not keep up: wait for `drain`
   *
   * @example
   * ```ts ignore
   * if (!res.write(bytes)) res.once("drain", goOn);
   * ```
   */
  write(
    chunk: Uint8Array | string,
    encodingOrCallback?: string | ((error?: Error | null) => void),
    callback?: (error?: Error | null) => void,
  ): boolean {
    if (this.#ended) {
      const error = new Error("write after end");
      (error as { code?: string }).code = "ERR_STREAM_WRITE_AFTER_END";
      const done = typeof encodingOrCallback === "function" ? encodingOrCallback : callback;
      queueMicrotask(() => {
        done?.(error);
        this.emit("error", error);
      });
      return false;
    }
    const encoding = typeof encodingOrCallback === "string" ? encodingOrCallback : undefined;
    const done = typeof encodingOrCallback === "function" ? encodingOrCallback : callback;
    const bytes = typeof chunk === "string" ? encodeString(chunk, encoding) : chunk;
    this.#commitHead();
    this.#wrote = true;
    const accepted = this.#exchange.write(bytes);
    if (done !== undefined) queueMicrotask(() => done(null));
    return accepted;
  }

  /**
   * Ends the response, with a last piece of body if given. A response ended
   * with its whole body goes out in one write with a `Content-Length`.
   *
   * @param chunkOrCallback the last piece, or the callback
   * @param encodingOrCallback the piece's encoding, or the callback
   * @param callback called on `finish`
   * @returns this response
   *
   * @example
   * ```ts ignore
   * res.end(JSON.stringify({ ok: true }));
   * ```
   */
  end(
    chunkOrCallback?: Uint8Array | string | (() => void),
    encodingOrCallback?: string | (() => void),
    callback?: () => void,
  ): this {
    let chunk: Uint8Array | string | undefined;
    let done: (() => void) | undefined;
    let encoding: string | undefined;
    if (typeof chunkOrCallback === "function") done = chunkOrCallback;
    else {
      chunk = chunkOrCallback;
      if (typeof encodingOrCallback === "function") done = encodingOrCallback;
      else {
        encoding = encodingOrCallback;
        done = callback;
      }
    }
    if (this.#ended) {
      if (done !== undefined) queueMicrotask(done);
      return this;
    }
    if (done !== undefined) this.once("finish", done);
    const exchange = this.#exchange;
    this.#ended = true;
    if (exchange.responseDone) return this;
    const bytes = chunk === undefined
      ? null
      : typeof chunk === "string"
      ? encodeString(chunk, encoding)
      : chunk;
    if (!this.#wrote && this.#trailers === undefined) {
      // The whole body is known: one write, with a Content-Length.
      if (!this.#headSent) {
        this.#headSent = true;
        exchange.sendDate = this.sendDate;
        exchange.respond(this.statusCode, this.#reason(), this.#fields(), bytes ?? EMPTY);
      } else exchange.finishWith(bytes ?? EMPTY); // writeHead came first: its head waits
      return this;
    }
    this.#commitHead();
    if (bytes !== null && bytes.length > 0) exchange.write(bytes);
    exchange.end(this.#trailers);
    return this;
  }

  /** The exchange tells: the whole response was handed to the connection. */
  exchangeFinished(): void {
    this.#finished = true;
    this.emit("finish");
    this.#close();
  }

  /** The exchange tells: the connection closed before the response finished. */
  exchangeAborted(_reason: Error): void {
    this.req.abortedByServer();
    this.#close();
  }

  #close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.emit("close");
  }

  /** The exchange tells: the connection can take more. */
  exchangeDrained(): void {
    this.emit("drain");
  }

  /**
   * Sends the head now, before any body (the head is otherwise sent with the first write).
   *
   * @example
   * ```ts ignore
   * res.flushHeaders();
   * ```
   */
  flushHeaders(): void {
    this.#commitHead();
    this.#exchange.flushHead();
  }

  /**
   * Sends `100 Continue` (for a `checkContinue` listener that accepts the body).
   *
   * @example
   * ```ts ignore
   * server.on("checkContinue", (req, res) => {
   *   res.writeContinue();
   *   req.pipe(res);
   * });
   * ```
   */
  writeContinue(): void {
    this.#exchange.sendContinue();
  }

  /**
   * Sends `103 Early Hints` with `Link` fields (and any others given).
   *
   * @param hints `{ link: string | string[], ... }`
   * @param callback called once sent
   *
   * @example
   * ```ts ignore
   * res.writeEarlyHints({ link: "</style.css>; rel=preload; as=style" });
   * ```
   */
  writeEarlyHints(hints: Record<string, string | string[]>, callback?: () => void): void {
    const fields: HeaderList = [];
    for (const name in hints) {
      checkName(name);
      const value = hints[name];
      for (const item of Array.isArray(value) ? value : [value]) {
        checkValue(name, item);
        fields.push([name, item]);
      }
    }
    this.#exchange.informational(103, fields);
    if (callback !== undefined) queueMicrotask(callback);
  }

  /**
   * Sets trailer fields, sent after a chunked body.
   *
   * @param headers the trailer fields
   *
   * @example
   * ```ts ignore
   * res.setHeader("Trailer", "Digest");
   * res.write(data);
   * res.addTrailers({ Digest: "sha-256=..." });
   * res.end();
   * ```
   */
  addTrailers(headers: Record<string, string> | ReadonlyArray<readonly [string, string]>): void {
    const trailers: HeaderList = this.#trailers ?? [];
    const entries = Array.isArray(headers)
      ? headers as ReadonlyArray<readonly [string, string]>
      : Object.entries(headers);
    for (const [name, value] of entries) {
      checkName(name);
      checkValue(name, String(value));
      trailers.push([name, String(value)]);
    }
    this.#trailers = trailers;
  }

  /**
   * Sets the connection's idle timeout (see `ServerSocket.setTimeout`).
   *
   * @param ms the delay
   * @param callback added as the socket's `timeout` listener
   * @returns this response
   *
   * @example
   * ```ts ignore
   * res.setTimeout(30_000);
   * ```
   */
  setTimeout(ms: number, callback?: () => void): this {
    this.socket.setTimeout(ms, callback);
    return this;
  }

  /**
   * Holds writes back until `uncork()` (they then go out together).
   *
   * @example
   * ```ts ignore
   * res.cork();
   * res.write("a");
   * res.write("b");
   * res.uncork();
   * ```
   */
  cork(): void {
    this.#exchange.connection.conn.cork();
  }

  /**
   * Sends what `cork()` held back.
   *
   * @example
   * ```ts ignore
   * res.uncork();
   * ```
   */
  uncork(): void {
    this.#exchange.connection.conn.uncork();
  }

  /**
   * Cuts the response and closes the connection.
   *
   * @param error the reason, if any
   * @returns this response
   *
   * @example
   * ```ts ignore
   * res.destroy();
   * ```
   */
  destroy(error?: Error): this {
    this.#exchange.connection.destroy(error);
    return this;
  }

  /** A web `WritableStream` over the body (closing it ends the response). */
  get writableStream(): WritableStream<Uint8Array | string> {
    return new WritableStream<Uint8Array | string>({
      write: (chunk) => {
        if (this.write(chunk)) return;
        return new Promise<void>((resolve) => this.once("drain", resolve));
      },
      close: () =>
        new Promise<void>((resolve) => {
          this.end(resolve);
        }),
      abort: (reason) => {
        this.destroy(reason instanceof Error ? reason : undefined);
      },
    });
  }
}

const EMPTY = new Uint8Array(0);
