// Queued chunks copied out into a reader's buffer: the promise way of reading
// (`conn.read(into)`) over a connection that delivers chunks as they come.

/**
 * Moves the front of `queue` into `into`, as much as fits: whole chunks are
 * removed, a chunk cut short keeps its rest at the front.
 *
 * @returns the number of bytes copied
 */
export function takeChunks(queue: Uint8Array[], into: Uint8Array): number {
  let n = 0;
  while (n < into.length && queue.length > 0) {
    const chunk = queue[0];
    const room = into.length - n;
    if (chunk.length <= room) {
      into.set(chunk, n);
      n += chunk.length;
      queue.shift();
    } else {
      into.set(chunk.subarray(0, room), n);
      queue[0] = chunk.subarray(room);
      n += room;
    }
  }
  return n;
}
