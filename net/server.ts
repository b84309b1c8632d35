/**
 * The chapter's TCP server: `createServer((socket) => ...)`, `listen(port, host)`,
 * and Node's `Server` events and methods.
 *
 * @module
 */

import {
  type Conn,
  type Listener,
  type ListenOptions,
  NetError,
  type Transport,
  transport as runtimeTransport,
  type UnixOptions,
} from "../adapters/mod.ts";
import { Emitter, type EventMap } from "./emitter.ts";
import { type AddressInfo, Socket } from "./socket.ts";
import { nextTurn } from "./_timers.ts";
import { listenArguments, listenPort } from "./_listen_arguments.ts";

/** What a `drop` event tells about a connection refused for `maxConnections`. */
export interface DropInfo {
  /** The local IP address. */
  localAddress?: string;
  /** The local port. */
  localPort?: number;
  /** The peer's IP address. */
  remoteAddress?: string;
  /** The peer's port. */
  remotePort?: number;
  /** The peer's address family. */
  remoteFamily?: "IPv4" | "IPv6";
}

/** The events of a {@linkcode Server} and the arguments their listeners get. */
export interface ServerEvents {
  /** The server is bound and accepting. */
  listening: [];
  /** A client connected; the socket is ready to use. */
  connection: [socket: Socket];
  /** The server stopped and its last connection closed. */
  close: [];
  /** `listen` failed (`EADDRINUSE`, `EACCES` ...), or accepting failed (`EMFILE`). */
  error: [error: Error];
  /** A connection was closed at once because `maxConnections` were open. */
  drop: [info: DropInfo];
}

/** Options of {@linkcode createServer}. */
export interface ServerOptions {
  /** Keeps accepted sockets writable after the peer's `end` (default `false`). */
  allowHalfOpen?: boolean;
  /** Accepted sockets start paused: no reading until `resume()` (default `false`). */
  pauseOnConnect?: boolean;
  /** Nagle's algorithm off on accepted sockets (default `true`). */
  noDelay?: boolean;
  /** TCP keep-alive on accepted sockets (default `false`). */
  keepAlive?: boolean;
  /** Milliseconds before the first keep-alive probe (Node only; default 0). */
  keepAliveInitialDelay?: number;
  /** The adapter to listen with (default: the running runtime's). */
  transport?: Transport;
}

/** Where and how {@linkcode Server.listen} listens. */
export interface ServerListenOptions {
  /** The port; 0 or absent picks a free one. */
  port?: number;
  /**
   * The address to bind. Absent: `"::"` (every IPv6 and IPv4 address, as Node
   * does), or `"0.0.0.0"` where IPv6 is not available.
   */
  host?: string;
  /** A Unix domain socket path, instead of `port` and `host`. */
  path?: string;
  /** The accept queue length hint (Node only). */
  backlog?: number;
  /** On `"::"`, takes IPv6 only (Node only). */
  ipv6Only?: boolean;
  /** Lets several processes bind the port (`SO_REUSEPORT`, where supported). */
  reusePort?: boolean;
  /** Closes the server when it aborts. */
  signal?: AbortSignal;
}

/** Pause after an accept failure (such as `EMFILE`) before accepting again. */
const ACCEPT_RETRY_MS = 50;

/**
 * A TCP (or Unix domain socket) server: Node's `net.Server` over wirestack's
 * adapters. Every accepted connection is a {@linkcode Socket}, emitted as
 * `connection`.
 *
 * @example An echo server
 * ```ts
 * import { createServer, once } from "./mod.ts";
 *
 * const server = createServer((socket) => {
 *   socket.on("data", (bytes) => socket.write(bytes));
 * });
 * server.listen(0, "127.0.0.1");
 * await once(server, "listening");
 * console.log(server.address()); // { address: "127.0.0.1", family: "IPv4", port: ... }
 * server.close();
 * ```
 *
 * @typeParam E the event map, for subclasses that add events (a TLS server)
 */
export class Server<E extends ServerEvents & EventMap<E> = ServerEvents> extends Emitter<E> {
  /** New connections past this many open ones are dropped (default: no limit). */
  maxConnections: number | undefined;

  readonly #options: ServerOptions;
  readonly #transport: Transport;
  #listener: Listener | null = null;
  #starting = false;
  #closing = false;
  #closeEmitted = false;
  #connections = 0;
  #accepting = false;
  #ref = true;

  /**
   * Creates a server; call `listen` to start it.
   *
   * @param options see {@linkcode ServerOptions}
   * @param onConnection added as a `connection` listener
   */
  constructor(options: ServerOptions = {}, onConnection?: (socket: Socket) => void) {
    super();
    this.#options = options;
    this.#transport = options.transport ?? runtimeTransport;
    if (onConnection !== undefined) this.#self.on("connection", onConnection);
  }

