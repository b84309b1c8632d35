/**
 * The chapter's HTTP server: `createServer((req, res) => ...)` with Node's
 * `http.Server` members and events, over wirestack's adapters and its
 * HTTP/1.1 core. `req` is an {@linkcode IncomingMessage}, `res` a
 * {@linkcode ServerResponse}; no web `Request` or `Response` is made on this
 * path.
 *
 * Events: `request`, `connection`, `close`, `listening`, `error` (listening
 * failed, or a handler threw: the server answers 500 and lives on),
 * `checkContinue` (a client waits for `100 Continue`; without a listener the
 * server sends it and emits `request`), `checkExpectation` (another `Expect`;
 * without a listener: 417), `connect` and `upgrade` (`(req, socket, head)`,
 * with `socket` a `net.Socket` over the connection handed over; without a
 * listener the request goes to `request`), `clientError` (a malformed
 * request; without a listener the server answers 400, 413, 414, 431, 501 or
 * 505 and closes), `timeout`.
 *
 * @example The chapter's hello world
 * ```ts ignore
 * import { createServer } from "./mod.ts";
 *
 * const server = createServer((req, res) => {
 *   res.writeHead(200, { "Content-Type": "text/plain" });
 *   res.end("Hello World\n");
 * });
 * server.listen(8080, () => console.log("listening on 8080"));
 * ```
 *
 * @module
 */

import {
  type Conn,
  type Listener,
  NetError,
  type Transport,
  transport as runtimeTransport,
} from "../adapters/mod.ts";
import { Emitter } from "../net/emitter.ts";
import { listenArguments, listenPort } from "../net/_listen_arguments.ts";
import { type AddressInfo, Socket } from "../net/socket.ts";
import type { HttpError } from "../protocols/http1/mod.ts";
import type { Exchange } from "./_exchange.ts";
import { openListener } from "./_listen.ts";
import {
  type DevCaInfo,
  serverTls,
  type ServerTlsOption,
  setTlsControl,
  tlsControlOf,
} from "./_server_tls.ts";
import type { TlsClientErrorInfo } from "../tls/mod.ts";
import type { ServerConnection } from "./_server_connection.ts";
import { resolveLimits, ServerCore, type ServerFace } from "./_server_core.ts";
import { IncomingMessage } from "./incoming_message.ts";
import type { ServerLimitOptions } from "./server_options.ts";
import { ServerResponse } from "./server_response.ts";
import type { ServerSocket } from "./server_socket.ts";

/** The events of a {@linkcode Server}. */
export interface ServerEvents {
  /** A request (its body follows on `req`). */
  request: [req: IncomingMessage, res: ServerResponse];
  /** A client connected. */
  connection: [socket: ServerSocket];
  /** The server stopped and its HTTP connections closed. */
  close: [];
  /** The server is bound. */
  listening: [];
  /** `listen` failed, or a `request` listener threw (the client got a 500). */
  error: [error: Error];
  /** A client sent `Expect: 100-continue`: call `res.writeContinue()` to get the body. */
  checkContinue: [req: IncomingMessage, res: ServerResponse];
  /** A client sent another expectation: answer it (417 without a listener). */
  checkExpectation: [req: IncomingMessage, res: ServerResponse];
  /** A CONNECT request; the connection is the listener's. */
  connect: [req: IncomingMessage, socket: Socket, head: Uint8Array];
  /** An Upgrade request; the connection is the listener's. */
  upgrade: [req: IncomingMessage, socket: Socket, head: Uint8Array];
  /** A malformed request; the listener answers (`socket.end(...)`) and closes. */
  clientError: [error: HttpError, socket: ServerSocket];
  /** A connection was idle past `timeout` with a request in progress (it stays open for the listener). */
  timeout: [socket: ServerSocket];
  /** A client's TLS handshake failed (garbage, no common version, a refused certificate); the server serves on. */
  tlsClientError: [error: NetError, client: TlsClientErrorInfo];
}

