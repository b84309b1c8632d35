// Property-based fuzzing with fast-check, shared by the test suite and
// `scripts/fuzz.ts`. Each decoder's test folder has a `_fuzz.ts` that lists its
// fuzz targets (a name, what it checks, a property); its `fuzz_test.ts` runs a
// short slice of each target in `npm test`, and `npm run fuzz` runs a million
// inputs of each. A failure names its seed and path, which replay it:
//
//   npm run fuzz -- --target http1/request-mutated --seed 42 --path 7:1:0
//
// The seed of the test slice is random unless WIRESTACK_FUZZ_SEED is set, so
// every run of the suite tries new inputs; the report of a failure says how to
// replay it.
//
// Helpers below: byte mutations (the way AFL-style fuzzers damage valid input,
// with a dictionary of protocol fragments), cut points for "split anywhere",
// and concatenation.

import fc from "fast-check";
import process from "node:process";
import { runtimeName, test } from "./_harness.ts";

export { fc };

/** A property fast-check can run: synchronous or asynchronous. */
export type FuzzProperty =
  | fc.IPropertyWithHooks<[unknown]>
  | fc.IAsyncPropertyWithHooks<[unknown]>;

/** One decoder property, run briefly by the tests and at length by `npm run fuzz`. */
export interface FuzzTarget {
  /** `area/what`, such as `http1/request-mutated`. */
  name: string;
  /** What the property checks, in one line. */
  about: string;
  /** Builds the property (arbitraries are built once per run). */
  property: () => FuzzProperty;
  /** Inputs tried by `npm test` (a second or two of work). */
  ciRuns: number;
  /** Inputs `npm run fuzz` tries (default 1,000,000). */
  runs?: number;
  /** The one runtime the target runs on (its peer exists only there); default both. */
  runtime?: "node" | "deno";
  /** Work done once before the inputs (a corpus to make), kept out of their timing. */
  prepare?: () => Promise<unknown>;
}

/**
 * A property over one generated value. The predicate throws (an assertion) or
 * returns false when the property fails.
 */
export function property<T>(
  arbitrary: fc.Arbitrary<T>,
  predicate: (value: T) => boolean | void,
): FuzzProperty {
  return fc.property(arbitrary, predicate) as unknown as FuzzProperty;
}

/** An asynchronous property over one generated value. */
export function asyncProperty<T>(
  arbitrary: fc.Arbitrary<T>,
  predicate: (value: T) => Promise<boolean | void>,
): FuzzProperty {
  return fc.asyncProperty(arbitrary, predicate) as unknown as FuzzProperty;
}

/** The seed of the test slice: `WIRESTACK_FUZZ_SEED`, or a fresh random one. */
export function testSeed(): number {
  const text = process.env.WIRESTACK_FUZZ_SEED;
  if (text !== undefined && text !== "") return Number(text) | 0;
  return (Math.random() * 2 ** 31) | 0;
}

/** The command that replays a failure of `target`. */
export function replayCommand(target: string, seed: number, path: string | null): string {
  return `npm run fuzz -- --target ${target} --seed ${seed}` + (path ? ` --path ${path}` : "");
}

/** Runs `target` for `runs` inputs from `seed`; throws a report that says how to replay a failure. */
export async function runTarget(
  target: FuzzTarget,
  options: { seed: number; runs: number; path?: string },
): Promise<fc.RunDetails<[unknown]>> {
  await target.prepare?.();
  const details = await fc.check(target.property(), {
    seed: options.seed,
    numRuns: options.runs,
    path: options.path,
  });
  if (details.failed) {
    const report = fc.defaultReportMessage(details) ?? "property failed";
    throw new Error(
      `fuzz target ${target.name} failed\n${report}\nreplay: ${
        replayCommand(target.name, details.seed, details.counterexamplePath)
      }`,
      { cause: details.errorInstance },
    );
  }
  return details;
}

/** Registers one test per target, each running its short slice. */
export function fuzzTests(targets: readonly FuzzTarget[]): void {
  for (const target of targets) {
    const skip = target.runtime !== undefined && target.runtime !== runtimeName
      ? `${target.name} runs on ${target.runtime} only`
      : false;
    test(`fuzz ${target.name}: ${target.about}`, async () => {
      await runTarget(target, { seed: testSeed(), runs: target.ciRuns });
    }, { timeout: 120_000, skip });
  }
}

// ---------------------------------------------------------------- bytes

/** Joins byte arrays. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let size = 0;
  for (const part of parts) size += part.length;
  const out = new Uint8Array(size);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Latin-1 bytes of `text` (one byte per character). */
export function latin1Bytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}

