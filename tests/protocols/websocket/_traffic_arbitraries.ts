// fast-check arbitraries that write valid WebSocket traffic as a peer would
// send it (RFC 6455 and RFC 7692), each with the events a receiver must report:
// text and binary messages, whole or fragmented with Pings and Pongs between
// the fragments, masked when a client sends them, compressed when
// permessage-deflate was agreed (with or without context takeover, any window,
// some messages ending with a final block), and an optional Close frame after
// which anything may follow. Frames are built by `_peer.ts`'s `frame()` and
// compressed by pako's streaming deflater or native zlib, not by the code under
// test.

import { Deflate, Z_SYNC_FLUSH } from "pako";
import { constants, deflateRawSync } from "node:zlib";
import type { PerMessageDeflateParams } from "../../../protocols/websocket/mod.ts";
import { concatBytes, fc } from "../../_fuzz.ts";
import { frame } from "./_peer.ts";

/** Generated traffic for a receiver, and what it must report. */
export interface WsTraffic {
  /** The receiver's role (a server receives masked frames). */
  role: "server" | "client";
  /** The agreed permessage-deflate parameters, or null. */
  params: PerMessageDeflateParams | null;
  /** The frames, in order. */
  frames: Uint8Array[];
  /** The events, as `describe()` writes them (messages: hex, or length and hash past 32 bytes). */
  events: string[];
  /** The payload bytes of the largest message (a `maxPayload` at least this accepts all). */
  largest: number;
}

const encoder = new TextEncoder();

function hex(data: Uint8Array): string {
  let text = "";
  for (const byte of data) text += byte.toString(16).padStart(2, "0");
  return text;
}

/** Short payloads as hex, long ones as their length and a hash (FNV-1a). */
function digest(data: Uint8Array): string {
  if (data.length <= 32) return hex(data);
  let hash = 0x811c9dc5;
  for (let i = 0; i < data.length; i++) hash = Math.imul(hash ^ data[i], 0x01000193);
  return `${data.length}:${(hash >>> 0).toString(16)}`;
}

/** A received event as a line of text (close events name who closed and why). */
export function describe(event: {
  type: string;
  data?: Uint8Array;
  code?: number;
  reason?: string;
  wasClean?: boolean;
  initiator?: string;
  error?: { code: string };
}): string {
  if (event.type === "close") {
    return `close ${event.code} ${
      JSON.stringify(event.reason)
    } ${event.wasClean} ${event.initiator}` +
      (event.error === undefined ? "" : ` ${event.error.code}`);
  }
  const data = event.data!;
  return `${event.type} ${
    event.type === "ping" || event.type === "pong" ? hex(data) : digest(data)
  }`;
}

const TAIL = [0x00, 0x00, 0xff, 0xff];

/** A sender's compressor: pako's stream for context takeover, native zlib otherwise. */
class PeerDeflater {
  #stream: Deflate | null = null;
  constructor(private readonly bits: number, private readonly takeover: boolean) {}

  /** The compressed payload of one message (sync flush, tail removed; or a final block). */
  compress(data: Uint8Array, level: number, final: boolean): Uint8Array {
    const windowBits = Math.max(9, this.bits);
    if (final || !this.takeover) {
      // A fresh stream: what a sender without context takeover (or one that ends
      // messages with a final block, RFC 7692 7.2.3.4) writes. The receiver's
      // history is gone afterwards, so a takeover stream starts over too.
      this.#stream = null;
      const out = new Uint8Array(deflateRawSync(data, {
        level,
        windowBits,
        finishFlush: final ? constants.Z_FINISH : constants.Z_SYNC_FLUSH,
      }));
      return final ? out : stripTail(out);
    }
    this.#stream ??= new Deflate({ raw: true, windowBits, level });
    const stream = this.#stream;
    stream.chunks = [];
    stream.push(data, Z_SYNC_FLUSH);
    return stripTail(concatBytes(stream.chunks));
  }
}

