/**
 * TLS clients: `connect(options)`, which returns the socket at once as Node's
 * `tls.connect` does, and `startTls(socket)`, which upgrades a connected plain
 * socket (STARTTLS, a tunnel through a proxy).
 *
 * @module
 */

import { NetError } from "../adapters/mod.ts";
import type { NetConnectOptions, Socket } from "../net/mod.ts";
import type { TlsClientSecureOptions } from "./options.ts";
import { TLSSocket } from "./tls_socket.ts";

/** Options of {@linkcode connect}: where to connect, the socket's options and the TLS client's. */
export interface TlsConnectOptions extends NetConnectOptions, TlsClientSecureOptions {
  /**
   * A connected plain socket to run TLS over, instead of connecting (Node's
   * form of `startTls`; see {@linkcode startTls} for the rules).
   */
  socket?: Socket;
}

/**
 * Opens a TLS connection, as Node's `tls.connect`: resolves the host (Happy
 * Eyeballs), connects, runs the handshake and verifies the server against the
 * runtime's roots (or `ca`) and the host name. Returns the socket at once;
 * `secureConnect` says the connection is ready, `error` says why not
 * (`ERR_TLS_CERT_UNTRUSTED`, `ERR_TLS_CERT_HOSTNAME`, `ECONNREFUSED` ...).
 * Writes made before wait for the handshake.
 *
 * @param options where to connect, what to trust, what to offer
 * @param onSecureConnect added as a `secureConnect` listener
 * @returns the connecting socket
 *
 * @example A client that trusts a development CA
 * ```ts
 * import { createDevCa, issueDevCertificate } from "../crypto/mod.ts";
 * import { type AddressInfo, once } from "../net/mod.ts";
 * import { connect, createServer } from "./mod.ts";
 *
 * const ca = await createDevCa();
 * const issued = await issueDevCertificate(ca, ["localhost", "127.0.0.1"]);
 * const server = createServer({ cert: issued.chain, key: issued.privateKey }, (socket) => {
 *   socket.end("hello over TLS");
 * });
 * server.listen(0, "127.0.0.1");
 * await once(server, "listening");
 *
 * const { port } = server.address() as AddressInfo;
 * const socket = connect({ host: "127.0.0.1", port, servername: "localhost", ca: ca.certificate });
 * const [bytes] = await once(socket, "data");
 * console.log(new TextDecoder().decode(bytes)); // "hello over TLS"
 * socket.destroy();
 * server.close();
 * ```
 */
export function connect(options: TlsConnectOptions, onSecureConnect?: () => void): TLSSocket {
  if (options.socket !== undefined) {
    const secure = startTls(options.socket, options);
    if (onSecureConnect !== undefined) secure.once("secureConnect", onSecureConnect);
    return secure;
  }
  const socket = new TLSSocket(options);
  if (onSecureConnect !== undefined) socket.once("secureConnect", onSecureConnect);
  return socket.connect(options);
}

/**
 * Upgrades a connected plain socket to TLS (client side) and returns the TLS
 * socket that replaces it; `secureConnect` follows the handshake. Call it
 * from inside the `data` listener that read the last plaintext bytes (the
 * server's "go ahead"), or before any byte arrived: the plain socket stops
 * reading at once and hands over the bytes it read ahead. The plain socket is
 * left destroyed (it emits `close`); the connection lives on in the TLS socket.
 *
 * @param socket the connected plain socket
 * @param options what to trust and offer (as for {@linkcode connect}); the
 *   certificate is checked against `servername`, else the peer's address
 * @returns the TLS socket
 * @throws {NetError} `EINVAL` when `socket` is not connected
 *
 * @example STARTTLS
 * ```ts ignore
 * import { connect as connectPlain } from "../net/mod.ts";
 * import { startTls } from "./mod.ts";
 *
 * const plain = connectPlain({ host: "mail.example", port: 587 });
 * plain.write("STARTTLS\r\n");
 * plain.on("data", function onData(bytes) {
 *   if (!new TextDecoder().decode(bytes).startsWith("220")) return;
 *   plain.off("data", onData);
 *   const secure = startTls(plain, { servername: "mail.example" });
 *   secure.on("secureConnect", () => secure.write("EHLO me\r\n"));
 * });
 * ```
 */
export function startTls(socket: Socket, options: TlsClientSecureOptions = {}): TLSSocket {
  if (socket.conn === null || socket.destroyed) {
    throw new NetError("EINVAL", "startTls needs a connected socket", { syscall: "starttls" });
  }
  const host = options.servername ?? socket.remoteAddress ?? "localhost";
  const { conn, unread } = socket.release();
  const secure = new TLSSocket({ ...options, transport: socket.transport });
  secure.upgrade(conn, unread, host);
  return secure;
}
