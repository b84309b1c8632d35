/**
 * The sending half of a connection: encodes messages (whole or in fragments)
 * and control frames, compresses messages at or above the threshold when
 * permessage-deflate is in use, and masks a client's frames with keys from a
 * pool refilled by `crypto.getRandomValues`.
 *
 * This module is browser compatible.
 *
 * @module
 */

import { allocate } from "./_alloc.ts";
import { buildFrame, buildHeader } from "./_build_frame.ts";
import type { RawDeflater } from "./deflate.ts";
import { WebSocketError } from "./errors.ts";
import { FIN, MAX_CONTROL_PAYLOAD, RSV1 } from "./frame.ts";
import { Utf8Validator } from "./utf8.ts";

/** Options of a {@linkcode MessageWriter}. */
export interface MessageWriterOptions {
  /** Whether frames are masked (a client's are). */
  masked: boolean;
  /** Fills an array with random bytes (the masking keys' source). */
  getRandomValues: (array: Uint8Array) => Uint8Array;
  /** Makes the deflater on the first compressed message (null: no permessage-deflate). */
  createDeflater: (() => RawDeflater) | null;
  /** Whether this end resets its compression history after each message. */
  noContextTakeover: boolean;
  /** Messages shorter than this are sent uncompressed. */
  threshold: number;
}

const KEY_POOL_SIZE = 1024;
/** Frames at least this large are built in recyclable buffers. */
const RECYCLE_MIN = 16384;
/** At most this many released buffers wait for reuse. */
const SPARES = 4;

/** Encodes outgoing frames. */
export class MessageWriter {
  readonly #masked: boolean;
  readonly #getRandomValues: (array: Uint8Array) => Uint8Array;
  readonly #createDeflater: (() => RawDeflater) | null;
  readonly #resetDeflater: boolean;
  readonly #threshold: number;
  #deflater: RawDeflater | null = null;
  readonly #keyPool: Uint8Array;
  #keyAt: number;
  readonly #key = new Uint8Array(4);
  /** Buffers of large frames this writer built (only those may be released). */
  readonly #built = new WeakSet<ArrayBuffer>();
  /** Released buffers, free for the next large frames. */
  readonly #spares: ArrayBuffer[] = [];
  readonly #bufferFor = (size: number): Uint8Array => this.#frameBuffer(size);

  /** The opcode of the fragmented message being sent (0: none). */
  #opcode = 0;
  #compressed = false;
  readonly #utf8 = new Utf8Validator();

  constructor(options: MessageWriterOptions) {
    this.#masked = options.masked;
    this.#getRandomValues = options.getRandomValues;
    this.#createDeflater = options.createDeflater;
    this.#resetDeflater = options.noContextTakeover;
    this.#threshold = options.threshold;
    this.#keyPool = new Uint8Array(this.#masked ? KEY_POOL_SIZE : 0);
    this.#keyAt = KEY_POOL_SIZE;
  }

  /** Whether a fragmented message is half sent. */
  get inMessage(): boolean {
    return this.#opcode !== 0;
  }

  /** Whether this end compresses without context takeover (so compressed frames can be shared). */
  get sharesCompression(): boolean {
    return this.#createDeflater !== null && this.#resetDeflater && !this.#masked;
  }

  /** Whether a message of this size would be compressed. */
  wouldCompress(size: number): boolean {
    return this.#createDeflater !== null && size >= this.#threshold;
  }

  /**
   * Encodes a message, or the next fragment of one.
   *
   * @param opcode `Opcode.TEXT` or `Opcode.BINARY` (for a continuation, the message's)
   * @param data the payload
   * @param fin whether this ends the message
   * @param compress whether compression is allowed for this message
   * @param checkText whether `data` must be checked as UTF-8 (text given as bytes)
   */
  message(
    opcode: number,
    data: Uint8Array,
    fin: boolean,
    compress: boolean,
    checkText: boolean,
  ): Uint8Array {
    const first = this.#opcode === 0;
    if (!first && opcode !== this.#opcode) {
      throw new WebSocketError(
        "ERR_INVALID_STATE",
        "a fragment of a different type than the message it continues",
      );
    }
    if (checkText) {
      if (first) this.#utf8.reset();
      if (!this.#utf8.push(data) || (fin && !this.#utf8.end())) {
        this.#utf8.reset();
        throw new WebSocketError("ERR_INVALID_TEXT", "text to send is not valid UTF-8");
      }
    }
    if (first) this.#compressed = compress && this.wouldCompress(data.length);
    let firstByte = (fin ? FIN : 0) | (first ? opcode : 0);
    let payload = data;
    if (this.#compressed) {
      if (first) firstByte |= RSV1;
      payload = this.#deflate(data, fin);
    }
    const frame = buildFrame(
      firstByte,
      payload,
      0,
      payload.length,
      this.#nextKey(),
      this.#bufferFor,
    );
    this.#opcode = fin ? 0 : opcode;
    return frame;
  }