function stripTail(out: Uint8Array): Uint8Array {
  const n = out.length;
  // zlib writes nothing for a flush right after a flush: an empty stored block says the same
  if (n === 0) return new Uint8Array([0x00]);
  if (n >= 4 && TAIL.every((byte, i) => out[n - 4 + i] === byte)) return out.subarray(0, n - 4);
  throw new Error("a sync flush without its tail");
}

/** One planned item of traffic. */
type Item =
  | {
    kind: "message";
    binary: boolean;
    payload: Uint8Array;
    cuts: number[];
    compress: boolean;
    final: boolean;
    level: number;
    controls: Array<{ ping: boolean; payload: Uint8Array }>;
  }
  | { kind: "control"; ping: boolean; payload: Uint8Array };

const controlPayload = fc.uint8Array({ maxLength: 125 });
const control = fc.record({ ping: fc.boolean(), payload: controlPayload });

const textPayload = fc.oneof(
  { weight: 12, arbitrary: fc.string({ unit: "binary", maxLength: 60 }) },
  { weight: 3, arbitrary: fc.string({ unit: "grapheme", maxLength: 200 }) },
  { weight: 1, arbitrary: fc.constantFrom("", "a".repeat(70_000), "\u00e9\u{1f600}".repeat(500)) },
).map((text) => encoder.encode(text));

const binaryPayload = fc.oneof(
  { weight: 15, arbitrary: fc.uint8Array({ maxLength: 200 }) },
  { weight: 3, arbitrary: fc.uint8Array({ minLength: 126, maxLength: 3000 }) },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 65_530, max: 70_000 }).map((n) =>
      new Uint8Array(n).map((_, i) => (i * 7) & 0xff)
    ),
  },
);

const item: fc.Arbitrary<Item> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.boolean().chain((binary) =>
      fc.record({
        kind: fc.constant("message" as const),
        binary: fc.constant(binary),
        payload: binary ? binaryPayload : textPayload,
        cuts: fc.array(fc.nat(), { maxLength: 4 }),
        compress: fc.boolean(),
        final: fc.boolean(),
        level: fc.integer({ min: 0, max: 9 }),
        controls: fc.array(control, { maxLength: 3 }),
      })
    ),
  },
  { weight: 1, arbitrary: control.map((c) => ({ kind: "control" as const, ...c })) },
);

const closeFrame = fc.option(
  fc.oneof(
    fc.constant({ code: null as number | null, reason: "" }),
    fc.record({
      code: fc.oneof(
        fc.constantFrom(1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011),
        fc.integer({ min: 3000, max: 4999 }),
      ),
      reason: fc.string({ unit: "binary", maxLength: 30 }).filter((reason) =>
        encoder.encode(reason).length <= 123
      ),
    }),
  ),
  { nil: null },
);

const params: fc.Arbitrary<PerMessageDeflateParams | null> = fc.option(
  fc.record({
    serverNoContextTakeover: fc.boolean(),
    clientNoContextTakeover: fc.boolean(),
    serverMaxWindowBits: fc.integer({ min: 8, max: 15 }),
    clientMaxWindowBits: fc.integer({ min: 8, max: 15 }),
  }),
  { nil: null },
);

