/**
 * The frame encoder: one frame into one new buffer, payload masked when a key
 * is given.
 *
 * This module is browser compatible.
 *
 * @module
 */

import { buildFrame } from "./_build_frame.ts";
import { WebSocketError } from "./errors.ts";
import { FIN, RSV1 } from "./frame.ts";

/** What {@linkcode encodeFrame} writes. */
export interface EncodeFrameOptions {
  /** The opcode (see {@linkcode Opcode}). */
  opcode: number;
  /** The payload (copied; not modified). Default: empty. */
  payload?: Uint8Array;
  /** Whether this is the last frame of its message (default true). */
  fin?: boolean;
  /** The RSV1 bit (default false; permessage-deflate sets it on compressed messages). */
  rsv1?: boolean;
  /** A 4-byte masking key; clients must mask every frame. Default: unmasked. */
  maskKey?: Uint8Array;
}

/**
 * Encodes one frame into a new buffer: header, masking key, and the payload
 * (masked with the key when there is one).
 *
 * @param options the frame's fields
 * @returns the frame's bytes
 *
 * @example The "Hello" examples of RFC 6455 section 5.7
 * ```ts
 * import { encodeFrame } from "./frame_encoder.ts";
 * import { Opcode } from "./frame.ts";
 *
 * const payload = new TextEncoder().encode("Hello");
 * const unmasked = encodeFrame({ opcode: Opcode.TEXT, payload });
 * console.assert(unmasked.join() === "129,5,72,101,108,108,111");
 * const masked = encodeFrame({
 *   opcode: Opcode.TEXT,
 *   payload,
 *   maskKey: new Uint8Array([0x37, 0xfa, 0x21, 0x3d]),
 * });
 * console.assert(masked.join() === "129,133,55,250,33,61,127,159,77,81,88");
 * ```
 */
export function encodeFrame(options: EncodeFrameOptions): Uint8Array {
  const payload = options.payload ?? new Uint8Array(0);
  if ((options.opcode & 0xf) !== options.opcode) {
    throw new WebSocketError("ERR_INVALID_OPTION", `opcode ${options.opcode} is not 0-15`);
  }
  if (options.maskKey !== undefined && options.maskKey.length !== 4) {
    throw new WebSocketError("ERR_INVALID_OPTION", "a masking key has 4 bytes");
  }
  const maskKey = options.maskKey ?? null;
  const firstByte = ((options.fin ?? true) ? FIN : 0) | (options.rsv1 ? RSV1 : 0) |
    options.opcode;
  return buildFrame(firstByte, payload, 0, payload.length, maskKey);
}
