/**
 * {@linkcode ClientSocket}: what a `ClientRequest`'s `socket` event and
 * `req.socket` give, a view of one pooled connection of the agent: its
 * addresses, whether it was reused, Node's socket settings (`setNoDelay`,
 * `setKeepAlive`, `ref`/`unref`), `destroy()`, and a `close` event. The bytes
 * themselves belong to the HTTP client; a connection that leaves HTTP (an
 * upgrade or a CONNECT tunnel) is handed over as a full `net` `Socket`
 * instead, in the `upgrade` and `connect` events.
 *
 * @example Seeing which connection served a request
 * ```ts ignore
 * import { request } from "./mod.ts";
 *
 * const req = request("http://example.com/");
 * req.on("socket", (socket) => console.log(socket.localPort, socket.reused));
 * req.end();
 * ```
 *
 * @module
 */

import { Emitter } from "../net/emitter.ts";
import type { ClientConnection } from "./_client_connection.ts";
import { CLOSED, TAKEN } from "./_client_connection.ts";

/** The events of a {@linkcode ClientSocket}. */
export interface ClientSocketEvents {
  /** The connection closed; `hadError` says whether it closed on a failure. */
  close: [hadError: boolean];
}

/**
 * A pooled connection of an `Agent`, as the `socket` event shows it.
 *
 * @example
 * ```ts ignore
 * import { request } from "./mod.ts";
 *
 * request("http://example.com/").on("socket", (socket) => {
 *   console.log(socket.remoteAddress, socket.remotePort, socket.requests);
 * }).end();
 * ```
 */
export class ClientSocket extends Emitter<ClientSocketEvents> {
  readonly #connection: ClientConnection;

  /**
   * Made by the client (one per connection, on demand).
   *
   * @param connection the pooled connection
   */
  constructor(connection: ClientConnection) {
    super();
    this.#connection = connection;
    const previous = connection.onClose;
    connection.onClose = (error) => {
      previous?.(error);
      this.emit("close", error !== null);
    };
  }

  /** The facade of `connection`, made on first use. */
  static of(connection: ClientConnection): ClientSocket {
    return (connection.facade ??= new ClientSocket(connection)) as ClientSocket;
  }

  /** The server's address. */
  get remoteAddress(): string | undefined {
    const addr = this.#connection.conn.remoteAddr;
    return addr.transport === "unix" ? undefined : addr.hostname;
  }

  /** The server's port. */
  get remotePort(): number | undefined {
    const addr = this.#connection.conn.remoteAddr;
    return addr.transport === "unix" ? undefined : addr.port;
  }

  /** `"IPv4"` or `"IPv6"`. */
  get remoteFamily(): string | undefined {
    const addr = this.#connection.conn.remoteAddr;
    return addr.transport === "unix" ? undefined : addr.family;
  }

  /** The local address. */
  get localAddress(): string | undefined {
    const addr = this.#connection.conn.localAddr;
    return addr.transport === "unix" ? undefined : addr.hostname;
  }

  /** The local port. */
  get localPort(): number | undefined {
    const addr = this.#connection.conn.localAddr;
    return addr.transport === "unix" ? undefined : addr.port;
  }

  /** Requests this connection has carried (the current one included). */
  get requests(): number {
    return this.#connection.requests;
  }

  /** Whether the connection carried a request before the current one. */
  get reused(): boolean {
    return this.#connection.requests > 1;
  }

  /** Always `false`: the agent hands out connections once they are open. */
  get connecting(): boolean {
    return false;
  }

  /** Whether the connection is closed (or was handed over after an upgrade). */
  get destroyed(): boolean {
    const state = this.#connection.state;
    return state === CLOSED || state === TAKEN;
  }

  /**
   * Turns Nagle's algorithm off (`true`, the default here) or on.
   *
   * @param noDelay whether to send small writes at once
   * @returns this socket
   */
  setNoDelay(noDelay = true): this {
    this.#connection.conn.setNoDelay(noDelay);
    return this;
  }

  /**
   * Turns TCP keep-alive probes on or off.
   *
   * @param enable whether to probe
   * @param initialDelay milliseconds of idleness before the first probe (Node only)
   * @returns this socket
   */
  setKeepAlive(enable = false, initialDelay = 0): this {
    this.#connection.conn.setKeepAlive(enable, initialDelay);
    return this;
  }

  /**
   * Lets the process exit while this connection is open.
   *
   * @returns this socket
   */
  unref(): this {
    this.#connection.conn.setRef(false);
    return this;
  }

  /**
   * Keeps the process alive while this connection is open (the default while it carries a request).
   *
   * @returns this socket
   */
  ref(): this {
    this.#connection.conn.setRef(true);
    return this;
  }

  /**
   * Closes the connection; a request running on it fails.
   *
   * @param error the reason
   * @returns this socket
   */
  destroy(error?: Error): this {
    this.#connection.close(error ?? null);
    return this;
  }
}
