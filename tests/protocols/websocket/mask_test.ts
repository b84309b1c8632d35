import assert from "node:assert/strict";
import { test } from "../../_harness.ts";
import { mask } from "../../../protocols/websocket/mod.ts";
import { random } from "./_peer.ts";

function reference(
  data: Uint8Array,
  key: Uint8Array,
  start: number,
  end: number,
  keyIndex: number,
) {
  const out = data.slice();
  for (let i = start; i < end; i++) out[i] ^= key[(keyIndex + i - start) & 3];
  return out;
}

test("mask: matches a byte-by-byte XOR for every alignment, length, range and key offset", () => {
  const next = random(9);
  const key = new Uint8Array([0xa1, 0x07, 0x3c, 0xfe]);
  for (let round = 0; round < 3000; round++) {
    const length = Math.floor(next() * 300);
    const pad = Math.floor(next() * 8);
    const data = new Uint8Array(pad + length).subarray(pad);
    for (let i = 0; i < length; i++) data[i] = Math.floor(next() * 256);
    const start = Math.floor(next() * (length + 1));
    const end = start + Math.floor(next() * (length - start + 1));
    const keyIndex = Math.floor(next() * 8);
    const expected = reference(data, key, start, end, keyIndex);
    mask(data, key, start, end, keyIndex);
    assert.deepEqual(
      data,
      expected,
      `length ${length} pad ${pad} [${start}, ${end}) key ${keyIndex}`,
    );
  }
});

test("mask: masking a payload in pieces equals masking it whole", () => {
  const key = new Uint8Array([1, 2, 3, 4]);
  const whole = new Uint8Array(1000).map((_, i) => i & 0xff);
  const pieces = whole.slice();
  mask(whole, key);
  for (const [a, b] of [[0, 3], [3, 100], [100, 101], [101, 1000]]) mask(pieces, key, a, b, a);
  assert.deepEqual(pieces, whole);
});