  /**
   * Starts listening. Emits `listening` once bound. A failure (`EADDRINUSE`,
   * `EACCES` ...) is emitted as `error`; with no `error` listener it is thrown
   * (asynchronously, as an uncaught error), as Node does: a server that could
   * not start is not a peer's doing and must not go unnoticed.
   *
   * @param options where to listen
   * @param onListening added as a `listening` listener
   * @returns this server
   *
   * @example
   * ```ts
   * import { createServer, once } from "./mod.ts";
   *
   * const server = createServer().listen({ port: 0, host: "::1" });
   * await once(server, "listening");
   * server.close();
   * ```
   */
  listen(options: ServerListenOptions, onListening?: () => void): this;
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
   * @param port the port (0: any free one)
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
    target?: ServerListenOptions | number | string,
    hostOrListener?: string | (() => void),
    maybeListener?: () => void,
  ): this {
    const [options, onListening] = listenArguments<ServerListenOptions>(
      target,
      hostOrListener,
      maybeListener,
    );
    if (this.#listener !== null || this.#starting) {
      throw new NetError("EINVAL", "listen() on a server that is already listening", {
        syscall: "listen",
      });
    }
    const port = listenPort(options);
    if (onListening !== undefined) this.#self.once("listening", onListening);
    this.#starting = true;
    this.#closing = false;
    this.#closeEmitted = false;
    this.#bind(options, port).then(
      (listener) => {
        this.#starting = false;
        if (this.#closing) {
          listener.close();
          this.#maybeEmitClose();
          return;
        }
        this.#listener = listener;
        if (!this.#ref) listener.setRef(false);
        const signal = options.signal;
        if (signal !== undefined) {
          if (signal.aborted) this.close();
          else signal.addEventListener("abort", () => this.close(), { once: true });
        }
        this.#self.emit("listening");
        this.#accepting = true;
        this.#acceptLoop(listener).finally(() => {
          // The system socket is gone only once the pending accept has ended
          // (Deno frees it then): `close` waits for that.
          this.#accepting = false;
          this.#maybeEmitClose();
        });
      },
      (error: unknown) => {
        this.#starting = false;
        const netError = error as Error;
        if (!this.#self.emit("error", netError)) {
          queueMicrotask(() => {
            throw netError;
          });
        }
      },
    );
    return this;
  }

  async #bind(options: ServerListenOptions, port: number): Promise<Listener> {
    if (options.path !== undefined) return await this.openListener({ path: options.path });
    const listen = (hostname: string) =>
      this.openListener({
        port,
        hostname,
        ...(options.backlog === undefined ? {} : { backlog: options.backlog }),
        ...(options.ipv6Only ? { ipv6Only: true } : {}),
        ...(options.reusePort ? { reusePort: true } : {}),
      });
    if (options.host !== undefined) return await listen(options.host);
    try {
      return await listen("::");
    } catch (error) {
      const code = (error as NetError).code;
      if (code === "EAFNOSUPPORT" || code === "EADDRNOTAVAIL" || code === "EINVAL") {
        return await listen("0.0.0.0");
      }
      throw error;
    }
  }

  async #acceptLoop(listener: Listener): Promise<void> {
    const options = this.#options;
    const onSocketClose = this.#onSocketClose;
    for (;;) {
      let conn;
      try {
        conn = await listener.accept();
      } catch (error) {
        // EMFILE and the like: report, wait a little, go on accepting.
        this.#self.emit("error", error as Error);
        await new Promise((resolve) => setTimeout(resolve, ACCEPT_RETRY_MS));
        if (this.#listener !== listener) return;
        continue;
      }
      if (conn === null) return;
      if (this.maxConnections !== undefined && this.#connections >= this.maxConnections) {
        const local = conn.localAddr;
        const remote = conn.remoteAddr;
        conn.close();
        this.#self.emit(
          "drop",
          local.transport === "unix" || remote.transport === "unix" ? {} : {
            localAddress: local.hostname,
            localPort: local.port,
            remoteAddress: remote.hostname,
            remotePort: remote.port,
            remoteFamily: remote.family,
          },
        );
        continue;
      }
      const socket = this.createSocket(conn, options);
      this.#connections++;
      socket.on("close", onSocketClose);
      if (options.pauseOnConnect) socket.pause();
      this.accepted(socket);
    }
  }

  /**
   * Opens the listener `listen()` asks for: TCP, or a Unix domain socket with
   * `path`. Subclasses (TLS) open theirs.
   *
   * @param options the address, and the adapter's listen options
   * @returns the listener
   */
  protected openListener(options: ListenOptions | UnixOptions): Promise<Listener> {
    const transport = this.#transport;
    return "path" in options ? transport.listenUnix(options) : transport.listen(options);
  }

  /**
   * Makes the socket of an accepted connection.
   *
   * @param conn the accepted connection
   * @param options the server's options
   * @returns the socket
   */
  protected createSocket(conn: Conn, options: ServerOptions): Socket {
    return new Socket({
      conn,
      allowHalfOpen: options.allowHalfOpen ?? false,
      noDelay: options.noDelay ?? true,
      keepAlive: options.keepAlive ?? false,
      keepAliveInitialDelay: options.keepAliveInitialDelay ?? 0,
      transport: this.#transport,
    });
  }

  /**
   * Announces an accepted socket: emits `connection`. Subclasses add their own events.
   *
   * @param socket the new socket
   */
  protected accepted(socket: Socket): void {
    this.#self.emit("connection", socket);
  }

  /** The adapter this server listens with. */
  protected get transport(): Transport {
    return this.#transport;
  }

  /** One listener for every socket's `close` (no closure per connection). */
  #onSocketClose = (): void => {
    this.#connections--;
    this.#maybeEmitClose();
  };

  #maybeEmitClose(): void {
    if (
      !this.#closing || this.#closeEmitted || this.#connections > 0 || this.#starting ||
      this.#accepting
    ) return;
    this.#closeEmitted = true;
    nextTurn(() => this.#self.emit("close"));
  }

  /**
   * Stops accepting connections. Open connections go on; `close` is emitted once
   * the last one has closed.
   *
   * @param callback added as a `close` listener; called with `ERR_SERVER_NOT_RUNNING`
   * when the server was not listening
   * @returns this server
   *
   * @example
   * ```ts ignore
   * server.close(() => console.log("every connection is gone"));
   * ```
   */
  close(callback?: (error?: Error) => void): this {
    if (this.#listener === null && !this.#starting) {
      if (callback !== undefined) {
        const error = new NetError("ERR_SERVER_NOT_RUNNING", "the server is not running", {
          syscall: "close",
        });
        queueMicrotask(() => callback(error));
      }
      return this;
    }
    if (callback !== undefined) this.#self.once("close", () => callback());
    this.#closing = true;
    const listener = this.#listener;
    this.#listener = null;
    listener?.close();
    this.#maybeEmitClose();
    return this;
  }

  /**
   * The bound address: `{ address, family, port }`, the path for a Unix socket,
   * or `null` when not listening.
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
    if (addr === undefined) return null;
    if (addr.transport === "unix") return addr.path;
    return { address: addr.hostname, family: addr.family, port: addr.port };
  }

  /**
   * The number of open connections.
   *
   * @param callback Node's form: called with `(null, count)`
   * @returns the count
   *
   * @example
   * ```ts ignore
   * console.log(server.getConnections());
   * ```
   */
  getConnections(callback?: (error: Error | null, count: number) => void): number {
    const count = this.#connections;
    if (callback !== undefined) queueMicrotask(() => callback(null, count));
    return count;
  }

  /** Whether the server is accepting connections. */
  get listening(): boolean {
    return this.#listener !== null;
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
    this.#ref = false;
    this.#listener?.setRef(false);
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
    this.#ref = true;
    this.#listener?.setRef(true);
    return this;
  }

  /** The adapter listener while listening (for subclasses: a TLS server reloads certificates on it). */
  protected get listener(): Listener | null {
    return this.#listener;
  }

  /** This server typed with its own events, for emitting them whatever `E` is. */
  get #self(): Emitter<ServerEvents> {
    return this as unknown as Emitter<ServerEvents>;
  }
}

