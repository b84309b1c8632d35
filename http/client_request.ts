/**
 * The chapter's HTTP client: `request(url | options, callback?)` and `get()`,
 * returning a {@linkcode ClientRequest}, an event source with Node's methods
 * (`setHeader`, `write`, `end`, `abort`, `destroy`, `setTimeout`,
 * `flushHeaders`) and events, each also an `EventTarget` event:
 *
 * | event         | when                                                            |
 * | ------------- | --------------------------------------------------------------- |
 * | `socket`      | a connection of the agent was chosen (a {@linkcode ClientSocket}) |
 * | `continue`    | the server sent `100 Continue`                                  |
 * | `information` | any 1xx but 101 (`{ statusCode, statusMessage, headers, ... }`) |
 * | `response`    | the final response head (a {@linkcode ClientResponse})          |
 * | `upgrade`     | a 101 answered an `Upgrade` request: `(response, socket, head)` |
 * | `connect`     | a 2xx answered `CONNECT`: `(response, socket, head)`            |
 * | `finish`      | the whole request was handed to the connection                  |
 * | `drain`       | `write()` may go on after it returned `false`                   |
 * | `timeout`     | the `timeout` option or `setTimeout` delay passed idle, or a `timeouts` limit was hit |
 * | `error`       | the request failed ({@linkcode HttpClientError})                |
 * | `close`       | nothing more will happen                                        |
 *
 * In `upgrade` and `connect` the socket is a full `net` `Socket` (the pool
 * forgot the connection) and `head` holds the bytes that came after the
 * response head. Requests go through an `Agent` (`options.agent`, or
 * `globalAgent`); `agent: false` makes a one-request agent.
 *
 * @example A POST with a streamed body
 * ```ts ignore
 * import { request } from "./mod.ts";
 *
 * const req = request({ host: "127.0.0.1", port: 8000, path: "/upload", method: "POST" }, (res) => {
 *   console.log(res.statusCode);
 *   res.resume();
 * });
 * req.on("error", (error) => console.error(error.code, error.phase));
 * req.write("part one, ");
 * req.end("part two");
 * ```
 *
 * @module
 */

import type { Conn } from "../adapters/mod.ts";
import { Emitter } from "../net/emitter.ts";
import { Socket } from "../net/socket.ts";
import type { HeaderList, ResponseHead } from "../protocols/http1/mod.ts";
import { Agent, coreOf, globalAgent } from "./agent.ts";
import { HttpClientError } from "./client_errors.ts";
import { ClientResponse } from "./client_response.ts";
import { ClientSocket } from "./client_socket.ts";
import { type ClientTimeouts, resolveTimeouts } from "./client_timeouts.ts";
import type { ClientTlsOptions } from "./client_tls.ts";
import {
  type ClientHeadersInit,
  headersObject,
  rawHeaders,
  toHeaderList,
} from "./_client_headers.ts";
import { type Deadline, deadline } from "./_client_timers.ts";
import { Exchange, type ExchangeHandler, type RequestTimings } from "./_client_exchange.ts";
import { type Target, targetOf } from "./_client_url.ts";
import {
  abortReason,
  headerHasToken,
  targetFromOptions,
  toBytes,
  visibleAscii,
} from "./_client_request_options.ts";
import type { ClientConnection } from "./_client_connection.ts";

/** Options of {@linkcode request}: Node's, plus `timeouts`. */
export interface RequestOptions {
  /** `"http:"` (default) or `"https:"`. */
  protocol?: string;
  /** The host name or IP address (default `"localhost"`). */
  hostname?: string;
  /** Same as `hostname` (Node's older name). */
  host?: string;
  /** The port (default: the protocol's). */
  port?: number | string;
  /** The request-target, path and query, sent as given (default `"/"`). */
  path?: string;
  /** The method (default `"GET"`). */
  method?: string;
  /** Header fields: an object, `[name, value]` pairs, a `Headers`, or Node's flat array. */
  headers?: ClientHeadersInit;
  /** `user:password` for Basic authentication. */
  auth?: string;
  /** The pool (default `globalAgent`); `false` for a one-request agent. */
  agent?: Agent | false;
  /** Milliseconds without activity before a `timeout` event (the request goes on). */
  timeout?: number;
  /** Limits that end the request with an error (see `client_timeouts.ts`). */
  timeouts?: ClientTimeouts;
  /** Aborts the request. */
  signal?: AbortSignal;
  /** Adds the `Host` field (default `true`). */
  setHost?: boolean;
  /** The port used when none is given (default 80, or 443 for https). */
  defaultPort?: number;
  /** A Unix domain socket to connect to instead of TCP. */
  socketPath?: string;
  /**
   * TLS options for `https:` (`ca`, `servername`, `cert`/`key` ...), over the
   * agent's; such requests get connections of their own (see `client_tls.ts`).
   */
  tls?: ClientTlsOptions;
}

