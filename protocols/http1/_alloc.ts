/**
 * Small byte arrays cut from shared slabs. Creating a typed array with its
 * own memory costs a few hundred nanoseconds in V8 (far more than filling
 * it), so writers take their output from a 32 KiB slab, as Node's Buffer pool
 * does: each piece is handed out once and never reused, and a slab is freed
 * when no piece of it is referenced any more. Pieces share their
 * `ArrayBuffer`: do not transfer `piece.buffer` to another thread.
 *
 * This module is browser compatible.
 *
 * @module
 */

const SLAB_SIZE = 32768;
const MAX_PIECE = 4096;

let slab: Uint8Array | null = null;
let used = 0;

/** A new, zero-filled-or-overwritten array of `length` bytes that the caller fills entirely. */
export function allocate(length: number): Uint8Array {
  // new Uint8Array(new ArrayBuffer(n)) is about twice as fast as new Uint8Array(n) for large n
  if (length > MAX_PIECE) return new Uint8Array(new ArrayBuffer(length));
  if (slab === null || used + length > SLAB_SIZE) {
    slab = new Uint8Array(new ArrayBuffer(SLAB_SIZE));
    used = 0;
  }
  const piece = new Uint8Array(slab.buffer, used, length); // cheaper than subarray()
  used = (used + length + 7) & ~7; // pieces start 8-byte aligned
  return piece;
}
