/**
 * An `Int32Array` over a whole `ArrayBuffer`, cached for the last buffer seen,
 * so that code reusing one buffer gets its word view without an allocation.
 * Each caller keeps its own cache (one per module), since they see different
 * buffers.
 *
 * This module is browser compatible.
 *
 * @module
 */

/** Returns a function that gives the (cached) word view of a buffer. */
export function wordViewCache(): (buffer: ArrayBufferLike) => Int32Array {
  let cachedBuffer: ArrayBufferLike | null = null;
  let cachedWords: Int32Array = new Int32Array(0);
  return (buffer) => {
    if (buffer !== cachedBuffer || cachedWords.length !== buffer.byteLength >>> 2) {
      cachedWords = new Int32Array(buffer, 0, buffer.byteLength >>> 2);
      cachedBuffer = buffer;
    }
    return cachedWords;
  };
}
