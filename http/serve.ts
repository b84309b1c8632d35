/**
 * The web face of the HTTP server: {@linkcode serve}, in the shape of
 * `Deno.serve`, on both runtimes. The handler gets a `Request` and an `info`
 * object and returns a `Response` (or a promise of one):
 *
 * ```ts ignore
 * serve({ port: 8080 }, (request, info) => new Response(`hello ${info.remoteAddr.hostname}`));
 * ```
 *
 * The server starts listening at once, with every protection of
 * `server_options.ts`; `finished`, `addr`, `shutdown()` (graceful),
 * `close()`, and the chapter's events plus `listening`.
 *
 * ## Contracts
 *
 * - **Requests** are {@linkcode ServerRequest}s: the `Request` interface, built
 *   lazily (see server_request.ts for the few differences from `new Request`).
 *   Each one's `signal` aborts when its client goes away before the response
 *   is sent.
 * - **Responses** are duck-typed: any object with `status`, `statusText`,
 *   `headers` (a `Headers` or any iterable of `[name, value]` pairs) and `body`
 *   (`ReadableStream`, `Uint8Array`, string or `null`); `instanceof Response`
 *   is never asked. A runtime `Response` and a {@linkcode LightResponse} are
 *   read without building their streams when their bodies are static. On Node
 *   the global `Response` becomes the light class (`replaceGlobalResponse`),
 *   because the runtime's costs about 12 us per construction.
 * - **Takeover** (upgrades and tunnels): a response may carry a callback
 *   under `Symbol.for("wirestack.upgrade")` ({@linkcode TAKEOVER}), of type
 *   `(conn: Conn, head: Uint8Array) => void`. After writing that response's
 *   head (a 101: status line and headers, no body; or a 2xx to `CONNECT`),
 *   the server stops reading, detaches from the connection, stops its timers
 *   for it and calls the callback with the `Conn` and the bytes received after
 *   the request head. The server no longer answers on that connection;
 *   `close()` still closes it, `shutdown()` does not wait for it.
 * - **TLS**: `tls: { cert, key, ... }` serves HTTPS (ALPN `http/1.1`), and
 *   `tls: "auto"` a development certificate for localhost issued from the
 *   development CA on disk (made on first use; `server.devCa.rootPath` says
 *   where its root is, to trust it). The server also runs over any
 *   `Listener` (`options.listener`). `info.encrypted` and `info.tls` come from
 *   the connection's `conn.tls`; clients whose handshake failed are reported
 *   as `tlsClientError`. Listeners are opened in one place (`_listen.ts`).
 *
 * @example Hello world, then a graceful shutdown
 * ```ts
 * import { serve } from "./mod.ts";
 *
 * const server = serve({ port: 0, hostname: "127.0.0.1" }, () => new Response("hello"));
 * await server.listening;
 * const response = await fetch(`http://127.0.0.1:${server.addr.port}/`);
 * console.log(await response.text()); // "hello"
 * await server.shutdown();
 * ```
 *
 * @module
 */

import {
  type Addr,
  type Conn,
  type Listener,
  type NetAddr,
  NetError,
  type TlsInfo,
  type Transport,
  transport as runtimeTransport,
} from "../adapters/mod.ts";
import { Emitter } from "../net/emitter.ts";
import { Socket } from "../net/socket.ts";
import type { HttpError } from "../protocols/http1/mod.ts";
import type { Exchange } from "./_exchange.ts";
import { openListener } from "./_listen.ts";
import {
  type DevCaInfo,
  type ServerTls,
  serverTls,
  type ServerTlsOption,
  setTlsControl,
  tlsControlOf,
} from "./_server_tls.ts";
import type { TlsClientErrorInfo } from "../tls/mod.ts";
import type { ServerConnection } from "./_server_connection.ts";
import { notListening, resolveLimits, ServerCore, type ServerFace } from "./_server_core.ts";
import { sendWebResponse } from "./_web_response.ts";
import { installLightResponse } from "./light_response.ts";
import type { ServerLimitOptions } from "./server_options.ts";
import { ServerRequest } from "./server_request.ts";
import type { ServerSocket } from "./server_socket.ts";
import type { TAKEOVER, Takeover } from "./takeover.ts";

/**
 * What `serve()` accepts from a handler besides a `Response`: any object with
 * these members (nothing asks `instanceof Response`).
 */
