/**
 * The incremental frame decoder: bytes in any split (one byte at a time
 * included), frames out, each checked against the framing rules of RFC 6455
 * section 5 that need no knowledge of the message in progress:
 *
 * - reserved opcodes (0x3-0x7, 0xB-0xF) are refused;
 * - RSV bits are refused unless an extension gave them a meaning (RSV1 with
 *   permessage-deflate, and then only on the first frame of a data message);
 * - control frames must have FIN set and at most 125 bytes of payload;
 * - a server refuses unmasked frames, a client refuses masked ones;
 * - a 64-bit length must have its most significant bit clear, and lengths must
 *   use the minimal encoding ("the minimal number of bytes MUST be used to
 *   encode the length", section 5.2) unless `allowNonMinimalLength` is set.
 *
 * The decoder reports to a {@linkcode FrameSink}: `frameStart` once the header is
 * complete (the decoder's fields describe the frame), `framePayload` for each
 * piece of payload as it arrives (still masked: the sink unmasks where it copies,
 * using {@linkcode FrameDecoder.maskKey} and {@linkcode FrameDecoder.payloadOffset}),
 * and `frameEnd`. Payload pieces are views of the input, valid during the call.
 * The decoder never copies payload bytes, never modifies its input, and
 * allocates nothing per frame.
 *
 * This module is browser compatible.
 *
 * @module
 */

import { WebSocketError, type WebSocketErrorCode } from "./errors.ts";
import { MAX_CONTROL_PAYLOAD, RSV1 } from "./frame.ts";

/** Receives what a {@linkcode FrameDecoder} reads. */
export interface FrameSink {
  /** A header is complete; the decoder's fields describe the frame. */
  frameStart(decoder: FrameDecoder): void;
  /**
   * A piece of the payload, `bytes[start..end)`, still masked. It begins at
   * payload offset `decoder.payloadOffset`.
   */
  framePayload(bytes: Uint8Array, start: number, end: number): void;
  /** The frame's payload is complete. */
  frameEnd(): void;
}

/** Options of a {@linkcode FrameDecoder}. */
export interface FrameDecoderOptions {
  /**
   * Whose frames are decoded: a `"server"` receives a client's frames, which must
   * be masked; a `"client"` receives a server's, which must not be.
   */
  role: "server" | "client";
  /**
   * Whether RSV1 may be set on the first frame of a data message (true when
   * permessage-deflate was negotiated). Default false.
   */
  allowRsv1?: boolean;
  /**
   * Accepts lengths encoded in more bytes than needed (such as 5 in 16 bits).
   * RFC 6455 forbids them; default false.
   */
  allowNonMinimalLength?: boolean;
  /** Frames longer than this fail with `ERR_MESSAGE_TOO_BIG` (default 2^53 - 1). */
  maxFrameLength?: number;
}

const HEADER = 0;
const PAYLOAD = 1;
const FAILED = 2;

/**
 * Decodes frames from bytes that arrive in any split.
 *
 * @example Reading a masked frame one byte at a time
 * ```ts
 * import { FrameDecoder, type FrameSink } from "./frame_decoder.ts";
 * import { mask } from "./mask.ts";
 *
 * const frame = new Uint8Array([0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58]);
 * const payload = new Uint8Array(5);
 * const decoder = new FrameDecoder({ role: "server" });
 * const sink: FrameSink = {
 *   frameStart: (d) => console.assert(d.fin && d.opcode === 1 && d.payloadLength === 5),
 *   framePayload: (bytes, start, end) => {
 *     const at = decoder.payloadOffset;
 *     payload.set(bytes.subarray(start, end), at);
 *     mask(payload, decoder.maskKey, at, at + end - start, at);
 *   },
 *   frameEnd: () => console.assert(new TextDecoder().decode(payload) === "Hello"),
 * };
 * for (const byte of frame) decoder.decode(new Uint8Array([byte]), sink);
 * ```
 */
