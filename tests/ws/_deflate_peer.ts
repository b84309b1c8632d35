// The tester's own DEFLATE (pako, not the code under test's provider object):
// whole messages as one final raw block, and inflating answers.

import { deflateRaw, inflateRaw } from "pako";

/** Compresses `data` into a raw DEFLATE stream ending with a final block. */
export function deflateRawSync(data: Uint8Array): Uint8Array {
  return deflateRaw(data);
}

/** Inflates a permessage-deflate payload sent without context takeover. */
export function inflateMessage(payload: Uint8Array): Uint8Array {
  // The tail the sender removed, then an empty final block so the stream ends.
  const withTail = new Uint8Array(payload.length + 6);
  withTail.set(payload);
  withTail.set([0, 0, 0xff, 0xff, 0x03, 0x00], payload.length);
  return inflateRaw(withTail);
}
