/**
 * The receiving half of a connection: turns the frames a {@linkcode FrameDecoder}
 * reads into messages and control frames. It checks the rules that need the
 * message in progress (continuations, `maxPayload`, UTF-8 of text as it
 * arrives), unmasks while it copies, and inflates compressed messages into the
 * message buffer with the room capped at `maxPayload` + 1, so a zip bomb stops
 * at the cap.
 *
 * This module is browser compatible.
 *
 * @module
 */

import { allocate } from "./_alloc.ts";
import { WebSocketError, type WebSocketErrorCode } from "./errors.ts";
import { MAX_CONTROL_PAYLOAD, Opcode, RSV1 } from "./frame.ts";
import type { FrameDecoder, FrameSink } from "./frame_decoder.ts";
import type { RawInflater } from "./deflate.ts";
import { mask } from "./mask.ts";
import { Utf8Validator } from "./utf8.ts";

/** Where the reader delivers what it assembled. */
export interface ReaderHost {
  /** A complete data message; `data` is owned by the receiver. */
  message(opcode: number, data: Uint8Array): void;
  /** A complete control frame; `data` is owned by the receiver. */
  control(opcode: number, data: Uint8Array): void;
}

/** Options of a {@linkcode MessageReader}. */
export interface MessageReaderOptions {
  /** The largest message, counted after inflation. */
  maxPayload: number;
  /** Makes the inflater on the first compressed message (null: no permessage-deflate). */
  createInflater: (() => RawInflater) | null;
  /** Whether the peer resets its compression history after each message. */
  peerNoContextTakeover: boolean;
  /** Whether binary messages get an `ArrayBuffer` of their own (see the connection option). */
  binaryOwnsBuffer: boolean;
}

const EMPTY = new Uint8Array(0);
const DEFLATE_TAIL = new Uint8Array([0x00, 0x00, 0xff, 0xff]);
/** Below this size a loop copies faster than `subarray` + `set`. */
const SMALL_COPY = 32;

function fail(
  code: WebSocketErrorCode,
  message: string,
  closeCode: number,
  cause?: unknown,
): never {
  throw new WebSocketError(code, message, { closeCode, cause });
}

/** Assembles messages from decoded frames. */
export class MessageReader implements FrameSink {
  readonly #host: ReaderHost;
  readonly #maxPayload: number;
  readonly #createInflater: (() => RawInflater) | null;
  readonly #resetInflater: boolean;
  readonly #binaryOwnsBuffer: boolean;
  #inflater: RawInflater | null = null;
  #decoder: FrameDecoder | null = null;

  // The frame being read.
  #control = false;
  readonly #controlBuffer = new Uint8Array(MAX_CONTROL_PAYLOAD);
  #controlSize = 0;
  #scratch = EMPTY;

  // The message being assembled (opcode 0: none).
  #opcode = 0;
  #compressed = false;
  #buffer = EMPTY;
  #size = 0;
  readonly #utf8 = new Utf8Validator();

  constructor(host: ReaderHost, options: MessageReaderOptions) {
    this.#host = host;
    this.#maxPayload = options.maxPayload;
    this.#createInflater = options.createInflater;
    this.#resetInflater = options.peerNoContextTakeover;
    this.#binaryOwnsBuffer = options.binaryOwnsBuffer;
  }

  /** Whether a fragmented message is half received. */
  get inMessage(): boolean {
    return this.#opcode !== 0;
  }

