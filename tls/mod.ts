/**
 * TLS for the chapter's programs, on Deno and on Node, over the runtimes' own
 * TLS: `createServer` (certificates by SNI, ALPN, client certificates,
 * reloading), `connect` (verification on by default, host names checked,
 * wirestack's own checks with `pinnedKeys` and `chainVerifier`), `startTls`,
 * and a `TLSSocket` with the `net` socket's API plus what the handshake
 * negotiated. Failures carry stable codes (`ERR_TLS_CERT_UNTRUSTED`,
 * `ERR_TLS_CERT_HOSTNAME`, `ERR_TLS_ALPN` ...) on every runtime.
 *
 * @example A TLS server and client with a development CA
 * ```ts
 * import { createDevCa, issueDevCertificate } from "../crypto/mod.ts";
 * import { type AddressInfo, once } from "../net/mod.ts";
 * import { connect, createServer } from "./mod.ts";
 *
 * const ca = await createDevCa();
 * const issued = await issueDevCertificate(ca);
 * const server = createServer({ cert: issued.chain, key: issued.privateKey, alpnProtocols: ["echo"] }, (socket) => {
 *   socket.on("data", (bytes) => socket.write(bytes));
 * });
 * server.listen(0, "127.0.0.1");
 * await once(server, "listening");
 *
 * const { port } = server.address() as AddressInfo;
 * const client = connect({ host: "localhost", port, ca: ca.certificate, alpnProtocols: ["echo"] });
 * await once(client, "secureConnect");
 * console.log(client.alpnProtocol); // "echo"
 * client.write("ping");
 * const [echoed] = await once(client, "data");
 * console.log(new TextDecoder().decode(echoed)); // "ping"
 * client.destroy();
 * server.close();
 * ```
 *
 * @module
 */

export * from "./options.ts";
export * from "./peer_checks.ts";
export * from "./tls_socket.ts";
export * from "./connect.ts";
export * from "./server.ts";
export * from "./dev_ca_store.ts";
export {
  NetError,
  type NetErrorCode,
  type TlsErrorCode,
  type TlsVersion,
} from "../adapters/mod.ts";
