/**
 * A message encoded once for many receivers: the broadcast helper. A server
 * sends unmasked frames, so every connection without compression can write
 * the very same bytes; connections that compress without context takeover
 * share one compressed frame per window size (see
 * `WebSocketConnection.sendPrepared`).
 *
 * This module is browser compatible.
 *
 * @module
 */

import { buildFrame } from "./_build_frame.ts";
import { WebSocketError } from "./errors.ts";
import { FIN, Opcode } from "./frame.ts";
import { isValidUtf8 } from "./utf8.ts";

/** Options of a {@linkcode PreparedMessage}. */
export interface PreparedMessageOptions {
  /** Whether the message is binary (default: true for bytes, false for a string). */
  binary?: boolean;
}

/**
 * A message prepared for broadcast.
 *
 * @example One frame for every connection
 * ```ts
 * import { PreparedMessage, WebSocketConnection } from "./mod.ts";
 *
 * const connections = [1, 2, 3].map(() => new WebSocketConnection({ role: "server" }));
 * const message = new PreparedMessage("tick");
 * const frames = connections.map((connection) => connection.sendPrepared(message));
 * console.assert(frames.every((frame) => frame === message.frame));
 * ```
 */
export class PreparedMessage {
  /** Whether the message is binary. */
  readonly binary: boolean;
  /** The payload. */
  readonly data: Uint8Array;
  /** The uncompressed, unmasked frame (what a server without compression writes). */
  readonly frame: Uint8Array;

  /**
   * Encodes the message once.
   *
   * @param data a string (text) or bytes (binary, or text with `binary: false`)
   * @param options the message type
   * @throws {WebSocketError} `ERR_INVALID_TEXT` for bytes sent as text that are not UTF-8
   */
  constructor(data: string | Uint8Array, options: PreparedMessageOptions = {}) {
    const isString = typeof data === "string";
    this.binary = options.binary ?? !isString;
    this.data = isString ? new TextEncoder().encode(data) : data;
    if (!this.binary && !isString && !isValidUtf8(this.data)) {
      throw new WebSocketError("ERR_INVALID_TEXT", "text to send is not valid UTF-8");
    }
    const opcode = this.binary ? Opcode.BINARY : Opcode.TEXT;
    this.frame = buildFrame(FIN | opcode, this.data, 0, this.data.length, null);
  }
}
