/**
 * The HTTP/1.1 core of wirestack (RFC 9110, RFC 9112), without I/O: bytes in,
 * events out; events in, bytes out. The HTTP server, client and proxy, and the
 * WebSocket handshake, are built on it.
 *
 * - {@linkcode Connection}: one connection from one side (`"server"` or
 *   `"client"`), with keep-alive, pipelining, `Expect: 100-continue`, the
 *   bodiless rules, CONNECT and Upgrade, through the state table of
 *   {@linkcode ConnectionState}.
 * - {@linkcode parseMessages}: parse captured bytes in one call; never throws.
 * - {@linkcode MessageReader}: one direction, for callers that need only that.
 * - Writers ({@linkcode writeRequest}, {@linkcode writeResponse},
 *   {@linkcode writeLastChunk}, {@linkcode encodeChunk}) that refuse header
 *   injection.
 * - {@linkcode HttpError}: every failure, with a stable `code`, the `status`
 *   a server answers, the byte `offset`, the `header` and the `char`.
 *
 * Strict by default: CL+TE, obs-fold in requests, bare CR, LF or NUL, space
 * before a colon, invalid tokens, bad targets, HTTP/2.0 are errors. Leniency
 * only through named options (`allowLfOnly`, `allowUnsafeTargetChars`), and
 * never for message framing. Every limit (`maxHeaderSize`, `maxHeaderCount`,
 * `maxTargetLength`, `maxChunkExtensionSize`, `maxTrailerSize`,
 * `maxBodySize`, `maxBufferedSize`) has a safe default.
 *
 * ## Contract of `Connection` for servers reading into one buffer
 *
 * - `receive(buffer.subarray(0, n))` borrows those bytes until `nextEvent()`
 *   returns `need-data`; read into the buffer again only then. What the
 *   connection keeps across calls is copied: only the unparsed start of a cut
 *   head (or chunk-size line, or trailer section).
 * - `data` events are views into the received bytes, valid until the next
 *   `receive()`; a complete small request is parsed without copying its body.
 * - `request` events carry `headers` as `[name, value]` pairs in wire order;
 *   turn them into objects only when a handler asks.
 * - `paused` means a request is complete and its response is not: answer it
 *   (`sendMessage(head, body)` returns head and body in one array: one
 *   write), then call `nextEvent()` again for the next pipelined request.
 * - Upgrade and CONNECT: after the 101 (or 2xx), `takeTrailingData()` returns
 *   the bytes that followed the request's head.
 * - A client `Connection` knows the method of its request (HEAD and CONNECT
 *   framing), gives each 1xx response as a message of its own, reads bodies
 *   delimited by close until `receiveEnd()`, and fails a head over the limit
 *   at once (never waits for more).
 *
 * This module is browser compatible.
 *
 * @example A server side, fed one request in two pieces
 * ```ts
 * import { Connection } from "./mod.ts";
 *
 * const text = new TextEncoder();
 * const http = new Connection("server");
 * http.receive(text.encode("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Le"));
 * console.assert(http.nextEvent().type === "need-data");
 * http.receive(text.encode("ngth: 5\r\n\r\nhello"));
 * const request = http.nextEvent();
 * const data = http.nextEvent();
 * console.assert(request.type === "request" && http.nextEvent().type === "end");
 * if (data.type === "data") {
 *   const bytes = http.sendMessage({ status: 200, headers: [["Content-Type", "text/plain"]] }, data.data);
 *   console.log(new TextDecoder().decode(bytes)); // one write: head and body
 * }
 * ```
 *
 * @module
 */

export { Connection, type ConnectionOptions } from "./connection.ts";
export { parseMessages } from "./parse_messages.ts";
export type {
  ParsedMessage,
  ParsedRequest,
  ParsedResponse,
  ParseOptions,
  ParseResult,
} from "./parse_messages.ts";
export {
  DEFAULT_READER_OPTIONS,
  MessageReader,
  type ReaderOptions,
  type ResolvedReaderOptions,
  resolveReaderOptions,
} from "./readers.ts";
export * from "./events.ts";
export * from "./errors.ts";
export * from "./state.ts";
export {
  type HeaderInit,
  type RequestHeadInit,
  type ResponseHeadInit,
  STATUS_TEXT,
  writeLastChunk,
  type WriteOptions,
  writeRequest,
  writeResponse,
} from "./writers.ts";
export { CHUNK_END, chunkHeader, encodeChunk, LAST_CHUNK } from "./chunked.ts";
export * from "./grammar.ts";
export * from "./host.ts";