export interface ResponseLike {
  /** The status code (100-599; 101 only with a takeover callback). */
  readonly status: number;
  /** The reason phrase; empty or absent for the standard one. */
  readonly statusText?: string;
  /** A `Headers`, or any iterable of `[name, value]` pairs. */
  readonly headers?: Headers | Iterable<readonly [string, string]>;
  /** The body. */
  readonly body?: ReadableStream<Uint8Array> | Uint8Array | string | null;
  /** Takes the connection over after the head (see takeover.ts). */
  readonly [TAKEOVER]?: Takeover;
}

/** What a handler returns: a `Response`, or an object shaped like one (see the module doc). */
export type ServeResponse = Response | ResponseLike;

/** What a handler learns about the connection of a request. */
export interface ServeHandlerInfo {
  /** The client's address. */
  readonly remoteAddr: Addr;
  /** The server's address for this connection. */
  readonly localAddr: Addr;
  /** Whether the connection is TLS. */
  readonly encrypted: boolean;
  /** What TLS negotiated, or `undefined` for a plain connection. */
  readonly tls: TlsInfo | undefined;
  /** Settles once the response is sent (resolves) or cannot be (rejects). */
  readonly completed: Promise<void>;
}

/** A request handler, as for `Deno.serve`. */
export type ServeHandler = (
  request: Request,
  info: ServeHandlerInfo,
) => ServeResponse | Promise<ServeResponse>;

/** Options of {@linkcode serve}. */
export interface ServeOptions extends ServerLimitOptions {
  /** The port (default 8000, as `Deno.serve`; 0 picks a free one). */
  port?: number;
  /** The address to bind (default `"0.0.0.0"`, as `Deno.serve`). */
  hostname?: string;
  /** A Unix domain socket path, instead of `port` and `hostname`. */
  path?: string;
  /** Lets several processes bind the port (`SO_REUSEPORT`). */
  reusePort?: boolean;
  /** Serve on this open listener (a TLS one, say) instead of opening one. */
  listener?: Listener;
  /**
   * Serve HTTPS: a certificate chain and key (PEM) with the TLS server's
   * options (`sni`, `requestCert`, `ca`, `minVersion` ...; ALPN announces
   * `http/1.1`), or `"auto"`: a certificate for `localhost`, `127.0.0.1` and
   * `::1` issued now from the development CA kept on disk (created on first
   * use; see {@linkcode HttpServer.devCa} for its root). Default: plain HTTP.
   */
  tls?: ServerTlsOption;
  /**
   * Where `tls: "auto"` keeps the development CA (default: `devCaDirectory(dataDirectory())`
   * from `wirestack/tls`, which honours `WIRESTACK_DATA_DIR`).
   */
  devCaDir?: string;
  /** The adapter to listen with (default: the running runtime's). */
  transport?: Transport;
  /** Shuts the server down gracefully when it aborts. */
  signal?: AbortSignal;
  /** Called once the server listens, with its address. */
  onListen?: (addr: Addr) => void;
  /**
   * Answers a request whose handler threw (or whose response was invalid).
   * Default: 500 with a short text body. Errors also go to `error` listeners.
   */
  onError?: (error: unknown) => ServeResponse | Promise<ServeResponse>;
  /** The handler, when not given as the second argument. */
  handler?: ServeHandler;
  /**
   * On Node, make {@linkcode LightResponse} the global `Response` (default
   * true): `new Response()` in handlers then costs a fraction of Node's own.
   * Ignored on Deno, whose `Response` is cheap.
   */
  replaceGlobalResponse?: boolean;
}

/** The events of an {@linkcode HttpServer}. */
export interface HttpServerEvents {
  /** The server listens (its address). */
  listening: [addr: Addr];
  /** A client connected. */
  connection: [socket: ServerSocket];
  /** A request arrived (before the handler runs). */
  request: [request: Request, info: ServeHandlerInfo];
  /** The server stopped and its HTTP connections closed. */
  close: [];
  /** A client sent a malformed request (the server answers 400 and the like unless a listener does). */
  clientError: [error: HttpError, socket: ServerSocket];
  /** `listen` failed, or a handler threw. */
  error: [error: unknown];
  /** A client's TLS handshake failed (garbage, no common version, a refused certificate); the server serves on. */
  tlsClientError: [error: NetError, client: TlsClientErrorInfo];
  /** An `Upgrade` request, handed over raw when listened for (else the handler gets it). */
  upgrade: [request: Request, socket: Socket, head: Uint8Array];
  /** A `CONNECT` request, handed over raw when listened for (else the handler gets it). */
  connect: [request: Request, socket: Socket, head: Uint8Array];
}