/** A peer's traffic to a receiver of `role` (random when not given). */
export function wsTraffic(
  roleArbitrary: fc.Arbitrary<"server" | "client"> = fc.constantFrom("server", "client"),
): fc.Arbitrary<WsTraffic> {
  return fc.record({
    role: roleArbitrary,
    params,
    items: fc.array(item, { maxLength: 6 }),
    close: closeFrame,
    after: fc.uint8Array({ maxLength: 20 }),
    keys: fc.array(fc.uint8Array({ minLength: 4, maxLength: 4 }), { minLength: 1, maxLength: 4 }),
  }).map(({ role, params, items, close, after, keys }) => {
    const masked = role === "server";
    let keyIndex = 0;
    const key = () => (masked ? keys[keyIndex++ % keys.length] : null);
    const peerBits = params === null
      ? 15
      : role === "server"
      ? params.clientMaxWindowBits
      : params.serverMaxWindowBits;
    const peerResets = params !== null &&
      (role === "server" ? params.clientNoContextTakeover : params.serverNoContextTakeover);
    const deflater = new PeerDeflater(peerBits, !peerResets);
    const frames: Uint8Array[] = [];
    const events: string[] = [];
    let largest = 0;
    const controlFrame = (c: { ping: boolean; payload: Uint8Array }) => {
      frames.push(frame({ opcode: c.ping ? 9 : 10, payload: c.payload, mask: key() }));
      events.push(`${c.ping ? "ping" : "pong"} ${hex(c.payload)}`);
    };
    for (const it of items) {
      if (it.kind === "control") {
        controlFrame(it);
        continue;
      }
      largest = Math.max(largest, it.payload.length);
      const compressed = params !== null && it.compress;
      const wire = compressed ? deflater.compress(it.payload, it.level, it.final) : it.payload;
      const points = [...new Set(it.cuts.map((c) => c % (wire.length + 1)))].sort((a, b) => a - b);
      const pieces: Uint8Array[] = [];
      let from = 0;
      for (const point of points) {
        pieces.push(wire.subarray(from, point));
        from = point;
      }
      pieces.push(wire.subarray(from));
      pieces.forEach((piece, i) => {
        frames.push(frame({
          opcode: i === 0 ? (it.binary ? 2 : 1) : 0,
          fin: i === pieces.length - 1,
          rsv: i === 0 && compressed ? 0x40 : 0,
          payload: piece,
          mask: key(),
        }));
        if (i < pieces.length - 1 && i < it.controls.length) controlFrame(it.controls[i]);
      });
      events.push(`${it.binary ? "binary" : "text"} ${digest(it.payload)}`);
    }
    if (close !== null) {
      const payload = close.code === null ? new Uint8Array(0) : concatBytes([
        new Uint8Array([close.code >> 8, close.code & 0xff]),
        encoder.encode(close.reason),
      ]);
      frames.push(frame({ opcode: 8, payload, mask: key() }));
      events.push(
        `close ${close.code ?? 1005} ${
          JSON.stringify(close.code === null ? "" : close.reason)
        } true remote`,
      );
      frames.push(after); // never read
    }
    return { role, params, frames, events, largest };
  });
}

/** Fragments worth inserting into WebSocket traffic: headers of frames a peer should not send. */
export const WS_DICTIONARY: Uint8Array[] = [
  [0x81, 0x00],
  [0x01, 0x00],
  [0x80, 0x00],
  [0x00, 0x00],
  [0x88, 0x00],
  [0x88, 0x01, 0x03],
  [0x89, 0x7e, 0x00, 0x7e],
  [0x09, 0x00],
  [0xc1, 0x00],
  [0xf1, 0x00],
  [0x83, 0x00],
  [0x8b, 0x00],
  [0x82, 0x7e, 0x00, 0x05],
  [0x82, 0x7f, 0, 0, 0, 0, 0, 0, 0, 5],
  [0x82, 0x7f, 0x80, 0, 0, 0, 0, 0, 0, 0],
  [0x82, 0x7f, 0, 0x20, 0, 0, 0, 0, 0, 0],
  [0x82, 0x7f, 0, 0, 0, 1, 0, 0, 0, 0],
  [0x82, 0xff, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff],
  [0xed, 0xa0, 0x80],
  [0xf4, 0x90, 0x80, 0x80],
  [0xc0, 0xaf],
  [0x00, 0x00, 0xff, 0xff],
  [0x03, 0x00],
  [0xff, 0xff, 0xff, 0xff],
].map((bytes) => new Uint8Array(bytes));