export class FrameDecoder {
  /** The current frame's FIN bit. */
  fin = false;
  /** The current frame's RSV bits, in place (`0x40` is RSV1). */
  rsv = 0;
  /** The current frame's opcode. */
  opcode = 0;
  /** Whether the current frame is masked. */
  masked = false;
  /** The current frame's masking key (meaningful when `masked`). */
  readonly maskKey: Uint8Array = new Uint8Array(4);
  /** The current frame's payload length. */
  payloadLength = 0;
  /** How many payload bytes of the current frame were delivered before the current piece. */
  payloadOffset = 0;

  readonly #expectMasked: boolean;
  readonly #allowRsv1: boolean;
  readonly #allowNonMinimal: boolean;
  readonly #maxFrameLength: number;
  readonly #header = new Uint8Array(14);
  #headerHave = 0;
  #state = HEADER;
  #remaining = 0;

  /**
   * Creates a decoder.
   *
   * @param options the role and the extension-given leniencies
   */
  constructor(options: FrameDecoderOptions) {
    this.#expectMasked = options.role === "server";
    this.#allowRsv1 = options.allowRsv1 ?? false;
    this.#allowNonMinimal = options.allowNonMinimalLength ?? false;
    this.#maxFrameLength = options.maxFrameLength ?? Number.MAX_SAFE_INTEGER;
  }

  /** Whether the decoder stopped at a frame boundary (no header or payload half read). */
  get atFrameBoundary(): boolean {
    return this.#state === HEADER && this.#headerHave === 0;
  }

  /**
   * Decodes `chunk`, reporting to `sink`. After an error (a `WebSocketError`
   * thrown from here or from the sink) the decoder refuses further input.
   *
   * @param chunk the next bytes from the peer (not modified, not kept)
   * @param sink what receives the frames
   */
  decode(chunk: Uint8Array, sink: FrameSink): void {
    if (this.#state === FAILED) {
      throw new WebSocketError("ERR_INVALID_STATE", "the frame decoder failed earlier");
    }
    try {
      this.#decode(chunk, sink);
    } catch (error) {
      this.#state = FAILED;
      throw error;
    }
  }