class Info implements ServeHandlerInfo {
  readonly #exchange: Exchange;
  #completed: Promise<void> | null = null;

  constructor(exchange: Exchange) {
    this.#exchange = exchange;
  }

  get remoteAddr(): Addr {
    return this.#exchange.connection.conn.remoteAddr;
  }

  get localAddr(): Addr {
    return this.#exchange.connection.conn.localAddr;
  }

  get encrypted(): boolean {
    return this.#exchange.connection.conn.tls !== undefined;
  }

  get tls(): TlsInfo | undefined {
    return this.#exchange.connection.conn.tls;
  }

  get completed(): Promise<void> {
    if (this.#completed === null) {
      const exchange = this.#exchange;
      this.#completed = new Promise<void>((resolve, reject) => {
        if (exchange.responseDone && !exchange.aborted) return resolve();
        const onFinish = exchange.onFinish;
        exchange.onFinish = () => {
          onFinish?.();
          resolve();
        };
        const onAbort = exchange.onAbort;
        exchange.onAbort = (reason) => {
          onAbort?.(reason);
          if (!exchange.responseDone) reject(reason);
        };
      });
      this.#completed.catch(() => {});
    }
    return this.#completed;
  }
}

function isIpLiteral(hostname: string): boolean {
  return /^[0-9.]+$/.test(hostname) || hostname.includes(":");
}

/**
 * A running server of {@linkcode serve}: `Deno.HttpServer`'s members, plus the
 * chapter's events.
 *
 * @example Stop when done
 * ```ts
 * import { serve } from "./mod.ts";
 *
 * const server = serve({ port: 0, hostname: "127.0.0.1" }, () => new Response("ok"));
 * await server.listening;
 * await server.shutdown();
 * await server.finished;
 * ```
 */
export class HttpServer extends Emitter<HttpServerEvents> {
  /** Settles once the server stopped and its HTTP connections closed (rejects when listening failed). */
  readonly finished: Promise<void>;
  /** Resolves with the address once the server listens (rejects when it cannot). */
  readonly listening: Promise<NetAddr>;

  readonly #core: ServerCore;
  readonly #handler: ServeHandler;
  readonly #onError: ServeOptions["onError"];
  readonly #requested: { hostname: string; port: number } | null;
  #listener: Listener | null = null;
  #devCa: DevCaInfo | null = null;
  #resolveFinished!: () => void;

