/**
 * The base framing protocol (RFC 6455 section 5.2): opcodes, the bits of the
 * first header byte, header sizes, and the header writer.
 *
 * A header is written from its first byte (FIN, RSV and opcode bits together,
 * e.g. `FIN | Opcode.TEXT`), the payload length, and an optional masking key:
 *
 * ```
 *  0                   1                   2                   3
 * +-+-+-+-+-------+-+-------------+-------------------------------+
 * |F|R|R|R| opcode|M| Payload len |    Extended payload length    |
 * |I|S|S|S|  (4)  |A|     (7)     |        (16 or 64 bits)        |
 * |N|V|V|V|       |S|             |                               |
 * +-+-+-+-+-------+-+-------------+-------------------------------+
 * ```
 *
 * This module is browser compatible.
 *
 * @module
 */

/**
 * Frame opcodes (RFC 6455 section 5.2); 3-7 and 11-15 are reserved.
 *
 * @example
 * ```ts
 * import { Opcode } from "./frame.ts";
 *
 * console.assert(Opcode.TEXT === 1 && Opcode.PONG === 0xa);
 * ```
 */
export const Opcode = {
  /** 0x0: a continuation of a fragmented message. */
  CONTINUATION: 0x0,
  /** 0x1: the first frame of a text message. */
  TEXT: 0x1,
  /** 0x2: the first frame of a binary message. */
  BINARY: 0x2,
  /** 0x8: a Close control frame. */
  CLOSE: 0x8,
  /** 0x9: a Ping control frame. */
  PING: 0x9,
  /** 0xA: a Pong control frame. */
  PONG: 0xa,
} as const;

/**
 * The FIN bit of the first header byte: the last frame of a message.
 *
 * @example
 * ```ts
 * import { FIN } from "./frame.ts";
 *
 * console.assert((0x81 & FIN) !== 0);
 * ```
 */
export const FIN = 0x80;
/**
 * The RSV1 bit (permessage-deflate: the message is compressed).
 *
 * @example
 * ```ts
 * import { RSV1 } from "./frame.ts";
 *
 * console.assert((0xc1 & RSV1) !== 0);
 * ```
 */
export const RSV1 = 0x40;
/**
 * The RSV2 bit (no extension of wirestack uses it).
 *
 * @example
 * ```ts
 * import { RSV2 } from "./frame.ts";
 *
 * console.assert((0xa1 & RSV2) !== 0);
 * ```
 */
export const RSV2 = 0x20;
/**
 * The RSV3 bit (no extension of wirestack uses it).
 *
 * @example
 * ```ts
 * import { RSV3 } from "./frame.ts";
 *
 * console.assert((0x91 & RSV3) !== 0);
 * ```
 */
export const RSV3 = 0x10;

/**
 * The longest payload of a control frame (RFC 6455 section 5.5).
 *
 * @example
 * ```ts
 * import { MAX_CONTROL_PAYLOAD } from "./frame.ts";
 *
 * console.assert(MAX_CONTROL_PAYLOAD === 125);
 * ```
 */
export const MAX_CONTROL_PAYLOAD = 125;

/**
 * The largest header: 2 bytes, a 64-bit length, a masking key.
 *
 * @example
 * ```ts
 * import { MAX_HEADER_SIZE } from "./frame.ts";
 *
 * console.assert(MAX_HEADER_SIZE === 2 + 8 + 4);
 * ```
 */
export const MAX_HEADER_SIZE = 14;

/**
 * Whether an opcode is a control opcode (Close, Ping, Pong and the reserved 0xB-0xF).
 *
 * @param opcode the opcode
 * @returns true for 0x8 to 0xF
 *
 * @example
 * ```ts
 * import { isControlOpcode, Opcode } from "./frame.ts";
 *
 * console.assert(isControlOpcode(Opcode.PING));
 * console.assert(!isControlOpcode(Opcode.TEXT));
 * ```
 */
export function isControlOpcode(opcode: number): boolean {
  return (opcode & 0x8) !== 0;
}

/**
 * The size of a frame header: 2, 4 or 10 bytes, plus 4 for a masking key.
 *
 * @param payloadLength the payload length in bytes
 * @param masked whether a masking key follows the length
 * @returns the header size in bytes
 *
 * @example
 * ```ts
 * import { frameHeaderSize } from "./frame.ts";
 *
 * console.assert(frameHeaderSize(125, false) === 2);
 * console.assert(frameHeaderSize(126, true) === 8);
 * console.assert(frameHeaderSize(65536, false) === 10);
 * ```
 */
export function frameHeaderSize(payloadLength: number, masked: boolean): number {
  const base = payloadLength < 126 ? 2 : payloadLength < 65536 ? 4 : 10;
  return masked ? base + 4 : base;
}

/**
 * Writes a frame header at `target[offset]`, using the minimal length encoding.
 *
 * @param target where to write (at least {@linkcode frameHeaderSize} bytes from `offset`)
 * @param offset the position of the header
 * @param firstByte FIN, RSV and opcode bits, e.g. `FIN | Opcode.BINARY`
 * @param payloadLength the payload length in bytes
 * @param maskKey the 4-byte masking key, or `null` for an unmasked frame
 * @returns the header size in bytes
 *
 * @example A masked text frame header for 5 bytes
 * ```ts
 * import { FIN, Opcode, writeFrameHeader } from "./frame.ts";
 *
 * const header = new Uint8Array(6);
 * const size = writeFrameHeader(header, 0, FIN | Opcode.TEXT, 5, new Uint8Array([1, 2, 3, 4]));
 * console.assert(size === 6 && header[0] === 0x81 && header[1] === 0x85);
 * ```
 */
export function writeFrameHeader(
  target: Uint8Array,
  offset: number,
  firstByte: number,
  payloadLength: number,
  maskKey: Uint8Array | null,
): number {
  const maskBit = maskKey === null ? 0 : 0x80;
  target[offset] = firstByte;
  let at = offset + 2;
  if (payloadLength < 126) {
    target[offset + 1] = maskBit | payloadLength;
  } else if (payloadLength < 65536) {
    target[offset + 1] = maskBit | 126;
    target[offset + 2] = payloadLength >>> 8;
    target[offset + 3] = payloadLength & 0xff;
    at += 2;
  } else {
    target[offset + 1] = maskBit | 127;
    const high = Math.floor(payloadLength / 0x100000000);
    target[offset + 2] = high >>> 24;
    target[offset + 3] = (high >>> 16) & 0xff;
    target[offset + 4] = (high >>> 8) & 0xff;
    target[offset + 5] = high & 0xff;
    target[offset + 6] = payloadLength >>> 24;
    target[offset + 7] = (payloadLength >>> 16) & 0xff;
    target[offset + 8] = (payloadLength >>> 8) & 0xff;
    target[offset + 9] = payloadLength & 0xff;
    at += 8;
  }
  if (maskKey !== null) {
    target[at] = maskKey[0];
    target[at + 1] = maskKey[1];
    target[at + 2] = maskKey[2];
    target[at + 3] = maskKey[3];
    at += 4;
  }
  return at - offset;
}
