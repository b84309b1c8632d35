/**
 * The WebSocket codec against the `ws` package in the same run: frame encoding
 * (server frames unmasked, through `sendBinaryParts`, which like ws's
 * `Sender.frame` leaves a large payload uncopied; client frames masked), decoding (a server reading
 * masked frames, a client reading unmasked ones, fed in 64 KiB reads like a
 * socket's), and masking alone against `bufferutil`'s native mask (which `ws`
 * uses when it is installed, as here). Messages of 64 bytes and 64 KiB.
 *
 * Each figure is CPU time (user + sys) per message, the median of several
 * rounds; the ratio is ws's time over wirestack's (above 1: wirestack is faster).
 *
 * Run: `node_modules/.bin/deno run -A scripts/bench/ws_codec.ts [--quick]` (Deno, from
 * source) or `npm run build && node npm/esm/scripts/bench/ws_codec.js [--quick]` (Node).
 *
 * @module
 */

import { createRequire } from "node:module";
import process from "node:process";
import { mask, WebSocketConnection } from "../../protocols/websocket/mod.ts";
import { median, report } from "./_report.ts";

const require = createRequire(import.meta.url);

interface WsSender {
  frame(data: Uint8Array, options: Record<string, unknown>): Uint8Array[];
}
interface WsReceiver {
  on(event: "message", listener: (data: Uint8Array, isBinary: boolean) => void): void;
  write(chunk: Uint8Array): void;
}
const ws = require("ws") as {
  Sender: WsSender;
  Receiver: new (options: Record<string, unknown>) => WsReceiver;
};
const bufferutil = require("bufferutil") as {
  mask(
    source: Uint8Array,
    key: Uint8Array,
    output: Uint8Array,
    offset: number,
    length: number,
  ): void;
  unmask(buffer: Uint8Array, key: Uint8Array): void;
};
const NodeBuffer = (globalThis as unknown as { Buffer: { from(data: Uint8Array): Uint8Array } })
  .Buffer ?? (require("node:buffer") as { Buffer: { from(data: Uint8Array): Uint8Array } }).Buffer;

const quick = process.argv.includes("--quick");
const runtime = "Deno" in globalThis ? "deno" : "node";
const ROUNDS = quick ? 3 : 7;

function cpuMicros(): number {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
}

/** CPU microseconds per operation of `run(count)`, one sample per round. */
function measure(count: number, run: (count: number) => void): number[] {
  run(Math.max(1, count >> 3)); // warm up
  const samples: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const start = cpuMicros();
    run(count);
    samples.push((cpuMicros() - start) / count);
  }
  return samples;
}

function payload(size: number): Uint8Array {
  return new Uint8Array(size).map((_, i) => (i * 31 + 7) & 0xff);
}

function concatFrames(frames: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(frames.reduce((n, f) => n + f.length, 0));
  let at = 0;
  for (const f of frames) {
    out.set(f, at);
    at += f.length;
  }
  return out;
}

const rows: Array<[string, number[], number[]]> = [];
function row(name: string, ours: number[], theirs: number[]): void {
  rows.push([name, ours, theirs]);
}

for (const size of [64, 65536]) {
  const data = payload(size);
  const count = size === 64 ? (quick ? 20_000 : 200_000) : (quick ? 300 : 3_000);
  const label = size === 64 ? "64 B" : "64 KiB";

  // Masking alone.
  const key = new Uint8Array([0x37, 0xfa, 0x21, 0x3d]);
  const buffer = NodeBuffer.from(data);
  row(
    `mask ${label}`,
    measure(count * 4, (n) => {
      for (let i = 0; i < n; i++) mask(buffer, key);
    }),
    measure(count * 4, (n) => {
      for (let i = 0; i < n; i++) bufferutil.unmask(buffer, key);
    }),
  );

  // Encoding.
  const server = new WebSocketConnection({ role: "server" });
  const client = new WebSocketConnection({ role: "client" });
  const wsData = NodeBuffer.from(data);
  row(
    `encode server ${label}`,
    measure(count, (n) => {
      for (let i = 0; i < n; i++) server.sendBinaryParts(data);
    }),
    measure(count, (n) => {
      for (let i = 0; i < n; i++) {
        ws.Sender.frame(wsData, { fin: true, rsv1: false, opcode: 2, mask: false, readOnly: true });
      }
    }),
  );
  row(
    `encode client ${label}`,
    measure(count, (n) => {
      for (let i = 0; i < n; i++) client.sendBinary(data);
    }),
    measure(count, (n) => {
      for (let i = 0; i < n; i++) {
        ws.Sender.frame(wsData, { fin: true, rsv1: false, opcode: 2, mask: true, readOnly: true });
      }
    }),
  );

  // Decoding: a stream of frames read 64 KiB at a time.
  for (const role of ["server", "client"] as const) {
    const sender = new WebSocketConnection({ role: role === "server" ? "client" : "server" });
    const frames = Array.from({ length: Math.min(count, 4096) }, () => sender.sendBinary(data));
    const stream = concatFrames(frames);
    // Reads as each library gets them: plain Uint8Arrays from wirestack's
    // adapters, Buffers from node:net.
    const reads: Uint8Array[] = [];
    for (let at = 0; at < stream.length; at += 65536) reads.push(stream.slice(at, at + 65536));
    const wsReads = reads.map((chunk) => NodeBuffer.from(chunk));
    const perStream = frames.length;
    const streams = Math.max(1, Math.round(count / perStream));
    let received = 0;
    const ours = measure(streams, (n) => {
      for (let s = 0; s < n; s++) {
        const connection = new WebSocketConnection({ role });
        for (const chunk of reads) {
          connection.receive(chunk);
          for (let e = connection.nextEvent(); e !== null; e = connection.nextEvent()) received++;
        }
      }
    }).map((sample) => sample / perStream);
    const theirs = measure(streams, (n) => {
      for (let s = 0; s < n; s++) {
        const receiver = new ws.Receiver({ isServer: role === "server", binaryType: "nodebuffer" });
        receiver.on("message", () => received++);
        for (const chunk of wsReads) receiver.write(chunk);
      }
    }).map((sample) => sample / perStream);
    if (received === 0) throw new Error("nothing decoded");
    row(`decode ${role} ${label}`, ours, theirs);
  }
}

console.log(
  `ws codec on ${runtime} (${
    quick ? "quick" : "full"
  }), CPU us per message, median of ${ROUNDS} rounds`,
);
console.log("| operation | wirestack | ws | ws / wirestack |");
console.log("| --- | ---: | ---: | ---: |");
for (const [name, oursSamples, theirsSamples] of rows) {
  const ours = median(oursSamples);
  const theirs = median(theirsSamples);
  console.log(
    `| ${name} | ${ours.toFixed(3)} | ${theirs.toFixed(3)} | ${(theirs / ours).toFixed(2)}x |`,
  );
}
for (const [name, ours, theirs] of rows) {
  report("ws_codec", {
    figure: name,
    unit: "us CPU/message",
    higherIsBetter: false,
    wirestack: ours,
    peers: { ws: theirs },
  });
}