/** What an `information` listener gets. */
export interface InformationInfo {
  /** The 1xx status. */
  statusCode: number;
  /** Its reason phrase. */
  statusMessage: string;
  /** `"1.1"` or `"1.0"`. */
  httpVersion: string;
  /** Its header fields, as Node's object. */
  headers: Record<string, string | string[] | undefined>;
  /** Its header fields as received, names and values alternating. */
  rawHeaders: string[];
}

/** The events of a {@linkcode ClientRequest} and their listeners' arguments. */
export interface ClientRequestEvents {
  /** A connection was chosen. */
  socket: [socket: ClientSocket];
  /** `100 Continue` arrived: send the body. */
  continue: [];
  /** A 1xx response (but 101). */
  information: [info: InformationInfo];
  /** The final response head. */
  response: [response: ClientResponse];
  /** A 101 answered the upgrade: the socket leaves HTTP. */
  upgrade: [response: ClientResponse, socket: Socket, head: Uint8Array];
  /** A 2xx answered CONNECT: the socket is the tunnel. */
  connect: [response: ClientResponse, socket: Socket, head: Uint8Array];
  /** The whole request was handed to the connection. */
  finish: [];
  /** `write()` may go on. */
  drain: [];
  /** Idle past the `timeout` option, or a `timeouts` limit was hit. */
  timeout: [];
  /** The request failed. */
  error: [error: HttpClientError];
  /** `abort()` was called. */
  abort: [];
  /** Nothing more will happen. */
  close: [];
}

const BODILESS_BY_DEFAULT = new Set(["GET", "HEAD", "DELETE", "OPTIONS", "TRACE", "CONNECT"]);

function invalid(message: string): HttpClientError {
  return new HttpClientError("INVALID_REQUEST", message, { phase: "queue" });
}

// The exchange calls the request through this object (its methods are not the
// request's public API), and these functions reach the request's private parts.
let onConnection: (req: ClientRequest, connection: ClientConnection) => void;
let onInformation: (req: ClientRequest, head: ResponseHead) => void;
let onResponse: (req: ClientRequest, head: ResponseHead) => void;
let onData: (req: ClientRequest, chunk: Uint8Array) => void;
let onEnd: (req: ClientRequest, trailers: HeaderList | null) => void;
let onUpgrade: (req: ClientRequest, head: ResponseHead, conn: Conn, rest: Uint8Array) => void;
let onError: (req: ClientRequest, error: HttpClientError) => void;
let onDrain: (req: ClientRequest) => void;
let onSent: (req: ClientRequest) => void;

class Bridge implements ExchangeHandler {
  readonly req: ClientRequest;
  constructor(req: ClientRequest) {
    this.req = req;
  }
  onConnection(connection: ClientConnection): void {
    onConnection(this.req, connection);
  }
  onInformation(head: ResponseHead): void {
    onInformation(this.req, head);
  }
  onResponse(head: ResponseHead): void {
    onResponse(this.req, head);
  }
  onData(chunk: Uint8Array): void {
    onData(this.req, chunk);
  }
  onEnd(trailers: HeaderList | null): void {
    onEnd(this.req, trailers);
  }
  onUpgrade(head: ResponseHead, conn: Conn, rest: Uint8Array): void {
    onUpgrade(this.req, head, conn, rest);
  }
  onError(error: HttpClientError): void {
    onError(this.req, error);
  }
  onDrain(): void {
    onDrain(this.req);
  }
  onSent(): void {
    onSent(this.req);
  }
}