/** Cut points: numbers reduced to sorted offsets into a value of some length. */
export const cutsArbitrary: fc.Arbitrary<number[]> = fc.oneof(
  { weight: 3, arbitrary: fc.array(fc.nat(), { maxLength: 6 }) },
  { weight: 1, arbitrary: fc.array(fc.nat(), { minLength: 10, maxLength: 60 }) },
);

/** `data` cut at `cuts` (taken modulo its length + 1), empty pieces included. */
export function cutAt(data: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = cuts.map((cut) => cut % (data.length + 1)).sort((a, b) => a - b);
  const pieces: Uint8Array[] = [];
  let from = 0;
  for (const point of points) {
    pieces.push(data.subarray(from, point));
    from = point;
  }
  pieces.push(data.subarray(from));
  return pieces;
}

/** `data` one byte per piece. */
export function byteByByte(data: Uint8Array): Uint8Array[] {
  const pieces: Uint8Array[] = [];
  for (let i = 0; i < data.length; i++) pieces.push(data.subarray(i, i + 1));
  return pieces;
}

/** One damage done to a byte string. */
export type Mutation =
  | { kind: "set"; at: number; byte: number }
  | { kind: "flip"; at: number; bit: number }
  | { kind: "insert"; at: number; bytes: Uint8Array }
  | { kind: "delete"; at: number; length: number }
  | { kind: "duplicate"; at: number; length: number; to: number }
  | { kind: "truncate"; at: number };

/** Bytes that matter to text protocols: delimiters, controls, digits, high bytes. */
const INTERESTING_BYTES = [
  0x00,
  0x09,
  0x0a,
  0x0d,
  0x20,
  0x22,
  0x2c,
  0x2f,
  0x30,
  0x31,
  0x39,
  0x3a,
  0x3b,
  0x3d,
  0x41,
  0x46,
  0x5c,
  0x61,
  0x66,
  0x7f,
  0x80,
  0xff,
];

/**
 * Mutations, each placed by a number reduced modulo the input's length when
 * applied (so one list of mutations applies to any input). `dictionary`
 * holds protocol fragments worth inserting.
 */
export function mutationsArbitrary(
  dictionary: readonly Uint8Array[],
  maxMutations = 4,
): fc.Arbitrary<Mutation[]> {
  const insertion = dictionary.length > 0
    ? fc.oneof(
      { weight: 2, arbitrary: fc.constantFrom(...dictionary) },
      { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 8 }) },
    )
    : fc.uint8Array({ minLength: 1, maxLength: 8 });
  const mutation: fc.Arbitrary<Mutation> = fc.oneof(
    fc.record({
      kind: fc.constant("set" as const),
      at: fc.nat(),
      byte: fc.oneof(fc.constantFrom(...INTERESTING_BYTES), fc.integer({ min: 0, max: 255 })),
    }),
    fc.record({
      kind: fc.constant("flip" as const),
      at: fc.nat(),
      bit: fc.integer({ min: 0, max: 7 }),
    }),
    fc.record({ kind: fc.constant("insert" as const), at: fc.nat(), bytes: insertion }),
    fc.record({
      kind: fc.constant("delete" as const),
      at: fc.nat(),
      length: fc.integer({ min: 1, max: 16 }),
    }),
    fc.record({
      kind: fc.constant("duplicate" as const),
      at: fc.nat(),
      length: fc.integer({ min: 1, max: 64 }),
      to: fc.nat(),
    }),
    fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
  );
  return fc.array(mutation, { minLength: 1, maxLength: maxMutations });
}

/** `data` with `mutations` applied in order (a new array; `data` is not changed). */
export function mutate(data: Uint8Array, mutations: readonly Mutation[]): Uint8Array {
  let bytes: Uint8Array = data.slice();
  for (const m of mutations) {
    const n = bytes.length;
    switch (m.kind) {
      case "set":
        if (n > 0) bytes[m.at % n] = m.byte;
        break;
      case "flip":
        if (n > 0) bytes[m.at % n] ^= 1 << m.bit;
        break;
      case "insert": {
        const at = m.at % (n + 1);
        bytes = concatBytes([bytes.subarray(0, at), m.bytes, bytes.subarray(at)]);
        break;
      }
      case "delete": {
        if (n === 0) break;
        const at = m.at % n;
        bytes = concatBytes([bytes.subarray(0, at), bytes.subarray(at + m.length)]);
        break;
      }
      case "duplicate": {
        if (n === 0) break;
        const at = m.at % n;
        const piece = bytes.slice(at, at + m.length);
        const to = m.to % (n + 1);
        bytes = concatBytes([bytes.subarray(0, to), piece, bytes.subarray(to)]);
        break;
      }
      case "truncate":
        bytes = bytes.slice(0, m.at % (n + 1));
        break;
    }
  }
  return bytes;
}
