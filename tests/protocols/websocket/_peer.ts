// Test helpers: a raw frame builder independent of the encoder under test (so
// tests can also build frames a correct encoder never would), a reader for the
// frames a connection answers with, and runners that feed the same bytes in
// many splits and check that every split gives the same events.

import assert from "node:assert/strict";
import type { WebSocketConnection, WebSocketEvent } from "../../../protocols/websocket/mod.ts";

/** A frame as a fuzzing peer writes it. */
export interface RawFrame {
  opcode: number;
  payload?: Uint8Array | string;
  fin?: boolean;
  /** RSV bits in place (0x40 = RSV1). */
  rsv?: number;
  /** Masking key; `null` for an unmasked frame. Default: a fixed key. */
  mask?: Uint8Array | null;
  /** Forces the length encoding: 7, 16 or 64 bits. Default: minimal. */
  lengthBits?: 7 | 16 | 64;
  /** Overrides the length field (lies about the payload size). */
  declaredLength?: number;
}

export const KEY = new Uint8Array([0x12, 0x34, 0x56, 0x78]);

export function bytes(input: Uint8Array | string | number[]): Uint8Array {
  if (typeof input === "string") return new TextEncoder().encode(input);
  return input instanceof Uint8Array ? input : new Uint8Array(input);
}

/** Builds a frame byte by byte (the spec's layout, no shared code). */
export function frame(options: RawFrame): Uint8Array {
  const payload = bytes(options.payload ?? new Uint8Array(0));
  const key = options.mask === undefined ? KEY : options.mask;
  const length = options.declaredLength ?? payload.length;
  const bits = options.lengthBits ?? (length < 126 ? 7 : length < 65536 ? 16 : 64);
  const out: number[] = [];
  out.push(((options.fin ?? true) ? 0x80 : 0) | (options.rsv ?? 0) | options.opcode);
  const maskBit = key === null ? 0 : 0x80;
  if (bits === 7) out.push(maskBit | length);
  else if (bits === 16) out.push(maskBit | 126, (length >> 8) & 0xff, length & 0xff);
  else {
    out.push(maskBit | 127);
    const high = Math.floor(length / 2 ** 32);
    for (const word of [high, length >>> 0]) {
      out.push((word >>> 24) & 0xff, (word >>> 16) & 0xff, (word >>> 8) & 0xff, word & 0xff);
    }
  }
  if (key !== null) out.push(...key);
  const head = new Uint8Array(out);
  const body = new Uint8Array(payload.length);
  for (let i = 0; i < payload.length; i++) body[i] = payload[i] ^ (key === null ? 0 : key[i % 4]);
  return concat([head, body]);
}

export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** A frame as read back from a connection's output. */
export interface ReadFrame {
  fin: boolean;
  rsv: number;
  opcode: number;
  masked: boolean;
  payload: Uint8Array;
}

/** Splits a byte string into the frames it holds (unmasking them). */
export function readFrames(data: Uint8Array | null): ReadFrame[] {
  const frames: ReadFrame[] = [];
  if (data === null) return frames;
  let at = 0;
  while (at < data.length) {
    const b0 = data[at];
    const b1 = data[at + 1];
    let length = b1 & 0x7f;
    let next = at + 2;
    if (length === 126) {
      length = (data[next] << 8) | data[next + 1];
      next += 2;
    } else if (length === 127) {
      length = 0;
      for (let i = 0; i < 8; i++) length = length * 256 + data[next + i];
      next += 8;
    }
    const masked = (b1 & 0x80) !== 0;
    const key = masked ? data.slice(next, next + 4) : null;
    if (masked) next += 4;
    const payload = data.slice(next, next + length);
    if (key !== null) { for (let i = 0; i < payload.length; i++) payload[i] ^= key[i % 4]; }
    frames.push({ fin: (b0 & 0x80) !== 0, rsv: b0 & 0x70, opcode: b0 & 0x0f, masked, payload });
    at = next + length;
  }
  assert.equal(at, data.length, "output ends at a frame boundary");
  return frames;
}