/** Options of {@linkcode createServer}. */
export interface ServerOptions extends ServerLimitOptions {
  /** Nagle's algorithm off on accepted connections (default `true`). */
  noDelay?: boolean;
  /** TCP keep-alive probes on accepted connections (default `false`). */
  keepAlive?: boolean;
  /** Milliseconds before the first keep-alive probe (Node only; default 0). */
  keepAliveInitialDelay?: number;
  /** Node's name for `maxHeaderCount`. */
  maxHeadersCount?: number;
  /** Node's name for `maxRequestsPerConnection` (0: no limit). */
  maxRequestsPerSocket?: number;
  /** Node's name for `idleTimeout`. */
  timeout?: number;
  /** The adapter to listen with (default: the running runtime's). */
  transport?: Transport;
  /**
   * Serve HTTPS: a certificate chain and key with the TLS server's options,
   * or `"auto"` (a development certificate; see `serve`'s option). `https.createServer`
   * sets it from its options.
   */
  tls?: ServerTlsOption;
  /** Where `tls: "auto"` keeps the development CA (default: the data directory's `dev-ca`). */
  devCaDir?: string;
}

/** Where and how {@linkcode Server.listen} listens. */
export interface HttpListenOptions {
  /** The port; 0 or absent picks a free one. */
  port?: number;
  /** The address to bind; absent: `"::"` (dual stack) or `"0.0.0.0"`. */
  host?: string;
  /** A Unix domain socket path. */
  path?: string;
  /** The accept queue length hint (Node). */
  backlog?: number;
  /** IPv6 only on `"::"` (Node). */
  ipv6Only?: boolean;
  /** `SO_REUSEPORT`. */
  reusePort?: boolean;
  /** Closes the server when it aborts. */
  signal?: AbortSignal;
  /** Serve on this open listener (a TLS one, say). */
  listener?: Listener;
}

/** The request handler of {@linkcode createServer}. */
export type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * The chapter's HTTP server (see the module doc).
 *
 * @example
 * ```ts
 * import { createServer } from "./mod.ts";
 * import { once } from "../net/mod.ts";
 *
 * const server = createServer((req, res) => res.end("ok"));
 * server.listen(0, "127.0.0.1");
 * await once(server, "listening");
 * server.close();
 * await once(server, "close");
 * ```
 */
export class Server extends Emitter<ServerEvents> {
  readonly #core: ServerCore;
  readonly #options: ServerOptions;
  readonly #transport: Transport;
  #limits: ServerLimitOptions;
  #listener: Listener | null = null;
  #devCa: DevCaInfo | null = null;
  #starting = false;
  #closed = false;

