// A `Listener` over a Node server: `net.Server` (its `connection` event) or
// `tls.Server` (its `secureConnection` event, once a handshake is done).
// Accepted sockets wait in a queue until `accept()` takes them.

import type * as net from "node:net";
import { familyOf } from "./_addr.ts";
import type { Addr, Conn, Listener } from "./types.ts";

/** A `Listener` over a listening `net.Server` or `tls.Server`. */
export class NodeListener implements Listener {
  readonly addr: Addr;
  readonly #server: net.Server;
  readonly #backlog: net.Socket[] = [];
  readonly #wrap: (socket: net.Socket) => Conn;
  #waiters: Array<(conn: Conn | null) => void> = [];
  #closed = false;

  /**
   * @param server a listening server
   * @param event the server event that hands out a ready socket
   * @param wrap makes the `Conn` of an accepted socket
   * @param unixPath the socket path, for a Unix domain socket server
   */
  constructor(
    server: net.Server,
    event: "connection" | "secureConnection",
    wrap: (socket: net.Socket) => Conn,
    unixPath?: string,
  ) {
    this.#server = server;
    this.#wrap = wrap;
    if (unixPath !== undefined) {
      this.addr = { transport: "unix", path: unixPath };
    } else {
      const address = server.address() as net.AddressInfo;
      this.addr = {
        transport: "tcp",
        hostname: address.address,
        port: address.port,
        family: familyOf(address.address),
      };
    }
    server.on(event, (socket: net.Socket) => {
      if (this.#closed) {
        socket.destroy();
        return;
      }
      const waiter = this.#waiters.shift();
      if (waiter !== undefined) waiter(this.#wrap(socket));
      else this.#backlog.push(socket);
    });
    // Accept errors (EMFILE and the like) must not crash the process; the
    // listener keeps accepting once the condition passes.
    server.on("error", () => {});
  }

  /** The Node server underneath. */
  get server(): net.Server {
    return this.#server;
  }

  accept(): Promise<Conn | null> {
    const socket = this.#backlog.shift();
    if (socket !== undefined) return Promise.resolve(this.#wrap(socket));
    if (this.#closed) return Promise.resolve(null);
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#server.close();
    for (const socket of this.#backlog.splice(0)) socket.destroy();
    for (const waiter of this.#waiters.splice(0)) waiter(null);
  }

  setRef(ref: boolean): void {
    if (ref) this.#server.ref();
    else this.#server.unref();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Conn> {
    for (let conn = await this.accept(); conn !== null; conn = await this.accept()) yield conn;
  }
}
