/**
 * The frame builder behind the encoder and the connection: header and payload
 * in one new buffer (masking copes with the payload's alignment itself).
 *
 * This module is browser compatible.
 *
 * @module
 */

import { allocate } from "./_alloc.ts";
import { frameHeaderSize, writeFrameHeader } from "./frame.ts";
import { mask } from "./mask.ts";

/**
 * Builds a frame from `source[start..end)` in one buffer: a new one, or one
 * that `bufferFor` gives (which must have exactly the size asked for).
 */
export function buildFrame(
  firstByte: number,
  source: Uint8Array,
  start: number,
  end: number,
  maskKey: Uint8Array | null,
  bufferFor?: (size: number) => Uint8Array,
): Uint8Array {
  const length = end - start;
  const headerSize = frameHeaderSize(length, maskKey !== null);
  const size = headerSize + length;
  const frame = bufferFor === undefined ? allocate(size) : bufferFor(size);
  writeFrameHeader(frame, 0, firstByte, length, maskKey);
  if (length > 0) {
    frame.set(
      start === 0 && end === source.length ? source : source.subarray(start, end),
      headerSize,
    );
    if (maskKey !== null) mask(frame, maskKey, headerSize, headerSize + length, 0);
  }
  return frame;
}

/**
 * A frame header in a new buffer of its own (the payload is written after it,
 * unmasked and uncopied).
 */
export function buildHeader(firstByte: number, length: number): Uint8Array {
  const header = allocate(frameHeaderSize(length, false));
  writeFrameHeader(header, 0, firstByte, length, null);
  return header;
}