  frameStart(decoder: FrameDecoder): void {
    this.#decoder = decoder;
    const opcode = decoder.opcode;
    if (opcode >= 0x8) {
      this.#control = true;
      this.#controlSize = 0;
      return;
    }
    this.#control = false;
    if (opcode === Opcode.CONTINUATION) {
      if (this.#opcode === 0) {
        fail(
          "ERR_UNEXPECTED_CONTINUATION",
          "a continuation frame with no message to continue",
          1002,
        );
      }
    } else {
      if (this.#opcode !== 0) {
        fail("ERR_EXPECTED_CONTINUATION", "a new data frame inside a fragmented message", 1002);
      }
      this.#opcode = opcode;
      this.#compressed = (decoder.rsv & RSV1) !== 0;
      this.#size = 0;
      this.#utf8.reset();
      if (this.#compressed && this.#inflater === null) this.#inflater = this.#createInflater!();
    }
    if (this.#compressed) return;
    const total = this.#size + decoder.payloadLength;
    if (total > this.#maxPayload) {
      fail(
        "ERR_MESSAGE_TOO_BIG",
        `a message of more than ${this.#maxPayload} bytes (maxPayload)`,
        1009,
      );
    }
    if (this.#size === 0 && decoder.fin) {
      // A whole message in one frame: its buffer is exactly its size.
      this.#buffer = this.#exact(decoder.payloadLength);
    } else if (total > this.#buffer.length) {
      this.#grow(Math.max(total, Math.min(this.#maxPayload, this.#buffer.length * 2)));
    }
  }

  framePayload(bytes: Uint8Array, start: number, end: number): void {
    const decoder = this.#decoder!;
    const n = end - start;
    if (this.#control) {
      const at = this.#controlSize;
      copy(this.#controlBuffer, at, bytes, start, end);
      if (decoder.masked) {
        mask(this.#controlBuffer, decoder.maskKey, at, at + n, decoder.payloadOffset);
      }
      this.#controlSize = at + n;
      return;
    }
    if (!this.#compressed) {
      const at = this.#size;
      copy(this.#buffer, at, bytes, start, end);
      if (decoder.masked) mask(this.#buffer, decoder.maskKey, at, at + n, decoder.payloadOffset);
      this.#size = at + n;
      if (this.#opcode === Opcode.TEXT && !this.#utf8.push(this.#buffer, at, at + n)) {
        fail("ERR_INVALID_UTF8", "a text message that is not valid UTF-8", 1007);
      }
      return;
    }
    let input = bytes.subarray(start, end);
    if (decoder.masked) {
      if (this.#scratch.length < n) this.#scratch = new Uint8Array(Math.max(n, 1024));
      copy(this.#scratch, 0, bytes, start, end);
      mask(this.#scratch, decoder.maskKey, 0, n, decoder.payloadOffset);
      input = this.#scratch.subarray(0, n);
    }
    this.#inflate(input);
  }

  frameEnd(): void {
    const decoder = this.#decoder!;
    if (this.#control) {
      const data = allocate(this.#controlSize);
      data.set(this.#controlBuffer.subarray(0, this.#controlSize));
      this.#host.control(decoder.opcode, data);
      return;
    }
    if (!decoder.fin) return;
    if (this.#compressed) {
      this.#inflate(DEFLATE_TAIL);
      if (this.#resetInflater) this.#inflater!.reset();
    }
    const opcode = this.#opcode;
    if (opcode === Opcode.TEXT && !this.#utf8.end()) {
      fail("ERR_INVALID_UTF8", "a text message that ends inside a UTF-8 sequence", 1007);
    }
    const size = this.#size;
    let data = this.#buffer;
    if (size !== data.length) {
      data = this.#exact(size);
      data.set(this.#buffer.subarray(0, size));
    }
    this.#buffer = EMPTY;
    this.#size = 0;
    this.#opcode = 0;
    this.#compressed = false;
    this.#host.message(opcode, data);
  }

  /** Frees the inflater. */
  dispose(): void {
    this.#inflater?.dispose();
    this.#inflater = null;
    this.#buffer = EMPTY;
    this.#scratch = EMPTY;
  }

  /** A buffer for a whole message of `size` bytes. */
  #exact(size: number): Uint8Array<ArrayBuffer> {
    // A binary message that must own its `ArrayBuffer` would be copied out of
    // a shared slab: it gets its own at once.
    if (this.#binaryOwnsBuffer && this.#opcode === Opcode.BINARY) return new Uint8Array(size);
    return allocate(size);
  }

  #grow(capacity: number): void {
    const next = new Uint8Array(capacity);
    if (this.#size > 0) next.set(this.#buffer.subarray(0, this.#size));
    this.#buffer = next;
  }

  /** Inflates `input` into the message buffer, never past `maxPayload` + 1 bytes. */
  #inflate(input: Uint8Array): void {
    const inflater = this.#inflater!;
    const limit = this.#maxPayload + 1;
    inflater.push(input);
    for (;;) {
      if (this.#size === this.#buffer.length) {
        if (this.#size >= limit) break;
        const wanted = Math.max(this.#buffer.length * 2, input.length * 4, 1024);
        this.#grow(Math.min(limit, wanted));
      }
      const at = this.#size;
      const end = this.#buffer.length;
      let n: number;
      try {
        n = inflater.read(this.#buffer, at, end);
      } catch (cause) {
        // What came out before the damage is checked first: the first violation
        // in the inflated stream wins, however the input was cut.
        const written = (cause as { written?: unknown } | null)?.written;
        if (
          this.#opcode === Opcode.TEXT && typeof written === "number" && written > 0 &&
          !this.#utf8.push(this.#buffer, at, Math.min(at + written, end))
        ) {
          fail("ERR_INVALID_UTF8", "a text message that is not valid UTF-8", 1007);
        }
        if (typeof written === "number" && at + written > this.#maxPayload) {
          fail(
            "ERR_MESSAGE_TOO_BIG",
            `a message that inflates past ${this.#maxPayload} bytes (maxPayload)`,
            1009,
          );
        }
        fail(
          "ERR_INVALID_COMPRESSED_DATA",
          "a compressed message that does not inflate",
          1007,
          cause,
        );
      }
      this.#size = at + n;
      if (this.#opcode === Opcode.TEXT && n > 0 && !this.#utf8.push(this.#buffer, at, at + n)) {
        fail("ERR_INVALID_UTF8", "a text message that is not valid UTF-8", 1007);
      }
      if (at + n < end) break;
    }
    if (this.#size > this.#maxPayload) {
      fail(
        "ERR_MESSAGE_TOO_BIG",
        `a message that inflates past ${this.#maxPayload} bytes (maxPayload)`,
        1009,
      );
    }
  }
}

function copy(
  target: Uint8Array,
  at: number,
  source: Uint8Array,
  start: number,
  end: number,
): void {
  if (end - start < SMALL_COPY) {
    for (let i = start; i < end; i++) target[at++] = source[i];
  } else {
    target.set(source.subarray(start, end), at);
  }
}