  /**
   * Creates a server; call `listen` to start it.
   *
   * @param options see {@linkcode ServerOptions}
   * @param onRequest added as a `request` listener
   */
  constructor(options: ServerOptions = {}, onRequest?: RequestListener) {
    super();
    this.#options = options;
    this.#transport = options.transport ?? runtimeTransport;
    this.#limits = {
      ...options,
      ...(options.maxHeadersCount === undefined ? {} : { maxHeaderCount: options.maxHeadersCount }),
      ...(options.maxRequestsPerSocket === undefined ? {} : {
        maxRequestsPerConnection: options.maxRequestsPerSocket === 0
          ? Infinity
          : options.maxRequestsPerSocket,
      }),
      ...(options.timeout === undefined ? {} : { idleTimeout: options.timeout }),
    };
    const face: ServerFace = {
      request: (exchange) => this.#request(exchange),
      connection: (connection) => this.#connection(connection),
      wantsRawTakeover: (exchange) =>
        this.listenerCount(exchange.head.method === "CONNECT" ? "connect" : "upgrade") > 0,
      rawTakeover: (exchange) => this.#rawTakeover(exchange),
      unknownExpectation: (exchange) => this.#expectation(exchange),
      clientError: (error, connection) => this.#clientError(error, connection),
      handlerError: (error) =>
        this.emit("error", error instanceof Error ? error : new Error(String(error))),
      drained: () => this.emit("close"),
      timeout: (connection) =>
        this.listenerCount("timeout") > 0 && this.emit("timeout", connection.socket),
    };
    this.#core = new ServerCore(face, resolveLimits(this.#limits), "Deno" in globalThis);
    if (onRequest !== undefined) this.on("request", onRequest);
  }

  // ---- Node's settable limits ---------------------------------------------------------

  #set(change: ServerLimitOptions): void {
    const limits = { ...this.#limits, ...change };
    this.#core.setLimits(resolveLimits(limits));
    this.#limits = limits;
  }

  /** Milliseconds to receive a request head (see `ServerLimitOptions`). */
  get headersTimeout(): number {
    return this.#core.limits.headersTimeout;
  }
  set headersTimeout(ms: number) {
    this.#set({ headersTimeout: ms });
  }

  /** Milliseconds to receive a whole request. */
  get requestTimeout(): number {
    return this.#core.limits.requestTimeout;
  }
  set requestTimeout(ms: number) {
    this.#set({ requestTimeout: ms });
  }

  /** Milliseconds an idle keep-alive connection stays open. */
  get keepAliveTimeout(): number {
    return this.#core.limits.keepAliveTimeout;
  }
  set keepAliveTimeout(ms: number) {
    this.#set({ keepAliveTimeout: ms });
  }

  /** Milliseconds of inactivity with a request in progress (Node's `server.timeout`). */
  get timeout(): number {
    return this.#core.limits.idleTimeout;
  }
  set timeout(ms: number) {
    this.#set({ idleTimeout: ms });
  }

  /** Header fields a request may have. */
  get maxHeadersCount(): number {
    return this.#core.limits.reader.maxHeaderCount ?? 256;
  }
  set maxHeadersCount(count: number) {
    this.#set({ maxHeaderCount: count });
  }

  /** Requests per connection (0: no limit). */
  get maxRequestsPerSocket(): number {
    const limit = this.#core.limits.maxRequestsPerConnection;
    return limit === Infinity ? 0 : limit;
  }
  set maxRequestsPerSocket(count: number) {
    this.#set({ maxRequestsPerConnection: count === 0 ? Infinity : count });
  }

  /** Open connections at most. */
  get maxConnections(): number {
    return this.#core.limits.maxConnections;
  }
  set maxConnections(count: number) {
    this.#set({ maxConnections: count });
  }

  /**
   * Sets the idle timeout (Node's `server.setTimeout`).
   *
   * @param ms the delay (0: none)
   * @param callback added as a `timeout` listener
   * @returns this server
   *
   * @example
   * ```ts ignore
   * server.setTimeout(30_000);
   * ```
   */
  setTimeout(ms: number, callback?: (socket: ServerSocket) => void): this {
    this.timeout = ms;
    if (callback !== undefined) this.on("timeout", callback);
    return this;
  }

  // ---- listening ------------------------------------------------------------------------

  /**
   * Starts listening; emits `listening` once bound. A failure is emitted as
   * `error`; with no `error` listener it is thrown (asynchronously), as Node does.
   *
   * @param options where to listen
   * @param onListening added as a `listening` listener
   * @returns this server
   *
   * @example
   * ```ts ignore
   * server.listen({ port: 8080, host: "127.0.0.1" });
   * ```
   */
  listen(options: HttpListenOptions, onListening?: () => void): this;
  /**
   * Listens on `host:port`.
   *
   * @param port the port (0: any free one)
   * @param host the address to bind
   * @param onListening added as a `listening` listener
   * @returns this server
   */
  listen(port?: number, host?: string, onListening?: () => void): this;
  /**
   * Listens on `port`, every address.
   *
   * @param port the port
   * @param onListening added as a `listening` listener
   * @returns this server
   */
  listen(port: number, onListening?: () => void): this;
  /**
   * Listens on a Unix domain socket.
   *
   * @param path the socket path
   * @param onListening added as a `listening` listener
   * @returns this server
   */
  listen(path: string, onListening?: () => void): this;
  listen(
    target?: HttpListenOptions | number | string,
    hostOrListener?: string | (() => void),
    maybeListener?: () => void,
  ): this {
    const [options, onListening] = listenArguments<HttpListenOptions>(
      target,
      hostOrListener,
      maybeListener,
    );
    if (this.#listener !== null || this.#starting || this.#closed) {
      throw new NetError("EINVAL", "listen() on a server that is already listening or closed", {
        syscall: "listen",
      });
    }
    const port = listenPort(options);
    if (onListening !== undefined) this.once("listening", onListening);
    this.#starting = true;
    this.#tls(options.listener !== undefined).then((tls) =>
      openListener(this.#transport, {
        port,
        ...(options.host === undefined ? {} : { hostname: options.host }),
        ...(options.path === undefined ? {} : { path: options.path }),
        ...(options.backlog === undefined ? {} : { backlog: options.backlog }),
        ...(options.ipv6Only ? { ipv6Only: true } : {}),
        ...(options.reusePort ? { reusePort: true } : {}),
        ...(options.listener === undefined ? {} : { listener: options.listener }),
        ...(tls === undefined ? {} : { tls }),
      })
    ).then(
      (listener) => {
        this.#starting = false;
        this.#listener = listener;
        tlsControlOf(this)?.attach(listener);
        this.#core.serve(listener);
        if (this.#closed) return;
        const signal = options.signal;
        if (signal !== undefined) {
          if (signal.aborted) this.close();
          else signal.addEventListener("abort", () => this.close(), { once: true });
        }
        this.emit("listening");
      },
      (error: unknown) => {
        this.#starting = false;
        const netError = error as Error;
        if (!this.emit("error", netError)) {
          queueMicrotask(() => {
            throw netError;
          });
        }
      },
    );
    return this;
  }

  /** Resolves the `tls` option into listen options (a dev certificate for `"auto"`). */
  async #tls(ownListener: boolean) {
    const option = this.#options.tls;
    if (option === undefined) return undefined;
    if (ownListener) {
      throw new NetError("EINVAL", "tls and listener exclude each other: the listener decides");
    }
    const reloads = this.#transport.features.tls.certificateReload;
    const tls = await serverTls(option, this.#options.devCaDir, reloads, (error, client) => {
      if (this.listenerCount("tlsClientError") > 0) this.emit("tlsClientError", error, client);
    });
    this.#devCa = tls.devCa;
    setTlsControl(this, tls.control);
    return tls.listen;
  }

  /**
   * The development CA of `tls: "auto"` (where its root is, to trust it),
   * once the server listens; `null` otherwise.
   *
   * @example
   * ```ts ignore
   * server.on("listening", () => console.log(`trust ${server.devCa?.rootPath}`));
   * ```
   */
  get devCa(): DevCaInfo | null {
    return this.#devCa;
  }

  /**
   * Stops accepting connections and closes the idle ones (Node 19's
   * behavior); requests in progress finish (their responses say
   * `Connection: close`), then `close` is emitted.
   *
   * @param callback added as a `close` listener; called with an error when the
   * server was not listening
   * @returns this server
   *
   * @example
   * ```ts ignore
   * server.close(() => console.log("closed"));
   * ```
   */
  close(callback?: (error?: Error) => void): this {
    if (this.#closed || (this.#listener === null && !this.#starting)) {
      if (callback !== undefined) {
        const error = new NetError("ERR_SERVER_NOT_RUNNING", "the server is not running", {
          syscall: "close",
        });
        queueMicrotask(() => callback(error));
      }
      return this;
    }
    this.#closed = true;
    if (callback !== undefined) this.once("close", () => callback());
    this.#core.drain();
    return this;
  }

  /**
   * Closes every connection now, requests in progress included.
   *
   * @example
   * ```ts ignore
   * server.close();
   * server.closeAllConnections();
   * ```
   */
  closeAllConnections(): void {
    this.#core.closeAll();
  }

  /**
   * Closes the connections that wait for a request.
   *
   * @example
   * ```ts ignore
   * server.closeIdleConnections();
   * ```
   */
  closeIdleConnections(): void {
    this.#core.closeIdle();
  }

  /**
   * The bound address, the path for a Unix socket, or `null` when not listening.
   *
   * @returns the address
   *
   * @example
   * ```ts ignore
   * const { port } = server.address() as AddressInfo;
   * ```
   */
  address(): AddressInfo | string | null {
    const addr = this.#listener?.addr;
    if (addr === undefined || this.#core.stopped) return null;
    if (addr.transport === "unix") return addr.path;
    return { address: addr.hostname, family: addr.family, port: addr.port };
  }

  /** Whether the server is accepting connections. */
  get listening(): boolean {
    return this.#listener !== null && !this.#core.stopped;
  }

  /**
   * The number of open connections.
   *
   * @param callback Node's form: called with `(null, count)`
   * @returns the count
   *
   * @example
   * ```ts ignore
   * server.getConnections((error, count) => console.log(count));
   * ```
   */
  getConnections(callback?: (error: Error | null, count: number) => void): number {
    const count = this.#core.connections.size;
    if (callback !== undefined) queueMicrotask(() => callback(null, count));
    return count;
  }

  /**
   * Lets the process exit while the server listens.
   *
   * @returns this server
   *
   * @example
   * ```ts ignore
   * server.unref();
   * ```
   */
  unref(): this {
    this.#core.setRef(false);
    return this;
  }

  /**
   * Keeps the process alive while the server listens (the default).
   *
   * @returns this server
   *
   * @example
   * ```ts ignore
   * server.ref();
   * ```
   */
  ref(): this {
    this.#core.setRef(true);
    return this;
  }

  // ---- what the core tells ----------------------------------------------------------------

  #connection(connection: ServerConnection): void {
    const options = this.#options;
    if (options.noDelay === false) connection.conn.setNoDelay(false);
    if (options.keepAlive) connection.conn.setKeepAlive(true, options.keepAliveInitialDelay ?? 0);
    if (this.listenerCount("connection") > 0) this.emit("connection", connection.socket);
  }

  #request(exchange: Exchange): void {
    const expectation = exchange.request === EXPECTATION;
    const req = new IncomingMessage(exchange);
    const res = new ServerResponse(exchange, req);
    exchange.request = req;
    exchange.observer = res;
    if (exchange.head.expectContinue) {
      if (this.listenerCount("checkContinue") > 0) {
        this.emit("checkContinue", req, res);
        return;
      }
      exchange.sendContinue();
    }
    if (expectation) {
      this.emit("checkExpectation", req, res);
      return;
    }
    this.emit("request", req, res);
  }

  #expectation(exchange: Exchange): boolean {
    if (this.listenerCount("checkExpectation") === 0) return false;
    exchange.request = EXPECTATION;
    return true;
  }

  #rawTakeover(exchange: Exchange): void {
    const req = new IncomingMessage(exchange);
    const event = exchange.head.method === "CONNECT" ? "connect" : "upgrade";
    exchange.takeOverRaw((conn: Conn, head: Uint8Array) => {
      const socket = new Socket({ conn, allowHalfOpen: true });
      this.emit(event, req, socket, head);
    });
  }

  #clientError(error: HttpError, connection: ServerConnection): boolean {
    if (this.listenerCount("clientError") === 0) return false;
    this.emit("clientError", error, connection.socket);
    return true;
  }
}