  #decode(chunk: Uint8Array, sink: FrameSink): void {
    const end = chunk.length;
    let pos = 0;
    while (pos < end) {
      if (this.#state === PAYLOAD) {
        const n = Math.min(this.#remaining, end - pos);
        sink.framePayload(chunk, pos, pos + n);
        pos += n;
        this.payloadOffset += n;
        this.#remaining -= n;
        if (this.#remaining === 0) {
          this.#state = HEADER;
          sink.frameEnd();
        }
        continue;
      }
      // A header. Fast path: all of it is in this chunk.
      if (this.#headerHave === 0 && end - pos >= 2) {
        const size = this.#headerSize(chunk[pos], chunk[pos + 1]);
        if (end - pos >= size) {
          this.#parseHeader(chunk, pos);
          pos += size;
          this.#startFrame(sink);
          continue;
        }
      }
      // Slow path: gather the header in our own buffer.
      const header = this.#header;
      while (pos < end && this.#headerHave < 2) header[this.#headerHave++] = chunk[pos++];
      if (this.#headerHave < 2) return;
      const size = this.#headerSize(header[0], header[1]);
      while (pos < end && this.#headerHave < size) header[this.#headerHave++] = chunk[pos++];
      if (this.#headerHave < size) return;
      this.#parseHeader(header, 0);
      this.#headerHave = 0;
      this.#startFrame(sink);
    }
  }

  /** Checks the first two bytes and returns the whole header's size. */
  #headerSize(b0: number, b1: number): number {
    const opcode = b0 & 0x0f;
    const rsv = b0 & 0x70;
    if ((opcode > 0x2 && opcode < 0x8) || opcode > 0xa) {
      fail("ERR_RESERVED_OPCODE", `reserved opcode 0x${opcode.toString(16)}`);
    }
    if (rsv !== 0) {
      const dataStart = opcode === 0x1 || opcode === 0x2;
      if (rsv !== RSV1 || !this.#allowRsv1 || !dataStart) {
        fail(
          "ERR_RESERVED_BITS",
          `RSV bits 0x${rsv.toString(16)} set on a frame with opcode 0x${opcode.toString(16)}` +
            (this.#allowRsv1 ? "" : " and no extension negotiated"),
        );
      }
    }
    const len7 = b1 & 0x7f;
    if (opcode >= 0x8) {
      if ((b0 & 0x80) === 0) fail("ERR_FRAGMENTED_CONTROL_FRAME", "a control frame without FIN");
      if (len7 > MAX_CONTROL_PAYLOAD) {
        fail("ERR_CONTROL_FRAME_TOO_LONG", "a control frame longer than 125 bytes");
      }
    }
    const masked = (b1 & 0x80) !== 0;
    if (masked !== this.#expectMasked) {
      if (masked) fail("ERR_MASKED_FRAME", "a server sent a masked frame");
      fail("ERR_UNMASKED_FRAME", "a client sent an unmasked frame");
    }
    return 2 + (len7 === 126 ? 2 : len7 === 127 ? 8 : 0) + (masked ? 4 : 0);
  }

  #parseHeader(bytes: Uint8Array, at: number): void {
    const b0 = bytes[at];
    const b1 = bytes[at + 1];
    this.fin = (b0 & 0x80) !== 0;
    this.rsv = b0 & 0x70;
    this.opcode = b0 & 0x0f;
    this.masked = (b1 & 0x80) !== 0;
    let length = b1 & 0x7f;
    let next = at + 2;
    if (length === 126) {
      length = (bytes[next] << 8) | bytes[next + 1];
      next += 2;
      if (length < 126 && !this.#allowNonMinimal) {
        fail("ERR_NON_MINIMAL_LENGTH", `length ${length} encoded in 16 bits`);
      }
    } else if (length === 127) {
      const high = ((bytes[next] << 24) | (bytes[next + 1] << 16) | (bytes[next + 2] << 8) |
        bytes[next + 3]) >>> 0;
      const low = ((bytes[next + 4] << 24) | (bytes[next + 5] << 16) | (bytes[next + 6] << 8) |
        bytes[next + 7]) >>> 0;
      next += 8;
      if (high >= 0x80000000) {
        fail("ERR_LENGTH_TOO_LARGE", "a 64-bit length with its most significant bit set");
      }
      if (high > 0x1fffff) {
        fail("ERR_MESSAGE_TOO_BIG", "a frame longer than 2^53 - 1 bytes", 1009);
      }
      length = high * 0x100000000 + low;
      if (length < 65536 && !this.#allowNonMinimal) {
        fail("ERR_NON_MINIMAL_LENGTH", `length ${length} encoded in 64 bits`);
      }
    }
    if (length > this.#maxFrameLength) {
      fail(
        "ERR_MESSAGE_TOO_BIG",
        `a frame of ${length} bytes (limit ${this.#maxFrameLength})`,
        1009,
      );
    }
    if (this.masked) {
      this.maskKey[0] = bytes[next];
      this.maskKey[1] = bytes[next + 1];
      this.maskKey[2] = bytes[next + 2];
      this.maskKey[3] = bytes[next + 3];
    }
    this.payloadLength = length;
    this.payloadOffset = 0;
  }

  #startFrame(sink: FrameSink): void {
    sink.frameStart(this);
    if (this.payloadLength === 0) {
      sink.frameEnd();
    } else {
      this.#remaining = this.payloadLength;
      this.#state = PAYLOAD;
    }
  }
}

function fail(code: WebSocketErrorCode, message: string, closeCode = 1002): never {
  throw new WebSocketError(code, message, { closeCode });
}
