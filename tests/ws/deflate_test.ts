// The DEFLATE provider handed to the protocol core: round trips with kept
// history, engine sharing without context takeover, output bounds and options.

import assert from "node:assert/strict";
import { deflateRaw, inflateRaw } from "pako";
import { test } from "../_harness.ts";
import { createDeflateProvider } from "../../ws/deflate.ts";

const TAIL = new Uint8Array([0, 0, 0xff, 0xff]);
const encode = (text: string) => new TextEncoder().encode(text);

function inflateAll(
  inflater: ReturnType<ReturnType<typeof createDeflateProvider>["createInflater"]>,
  data: Uint8Array,
) {
  inflater.push(data);
  const out = new Uint8Array(1 << 20);
  let size = 0;
  for (;;) {
    const n = inflater.read(out, size, Math.min(out.length, size + 7)); // small room: many calls
    size += n;
    if (n < 7) break;
  }
  return out.slice(0, size);
}

test("deflate provider: output ends with a sync flush and inflates with the history kept", () => {
  const provider = createDeflateProvider();
  const deflater = provider.createDeflater({ windowBits: 15, noContextTakeover: false });
  const inflater = provider.createInflater({ windowBits: 15, noContextTakeover: false });
  const sizes: number[] = [];
  for (let i = 0; i < 5; i++) {
    const text = `message number ${i % 2}: ` + "the quick brown fox ".repeat(50);
    const compressed = deflater.deflate(encode(text)).slice();
    assert.deepEqual([...compressed.subarray(-4)], [...TAIL]);
    sizes.push(compressed.length);
    assert.equal(new TextDecoder().decode(inflateAll(inflater, compressed)), text);
  }
  assert.ok(sizes[2] < sizes[0] / 2, `history is used: ${sizes}`);
  // Independent check with pako's one-shot inflater on a fresh stream.
  const fresh = provider.createDeflater({ windowBits: 15, noContextTakeover: false });
  const data = fresh.deflate(encode("hello"));
  // 03 00: an empty final block, which ends the stream for a one-shot inflater.
  const ended = new Uint8Array([...data, 0x03, 0x00]);
  assert.equal(new TextDecoder().decode(inflateRaw(ended)), "hello");
});

test("deflate provider: an empty input after a flush still yields an empty stored block", () => {
  const provider = createDeflateProvider();
  const deflater = provider.createDeflater({ windowBits: 15, noContextTakeover: false });
  deflater.deflate(encode("x"));
  assert.deepEqual([...deflater.deflate(new Uint8Array(0))], [0, 0, 0, 0xff, 0xff]);
  assert.deepEqual([...deflater.deflate(new Uint8Array(0))], [0, 0, 0, 0xff, 0xff]);
});

test("deflate provider: without context takeover, connections share one engine per window size", () => {
  const provider = createDeflateProvider();
  const a = provider.createDeflater({ windowBits: 15, noContextTakeover: true });
  const b = provider.createDeflater({ windowBits: 15, noContextTakeover: true });
  const text = encode("shared engine ".repeat(100));
  const first = a.deflate(text).slice();
  a.reset();
  const second = b.deflate(text).slice();
  b.reset();
  assert.deepEqual(first, second, "a reset engine gives identical output");
  // A connection in the middle of a fragmented message keeps the engine;
  // another one meanwhile gets its own, and both streams stay correct.
  const inflaterA = provider.createInflater({ windowBits: 15, noContextTakeover: false });
  const inflaterB = provider.createInflater({ windowBits: 15, noContextTakeover: false });
  const partA = a.deflate(encode("first half, ")).slice();
  const partB = b.deflate(encode("other message")).slice();
  const restA = a.deflate(encode("second half")).slice();
  a.reset();
  b.reset();
  assert.equal(new TextDecoder().decode(inflateAll(inflaterA, partA)), "first half, ");
  assert.equal(new TextDecoder().decode(inflateAll(inflaterA, restA)), "second half");
  assert.equal(new TextDecoder().decode(inflateAll(inflaterB, partB)), "other message");
  a.dispose();
  b.dispose();
});