  /**
   * Starts a server; use {@linkcode serve}.
   *
   * @param options see {@linkcode ServeOptions}
   * @param handler the request handler
   */
  constructor(options: ServeOptions, handler: ServeHandler) {
    super();
    this.#handler = handler;
    this.#onError = options.onError;
    if (options.replaceGlobalResponse !== false) installLightResponse();
    const face: ServerFace = {
      request: (exchange) => this.#request(exchange),
      connection: (connection) => this.#connection(connection),
      wantsRawTakeover: (exchange) =>
        this.listenerCount(exchange.head.method === "CONNECT" ? "connect" : "upgrade") > 0,
      rawTakeover: (exchange) => this.#rawTakeover(exchange),
      clientError: (error, connection) => this.#clientError(error, connection),
      handlerError: (error) => this.emit("error", error),
      drained: () => this.#drained(),
    };
    this.#core = new ServerCore(face, resolveLimits(options), "Deno" in globalThis);
    const hostname = options.hostname ?? "0.0.0.0";
    const port = options.port ?? 8000;
    this.#requested = options.listener === undefined && options.path === undefined && port !== 0 &&
        isIpLiteral(hostname)
      ? { hostname, port }
      : null;
    let rejectFinished!: (error: unknown) => void;
    this.finished = new Promise<void>((resolve, reject) => {
      this.#resolveFinished = resolve;
      rejectFinished = reject;
    });
    const transport = options.transport ?? runtimeTransport;
    this.listening = this.#tls(options).then((tls) =>
      openListener(transport, {
        port,
        hostname,
        ...(options.path === undefined ? {} : { path: options.path }),
        ...(options.reusePort ? { reusePort: true } : {}),
        ...(options.listener === undefined ? {} : { listener: options.listener }),
        ...(tls === null ? {} : { tls: tls.listen }),
      })
    ).then(
      (listener) => {
        this.#listener = listener;
        tlsControlOf(this)?.attach(listener);
        if (this.#core.stopped) {
          listener.close();
          this.#core.serve(listener);
          throw notListening("serve");
        }
        this.#core.serve(listener);
        const addr = listener.addr;
        options.onListen?.(addr);
        this.emit("listening", addr);
        return addr as NetAddr;
      },
      (error: unknown) => {
        rejectFinished(error);
        if (this.listenerCount("error") > 0) this.finished.catch(() => {});
        this.#core.stopAccepting();
        this.emit("error", error);
        throw error;
      },
    );
    this.listening.catch(() => {});
    const signal = options.signal;
    if (signal !== undefined) {
      if (signal.aborted) void this.shutdown();
      else signal.addEventListener("abort", () => void this.shutdown(), { once: true });
    }
  }

  /** Resolves the `tls` option (a dev certificate for `"auto"`), or `null` for plain HTTP. */
  async #tls(options: ServeOptions): Promise<ServerTls | null> {
    if (options.tls === undefined) return null;
    if (options.listener !== undefined) {
      throw new NetError("EINVAL", "tls and listener exclude each other: the listener decides");
    }
    const reloads = (options.transport ?? runtimeTransport).features.tls.certificateReload;
    const tls = await serverTls(options.tls, options.devCaDir, reloads, (error, client) => {
      if (this.listenerCount("tlsClientError") > 0) this.emit("tlsClientError", error, client);
    });
    this.#devCa = tls.devCa;
    setTlsControl(this, tls.control);
    return tls;
  }

  /**
   * The development CA of `tls: "auto"` (where its root is, to trust it), once
   * the server listens; `null` otherwise.
   *
   * @example Print where the root is
   * ```ts ignore
   * const server = serve({ tls: "auto", onListen() {
   *   console.log(`trust ${server.devCa?.rootPath}`);
   * } }, () => new Response("hello"));
   * ```
   */
  get devCa(): DevCaInfo | null {
    return this.#devCa;
  }

  /** The address the server listens on (known at once for an IP and a fixed port). */
  get addr(): NetAddr {
    const listener = this.#listener;
    if (listener !== null) return listener.addr as NetAddr;
    const requested = this.#requested;
    if (requested === null) throw notListening("addr");
    return {
      transport: "tcp",
      hostname: requested.hostname,
      port: requested.port,
      family: requested.hostname.includes(":") ? "IPv6" : "IPv4",
    };
  }

  /**
   * Stops accepting, finishes the requests in progress (their responses say
   * `Connection: close`), closes idle connections, and resolves once every
   * HTTP connection is closed. Connections taken over are left alone.
   *
   * @returns `finished`
   *
   * @example
   * ```ts ignore
   * await server.shutdown();
   * ```
   */
  shutdown(): Promise<void> {
    this.#core.drain();
    return this.finished;
  }

  /**
   * Stops accepting and closes every connection now (requests in progress are
   * aborted, taken-over connections closed too).
   *
   * @returns `finished`
   *
   * @example
   * ```ts ignore
   * await server.close();
   * ```
   */
  close(): Promise<void> {
    this.#core.stopAccepting();
    this.#core.closeAll();
    return this.finished;
  }

  /**
   * Keeps the process alive while the server listens (the default).
   *
   * @example
   * ```ts ignore
   * server.ref();
   * ```
   */
  ref(): void {
    this.#core.setRef(true);
  }

  /**
   * Lets the process exit while the server listens.
   *
   * @example
   * ```ts ignore
   * server.unref();
   * ```
   */
  unref(): void {
    this.#core.setRef(false);
  }

  #drained(): void {
    this.emit("close");
    this.#resolveFinished();
  }

  #connection(connection: ServerConnection): void {
    if (this.listenerCount("connection") > 0) this.emit("connection", connection.socket);
  }

  #request(exchange: Exchange): void {
    const request = new ServerRequest(exchange);
    exchange.request = request;
    const info = new Info(exchange);
    if (this.listenerCount("request") > 0) {
      this.emit("request", request as unknown as Request, info);
    }
    let result: ServeResponse | Promise<ServeResponse>;
    try {
      result = this.#handler(request as unknown as Request, info);
    } catch (error) {
      this.#failed(exchange, error);
      return;
    }
    if (result !== null && typeof (result as Promise<ServeResponse>).then === "function") {
      (result as Promise<ServeResponse>).then(
        (response) => this.#respond(exchange, response),
        (error) => this.#failed(exchange, error),
      );
    } else this.#respond(exchange, result as ServeResponse);
  }

  #respond(exchange: Exchange, response: ServeResponse): void {
    try {
      sendWebResponse(exchange, response);
    } catch (error) {
      this.#failed(exchange, error);
    }
  }

  #failed(exchange: Exchange, error: unknown): void {
    const onError = this.#onError;
    if (onError === undefined || exchange.responseStarted) {
      exchange.connection.handlerFailed(exchange, error);
      return;
    }
    this.emit("error", error);
    let answer: ServeResponse | Promise<ServeResponse>;
    try {
      answer = onError(error);
    } catch (again) {
      exchange.connection.handlerFailed(exchange, again);
      return;
    }
    Promise.resolve(answer).then(
      (response) => {
        try {
          sendWebResponse(exchange, response);
        } catch (again) {
          exchange.connection.handlerFailed(exchange, again);
        }
      },
      (again) => exchange.connection.handlerFailed(exchange, again),
    );
  }

  #rawTakeover(exchange: Exchange): void {
    const request = new ServerRequest(exchange);
    const event = exchange.head.method === "CONNECT" ? "connect" : "upgrade";
    exchange.takeOverRaw((conn: Conn, head: Uint8Array) => {
      const socket = new Socket({ conn, allowHalfOpen: true });
      this.emit(event, request as unknown as Request, socket, head);
    });
  }

  #clientError(error: HttpError, connection: ServerConnection): boolean {
    if (this.listenerCount("clientError") === 0) return false;
    this.emit("clientError", error, connection.socket);
    return true;
  }
}