/** An event reduced to comparable plain data. */
export type PlainEvent =
  | { type: "text"; text: string }
  | { type: "binary"; data: number[] | string }
  | { type: "ping" | "pong"; data: number[] }
  | {
    type: "close";
    code: number;
    reason: string;
    wasClean: boolean;
    initiator: string;
    error?: string;
  };

export function plain(event: WebSocketEvent): PlainEvent {
  switch (event.type) {
    case "text":
      return { type: "text", text: new TextDecoder("utf-8", { fatal: true }).decode(event.data) };
    case "binary":
      return {
        type: "binary",
        data: event.data.length > 64 ? digest(event.data) : [...event.data],
      };
    case "ping":
    case "pong":
      return { type: event.type, data: [...event.data] };
    case "close": {
      const out: PlainEvent = {
        type: "close",
        code: event.code,
        reason: event.reason,
        wasClean: event.wasClean,
        initiator: event.initiator,
      };
      if (event.error !== undefined) out.error = event.error.code;
      return out;
    }
  }
}

/** A short fingerprint of long binary data: length and a checksum. */
function digest(data: Uint8Array): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < data.length; i++) hash = Math.imul(hash ^ data[i], 0x01000193);
  return `${data.length} bytes, fnv ${(hash >>> 0).toString(16)}`;
}

/** What a connection made of some input: its events, and the frames it answered with. */
export interface Outcome {
  events: PlainEvent[];
  replies: Array<{ opcode: number; payload: number[] | string; fin: boolean; rsv: number }>;
  state: string;
}

/** Feeds `chunks` one by one, draining events and output after each. */
export function feed(connection: WebSocketConnection, chunks: Uint8Array[]): Outcome {
  const events: PlainEvent[] = [];
  const output: Uint8Array[] = [];
  for (const chunk of chunks) {
    connection.receive(chunk);
    for (let event = connection.nextEvent(); event !== null; event = connection.nextEvent()) {
      events.push(plain(event));
    }
    const out = connection.takeOutput();
    if (out !== null) output.push(out);
  }
  const replies = readFrames(concat(output)).map((f) => ({
    opcode: f.opcode,
    payload: f.opcode === 8 && f.payload.length >= 2
      ? `${(f.payload[0] << 8) | f.payload[1]}`
      : [...f.payload],
    fin: f.fin,
    rsv: f.rsv,
  }));
  return { events, replies, state: connection.state };
}

/** A small seeded random generator (xorshift32), so failures reproduce. */
export function random(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 2 ** 32;
  };
}

/**
 * The splits every input is fed in: whole, one byte at a time, every cut in
 * two (for short inputs), and random chunkings.
 */
export function splits(data: Uint8Array, seed = 7): Uint8Array[][] {
  const out: Uint8Array[][] = [[data]];
  if (data.length <= 4096) out.push([...data].map((b) => new Uint8Array([b])));
  if (data.length <= 200) {
    for (let cut = 1; cut < data.length; cut++) out.push([data.slice(0, cut), data.slice(cut)]);
  }
  const next = random(seed);
  const big = data.length > 65536;
  for (let round = 0; round < (big ? 2 : 6); round++) {
    const chunks: Uint8Array[] = [];
    let at = 0;
    while (at < data.length) {
      const most = round % 2 && !big ? 7 : big ? 65536 : 1500;
      const size = 1 + Math.floor(next() * Math.min(data.length, most));
      // Copy each chunk into a buffer at a random offset, so alignment varies too.
      const pad = Math.floor(next() * 4);
      const chunk = new Uint8Array(pad + Math.min(size, data.length - at)).subarray(pad);
      chunk.set(data.subarray(at, at + chunk.length));
      chunks.push(chunk);
      at += chunk.length;
    }
    out.push(chunks);
  }
  return out;
}

/**
 * Feeds `data` to fresh connections in every split and checks that each gives
 * the same outcome; returns it.
 */
export function feedAllSplits(make: () => WebSocketConnection, data: Uint8Array): Outcome {
  let first: Outcome | null = null;
  for (const chunks of splits(data)) {
    const outcome = feed(make(), chunks);
    if (first === null) first = outcome;
    else assert.deepEqual(outcome, first, `split into ${chunks.length} chunks`);
  }
  return first!;
}