/**
 * An HTTP request in progress (Node's `http.ClientRequest`).
 *
 * @example Upgrading a connection (how a WebSocket client starts)
 * ```ts ignore
 * import { request } from "./mod.ts";
 *
 * const req = request("http://127.0.0.1:8000/chat", {
 *   headers: { Connection: "Upgrade", Upgrade: "websocket" },
 * });
 * req.on("upgrade", (response, socket, head) => {
 *   console.log(response.statusCode, head.length); // 101, bytes already received
 *   socket.end();
 * });
 * req.end();
 * ```
 */
export class ClientRequest extends Emitter<ClientRequestEvents> {
  static {
    onConnection = (req, connection) => req.#onConnection(connection);
    onInformation = (req, head) => req.#onInformation(head);
    onResponse = (req, head) => req.#onResponse(head);
    onData = (req, chunk) => req.#response?.push(chunk);
    onEnd = (req, trailers) => req.#onEnd(trailers);
    onUpgrade = (req, head, conn, rest) => req.#onUpgrade(head, conn, rest);
    onError = (req, error) => req.#onError(error);
    onDrain = (req) => req.#onDrain();
    onSent = (req) => req.#onSent();
  }

  /** The method. */
  readonly method: string;
  /** The request-target as sent (path and query). */
  readonly path: string;
  /** The host (without port). */
  readonly host: string;
  /** `"http:"` or `"https:"`. */
  readonly protocol: string;
  /** Whether `abort()` was called. */
  aborted = false;
  /** Node's header count limit, accepted for compatibility (the agent's `limits` rule). */
  maxHeadersCount: number | null = null;

  #target: Target;
  #agent: Agent;
  #socketPath: string | undefined;
  #tls: ClientTlsOptions | undefined;
  #timeouts: ClientTimeouts | undefined;
  #signal: AbortSignal | undefined;
  #setHost: boolean;
  #fields = new Map<string, [name: string, value: string | string[]]>();
  #exchange: Exchange | null = null;
  #connection: ClientConnection | null = null;
  #response: ClientResponse | null = null;
  #ended = false;
  #finished = false;
  #destroyed = false;
  #closed = false;
  #silent = false;
  #needDrain = false;
  #idleMs = 0;
  #idle: Deadline | null = null;
  #ownAgent = false;

  /**
   * Made by {@linkcode request}.
   *
   * @param url the URL (or `null` when `options` say where)
   * @param options Node's options
   * @param callback added as a `response` listener
   */
  constructor(
    url: string | URL | null,
    options: RequestOptions,
    callback?: (response: ClientResponse) => void,
  ) {
    super();
    const method = (options.method ?? "GET").toUpperCase();
    if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(method)) {
      throw invalid(`"${method}" is not a method`);
    }
    this.method = method;
    let target: Target;
    let path: string;
    let auth = options.auth;
    if (url !== null) {
      target = targetOf(url);
      path = options.path ?? target.path;
      if (auth === undefined && target.credentials !== null) auth = target.credentials;
      if (
        options.hostname !== undefined || options.host !== undefined ||
        options.port !== undefined || options.protocol !== undefined
      ) {
        target = targetFromOptions({
          protocol: options.protocol ?? target.protocol,
          hostname: options.hostname ?? options.host ?? target.hostname,
          port: options.port ?? target.port,
          path,
          defaultPort: options.defaultPort,
        });
      }
    } else {
      path = options.path ?? "/";
      target = targetFromOptions({ ...options, path });
    }
    if (!visibleAscii(path)) {
      throw invalid(`the path "${path}" has characters that must be escaped`);
    }
    this.#target = target;
    this.path = path;
    this.host = target.hostname;
    this.protocol = target.protocol;
    this.#setHost = options.setHost ?? true;
    this.#socketPath = options.socketPath;
    this.#tls = options.tls;
    this.#timeouts = options.timeouts;
    this.#signal = options.signal;
    if (options.agent === false) {
      this.#agent = new Agent({ keepAlive: false });
      this.#ownAgent = true;
    } else this.#agent = options.agent ?? globalAgent;
    for (const [name, value] of toHeaderList(options.headers)) this.#addField(name, value);
    if (auth !== undefined && !this.hasHeader("authorization")) {
      this.setHeader("Authorization", `Basic ${btoa(unescape(encodeURIComponent(auth)))}`);
    }
    if (callback !== undefined) this.once("response", callback);
    if (options.timeout !== undefined) this.setTimeout(options.timeout);
    if (this.#signal?.aborted) {
      queueMicrotask(() => this.destroy(abortReason(this.#signal as AbortSignal)));
    }
    // Node sends the head at once when the caller waits for 100-continue.
    const expect = this.getHeader("expect");
    if (typeof expect === "string" && expect.toLowerCase() === "100-continue") {
      queueMicrotask(() => {
        if (this.#exchange === null && !this.#destroyed) this.#dispatch("stream", null, false);
      });
    }
  }

  // ---- header fields, until the head is sent -------------------------------------------

  #addField(name: string, value: string): void {
    const key = name.toLowerCase();
    const existing = this.#fields.get(key);
    if (existing === undefined) this.#fields.set(key, [name, value]);
    else {
      existing[1] = Array.isArray(existing[1]) ? [...existing[1], value] : [existing[1], value];
    }
  }

  #checkNotSent(): void {
    if (this.#exchange !== null) {
      throw new HttpClientError("INVALID_REQUEST", "the header fields were already sent", {
        phase: "write",
      });
    }
  }

  /**
   * Sets a header field (replacing one of the same name).
   *
   * @param name the field name
   * @param value its value (an array sends one field line per value)
   * @returns this request
   */
  setHeader(name: string, value: string | number | readonly string[]): this {
    this.#checkNotSent();
    this.#fields.set(
      name.toLowerCase(),
      [name, Array.isArray(value) ? value.map(String) : String(value)],
    );
    return this;
  }

