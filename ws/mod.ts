/**
 * WebSocket over wirestack's HTTP server and client, on Deno and Node: the
 * WHATWG {@linkcode WebSocket} (client, and the server side's socket),
 * {@linkcode WebSocketStream}, {@linkcode upgradeWebSocket} for `serve()`,
 * {@linkcode WebSocketServer} for `createServer`'s `upgrade` event,
 * {@linkcode broadcast}, `permessage-deflate` with context takeover, a
 * heartbeat, limits, and close events that say why. The protocol itself is
 * `protocols/websocket/` (sans-I/O).
 *
 * @example An echo server and a client talking to it
 * ```ts
 * import { serve } from "../http/mod.ts";
 * import { upgradeWebSocket, WebSocket } from "./mod.ts";
 *
 * const server = serve({ port: 0, hostname: "127.0.0.1" }, (request) => {
 *   const { socket, response } = upgradeWebSocket(request);
 *   socket.onmessage = (event) => socket.send(event.data);
 *   return response;
 * });
 * await server.listening;
 * const client = new WebSocket(`ws://127.0.0.1:${server.addr.port}/`);
 * const echoed = await new Promise((resolve) => {
 *   client.onopen = () => client.send("hello");
 *   client.onmessage = (event) => resolve(event.data);
 * });
 * console.assert(echoed === "hello");
 * await new Promise((resolve) => {
 *   client.onclose = resolve;
 *   client.close(1000);
 * });
 * await server.shutdown();
 * ```
 *
 * @module
 */

export {
  type BinaryType,
  type Handler,
  WebSocket,
  type WebSocketClientOptions,
  type WebSocketData,
} from "./websocket.ts";
export * from "./stream.ts";
export * from "./upgrade.ts";
export * from "./events.ts";
export * from "./options.ts";
export * from "./deflate.ts";
export {
  type AcceptHandshakeOptions,
  type DeflateProvider,
  type PerMessageDeflateOptions,
  PreparedMessage,
  type PreparedMessageOptions,
  type RawDeflateOptions,
  type RawDeflater,
  type RawInflater,
  WebSocketError,
  type WebSocketErrorCode,
  type WebSocketErrorOptions,
} from "../protocols/websocket/mod.ts";
