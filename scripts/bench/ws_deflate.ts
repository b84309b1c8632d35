/**
 * The DEFLATE candidates for permessage-deflate with context takeover, on
 * 64-byte and 64 KiB JSON-like messages: wirestack's provider (pako, driven
 * synchronously; levels 1 and 6) against `node:zlib` streams flushed with
 * Z_SYNC_FLUSH (how `ws` does it, asynchronously; levels 1 and 6). Each figure
 * is CPU time (user + sys) per message for compressing and for inflating, the
 * median of several rounds, with the compressed size.
 *
 * Run: `node_modules/.bin/deno run -A scripts/bench/ws_deflate.ts [--quick]` (Deno) or
 * `npm run build && node npm/esm/scripts/bench/ws_deflate.js [--quick]` (Node).
 *
 * @module
 */

import process from "node:process";
import zlib from "node:zlib";
import { createDeflateProvider } from "../../ws/deflate.ts";
import { report } from "./_report.ts";

const quick = process.argv.includes("--quick");
const runtime = "Deno" in globalThis ? "deno" : "node";
const ROUNDS = quick ? 3 : 7;
const TAIL = new Uint8Array([0, 0, 0xff, 0xff]);

interface Codec {
  compress(data: Uint8Array): Uint8Array | Promise<Uint8Array>;
  inflate(data: Uint8Array, size: number): Uint8Array | Promise<Uint8Array>;
}

function message(size: number, seed: number): Uint8Array {
  let text = "";
  for (let i = seed; text.length < size; i++) {
    text += `{"id":${i},"user":"u${(i * 7919) % 1000}","score":${(i * 31) % 977},"kind":"tick"},`;
  }
  return new TextEncoder().encode(text.slice(0, size));
}

function pako(level: number): () => Codec {
  return () => {
    const provider = createDeflateProvider({ level });
    const deflater = provider.createDeflater({ windowBits: 15, noContextTakeover: false });
    const inflater = provider.createInflater({ windowBits: 15, noContextTakeover: false });
    return {
      compress: (data) => deflater.deflate(data).slice(0, -4),
      inflate(data, size) {
        const out = new Uint8Array(size + 1);
        inflater.push(data);
        let n = inflater.read(out, 0, out.length);
        inflater.push(TAIL);
        n += inflater.read(out, n, out.length);
        return out.subarray(0, n);
      },
    };
  };
}

function concat(chunks: Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

function nodeZlib(level: number): () => Codec {
  return () => {
    const deflate = zlib.createDeflateRaw({ level, windowBits: 15 });
    const inflate = zlib.createInflateRaw({ windowBits: 15 });
    let deflated: Uint8Array[] = [];
    let inflated: Uint8Array[] = [];
    deflate.on("data", (chunk: Uint8Array) => deflated.push(chunk));
    inflate.on("data", (chunk: Uint8Array) => inflated.push(chunk));
    return {
      compress: (data) =>
        new Promise((resolve) => {
          deflated = [];
          deflate.write(data);
          deflate.flush(
            zlib.constants.Z_SYNC_FLUSH,
            () => resolve(concat(deflated).subarray(0, -4)),
          );
        }),
      inflate: (data) =>
        new Promise((resolve) => {
          inflated = [];
          inflate.write(data);
          inflate.write(TAIL);
          inflate.flush(() => resolve(concat(inflated)));
        }),
    };
  };
}

function cpuMicros(): number {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
}

async function measure(make: () => Codec, size: number, count: number) {
  const messages = Array.from({ length: 32 }, (_, i) => message(size, i * 100));
  const compressTimes: number[] = [];
  const inflateTimes: number[] = [];
  let ratio = 0;
  for (let round = 0; round <= ROUNDS; round++) {
    const codec = make();
    const compressed: Uint8Array[] = [];
    let start = cpuMicros();
    for (let i = 0; i < count; i++) compressed.push(await codec.compress(messages[i % 32]));
    const compressTime = (cpuMicros() - start) / count;
    start = cpuMicros();
    for (let i = 0; i < count; i++) {
      const out = await codec.inflate(compressed[i], size);
      if (out.length !== size) throw new Error(`inflated ${out.length} bytes, not ${size}`);
    }
    const inflateTime = (cpuMicros() - start) / count;
    if (round === 0) continue; // warm-up
    compressTimes.push(compressTime);
    inflateTimes.push(inflateTime);
    ratio = compressed.reduce((n, c) => n + c.length, 0) / (count * size);
  }
  const median = (values: number[]) => values.sort((a, b) => a - b)[values.length >> 1];
  return {
    compress: median([...compressTimes]),
    inflate: median([...inflateTimes]),
    ratio,
    compressTimes,
    inflateTimes,
  };
}

const candidates: Array<[string, () => Codec]> = [
  ["wirestack (pako, sync), level 1", pako(1)],
  ["wirestack (pako, sync), level 6", pako(6)],
  ["node:zlib stream (ws's way), level 1", nodeZlib(1)],
  ["node:zlib stream (ws's way), level 6", nodeZlib(6)],
];

console.log(
  `permessage-deflate candidates on ${runtime} (${
    quick ? "quick" : "full"
  }), CPU us per message, median of ${ROUNDS} rounds`,
);
console.log("| candidate | size | compress | inflate | compressed size |");
console.log("| --- | ---: | ---: | ---: | ---: |");
for (const size of [64, 65536]) {
  const count = size === 64 ? (quick ? 2000 : 20000) : (quick ? 50 : 400);
  const results = new Map<string, Awaited<ReturnType<typeof measure>>>();
  for (const [name, make] of candidates) {
    const result = await measure(make, size, count);
    results.set(name, result);
    console.log(
      `| ${name} | ${size === 64 ? "64 B" : "64 KiB"} | ${result.compress.toFixed(1)} | ${
        result.inflate.toFixed(1)
      } | ${(result.ratio * 100).toFixed(1)}% |`,
    );
  }
  const label = size === 64 ? "64 B" : "64 KiB";
  const [ours, , zlib1, zlib6] = candidates.map(([name]) => results.get(name)!);
  for (const step of ["compress", "inflate"] as const) {
    const samples = step === "compress" ? "compressTimes" : "inflateTimes";
    report("ws_deflate", {
      figure: `${step} ${label}, level 1`,
      unit: "us CPU/message",
      higherIsBetter: false,
      wirestack: ours[samples],
      peers: { "node:zlib level 1": zlib1[samples], "node:zlib level 6 (ws)": zlib6[samples] },
    });
  }
}
