// Fuzz targets of the DEFLATE provider the WebSocket layer hands to the
// protocol core (ws/deflate.ts; see tests/_fuzz.ts): its inflater must give
// back exactly what native zlib compressed (streams with kept history, final
// blocks, any window), for any cut of the input and any room it is given to
// write in; on damaged or random input it must throw or stop, never write
// outside the room it was given, never return more than the room, and never
// keep producing output from nothing. Its deflater's output must inflate back
// with native zlib.

import assert from "node:assert/strict";
import { constants, deflateRawSync, inflateRawSync } from "node:zlib";
import { createDeflateProvider } from "../../ws/deflate.ts";
import {
  concatBytes,
  cutAt,
  cutsArbitrary,
  fc,
  type FuzzTarget,
  mutate,
  mutationsArbitrary,
  property,
} from "../_fuzz.ts";

const GUARD = 0xa5;

/**
 * Pushes `pieces` one by one and reads each out through rooms of the given
 * sizes (cycling), checking the inflater's contract on every call. Returns
 * the output, or the error thrown.
 */
function inflateThrough(
  pieces: Uint8Array[],
  rooms: number[],
  windowBits: number,
  limit: number,
): { output: Uint8Array; error: unknown } {
  const inflater = createDeflateProvider().createInflater({ windowBits, noContextTakeover: false });
  const chunks: Uint8Array[] = [];
  const buffer = new Uint8Array(Math.max(...rooms) + 8);
  let total = 0;
  let turn = 0;
  try {
    for (const piece of pieces) {
      const copy = piece.slice();
      inflater.push(piece);
      for (let calls = 0;; calls++) {
        const room = rooms[turn++ % rooms.length];
        const offset = 1 + (turn % 3);
        // guard bytes on both sides of the room
        buffer[offset - 1] = GUARD;
        buffer[offset + room] = GUARD;
        buffer[offset + room + 1] = GUARD;
        const n = inflater.read(buffer, offset, offset + room);
        assert.ok(Number.isInteger(n) && n >= 0 && n <= room, `read returned ${n} for ${room}`);
        assert.equal(buffer[offset - 1], GUARD, "wrote before offset");
        assert.ok(
          buffer[offset + room] === GUARD && buffer[offset + room + 1] === GUARD,
          "wrote past end",
        );
        chunks.push(buffer.slice(offset, offset + n));
        total += n;
        // the room was not filled: every pushed byte has been used
        if (n < room) break;
        if (total > limit) return { output: concatBytes(chunks), error: "past limit" };
        assert.ok(calls < 1_000_000, "read keeps filling its room");
      }
      assert.deepEqual(piece, copy, "the inflater modified its input");
    }
    return { output: concatBytes(chunks), error: null };
  } catch (error) {
    return { output: concatBytes(chunks), error };
  } finally {
    inflater.dispose();
  }
}

/** Rooms no smaller than needed to read `size` bytes in about 300 calls. */
function roomsFor(rooms: number[], size: number): number[] {
  const least = Math.ceil(size / 300);
  return rooms.map((room) => Math.max(room, least));
}

const rooms = fc.array(
  fc.oneof(fc.integer({ min: 1, max: 16 }), fc.integer({ min: 1, max: 70_000 })),
  {
    minLength: 1,
    maxLength: 4,
  },
);

const data = fc.oneof(
  fc.uint8Array({ maxLength: 400 }),
  fc.array(fc.constantFrom(..."abc abc the quick brown fox "), { maxLength: 3000 }).map((c) =>
    new TextEncoder().encode(c.join(""))
  ),
  fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 1, max: 100_000 })).map((
    [byte, n],
  ) => new Uint8Array(n).fill(byte)),
);

/** One message of a stream, compressed by native zlib with a sync flush or a final block. */
const stream = fc.record({
  windowBits: fc.integer({ min: 8, max: 15 }),
  level: fc.integer({ min: 0, max: 9 }),
  strategy: fc.constantFrom(
    constants.Z_DEFAULT_STRATEGY,
    constants.Z_FILTERED,
    constants.Z_HUFFMAN_ONLY,
    constants.Z_RLE,
    constants.Z_FIXED,
  ),
  messages: fc.array(data, { minLength: 1, maxLength: 3 }),
  final: fc.boolean(),
});