  /**
   * Encodes a whole message as `[header, payload]` when the payload can go out
   * as it is (unmasked, uncompressed, at least `minimum` bytes), else as one frame.
   */
  messageParts(opcode: number, data: Uint8Array, compress: boolean, minimum: number): Uint8Array[] {
    if (this.#masked || data.length < minimum || (compress && this.wouldCompress(data.length))) {
      return [this.message(opcode, data, true, compress, false)];
    }
    return [buildHeader(FIN | opcode, data.length), data];
  }

  /**
   * Compresses a whole message without sending it (see `sharesCompression`):
   * the payload of a compressed frame that any connection with the same
   * deflater settings could send.
   */
  deflateMessage(data: Uint8Array): Uint8Array {
    return this.#deflate(data, true);
  }

  /** Encodes a control frame. */
  control(opcode: number, payload: Uint8Array): Uint8Array {
    if (payload.length > MAX_CONTROL_PAYLOAD) {
      throw new WebSocketError(
        "ERR_CONTROL_PAYLOAD_TOO_LONG",
        `a control frame carries at most 125 bytes, not ${payload.length}`,
      );
    }
    return buildFrame(FIN | opcode, payload, 0, payload.length, this.#nextKey());
  }

  /**
   * Takes back a frame this writer returned, once it is written: its memory
   * may hold a later large frame (sparing an allocation and its zero-filling).
   * Anything else (small frames, a caller's payload given back by
   * `messageParts`, a frame released twice) is ignored.
   */
  release(frame: Uint8Array): void {
    const buffer = frame.buffer as ArrayBuffer;
    if (!this.#built.has(buffer) || this.#spares.length >= SPARES) return;
    this.#built.delete(buffer);
    this.#spares.push(buffer);
  }

  /** Frees the deflater and the spare buffers. */
  dispose(): void {
    this.#deflater?.dispose();
    this.#deflater = null;
    this.#spares.length = 0;
  }

  /** A buffer of exactly `size` bytes for a frame: a spare when one fits, else a new one. */
  #frameBuffer(size: number): Uint8Array {
    if (size < RECYCLE_MIN) return allocate(size);
    const spares = this.#spares;
    let buffer: ArrayBuffer | undefined;
    for (let i = spares.length - 1; i >= 0; i--) {
      const candidate = spares[i];
      // Not more than twice too large, so a spare pins little unused memory.
      if (candidate.byteLength >= size && candidate.byteLength <= 2 * size) {
        buffer = candidate;
        spares[i] = spares[spares.length - 1];
        spares.pop();
        break;
      }
    }
    buffer ??= new ArrayBuffer(size);
    this.#built.add(buffer);
    return new Uint8Array(buffer, 0, size);
  }

  #deflate(data: Uint8Array, fin: boolean): Uint8Array {
    this.#deflater ??= this.#createDeflater!();
    let out: Uint8Array;
    try {
      out = this.#deflater.deflate(data);
    } catch (cause) {
      throw new WebSocketError("ERR_INTERNAL", "the deflater failed", { closeCode: 1011, cause });
    }
    const n = out.length;
    if (
      n < 4 || out[n - 4] !== 0 || out[n - 3] !== 0 || out[n - 2] !== 0xff || out[n - 1] !== 0xff
    ) {
      throw new WebSocketError("ERR_INTERNAL", "the deflater did not end with a sync flush", {
        closeCode: 1011,
      });
    }
    if (!fin) return out;
    // RFC 7692 section 7.2.1: the final 00 00 ff ff is left off.
    if (this.#resetDeflater) {
      const payload = out.slice(0, n - 4);
      this.#deflater.reset();
      return payload;
    }
    return out.subarray(0, n - 4);
  }

  #nextKey(): Uint8Array | null {
    if (!this.#masked) return null;
    if (this.#keyAt === KEY_POOL_SIZE) {
      this.#getRandomValues(this.#keyPool);
      this.#keyAt = 0;
    }
    const pool = this.#keyPool;
    const key = this.#key;
    const at = this.#keyAt;
    key[0] = pool[at];
    key[1] = pool[at + 1];
    key[2] = pool[at + 2];
    key[3] = pool[at + 3];
    this.#keyAt = at + 4;
    return key;
  }
}