test("deflate provider: an 8-bit window is served by a 9-bit engine; options are checked", () => {
  const provider = createDeflateProvider({ level: 9, memLevel: 9 });
  const deflater = provider.createDeflater({ windowBits: 8, noContextTakeover: false });
  const inflater = provider.createInflater({ windowBits: 8, noContextTakeover: false });
  const text = "abcdefgh".repeat(1000);
  assert.equal(
    new TextDecoder().decode(inflateAll(inflater, deflater.deflate(encode(text)).slice())),
    text,
  );
  assert.throws(
    () => provider.createDeflater({ windowBits: 7, noContextTakeover: false }),
    RangeError,
  );
  assert.throws(
    () => provider.createInflater({ windowBits: 16, noContextTakeover: false }),
    RangeError,
  );
  assert.throws(() => createDeflateProvider({ level: 10 }), RangeError);
  assert.throws(() => createDeflateProvider({ memLevel: 0 }), RangeError);
});

test("deflate provider: corrupt input throws; large outputs grow the shared buffer", () => {
  const provider = createDeflateProvider();
  const inflater = provider.createInflater({ windowBits: 15, noContextTakeover: false });
  inflater.push(new Uint8Array([0xff, 0xff, 0xff]));
  assert.throws(() => inflater.read(new Uint8Array(10), 0, 10));
  const deflater = provider.createDeflater({ windowBits: 15, noContextTakeover: false });
  const random = new Uint8Array(300_000).map((_, i) => (i * 2654435761) >>> 24);
  const compressed = deflater.deflate(random).slice();
  const fresh = provider.createInflater({ windowBits: 15, noContextTakeover: false });
  fresh.push(compressed);
  const out = new Uint8Array(random.length + 10);
  assert.equal(fresh.read(out, 0, out.length), random.length);
  assert.deepEqual(out.subarray(0, random.length), random);
});

// Found by fuzzing (see connection_deflate_test.ts): the protocol core checks
// what came out before damaged data, so the error says how much that was.
test("deflate provider: the error of damaged input counts the bytes written before it", () => {
  const inflater = createDeflateProvider().createInflater({
    windowBits: 15,
    noContextTakeover: false,
  });
  // a stored block with "abc", then a block of the reserved type 11
  inflater.push(new Uint8Array([0x00, 0x03, 0x00, 0xfc, 0xff, 0x61, 0x62, 0x63, 0x06]));
  const out = new Uint8Array(16);
  assert.throws(() => inflater.read(out, 5, 16), (thrown: unknown) => {
    assert.ok(thrown instanceof Error);
    assert.equal((thrown as { written?: number }).written, 3);
    return true;
  });
  assert.deepEqual([...out.subarray(5, 8)], [0x61, 0x62, 0x63]);
});

// Found by fuzzing (ws/connection-mutated): pako's raw mode let a distance past
// the window through when the bytes it reached were still in the output of the
// same call, and refused it otherwise, so the close code depended on the cuts.
test("deflate provider: a distance past the window is damage however input and output are cut", () => {
  const block = new Uint8Array(2000).map((_, i) => (i * 2654435761) >>> 24);
  const twice = new Uint8Array(4000);
  twice.set(block);
  twice.set(block, 2000);
  const compressed = deflateRaw(twice, { windowBits: 15, level: 9 }); // copies from 2000 back
  const provider = createDeflateProvider();
  const fresh = (windowBits: number) =>
    provider.createInflater({ windowBits, noContextTakeover: false });
  // read whole, into room for everything
  const whole = (windowBits: number) => {
    const inflater = fresh(windowBits);
    inflater.push(compressed);
    const out = new Uint8Array(8000);
    return out.subarray(0, inflater.read(out, 0, out.length));
  };
  assert.throws(() => whole(10), /distance too far back/);
  assert.throws(() => inflateAll(fresh(10), compressed), /distance too far back/);
  assert.deepEqual(whole(11), twice);
  assert.deepEqual(inflateAll(fresh(11), compressed), twice);
});
