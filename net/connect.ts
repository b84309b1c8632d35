/**
 * The chapter's TCP client: `connect(options)` / `createConnection`, which make
 * a {@linkcode Socket} and connect it.
 *
 * @module
 */

import { connectArguments } from "./_connect_arguments.ts";
import { Socket, type SocketConnectOptions, type SocketOptions } from "./socket.ts";

/** Options of {@linkcode connect}: where to connect, and the socket's own options. */
export interface NetConnectOptions extends SocketConnectOptions, Omit<SocketOptions, "conn"> {}

/**
 * Opens a TCP connection (or a Unix socket connection with `path`), as Node's
 * `net.connect`. A host name is resolved to all its addresses, tried IPv6 and
 * IPv4 alternately (Happy Eyeballs, RFC 8305). The socket emits `connect`, or
 * `error` (`ECONNREFUSED`, `ENOTFOUND`, `ETIMEDOUT` ...) and `close`. Writes made
 * before it connects wait for the connection.
 *
 * @param options where to connect, and the socket's options
 * @param onConnect added as a `connect` listener
 * @returns the connecting socket
 *
 * @example The chapter's client
 * ```ts
 * import { type AddressInfo, connect, createServer, once } from "./mod.ts";
 *
 * const server = createServer((socket) => socket.end("hello from the server\n"));
 * server.listen(0, "127.0.0.1");
 * await once(server, "listening");
 *
 * const { port } = server.address() as AddressInfo;
 * const client = connect({ port, host: "127.0.0.1" }, () => console.log("connected"));
 * client.on("data", (bytes) => console.log(new TextDecoder().decode(bytes)));
 * await once(client, "close");
 * server.close();
 * ```
 */
export function connect(options: NetConnectOptions, onConnect?: () => void): Socket;
/**
 * Opens a TCP connection to `host:port`.
 *
 * @param port the port
 * @param host the host name or address (default `"localhost"`)
 * @param onConnect added as a `connect` listener
 * @returns the connecting socket
 *
 * @example
 * ```ts ignore
 * import { connect } from "./mod.ts";
 *
 * const socket = connect(7, "127.0.0.1", () => socket.end("hi"));
 * ```
 */
export function connect(port: number, host?: string, onConnect?: () => void): Socket;
/**
 * Opens a Unix domain socket connection.
 *
 * @param path the socket path
 * @param onConnect added as a `connect` listener
 * @returns the connecting socket
 *
 * @example
 * ```ts ignore
 * import { connect } from "./mod.ts";
 *
 * const socket = connect("/tmp/app.sock", () => socket.end("hi"));
 * ```
 */
export function connect(path: string, onConnect?: () => void): Socket;
export function connect(
  target: NetConnectOptions | number | string,
  hostOrListener?: string | (() => void),
  maybeListener?: () => void,
): Socket {
  const [options, onConnect] = connectArguments(target, hostOrListener, maybeListener);
  const socket = new Socket(typeof target === "object" ? target : {});
  return socket.connect(options, onConnect);
}

/**
 * The same as {@linkcode connect}, under Node's other name.
 *
 * @example
 * ```ts ignore
 * import { createConnection } from "./mod.ts";
 *
 * const socket = createConnection({ port: 7, host: "127.0.0.1" });
 * ```
 */
export const createConnection: typeof connect = connect;
