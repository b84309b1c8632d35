/**
 * The WebSocket protocol (RFC 6455) and its `permessage-deflate` extension
 * (RFC 7692) without I/O: bytes in, events out. The `ws/` layer drives it
 * over a transport; anything else (a browser, a test, another runtime) can too.
 *
 * This module is browser compatible.
 *
 * ## The pieces
 *
 * - Handshake, server: {@linkcode acceptHandshake} checks an upgrade request
 *   (method, version, headers as `[name, value]` pairs in wire order) and gives
 *   the `101` response headers, the subprotocol and the agreed
 *   `permessage-deflate` parameters; a bad request throws a
 *   {@linkcode WebSocketError} carrying the answer (`status` 400, 403 or 426,
 *   and `headers`).
 * - Handshake, client: {@linkcode createClientHandshake} gives the request's
 *   target and headers with a fresh key; {@linkcode verifyHandshakeResponse}
 *   checks the answer.
 * - Connection: {@linkcode WebSocketConnection} holds the framing state of one
 *   connection after the handshake (h11 style: `receive(bytes)` then
 *   `nextEvent()` until null, `takeOutput()` for the replies it made on its
 *   own; `send*`, `ping`, `pong`, `close` return frame bytes). The state table
 *   is {@linkcode TRANSITIONS}.
 * - Lower level: {@linkcode FrameDecoder} (incremental, any split),
 *   {@linkcode encodeFrame}, {@linkcode writeFrameHeader}, {@linkcode mask},
 *   {@linkcode Utf8Validator}, {@linkcode isValidCloseCode}.
 * - Compression: the connection compresses and inflates through the small
 *   {@linkcode DeflateProvider} interface; `ws/deflate.ts` provides one.
 * - Broadcast: a {@linkcode PreparedMessage} is encoded once;
 *   `connection.sendPrepared(message)` returns the shared bytes.
 *
 * ## Driving a connection (what `ws/` does)
 *
 * 1. Read the upgrade request with the HTTP/1.1 parser, call
 *    `acceptHandshake`, write `HTTP/1.1 101 Switching Protocols` with the
 *    returned headers (or the error's `status` and `headers`, then close).
 * 2. Create `new WebSocketConnection({ role: "server", perMessageDeflate:
 *    accepted.perMessageDeflate, deflate, maxPayload })`. Bytes that arrived
 *    after the request's head belong to the connection: `receive` them first.
 * 3. For each read: `receive(bytes)`; drain `nextEvent()`; write
 *    `takeOutput()` when it is not null.
 * 4. To send, write what `sendText`, `sendBinary`, `send`, `ping` or `close`
 *    return, in the order they were called.
 * 5. When `state` becomes `"closed"` (a close event says why), a server closes
 *    the transport once the output is written; a client waits a little for the
 *    server to close first. On end of stream or a network error, call
 *    `receiveEnd()` (a close event with code 1006 follows unless the close
 *    handshake already finished).
 *
 * @example A client and a server connection talking through memory
 * ```ts
 * import {
 *   acceptHandshake,
 *   createClientHandshake,
 *   verifyHandshakeResponse,
 *   WebSocketConnection,
 * } from "./mod.ts";
 *
 * const request = createClientHandshake({ url: "ws://localhost:8080/chat", protocols: ["chat"] });
 * const accepted = acceptHandshake(
 *   { method: "GET", httpVersion: "1.1", headers: request.headers },
 *   { protocols: ["chat"] },
 * );
 * const agreed = verifyHandshakeResponse(request, { status: 101, headers: accepted.headers });
 * console.assert(agreed.protocol === "chat");
 *
 * const client = new WebSocketConnection({ role: "client" });
 * const server = new WebSocketConnection({ role: "server" });
 * server.receive(client.sendText("hello"));
 * const event = server.nextEvent();
 * console.assert(event?.type === "text" && new TextDecoder().decode(event.data) === "hello");
 *
 * server.receive(client.close(1000));
 * console.assert(server.nextEvent()?.type === "close" && server.state === "closed");
 * client.receive(server.takeOutput()!);
 * console.assert(client.nextEvent()?.type === "close" && client.state === "closed");
 * ```
 *
 * @module
 */

export * from "./accept_key.ts";
export * from "./close_codes.ts";
export * from "./connection.ts";
export * from "./deflate.ts";
export * from "./errors.ts";
export * from "./events.ts";
export * from "./extensions.ts";
export * from "./frame.ts";
export * from "./frame_decoder.ts";
export * from "./frame_encoder.ts";
export * from "./handshake_client.ts";
export * from "./handshake_server.ts";
export * from "./mask.ts";
export * from "./permessage_deflate.ts";
export * from "./prepared_message.ts";
export * from "./state.ts";
export * from "./utf8.ts";
