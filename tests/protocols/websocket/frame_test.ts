// The frame encoder and decoder on their own: RFC 6455 section 5.7's examples,
// length encodings at their boundaries, and each rule the decoder enforces.

import assert from "node:assert/strict";
import { test } from "../../_harness.ts";
import {
  encodeFrame,
  FIN,
  FrameDecoder,
  frameHeaderSize,
  type FrameSink,
  mask,
  Opcode,
  WebSocketError,
  writeFrameHeader,
} from "../../../protocols/websocket/mod.ts";
import { bytes, frame, splits } from "./_peer.ts";

interface Decoded {
  fin: boolean;
  rsv: number;
  opcode: number;
  payload: number[];
}

/** Decodes `data` in the given chunks; returns the frames, or the error code. */
function decode(
  data: Uint8Array[],
  options: ConstructorParameters<typeof FrameDecoder>[0],
): Decoded[] | string {
  const decoder = new FrameDecoder(options);
  const frames: Decoded[] = [];
  let payload: Uint8Array = new Uint8Array(0);
  const sink: FrameSink = {
    frameStart(d) {
      payload = new Uint8Array(d.payloadLength);
    },
    framePayload(chunk, start, end) {
      const at = decoder.payloadOffset;
      payload.set(chunk.subarray(start, end), at);
      if (decoder.masked) mask(payload, decoder.maskKey, at, at + end - start, at);
    },
    frameEnd() {
      frames.push({
        fin: decoder.fin,
        rsv: decoder.rsv,
        opcode: decoder.opcode,
        payload: [...payload],
      });
    },
  };
  try {
    for (const chunk of data) decoder.decode(chunk, sink);
  } catch (error) {
    assert.ok(error instanceof WebSocketError);
    return error.code;
  }
  return frames;
}

function decodeAllSplits(data: Uint8Array, options: ConstructorParameters<typeof FrameDecoder>[0]) {
  let first: Decoded[] | string | null = null;
  for (const chunks of splits(data)) {
    const result = decode(chunks, options);
    if (first === null) first = result;
    else assert.deepEqual(result, first);
  }
  return first!;
}

test("frame: the examples of RFC 6455 section 5.7", () => {
  const hello = bytes("Hello");
  assert.deepEqual([...encodeFrame({ opcode: Opcode.TEXT, payload: hello })], [
    0x81,
    0x05,
    0x48,
    0x65,
    0x6c,
    0x6c,
    0x6f,
  ]);
  const key = new Uint8Array([0x37, 0xfa, 0x21, 0x3d]);
  const masked = encodeFrame({ opcode: Opcode.TEXT, payload: hello, maskKey: key });
  assert.deepEqual([...masked], [0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58]);
  assert.deepEqual(
    [...encodeFrame({ opcode: Opcode.TEXT, payload: bytes("Hel"), fin: false })],
    [0x01, 0x03, 0x48, 0x65, 0x6c],
  );
  assert.deepEqual([...encodeFrame({ opcode: Opcode.CONTINUATION, payload: bytes("lo") })], [
    0x80,
    0x02,
    0x6c,
    0x6f,
  ]);
  assert.deepEqual(
    [...encodeFrame({ opcode: Opcode.PING, payload: hello })],
    [0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f],
  );
  const big = encodeFrame({ opcode: Opcode.BINARY, payload: new Uint8Array(256) });
  assert.deepEqual([...big.subarray(0, 4)], [0x82, 0x7e, 0x01, 0x00]);
  const huge = encodeFrame({ opcode: Opcode.BINARY, payload: new Uint8Array(65536) });
  assert.deepEqual([...huge.subarray(0, 10)], [0x82, 0x7f, 0, 0, 0, 0, 0, 1, 0, 0]);
  assert.deepEqual(decodeAllSplits(masked, { role: "server" }), [
    { fin: true, rsv: 0, opcode: 1, payload: [...hello] },
  ]);
});

test("frame: lengths at the encoding boundaries round-trip, masked and not", () => {
  for (const length of [0, 1, 125, 126, 127, 65535, 65536, 70000]) {
    const payload = new Uint8Array(length).map((_, i) => i * 7);
    for (const maskKey of [undefined, new Uint8Array([9, 8, 7, 6])]) {
      const encoded = encodeFrame({ opcode: Opcode.BINARY, payload, maskKey });
      assert.equal(encoded.length, frameHeaderSize(length, maskKey !== undefined) + length);
      assert.deepEqual(encoded, frame({ opcode: 2, payload, mask: maskKey ?? null }));
      const decoded = decode([encoded], { role: maskKey ? "server" : "client" });
      assert.ok(Array.isArray(decoded));
      assert.deepEqual(decoded[0].payload, [...payload]);
    }
  }
});