function compressed(s: {
  windowBits: number;
  level: number;
  strategy: number;
  messages: Uint8Array[];
  final: boolean;
}): Uint8Array {
  // each message a stream of its own (native zlib's sync entry points close the
  // stream): a sync flush ends each one but the last, which may end with a final block
  return concatBytes(s.messages.map((message, i) =>
    new Uint8Array(deflateRawSync(message, {
      level: s.level,
      strategy: s.strategy,
      windowBits: Math.max(9, s.windowBits),
      finishFlush: i === s.messages.length - 1 && s.final
        ? constants.Z_FINISH
        : constants.Z_SYNC_FLUSH,
    }))
  ));
}

/** The deflate targets. */
export const DEFLATE_TARGETS: readonly FuzzTarget[] = [
  {
    name: "deflate/inflate-valid",
    about: "zlib streams inflate to their data, any cut, any room, any window",
    property: () =>
      property(fc.tuple(stream, cutsArbitrary, rooms), ([s, cuts, sizes]) => {
        const wire = compressed(s);
        const expected = concatBytes(s.messages);
        const { output, error } = inflateThrough(
          cutAt(wire, cuts),
          roomsFor(sizes, expected.length),
          s.windowBits,
          Infinity,
        );
        assert.equal(error, null, String(error));
        assert.equal(output.length, expected.length);
        assert.deepEqual(output, expected);
      }),
    ciRuns: 400,
  },
  {
    name: "deflate/inflate-damaged",
    about: "damaged or random input: throws or stops, never writes outside its room",
    property: () =>
      property(
        fc.tuple(
          fc.oneof(
            fc.tuple(stream, mutationsArbitrary([])).map(([s, m]) => mutate(compressed(s), m)),
            fc.uint8Array({ maxLength: 400 }),
          ),
          fc.integer({ min: 8, max: 15 }),
          cutsArbitrary,
          rooms,
        ),
        ([wire, windowBits, cuts, sizes]) => {
          // nothing can inflate more than 1032 times its input (zlib's limit)
          const limit = 1032 * wire.length + 1024;
          const whole = inflateThrough([wire], [1 << 20], windowBits, limit);
          assert.notEqual(whole.error, "past limit", "inflated past zlib's ratio");
          const cut = inflateThrough(
            cutAt(wire, cuts),
            roomsFor(sizes, whole.output.length),
            windowBits,
            limit,
          );
          assert.notEqual(cut.error, "past limit", "inflated past zlib's ratio");
          // what was inflated before a failure (or all of it) does not depend on the cuts
          if (whole.error === null && cut.error === null) {
            assert.deepEqual(cut.output, whole.output);
          }
          const shorter = Math.min(whole.output.length, cut.output.length);
          assert.deepEqual(cut.output.subarray(0, shorter), whole.output.subarray(0, shorter));
          for (const { error } of [whole, cut]) {
            if (error !== null) assert.ok(error instanceof Error, `threw ${String(error)}`);
          }
        },
      ),
    ciRuns: 600,
  },
  {
    name: "deflate/deflate-roundtrip",
    about: "the deflater's output (kept history, any window, any level) inflates with zlib",
    property: () =>
      property(
        fc.record({
          windowBits: fc.integer({ min: 8, max: 15 }),
          level: fc.integer({ min: 0, max: 9 }),
          memLevel: fc.integer({ min: 1, max: 9 }),
          messages: fc.array(data, { minLength: 1, maxLength: 4 }),
          takeover: fc.boolean(),
        }),
        ({ windowBits, level, memLevel, messages, takeover }) => {
          const provider = createDeflateProvider({ level, memLevel });
          const deflater = provider.createDeflater({ windowBits, noContextTakeover: !takeover });
          const parts: Uint8Array[] = [];
          for (const message of messages) {
            const out = deflater.deflate(message).slice();
            assert.deepEqual([...out.subarray(-4)], [0, 0, 0xff, 0xff], "ends with a sync flush");
            if (!takeover) {
              const alone = inflateRawSync(concatBytes([out, new Uint8Array([3, 0])]));
              assert.deepEqual(new Uint8Array(alone), message);
              deflater.reset();
            }
            parts.push(out);
          }
          deflater.dispose();
          if (takeover) {
            // one stream: native zlib with a window of the negotiated size reads all of it
            const all = inflateRawSync(concatBytes([...parts, new Uint8Array([3, 0])]), {
              windowBits: Math.max(9, windowBits),
            });
            assert.deepEqual(new Uint8Array(all), concatBytes(messages));
          }
        },
      ),
    ciRuns: 200,
    // the deflater is no decoder: a tenth of the inputs (each makes a zlib stream)
    runs: 100_000,
  },
];