/** Marks an exchange whose expectation goes to the `checkExpectation` listeners. */
const EXPECTATION = Symbol("checkExpectation");

/**
 * Creates the chapter's HTTP server.
 *
 * @param onRequest called with each request and its response
 * @returns the server (call `listen`)
 *
 * @example
 * ```ts
 * import { createServer } from "./mod.ts";
 * import { once } from "../net/mod.ts";
 *
 * const server = createServer((req, res) => res.end(`hello ${req.url}`));
 * server.listen(0, "127.0.0.1");
 * await once(server, "listening");
 * const { port } = server.address() as { port: number };
 * console.log(await (await fetch(`http://127.0.0.1:${port}/you`)).text());
 * server.close();
 * ```
 */
export function createServer(onRequest?: RequestListener): Server;
/**
 * Creates the chapter's HTTP server with options.
 *
 * @param options see {@linkcode ServerOptions}
 * @param onRequest called with each request and its response
 * @returns the server
 *
 * @example
 * ```ts ignore
 * import { createServer } from "./mod.ts";
 *
 * createServer({ keepAliveTimeout: 75_000 }, (req, res) => res.end("ok")).listen(8080);
 * ```
 */
export function createServer(options: ServerOptions, onRequest?: RequestListener): Server;
export function createServer(
  optionsOrListener?: ServerOptions | RequestListener,
  onRequest?: RequestListener,
): Server {
  if (typeof optionsOrListener === "function") return new Server({}, optionsOrListener);
  return new Server(optionsOrListener ?? {}, onRequest);
}
