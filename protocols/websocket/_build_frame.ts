/**
 * The frame builder behind the encoder and the connection: header and payload
 * in one new buffer, the payload at a 4-byte aligned address so that masking
 * runs on whole words.
 *
 * This module is browser compatible.
 *
 * @module
 */

import { frameHeaderSize, writeFrameHeader } from "./frame.ts";
import { mask } from "./mask.ts";

/** Builds a frame from `source[start..end)`; the payload starts 4-byte aligned. */
export function buildFrame(
  firstByte: number,
  source: Uint8Array,
  start: number,
  end: number,
  maskKey: Uint8Array | null,
): Uint8Array {
  const length = end - start;
  const headerSize = frameHeaderSize(length, maskKey !== null);
  const pad = (4 - (headerSize & 3)) & 3;
  const frame = new Uint8Array(new ArrayBuffer(pad + headerSize + length), pad);
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
