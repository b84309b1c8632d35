/**
 * {@linkcode ServerSocket}: the connection under a request, as the HTTP
 * server's events and `req.socket` show it: addresses, whether it is TLS,
 * `destroy()`, `setTimeout()`, and a `close` event. It is not a byte stream:
 * the server owns the bytes of a connection that speaks HTTP. The `upgrade`
 * and `connect` events hand over a full `net.Socket` instead.
 *
 * @example Logging who connects
 * ```ts ignore
 * import { createServer } from "./mod.ts";
 *
 * const server = createServer((req, res) => res.end("hi"));
 * server.on("connection", (socket) => {
 *   console.log(socket.remoteAddress, socket.remotePort, socket.encrypted);
 *   socket.on("close", () => console.log("gone"));
 * });
 * ```
 *
 * @module
 */

import type { Addr, TlsInfo } from "../adapters/mod.ts";
import { Emitter } from "../net/emitter.ts";
import type { AddressInfo } from "../net/mod.ts";
import type { ServerConnection } from "./_server_connection.ts";

/** The events of a {@linkcode ServerSocket}. */
export interface ServerSocketEvents {
  /** The connection closed; `hadError` says whether it broke. */
  close: [hadError: boolean];
  /** The `setTimeout` delay passed with no activity (the connection then closes unless a listener keeps it). */
  timeout: [];
}

const encoder = new TextEncoder();

function addressInfo(addr: Addr): AddressInfo | null {
  return addr.transport === "unix"
    ? null
    : { address: addr.hostname, family: addr.family, port: addr.port };
}

/**
 * A server connection's addresses and controls (see the module doc).
 *
 * @example
 * ```ts ignore
 * server.on("request", (req, res) => {
 *   res.end(`you are ${req.socket.remoteAddress}`);
 * });
 * ```
 */
export class ServerSocket extends Emitter<ServerSocketEvents> {
  readonly #connection: ServerConnection;
  #destroyed = false;

  /**
   * Made by the server, once per connection, when first asked for.
   *
   * @param connection the server's connection
   */
  constructor(connection: ServerConnection) {
    super();
    this.#connection = connection;
  }

  /** The peer's IP address. */
  get remoteAddress(): string | undefined {
    return addressInfo(this.#connection.conn.remoteAddr)?.address;
  }

  /** The peer's port. */
  get remotePort(): number | undefined {
    return addressInfo(this.#connection.conn.remoteAddr)?.port;
  }

  /** The peer's address family. */
  get remoteFamily(): "IPv4" | "IPv6" | undefined {
    return addressInfo(this.#connection.conn.remoteAddr)?.family;
  }

  /** The local IP address. */
  get localAddress(): string | undefined {
    return addressInfo(this.#connection.conn.localAddr)?.address;
  }

  /** The local port. */
  get localPort(): number | undefined {
    return addressInfo(this.#connection.conn.localAddr)?.port;
  }

  /** The local address family. */
  get localFamily(): "IPv4" | "IPv6" | undefined {
    return addressInfo(this.#connection.conn.localAddr)?.family;
  }

  /** The peer's address as the adapter reports it. */
  get remoteAddr(): Addr {
    return this.#connection.conn.remoteAddr;
  }

  /** The local address as the adapter reports it. */
  get localAddr(): Addr {
    return this.#connection.conn.localAddr;
  }

  /** Whether the connection is TLS (`true` on an HTTPS server), as Node's `TLSSocket.encrypted`. */
  get encrypted(): boolean {
    return this.#connection.conn.tls !== undefined;
  }

  /** What TLS negotiated, or `undefined` for a plain connection. */
  get tls(): TlsInfo | undefined {
    return this.#connection.conn.tls;
  }

  /** The ALPN protocol, or `false` (Node's `TLSSocket.alpnProtocol`). */
  get alpnProtocol(): string | false {
    return this.#connection.conn.tls?.alpnProtocol ?? false;
  }

  /** Whether the connection is closed. */
  get destroyed(): boolean {
    return this.#destroyed;
  }

  /** Bytes waiting to be sent. */
  get writableLength(): number {
    return this.#connection.conn.writableLength;
  }

  /**
   * The local address, as `net.Socket.address()`.
   *
   * @returns the address, or `null` for a Unix socket
   *
   * @example
   * ```ts ignore
   * console.log(req.socket.address());
   * ```
   */
  address(): AddressInfo | null {
    return addressInfo(this.#connection.conn.localAddr);
  }

  /**
   * Closes the connection at once (a request in progress is aborted).
   *
   * @param error the reason, if any
   * @returns this socket
   *
   * @example
   * ```ts ignore
   * req.socket.destroy();
   * ```
   */
  destroy(error?: Error): this {
    this.#connection.destroy(error);
    return this;
  }

  /**
   * Writes raw bytes on the connection, outside HTTP (for a `clientError`
   * listener that answers a broken request itself).
   *
   * @param data the bytes or text
   * @returns `false` under back-pressure
   *
   * @example
   * ```ts ignore
   * server.on("clientError", (error, socket) => socket.end("HTTP/1.1 400 Bad Request\r\n\r\n"));
   * ```
   */
  write(data: Uint8Array | string): boolean {
    if (this.#destroyed) return false;
    return this.#connection.conn.send(typeof data === "string" ? encoder.encode(data) : data);
  }

  /**
   * Writes `data` (raw, if given), then closes once it is sent.
   *
   * @param data last bytes to send
   * @returns this socket
   *
   * @example
   * ```ts ignore
   * socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
   * ```
   */
  end(data?: Uint8Array | string): this {
    if (this.#destroyed) return this;
    if (data !== undefined) this.write(data);
    const connection = this.#connection;
    connection.conn.end(() => connection.destroy());
    return this;
  }

  /**
   * Closes the connection after `ms` milliseconds without activity while a
   * request is in progress (0 goes back to the server's `idleTimeout`).
   *
   * @param ms the idle delay
   * @param callback added as a `timeout` listener
   * @returns this socket
   *
   * @example
   * ```ts ignore
   * req.socket.setTimeout(5_000);
   * ```
   */
  setTimeout(ms: number, callback?: () => void): this {
    this.#connection.idleTimeout = ms > 0 ? ms : undefined;
    if (callback !== undefined) this.once("timeout", callback);
    return this;
  }

  /**
   * Turns Nagle's algorithm off (the default) or on.
   *
   * @param noDelay `true` to send at once
   * @returns this socket
   *
   * @example
   * ```ts ignore
   * req.socket.setNoDelay(true);
   * ```
   */
  setNoDelay(noDelay = true): this {
    this.#connection.conn.setNoDelay(noDelay);
    return this;
  }

  /**
   * Turns TCP keep-alive probes on or off.
   *
   * @param enable on or off
   * @param initialDelay milliseconds before the first probe (Node)
   * @returns this socket
   *
   * @example
   * ```ts ignore
   * req.socket.setKeepAlive(true, 30_000);
   * ```
   */
  setKeepAlive(enable = false, initialDelay = 0): this {
    this.#connection.conn.setKeepAlive(enable, initialDelay);
    return this;
  }

  /** The server calls this when the connection closed. */
  closed(hadError: boolean): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.emit("close", hadError);
  }

  /** The server calls this when the `setTimeout` delay passed; `true` when a listener took it. */
  timedOut(): boolean {
    return this.emit("timeout");
  }
}