  /**
   * A header field's value, as set.
   *
   * @param name the field name (any case)
   * @returns the value, or `undefined`
   */
  getHeader(name: string): string | string[] | undefined {
    return this.#fields.get(name.toLowerCase())?.[1];
  }

  /**
   * Whether a header field is set.
   *
   * @param name the field name (any case)
   * @returns true when it is
   */
  hasHeader(name: string): boolean {
    return this.#fields.has(name.toLowerCase());
  }

  /**
   * Removes a header field.
   *
   * @param name the field name (any case)
   */
  removeHeader(name: string): void {
    this.#checkNotSent();
    this.#fields.delete(name.toLowerCase());
  }

  /** The header fields set, as an object with lowercase names. */
  getHeaders(): Record<string, string | string[]> {
    const object: Record<string, string | string[]> = Object.create(null);
    for (const [key, [, value]] of this.#fields) object[key] = value;
    return object;
  }

  /** The names of the header fields set, in lowercase. */
  getHeaderNames(): string[] {
    return [...this.#fields.keys()];
  }

  /** The names of the header fields set, as given. */
  getRawHeaderNames(): string[] {
    return [...this.#fields.values()].map(([name]) => name);
  }

  /** Whether the head was sent (or handed to the agent). */
  get headersSent(): boolean {
    return this.#exchange !== null;
  }

  // ---- the body ------------------------------------------------------------------------

  /**
   * Sends a piece of the body (the head goes first, with `Transfer-Encoding:
   * chunked` unless `Content-Length` is set).
   *
   * @param chunk bytes, or text
   * @param encoding the text's encoding (`"utf8"` default, `"latin1"`)
   * @param callback called once the piece was taken
   * @returns `false` when the caller should wait for `drain`
   */
  write(
    chunk: Uint8Array | string,
    encoding?: string | ((error?: Error | null) => void),
    callback?: (error?: Error | null) => void,
  ): boolean {
    if (typeof encoding === "function") {
      callback = encoding;
      encoding = undefined;
    }
    if (this.#ended) {
      const error = invalid("write after end");
      queueMicrotask(() => {
        callback?.(error);
        this.#emitError(error);
      });
      return false;
    }
    if (this.#destroyed) return false;
    if (this.#exchange === null) this.#dispatch("stream", null, true);
    const accepted = (this.#exchange as Exchange).write(toBytes(chunk, encoding));
    if (!accepted) this.#needDrain = true;
    if (callback !== undefined) {
      if (accepted) queueMicrotask(() => callback?.(null));
      else this.once("drain", () => callback?.(null));
    }
    return accepted;
  }

  /**
   * Ends the request, with a last piece of body. A body given whole this way
   * (no `write()` before) is sent with `Content-Length`, in one write with the head.
   *
   * @param chunk the last piece (or the whole body)
   * @param encoding the text's encoding
   * @param callback added as a `finish` listener
   * @returns this request
   */
  end(
    chunk?: Uint8Array | string | (() => void),
    encoding?: string | (() => void),
    callback?: () => void,
  ): this {
    if (typeof chunk === "function") {
      callback = chunk;
      chunk = undefined;
    } else if (typeof encoding === "function") {
      callback = encoding;
      encoding = undefined;
    }
    if (this.#ended || this.#destroyed) return this;
    this.#ended = true;
    if (callback !== undefined) this.once("finish", callback);
    const bytes = chunk === undefined ? null : toBytes(chunk, encoding as string | undefined);
    const exchange = this.#exchange;
    if (exchange === null) {
      this.#dispatch("whole", bytes, false);
      return this;
    }
    if (bytes !== null && bytes.length > 0) exchange.write(bytes);
    exchange.end();
    return this;
  }

  /** Sends the head now, without waiting for the body. */
  flushHeaders(): void {
    if (this.#exchange === null && !this.#destroyed) this.#dispatch("stream", null, false);
  }

  #dispatch(mode: "stream" | "whole", bytes: Uint8Array | null, writing: boolean): void {
    const fields = this.#fields;
    const headers: HeaderList = [];
    const target = this.#target;
    if (this.#setHost && !fields.has("host")) headers.push(["Host", target.host]);
    for (const [name, value] of fields.values()) {
      if (Array.isArray(value)) { for (const one of value) headers.push([name, one]); }
      else headers.push([name, value]);
    }
    const method = this.method;
    let body: Uint8Array | null | "stream" = null;
    if (mode === "whole") {
      if (bytes !== null && bytes.length > 0) body = bytes;
      else if (!BODILESS_BY_DEFAULT.has(method)) body = new Uint8Array(0);
      if ((fields.has("transfer-encoding") || fields.has("content-length")) && body !== null) {
        body = "stream"; // the caller framed it: send it as written
      }
    } else {
      body = "stream";
      if (!fields.has("content-length") && !fields.has("transfer-encoding")) {
        if (writing || !BODILESS_BY_DEFAULT.has(method)) {
          headers.push(["Transfer-Encoding", "chunked"]);
        }
      }
    }
    const upgrade = method === "CONNECT" ||
      (fields.has("upgrade") && headerHasToken(this.getHeader("connection"), "upgrade"));
    let timeouts;
    try {
      timeouts = resolveTimeouts(this.#timeouts, this.#agent.timeouts);
    } catch (error) {
      queueMicrotask(() => this.#onError(error as HttpClientError));
      return;
    }
    const exchange = new Exchange(
      method,
      target,
      headers,
      body,
      new Bridge(this),
      timeouts,
      upgrade,
    );
    exchange.requestTarget = this.path;
    this.#exchange = exchange;
    exchange.begin(this.#signal ?? null);
    if (body === "stream" && mode === "whole") {
      if (bytes !== null && bytes.length > 0) exchange.write(bytes);
      exchange.end();
    }
    if (!exchange.settled) {
      coreOf(this.#agent).dispatch(exchange, {
        target,
        upgrade,
        ...(this.#socketPath === undefined ? {} : { socketPath: this.#socketPath }),
        ...(this.#tls === undefined ? {} : { tls: this.#tls }),
      });
    }
    this.#touch();
  }

  // ---- what the exchange reports ---------------------------------------------------------

  #onConnection(connection: ClientConnection): void {
    this.#connection = connection;
    if (this.listenerCount("socket") > 0) this.emit("socket", ClientSocket.of(connection));
  }

  #onInformation(head: ResponseHead): void {
    this.#touch();
    if (head.status === 100) this.emit("continue");
    this.emit("information", {
      statusCode: head.status,
      statusMessage: head.reason,
      httpVersion: head.version,
      headers: headersObject(head.headers),
      rawHeaders: rawHeaders(head.headers),
    });
  }

  #onResponse(head: ResponseHead): void {
    this.#touch();
    const exchange = this.#exchange as Exchange;
    const response = new ClientResponse(head, exchange, exchange.timings);
    this.#response = response;
    response.once("close", () => this.#close());
    if (this.listenerCount("response") > 0) this.emit("response", response);
    else response.resume(); // nobody reads it: drop it so the connection is reused
  }

  #onEnd(trailers: HeaderList | null): void {
    this.#clearIdle();
    const response = this.#response;
    if (response === null) return;
    response.finish(trailers);
    if (this.#ownAgent) this.#agent.destroy();
  }

  #onUpgrade(head: ResponseHead, conn: Conn, rest: Uint8Array): void {
    this.#clearIdle();
    const response = new ClientResponse(head, null, (this.#exchange as Exchange).timings);
    response.complete = true;
    const event = this.method === "CONNECT" ? "connect" : "upgrade";
    if (this.listenerCount(event) === 0) {
      conn.close(); // as Node: nobody takes the socket
    } else {
      const socket = new Socket({ conn });
      this.emit(event, response, socket, rest);
    }
    if (this.#ownAgent) this.#agent.destroy();
    this.#close();
  }

  #onError(error: HttpClientError): void {
    this.#clearIdle();
    if (this.#ownAgent) this.#agent.destroy();
    if (error.code.endsWith("_TIMEOUT")) this.emit("timeout");
    const response = this.#response;
    if (response !== null && !response.complete) {
      if (!this.#silent) response.fail(error);
      else response.destroy();
      this.#close();
      return;
    }
    if (!this.#silent) this.#emitError(error);
    this.#close();
  }

  #emitError(error: HttpClientError): void {
    this.emit("error", error);
  }

  #onDrain(): void {
    this.#touch();
    if (!this.#needDrain) return;
    this.#needDrain = false;
    this.emit("drain");
  }

  #onSent(): void {
    this.#touch();
    if (this.#finished) return;
    this.#finished = true;
    this.emit("finish");
  }

  #close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#clearIdle();
    queueMicrotask(() => this.emit("close"));
  }

  // ---- control -----------------------------------------------------------------------------

  /**
   * Stops the request: the connection closes unless the response was complete,
   * `error` is emitted when `error` is given, then `close`.
   *
   * @param error the reason
   * @returns this request
   */
  destroy(error?: Error): this {
    if (this.#destroyed) return this;
    this.#destroyed = true;
    this.#silent = error === undefined;
    const failure = new HttpClientError(
      "ABORTED",
      error?.message ?? "the request was destroyed",
      {
        phase: this.#exchange?.phase ?? "queue",
        reused: this.#exchange?.reused ?? false,
        cause: error,
      },
    );
    const exchange = this.#exchange;
    if (exchange === null) {
      queueMicrotask(() => this.#onError(failure));
    } else if (!exchange.settled) exchange.fail(failure);
    else if (this.#response !== null && !this.#response.complete) this.#response.destroy(error);
    return this;
  }

  /** Node's older way to cancel: `abort` then `close`, no `error`. */
  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    queueMicrotask(() => this.emit("abort"));
    this.destroy();
  }

  /** Whether `destroy()` or `abort()` was called. */
  get destroyed(): boolean {
    return this.#destroyed;
  }

  /** Whether `end()` was called. */
  get writableEnded(): boolean {
    return this.#ended;
  }

  /** Whether the whole request was handed to the connection. */
  get writableFinished(): boolean {
    return this.#finished;
  }

  /** Node's old name for `writableEnded`. */
  get finished(): boolean {
    return this.#ended;
  }

  /** Whether the connection had carried a request before this one. */
  get reusedSocket(): boolean {
    return this.#exchange?.reused ?? false;
  }

  /** The connection the request runs on (a view of it), once chosen. */
  get socket(): ClientSocket | null {
    return this.#connection === null ? null : ClientSocket.of(this.#connection);
  }

  /** The response, once its head arrived. */
  get res(): ClientResponse | null {
    return this.#response;
  }

  /**
   * Emits `timeout` after `ms` without activity (the request goes on; destroy
   * it in the listener to stop it). 0 turns it off.
   *
   * @param ms milliseconds
   * @param callback added as a `timeout` listener
   * @returns this request
   */
  setTimeout(ms: number, callback?: () => void): this {
    if (callback !== undefined) this.once("timeout", callback);
    this.#idleMs = ms;
    this.#clearIdle();
    if (ms > 0 && !this.#closed) this.#touch();
    return this;
  }

  #touch(): void {
    if (this.#idleMs <= 0 || this.#closed) return;
    if (this.#idle !== null && this.#idle.active) {
      this.#idle.refresh();
      return;
    }
    this.#idle = deadline(this.#idleMs, () => {
      this.#idle = null;
      this.emit("timeout");
    });
  }

  #clearIdle(): void {
    this.#idle?.clear();
    this.#idle = null;
  }

  /**
   * Sets `noDelay` on the connection (it is on by default here).
   *
   * @param noDelay whether small writes go out at once
   */
  setNoDelay(noDelay = true): void {
    this.#connection?.conn.setNoDelay(noDelay);
  }

  /**
   * Turns TCP keep-alive probes on the connection on or off.
   *
   * @param enable whether to probe
   * @param initialDelay milliseconds before the first probe
   */
  setSocketKeepAlive(enable = false, initialDelay = 0): void {
    this.#connection?.conn.setKeepAlive(enable, initialDelay);
  }

  /** The request's timings (queue, connect, TLS, first byte, total), once dispatched. */
  get timings(): RequestTimings | null {
    return this.#exchange?.timings ?? null;
  }
}

/**
 * Makes an HTTP request, as Node's `http.request`. Send the body with
 * `write()` and finish with `end()`.
 *
 * @param url where to (the options may override parts of it)
 * @param options method, headers, agent, timeouts ...
 * @param callback added as a `response` listener
 * @returns the request
 *
 * @example A GET with a callback
 * ```ts ignore
 * import { request } from "./mod.ts";
 *
 * request("http://example.com/", { headers: { accept: "text/html" } }, (response) => {
 *   response.setEncoding("utf8");
 *   response.on("data", (text) => console.log(text));
 * }).end();
 * ```
 */
export function request(
  url: string | URL,
  options?: RequestOptions,
  callback?: (response: ClientResponse) => void,
): ClientRequest;
/**
 * Makes an HTTP request described by `options` alone.
 *
 * @param options host, port, path, method, headers, agent, timeouts ...
 * @param callback added as a `response` listener
 * @returns the request
 *
 * @example
 * ```ts ignore
 * import { request } from "./mod.ts";
 *
 * request({ host: "127.0.0.1", port: 8000, path: "/" }, (response) => response.resume()).end();
 * ```
 */
export function request(
  options: RequestOptions,
  callback?: (response: ClientResponse) => void,
): ClientRequest;
/**
 * Makes an HTTP request to a URL.
 *
 * @param url where to
 * @param callback added as a `response` listener
 * @returns the request
 *
 * @example
 * ```ts ignore
 * import { request } from "./mod.ts";
 *
 * request("http://example.com/", (response) => response.resume()).end();
 * ```
 */
export function request(
  url: string | URL,
  callback?: (response: ClientResponse) => void,
): ClientRequest;
export function request(
  first: string | URL | RequestOptions,
  second?: RequestOptions | ((response: ClientResponse) => void),
  third?: (response: ClientResponse) => void,
): ClientRequest {
  if (typeof first === "string" || first instanceof URL) {
    if (typeof second === "function") return new ClientRequest(first, {}, second);
    return new ClientRequest(first, second ?? {}, third);
  }
  return new ClientRequest(null, first, typeof second === "function" ? second : undefined);
}

/**
 * A GET request, ended at once (Node's `http.get`).
 *
 * @param url where to
 * @param options headers, agent, timeouts ...
 * @param callback added as a `response` listener
 * @returns the request
 *
 * @example
 * ```ts ignore
 * import { get } from "./mod.ts";
 *
 * get("http://example.com/", async (response) => console.log(await response.text()));
 * ```
 */
export function get(
  url: string | URL | RequestOptions,
  options?: RequestOptions | ((response: ClientResponse) => void),
  callback?: (response: ClientResponse) => void,
): ClientRequest {
  const req = typeof url === "string" || url instanceof URL
    ? typeof options === "function"
      ? new ClientRequest(url, { method: "GET" }, options)
      : new ClientRequest(url, { ...options, method: "GET" }, callback)
    : new ClientRequest(
      null,
      { ...url, method: "GET" },
      typeof options === "function" ? options : callback,
    );
  req.end();
  return req;
}
