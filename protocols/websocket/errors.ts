/**
 * The one error class of the WebSocket area, with stable string codes.
 *
 * This module is browser compatible.
 *
 * @module
 */

/**
 * The stable codes a {@linkcode WebSocketError} carries.
 *
 * - `ERR_HANDSHAKE_*`: an opening handshake that breaks RFC 6455 section 4 (on a
 *   server, the error also says which HTTP answer to give).
 * - `ERR_INVALID_*`, `ERR_CLOSE_*` and `ERR_INVALID_STATE`: a local call with bad
 *   arguments or at the wrong time.
 * - The rest: a peer that broke the framing rules; the error names the close code
 *   the connection was closed with (1002, 1007, 1009 or 1011).
 */
export type WebSocketErrorCode =
  // Opening handshake, both roles
  | "ERR_HANDSHAKE_METHOD"
  | "ERR_HANDSHAKE_HTTP_VERSION"
  | "ERR_HANDSHAKE_HOST"
  | "ERR_HANDSHAKE_UPGRADE"
  | "ERR_HANDSHAKE_CONNECTION"
  | "ERR_HANDSHAKE_KEY"
  | "ERR_HANDSHAKE_VERSION"
  | "ERR_HANDSHAKE_PROTOCOL"
  | "ERR_HANDSHAKE_EXTENSIONS"
  | "ERR_HANDSHAKE_DUPLICATE_HEADER"
  | "ERR_HANDSHAKE_ORIGIN"
  | "ERR_HANDSHAKE_STATUS"
  | "ERR_HANDSHAKE_ACCEPT"
  // Local misuse
  | "ERR_INVALID_URL"
  | "ERR_INVALID_HEADER"
  | "ERR_INVALID_PROTOCOL"
  | "ERR_INVALID_OPTION"
  | "ERR_INVALID_CLOSE_CODE"
  | "ERR_CLOSE_REASON_TOO_LONG"
  | "ERR_CONTROL_PAYLOAD_TOO_LONG"
  | "ERR_INVALID_STATE"
  | "ERR_INVALID_TEXT"
  // Peer broke the framing rules (close 1002)
  | "ERR_RESERVED_BITS"
  | "ERR_RESERVED_OPCODE"
  | "ERR_FRAGMENTED_CONTROL_FRAME"
  | "ERR_CONTROL_FRAME_TOO_LONG"
  | "ERR_UNMASKED_FRAME"
  | "ERR_MASKED_FRAME"
  | "ERR_LENGTH_TOO_LARGE"
  | "ERR_NON_MINIMAL_LENGTH"
  | "ERR_UNEXPECTED_CONTINUATION"
  | "ERR_EXPECTED_CONTINUATION"
  | "ERR_INVALID_CLOSE_PAYLOAD"
  | "ERR_CLOSE_CODE_NOT_ALLOWED"
  // Peer sent bad data (close 1007)
  | "ERR_INVALID_UTF8"
  | "ERR_INVALID_COMPRESSED_DATA"
  // Peer sent too much (close 1009)
  | "ERR_MESSAGE_TOO_BIG"
  // Our own failure (close 1011)
  | "ERR_INTERNAL"
  // Raised by the I/O layer (ws/) about a live connection
  | "ERR_HEARTBEAT_TIMEOUT"
  | "ERR_CLOSE_TIMEOUT"
  | "ERR_SLOW_CONSUMER"
  | "ERR_CONNECTION_CLOSED";

/** What a {@linkcode WebSocketError} may carry besides its code and message. */
export interface WebSocketErrorOptions {
  /** The close code sent to the peer because of this error (1002, 1007, 1009, 1011). */
  closeCode?: number;
  /** For a server-side handshake failure: the HTTP status to answer with (400 or 426). */
  status?: number;
  /** For a server-side handshake failure: the headers to answer with. */
  headers?: Array<[string, string]>;
  /** The underlying error, when there is one. */
  cause?: unknown;
}

/**
 * A WebSocket failure. `code` is stable across releases; `message` says what was
 * wrong and names the offending header, frame or value.
 *
 * @example Answering a bad upgrade request
 * ```ts
 * import { acceptHandshake, WebSocketError } from "./mod.ts";
 *
 * try {
 *   acceptHandshake({ method: "POST", httpVersion: "1.1", headers: [] });
 * } catch (error) {
 *   if (error instanceof WebSocketError) {
 *     console.assert(error.code === "ERR_HANDSHAKE_METHOD");
 *     console.assert(error.status === 400);
 *   }
 * }
 * ```
 */
export class WebSocketError extends Error {
  /** The stable error code. */
  readonly code: WebSocketErrorCode;
  /** The close code sent because of this error, for errors that closed a connection. */
  readonly closeCode?: number;
  /** For a server-side handshake failure: the HTTP status to answer with. */
  readonly status?: number;
  /** For a server-side handshake failure: the headers to answer with. */
  readonly headers?: Array<[string, string]>;

  /**
   * Creates a WebSocket error.
   *
   * @param code the stable code
   * @param message what happened, naming the offending thing
   * @param options the close code, HTTP answer, or cause that go with it
   */
  constructor(code: WebSocketErrorCode, message: string, options: WebSocketErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "WebSocketError";
    this.code = code;
    if (options.closeCode !== undefined) this.closeCode = options.closeCode;
    if (options.status !== undefined) this.status = options.status;
    if (options.headers !== undefined) this.headers = options.headers;
  }
}