/**
 * Creates a TCP server, as Node's `net.createServer`.
 *
 * @param onConnection called with each new socket
 * @returns the server (call `listen`)
 *
 * @example The chapter's echo server
 * ```ts
 * import { createServer, once } from "./mod.ts";
 *
 * const server = createServer((socket) => {
 *   socket.on("data", (bytes) => socket.write(bytes));
 * });
 * server.listen(0, "127.0.0.1", () => console.log("listening"));
 * await once(server, "listening");
 * server.close();
 * ```
 */
export function createServer(onConnection?: (socket: Socket) => void): Server;
/**
 * Creates a TCP server with options.
 *
 * @param options see {@linkcode ServerOptions}
 * @param onConnection called with each new socket
 * @returns the server
 *
 * @example
 * ```ts ignore
 * import { createServer } from "./mod.ts";
 *
 * const server = createServer({ allowHalfOpen: true }, (socket) => socket.resume());
 * ```
 */
export function createServer(
  options: ServerOptions,
  onConnection?: (socket: Socket) => void,
): Server;
export function createServer(
  optionsOrListener?: ServerOptions | ((socket: Socket) => void),
  onConnection?: (socket: Socket) => void,
): Server {
  if (typeof optionsOrListener === "function") return new Server({}, optionsOrListener);
  return new Server(optionsOrListener ?? {}, onConnection);
}