// `await using server = serve(...)` shuts down at the end of the scope, where the
// runtime has `Symbol.asyncDispose` (declared here at run time: the package's
// types target ES2023, which has no such symbol).
const asyncDispose = (Symbol as { asyncDispose?: symbol }).asyncDispose;
if (asyncDispose !== undefined) {
  Object.defineProperty(HttpServer.prototype, asyncDispose, {
    value(this: HttpServer): Promise<void> {
      return this.shutdown();
    },
    configurable: true,
    writable: true,
  });
}

/**
 * Serves HTTP with `handler`, as `Deno.serve` does, on Deno and on Node.
 *
 * @param options where to listen, the limits, callbacks (see {@linkcode ServeOptions})
 * @param handler called with each request; returns a response
 * @returns the running server
 *
 * @example
 * ```ts
 * import { serve } from "./mod.ts";
 *
 * const server = serve({ port: 0, hostname: "127.0.0.1" }, (request) => {
 *   return Response.json({ method: request.method, url: request.url });
 * });
 * const { port } = await server.listening;
 * console.log(await (await fetch(`http://127.0.0.1:${port}/hi`)).json());
 * await server.shutdown();
 * ```
 */
export function serve(options: ServeOptions, handler: ServeHandler): HttpServer;
/**
 * Serves HTTP on port 8000 with `handler`.
 *
 * @param handler called with each request
 * @returns the running server
 *
 * @example
 * ```ts ignore
 * import { serve } from "./mod.ts";
 *
 * serve(() => new Response("hello on 8000"));
 * ```
 */
export function serve(handler: ServeHandler): HttpServer;
/**
 * Serves HTTP with `options.handler`.
 *
 * @param options the options, handler included
 * @returns the running server
 *
 * @example
 * ```ts ignore
 * import { serve } from "./mod.ts";
 *
 * serve({ port: 8080, handler: () => new Response("hello") });
 * ```
 */
export function serve(options: ServeOptions & { handler: ServeHandler }): HttpServer;
export function serve(
  optionsOrHandler: ServeOptions | ServeHandler,
  maybeHandler?: ServeHandler,
): HttpServer {
  if (typeof optionsOrHandler === "function") return new HttpServer({}, optionsOrHandler);
  const handler = maybeHandler ?? optionsOrHandler.handler;
  if (typeof handler !== "function") throw new TypeError("serve() needs a handler function");
  return new HttpServer(optionsOrHandler, handler);
}
