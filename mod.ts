/**
 * wirestack: a portable network stack in TypeScript for Deno and Node.
 *
 * The top level gathers every area as a namespace, the way Node splits `net`,
 * `http` and `tls` into modules of their own (names such as `createServer`
 * repeat across them). Each area is also a subpath of its own:
 * `wirestack/adapters`, `wirestack/crypto`, `wirestack/http`, `wirestack/https`, `wirestack/tls`,
 * `wirestack/protocols/http1`,
 * `wirestack/protocols/websocket`.
 *
 * @example
 * ```ts
 * import { adapters, http1 } from "./mod.ts";
 *
 * const listener = await adapters.transport.listen({ port: 0, hostname: "127.0.0.1" });
 * listener.close();
 * const { messages } = http1.parseMessages("request", new TextEncoder().encode("GET / HTTP/1.1\r\nHost: a\r\n\r\n"));
 * console.log(messages[0].method); // "GET"
 * ```
 *
 * @module
 */

/** The runtime adapters (the transport contract and its Deno and Node bindings). */
export * as adapters from "./adapters/mod.ts";
/** TCP: the chapter's `net` module (servers, sockets, Happy Eyeballs). */
export * as net from "./net/mod.ts";
/** UDP: the chapter's `dgram` module. */
export * as dgram from "./dgram/mod.ts";
/** HTTP/1.1: servers (`createServer`, `serve`), the client (`request`, `fetch`, `Agent`) and the proxy. */
export * as http from "./http/mod.ts";
/** HTTPS: the chapter's `https` module (`createServer`, `request`, `get`, `Agent`, `serve`). */
export * as https from "./https/mod.ts";
/** Keys, X.509 certificates, chain verification and a development CA. */
export * as crypto from "./crypto/mod.ts";
/** TLS: the chapter's `tls` module (servers, clients, SNI, ALPN, mutual TLS). */
export * as tls from "./tls/mod.ts";
/** The HTTP/1.1 core (sans-I/O). */
export * as http1 from "./protocols/http1/mod.ts";
/** The WebSocket core (sans-I/O). */
export * as websocket from "./protocols/websocket/mod.ts";
export * as ws from "./ws/mod.ts";
