/**
 * The small DEFLATE interface the protocol core compresses and inflates
 * through. The core stays free of I/O and of any zlib: the layer above hands it
 * a {@linkcode DeflateProvider} (wirestack's `ws/deflate.ts` makes one), and a
 * browser or a test can hand it any other.
 *
 * Everything here is synchronous: the core calls it while it encodes a message
 * or decodes received bytes, so messages keep their order without queues, and
 * one compression or inflation runs at a time per thread.
 *
 * This module is browser compatible.
 *
 * @module
 */

/** Raw DEFLATE compression (RFC 1951, no zlib header) of one direction of one connection. */
export interface RawDeflater {
  /**
   * Compresses `data` after everything compressed before (the history is kept
   * until {@linkcode RawDeflater.reset}) and ends with a sync flush, so the
   * output ends on a byte boundary with an empty stored block (`00 00 ff ff`).
   *
   * @param data the bytes to compress (not modified, not kept)
   * @returns the compressed bytes, valid until the next call on any deflater of
   *   the same provider (the caller copies them at once)
   */
  deflate(data: Uint8Array): Uint8Array;
  /** Forgets the history: the next output starts a fresh DEFLATE stream. */
  reset(): void;
  /** Frees the memory. The deflater is not used afterwards. */
  dispose(): void;
}

/** Raw DEFLATE decompression of one direction of one connection. */
export interface RawInflater {
  /**
   * Hands in the next compressed bytes; they are read by the following
   * {@linkcode RawInflater.read} calls, and must stay unchanged until `read`
   * has used them up.
   */
  push(data: Uint8Array): void;
  /**
   * Inflates pushed bytes into `output[offset..end)`. A DEFLATE block with
   * BFINAL set ends the stream: the inflater resets and reads what follows as
   * a new stream.
   *
   * @returns how many bytes were written; fewer than `end - offset` means every
   *   pushed byte has been used
   * @throws when the compressed data is invalid; the error's `written`
   *   property, when it is a number, counts the bytes written to `output` from
   *   `offset` before the problem (the core checks them first, so the first
   *   violation in the inflated stream is reported however the input was cut)
   */
  read(output: Uint8Array, offset: number, end: number): number;
  /** Forgets the history and any pushed bytes. */
  reset(): void;
  /** Frees the memory. The inflater is not used afterwards. */
  dispose(): void;
}

/** Options of a {@linkcode RawDeflater} or {@linkcode RawInflater}. */
export interface RawDeflateOptions {
  /**
   * The base-2 logarithm of the LZ77 window (8 to 15). A deflater must produce
   * no distance larger than `2 ** windowBits`; an inflater must accept any.
   */
  windowBits: number;
  /**
   * Whether the owner calls `reset()` after every message (no context
   * takeover). Between messages such a deflater or inflater holds no state,
   * so a provider may share one engine among many of them.
   */
  noContextTakeover: boolean;
}

/** Makes deflaters and inflaters; what the I/O layer hands to the protocol core. */
export interface DeflateProvider {
  /** Creates a deflater. */
  createDeflater(options: RawDeflateOptions): RawDeflater;
  /** Creates an inflater. */
  createInflater(options: RawDeflateOptions): RawInflater;
}