test("frame: writeFrameHeader writes at an offset and returns the size", () => {
  const target = new Uint8Array(20);
  assert.equal(writeFrameHeader(target, 3, FIN | Opcode.BINARY, 300, null), 4);
  assert.deepEqual([...target.subarray(3, 7)], [0x82, 126, 1, 44]);
});

test("frame: non-minimal lengths are refused unless allowNonMinimalLength", () => {
  for (const lengthBits of [16, 64] as const) {
    const data = frame({ opcode: 1, payload: "abc", lengthBits });
    assert.equal(decodeAllSplits(data, { role: "server" }), "ERR_NON_MINIMAL_LENGTH");
    const lenient = decodeAllSplits(data, { role: "server", allowNonMinimalLength: true });
    assert.ok(Array.isArray(lenient) && lenient[0].payload.length === 3);
  }
  const medium = frame({ opcode: 2, payload: new Uint8Array(300), lengthBits: 64 });
  assert.equal(decodeAllSplits(medium, { role: "server" }), "ERR_NON_MINIMAL_LENGTH");
});

test("frame: each rule of the decoder, in every split", () => {
  const cases: Array<[string, Uint8Array, ConstructorParameters<typeof FrameDecoder>[0]]> = [
    ["ERR_UNMASKED_FRAME", frame({ opcode: 1, payload: "x", mask: null }), { role: "server" }],
    ["ERR_MASKED_FRAME", frame({ opcode: 1, payload: "x" }), { role: "client" }],
    ["ERR_RESERVED_OPCODE", frame({ opcode: 3 }), { role: "server" }],
    ["ERR_RESERVED_OPCODE", frame({ opcode: 0xb }), { role: "server" }],
    ["ERR_RESERVED_BITS", frame({ opcode: 1, rsv: 0x40 }), { role: "server" }],
    ["ERR_RESERVED_BITS", frame({ opcode: 1, rsv: 0x20 }), { role: "server", allowRsv1: true }],
    ["ERR_RESERVED_BITS", frame({ opcode: 0, rsv: 0x40 }), { role: "server", allowRsv1: true }],
    ["ERR_RESERVED_BITS", frame({ opcode: 9, rsv: 0x40 }), { role: "server", allowRsv1: true }],
    ["ERR_FRAGMENTED_CONTROL_FRAME", frame({ opcode: 9, fin: false }), { role: "server" }],
    ["ERR_CONTROL_FRAME_TOO_LONG", frame({ opcode: 8, payload: new Uint8Array(126) }), {
      role: "server",
    }],
    ["ERR_MESSAGE_TOO_BIG", frame({ opcode: 2, payload: new Uint8Array(11) }), {
      role: "server",
      maxFrameLength: 10,
    }],
  ];
  for (const [code, data, options] of cases) {
    assert.equal(decodeAllSplits(data, options), code, code);
  }
  const ok = decodeAllSplits(frame({ opcode: 1, rsv: 0x40, payload: "z" }), {
    role: "server",
    allowRsv1: true,
  });
  assert.ok(Array.isArray(ok) && ok[0].rsv === 0x40);
});

test("frame: a rule broken in the first two bytes fails before the rest of the header arrives", () => {
  const decoder = new FrameDecoder({ role: "server" });
  const sink: FrameSink = { frameStart() {}, framePayload() {}, frameEnd() {} };
  assert.throws(() => decoder.decode(new Uint8Array([0x83, 0xfe]), sink), {
    code: "ERR_RESERVED_OPCODE",
  });
  assert.throws(() => decoder.decode(new Uint8Array([0x81]), sink), { code: "ERR_INVALID_STATE" });
});

test("frame: many frames in one chunk, and atFrameBoundary", () => {
  const one = frame({ opcode: 1, payload: "one" });
  const two = frame({ opcode: 2, payload: new Uint8Array(200) });
  const data = new Uint8Array([...one, ...two, ...one]);
  const decoded = decodeAllSplits(data, { role: "server" });
  assert.ok(Array.isArray(decoded));
  assert.deepEqual(decoded.map((f) => f.opcode), [1, 2, 1]);
  const decoder = new FrameDecoder({ role: "server" });
  const sink: FrameSink = { frameStart() {}, framePayload() {}, frameEnd() {} };
  decoder.decode(one.subarray(0, 3), sink);
  assert.equal(decoder.atFrameBoundary, false);
  decoder.decode(one.subarray(3), sink);
  assert.equal(decoder.atFrameBoundary, true);
});
