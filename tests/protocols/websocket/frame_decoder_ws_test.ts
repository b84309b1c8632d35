// Differential test against the `ws` package's frame parser (its Receiver): the
// same generated traffic (valid messages, fragments with interleaved control
// frames, close frames, and protocol errors) goes to both in the same random
// splits, and both must report the same messages, pings, pongs, close and error
// close code.
//
// Known, deliberate differences kept out of the generator: ws accepts
// non-minimal length encodings (RFC 6455 forbids them); it checks UTF-8 at the end of a message
// where this decoder fails at the first bad byte, so invalid text is only put
// in a message's last fragment; it closes with 1009 for a 64-bit length with
// its top bit set, which RFC 6455 5.2 makes a protocol error (1002); it reads a
// maxPayload of 0 as "no limit"; it checks a length against maxPayload before
// the mask key has arrived.
//
// The fuzz test at the end goes further: the traffic arbitraries of
// _traffic_arbitraries.ts (both roles, any fragmentation, Pings between
// fragments), damaged by mutations, cut anywhere, with maxPayload anywhere.
// Where the two differ, wirestack must have closed with an error at that point
// for one of the differences above (checked to be the case); it never reads a
// message, a Ping or a Close that ws refuses.

import assert from "node:assert/strict";
import { test } from "../../_harness.ts";
import { fuzzTests } from "../../_fuzz.ts";
import { bytes, concat, frame, random, type RawFrame } from "./_peer.ts";
import { withWirestack, withWs, WS_RECEIVER_TARGET } from "./_ws_receiver.ts";

/** Generates a stream of frames: mostly valid traffic, sometimes one violation. */
function traffic(next: () => number, masked: boolean): Uint8Array {
  const frames: Uint8Array[] = [];
  const pick = <T>(items: T[]): T => items[Math.floor(next() * items.length)];
  const mask = masked ? () => new Uint8Array(4).map(() => Math.floor(next() * 256)) : () => null;
  const make = (f: RawFrame) => frame({ ...f, mask: mask() });
  const text = () =>
    pick(["", "a", "hello", "\u00e9t\u00e9", "\u{1f600}", "x".repeat(130), "y".repeat(70000)]);
  const control = () =>
    make({
      opcode: pick([9, 10]),
      payload: new Uint8Array(Math.floor(next() * 126)).map(() => Math.floor(next() * 256)),
    });
  const count = 1 + Math.floor(next() * 8);
  for (let i = 0; i < count; i++) {
    const kind = next();
    if (kind < 0.3) {
      frames.push(make({ opcode: 1, payload: text() }));
    } else if (kind < 0.5) {
      frames.push(
        make({
          opcode: 2,
          payload: new Uint8Array(pick([0, 1, 125, 126, 65535, 65536])).map((_, j) => j),
        }),
      );
    } else if (kind < 0.7) {
      const pieces = 2 + Math.floor(next() * 4);
      const opcode = pick([1, 2]);
      for (let p = 0; p < pieces; p++) {
        frames.push(make({ opcode: p === 0 ? opcode : 0, fin: p === pieces - 1, payload: text() }));
        if (next() < 0.3) frames.push(control());
      }
    } else if (kind < 0.85) {
      frames.push(control());
    } else {
      // One violation, then more traffic that must not be read.
      frames.push(
        pick([
          () => make({ opcode: pick([3, 4, 5, 6, 7, 11, 12, 13, 14, 15]) }),
          () => make({ opcode: 1, rsv: pick([0x10, 0x20, 0x40, 0x70]), payload: "r" }),
          () => make({ opcode: 9, fin: false }),
          () => make({ opcode: 8, payload: new Uint8Array(126) }),
          () => make({ opcode: 0, payload: "orphan" }),
          () =>
            concat([
              make({ opcode: 1, fin: false, payload: "a" }),
              make({ opcode: 2, payload: "b" }),
            ]),
          () => make({ opcode: 1, payload: new Uint8Array([0x61, 0xed, 0xa0, 0x80]) }),
          () =>
            concat([
              make({ opcode: 1, fin: false, payload: "ok" }),
              make({ opcode: 0, payload: new Uint8Array([0xc0, 0xaf]) }),
            ]),
          () => make({ opcode: 8, payload: new Uint8Array([0x03]) }),
          () =>
            make({ opcode: 8, payload: new Uint8Array([0x03, pick([0xec, 0xed, 0xee, 0xef])]) }),
          () => make({ opcode: 8, payload: new Uint8Array([0x03, 0xe8, 0xff]) }),
          () => make({ opcode: 2, payload: new Uint8Array(2000) }),
          () =>
            frame({ opcode: 2, payload: "m", mask: masked ? null : new Uint8Array([1, 2, 3, 4]) }),
        ])(),
      );
      frames.push(make({ opcode: 1, payload: "after" }));
      break;
    }
  }
  if (next() < 0.5) {
    const code = pick([1000, 1001, 1003, 1007, 1011, 1012, 1013, 1014, 3000, 4999]);
    frames.push(
      make({
        opcode: 8,
        payload: concat([new Uint8Array([code >> 8, code & 0xff]), bytes(pick(["", "bye"]))]),
      }),
    );
    frames.push(make({ opcode: 1, payload: "ignored" }));
  }
  return concat(frames);
}

function chop(data: Uint8Array, next: () => number): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let at = 0; at < data.length;) {
    const size = 1 + Math.floor(next() * (next() < 0.5 ? 10 : 3000));
    chunks.push(data.slice(at, at + size));
    at += size;
  }
  return chunks;
}

for (const role of ["server", "client"] as const) {
  test(`differential (${role}): wirestack and ws read 400 generated streams alike`, async () => {
    const next = random(role === "server" ? 1234 : 5678);
    let errors = 0;
    let closes = 0;
    for (let round = 0; round < 400; round++) {
      const data = traffic(next, role === "server");
      const chunks = next() < 0.3 ? [data] : chop(data, next);
      const maxPayload = next() < 0.5 ? 1500 : 200_000;
      const expected = await withWs(chunks, role === "server", maxPayload);
      const actual = withWirestack(chunks, role, maxPayload);
      assert.deepEqual(actual, expected, `round ${round}`);
      if (expected.at(-1)?.startsWith("error")) errors++;
      if (expected.at(-1)?.startsWith("close")) closes++;
    }
    assert.ok(errors > 50 && closes > 50, `errors ${errors}, closes ${closes}`);
  }, { timeout: 60_000 });
}

fuzzTests([WS_RECEIVER_TARGET]);
