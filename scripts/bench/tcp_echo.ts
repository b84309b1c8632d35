/**
 * TCP through wirestack's `net` sockets against the runtime's raw socket API, in
 * the same run, on the runtime it runs on:
 *
 * - echo: round trips of 64-byte messages, one connection and 50 at once
 *   (client and server in one process: the CPU time covers both ends);
 * - bulk: 256 MB one way, MB/s: the server writes from one reused 64 KiB
 *   buffer, the client consumes with `data` events or with `onread` (Node's
 *   zero-copy reading; raw Deno always reads into one reused buffer);
 * - idle: memory per open connection with 5,000 idle connections, the server
 *   in a process of its own and the clients in another (file-descriptor limit
 *   raised with `ulimit -n`).
 *
 * Raw is `node:net` with `data` listeners under Node (with `noDelay`, as
 * wirestack's sockets have it), and `Deno.listen` / `Deno.connect` with a
 * `conn.read(buffer)` loop under Deno. Each measurement
 * runs in a fresh child process; raw and wirestack alternate, and the medians
 * of the rounds are printed with their ratios (wirestack / raw for rates, raw /
 * wirestack for CPU time per operation: above 1 means wirestack is ahead).
 *
 * Run: `node_modules/.bin/deno run -A scripts/bench/tcp_echo.ts [--quick] [--rounds N] [--only echo|bulk|idle]`
 * (Deno, from source) or `npm run build && node npm/esm/scripts/bench/tcp_echo.js`
 * (Node, from the build).
 *
 * @module
 */

import { type ChildProcess, spawn } from "node:child_process";
import * as nodeNet from "node:net";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { connect, createServer } from "../../net/mod.ts";
import { formatFigure as fmt, median, report } from "./_report.ts";

// ---- the Deno API used by the raw Deno variant (typed here for the tsc build) ----

interface DenoConnLike {
  read(p: Uint8Array): Promise<number | null>;
  write(p: Uint8Array): Promise<number>;
  close(): void;
  setNoDelay?(noDelay?: boolean): void;
}
interface DenoListenerLike extends AsyncIterable<DenoConnLike> {
  addr: { port: number };
  close(): void;
}
interface DenoLike {
  listen(options: { port: number; hostname: string }): DenoListenerLike;
  connect(options: { port: number; hostname: string }): Promise<DenoConnLike>;
  args: string[];
}
const deno = (globalThis as { Deno?: DenoLike }).Deno;
const runtime = deno === undefined ? "node" : "deno";

type Variant = "raw" | "wirestack";
/** The name the raw variant goes by in reports. */
const RAW = deno === undefined ? "node:net" : "Deno.connect";
const MESSAGE = 64;
const WARM_UP_MB = process.argv.includes("--quick") ? 8 : 32;
const HOST = "127.0.0.1";

function cpuMicros(): number {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

// ---- echo ------------------------------------------------------------------

/** Starts an echo server; resolves to its port and a close function. */
async function echoServer(variant: Variant): Promise<[number, () => void]> {
  if (variant === "wirestack") {
    const server = createServer((socket) => {
      socket.on("data", (chunk) => socket.write(chunk));
    });
    await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
    return [(server.address() as { port: number }).port, () => server.close()];
  }
  if (deno !== undefined) {
    const listener = deno.listen({ port: 0, hostname: HOST });
    (async () => {
      for await (const conn of listener) {
        (async () => {
          const buffer = new Uint8Array(65536);
          try {
            for (let n = await conn.read(buffer); n !== null; n = await conn.read(buffer)) {
              for (let at = 0; at < n;) at += await conn.write(buffer.subarray(at, n));
            }
          } catch {
            // closed by the client
          }
          conn.close();
        })();
      }
    })().catch(() => {});
    return [listener.addr.port, () => listener.close()];
  }
  const server = nodeNet.createServer({ noDelay: true }, (socket) => {
    socket.on("data", (chunk) => socket.write(chunk));
  });
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
  return [(server.address() as nodeNet.AddressInfo).port, () => server.close()];
}

/** One connection doing `count` sequential round trips. */
async function echoClient(variant: Variant, port: number, count: number): Promise<void> {
  const message = new Uint8Array(MESSAGE).fill(42);
  if (variant === "wirestack") {
    const socket = connect({ port, host: HOST });
    await new Promise<void>((resolve) => socket.once("connect", resolve));
    await pingPong(socket, message, count);
    socket.destroy();
    return;
  }
  if (deno !== undefined) {
    const conn = await deno.connect({ port, hostname: HOST });
    const buffer = new Uint8Array(65536);
    for (let i = 0; i < count; i++) {
      await conn.write(message);
      for (let got = 0; got < MESSAGE;) {
        const n = await conn.read(buffer);
        if (n === null) throw new Error("closed");
        got += n;
      }
    }
    conn.close();
    return;
  }
  const socket = nodeNet.connect({ port, host: HOST, noDelay: true });
  await new Promise<void>((resolve) => socket.once("connect", resolve));
  await pingPong(socket, message, count);
  socket.destroy();
}

/** What `pingPong` needs of a socket: wirestack's and node:net's both have it. */
interface EventSocket {
  on(type: "data", listener: (chunk: Uint8Array) => void): unknown;
  off(type: "data", listener: (chunk: Uint8Array) => void): unknown;
  write(bytes: Uint8Array): boolean;
}

/** Round trips over an event socket (wirestack's or node:net's). */
function pingPong(
  socket: EventSocket,
  message: Uint8Array,
  count: number,
): Promise<void> {
  return new Promise((resolve) => {
    let done = 0;
    let got = 0;
    const onData = (chunk: Uint8Array) => {
      got += chunk.length;
      if (got < MESSAGE) return;
      got -= MESSAGE;
      if (++done === count) {
        socket.off("data", onData);
        resolve();
      } else socket.write(message);
    };
    socket.on("data", onData);
    socket.write(message);
  });
}

async function runEcho(variant: Variant, connections: number, total: number) {
  const [port, close] = await echoServer(variant);
  // Warm up, then measure.
  await Promise.all(
    Array.from({ length: connections }, () => echoClient(variant, port, 200)),
  );
  gc();
  const cpu = cpuMicros();
  const started = performance.now();
  const each = Math.ceil(total / connections);
  await Promise.all(Array.from({ length: connections }, () => echoClient(variant, port, each)));
  const seconds = (performance.now() - started) / 1000;
  const cpuPerOp = (cpuMicros() - cpu) / (each * connections);
  close();
  return { rate: (each * connections) / seconds, cpuPerOp };
}

// ---- bulk ------------------------------------------------------------------

/**
 * The server sends `megabytes` from one reused 64 KiB buffer, each write waiting
 * until the previous one was handed to the system (the callback form: the buffer
 * may then be reused); the client counts what arrives, with `data` events or
 * with `onread` (Node's zero-copy reading into one buffer). Raw Deno reads into
 * one reused buffer either way: that is its API.
 */
async function runBulk(variant: Variant, consumer: "data" | "onread", megabytes: number) {
  const chunk = new Uint8Array(65536).fill(7);
  // The first connection is a warm-up of WARM_UP_MB (not measured), the second
  // carries `megabytes`.
  const sizes = [WARM_UP_MB * 1024 * 1024, megabytes * 1024 * 1024];
  let connections = 0;
  let close: () => void;
  let port: number;
  const produce = async (write: (bytes: Uint8Array) => Promise<unknown>) => {
    const total = sizes[connections++] ?? 0;
    for (let sent = 0; sent < total; sent += chunk.length) await write(chunk);
  };
  if (variant === "wirestack") {
    const server = createServer((socket) => {
      produce((bytes) => new Promise((resolve) => socket.write(bytes, resolve))).then(() =>
        socket.end()
      );
    });
    await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
    port = (server.address() as { port: number }).port;
    close = () => server.close();
  } else if (deno !== undefined) {
    const listener = deno.listen({ port: 0, hostname: HOST });
    (async () => {
      for await (const conn of listener) {
        produce(async (bytes) => {
          for (let at = 0; at < bytes.length;) at += await conn.write(bytes.subarray(at));
        }).then(() => conn.close(), () => conn.close());
      }
    })().catch(() => {});
    port = listener.addr.port;
    close = () => listener.close();
  } else {
    const server = nodeNet.createServer({ noDelay: true }, (socket) => {
      produce((bytes) => new Promise((resolve) => socket.write(bytes, resolve))).then(() =>
        socket.end()
      );
    });
    await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
    port = (server.address() as nodeNet.AddressInfo).port;
    close = () => server.close();
  }

  const consume = async (): Promise<number> => {
    let received = 0;
    if (variant === "raw" && deno !== undefined) {
      const conn = await deno.connect({ port, hostname: HOST });
      const buffer = new Uint8Array(65536);
      for (let n = await conn.read(buffer); n !== null; n = await conn.read(buffer)) received += n;
      conn.close();
      return received;
    }
    const onread = {
      buffer: new Uint8Array(65536),
      callback: (n: number) => {
        received += n;
        return true;
      },
    };
    const socket = variant === "wirestack"
      ? connect({ port, host: HOST, ...(consumer === "onread" ? { onread } : {}) })
      : nodeNet.connect({
        port,
        host: HOST,
        noDelay: true,
        ...(consumer === "onread" ? { onread } : {}),
      });
    if (consumer === "data") {
      socket.on("data", (data: Uint8Array) => {
        received += data.length;
      });
    }
    await new Promise<void>((resolve) => socket.once("end", () => resolve()));
    socket.destroy();
    return received;
  };

  await consume(); // warm-up
  gc();
  const cpu = cpuMicros();
  const started = performance.now();
  const received = await consume();
  const seconds = (performance.now() - started) / 1000;
  const cpuPerMB = (cpuMicros() - cpu) / megabytes;
  close();
  if (received !== sizes[1]) throw new Error(`received ${received} of ${sizes[1]} bytes`);
  return { rate: megabytes / seconds, cpuPerOp: cpuPerMB };
}

// ---- idle connections --------------------------------------------------------

/** The server side: accepts `count` connections, reads each, reports memory per connection. */
async function idleServer(variant: Variant, count: number): Promise<void> {
  let accepted = 0;
  const keep: unknown[] = [];
  let port: number;
  if (variant === "wirestack") {
    const server = createServer((socket) => {
      socket.on("data", () => {});
      keep.push(socket);
      accepted++;
    });
    await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
    port = (server.address() as { port: number }).port;
  } else if (deno !== undefined) {
    const listener = deno.listen({ port: 0, hostname: HOST });
    (async () => {
      for await (const conn of listener) {
        keep.push(conn);
        accepted++;
        // A server reads: one pending read per connection, into a buffer as big
        // as wirestack's first read buffer on Deno (4 KiB).
        (async () => {
          const buffer = new Uint8Array(4096);
          while ((await conn.read(buffer)) !== null);
        })().catch(() => {});
      }
    })().catch(() => {});
    port = listener.addr.port;
  } else {
    const server = nodeNet.createServer((socket) => {
      socket.on("data", () => {});
      keep.push(socket);
      accepted++;
    });
    await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
    port = (server.address() as nodeNet.AddressInfo).port;
  }
  await settle();
  const before = memory();
  console.log(JSON.stringify({ port }));
  while (accepted < count) await new Promise((resolve) => setTimeout(resolve, 20));
  await settle();
  const after = memory();
  console.log(JSON.stringify({
    rss: (after.rss - before.rss) / count,
    heap: (after.heap - before.heap) / count,
    accepted,
  }));
  process.exit(0);
}

async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    gc();
  }
}

function memory(): { rss: number; heap: number } {
  const usage = process.memoryUsage();
  return { rss: usage.rss, heap: usage.heapUsed + usage.external };
}

/** The client side: opens `count` raw connections and holds them. */
async function idleClients(port: number, count: number): Promise<void> {
  const held: unknown[] = [];
  for (let i = 0; i < count; i += 100) {
    const batch = Array.from(
      { length: Math.min(100, count - i) },
      () =>
        new Promise<void>((resolve, reject) => {
          const socket = nodeNet.connect({ port, host: HOST }, () => resolve());
          socket.on("error", reject);
          held.push(socket);
        }),
    );
    await Promise.all(batch);
  }
  console.log(JSON.stringify({ connected: held.length }));
  await new Promise(() => {}); // held until killed
}

// ---- the parent: rounds, children, medians -----------------------------------

const self = fileURLToPath(import.meta.url);

function command(args: string[]): [string, string[]] {
  const exposeGc = runtime === "deno" ? ["--v8-flags=--expose-gc"] : ["--expose-gc"];
  return runtime === "deno"
    ? [process.execPath, ["run", "-A", ...exposeGc, self, ...args]]
    : [process.execPath, [...exposeGc, self, ...args]];
}

function spawnWorker(args: string[]): ChildProcess {
  const [cmd, argv] = command(args);
  // Raise the file-descriptor limit for 5,000 connections on each side.
  const line = [cmd, ...argv].map((part) => `'${part.replace(/'/g, "'\\''")}'`).join(" ");
  return spawn("sh", ["-c", `ulimit -n 20000 2>/dev/null || ulimit -n 12000; exec ${line}`], {
    stdio: ["ignore", "pipe", "inherit"],
  });
}

function lines(child: ChildProcess, onLine: (line: string) => void): void {
  let text = "";
  child.stdout?.on("data", (chunk: Uint8Array) => {
    text += new TextDecoder().decode(chunk);
    for (let end = text.indexOf("\n"); end >= 0; end = text.indexOf("\n")) {
      onLine(text.slice(0, end));
      text = text.slice(end + 1);
    }
  });
}

function runWorker(args: string[]): Promise<Record<string, number>> {
  return new Promise((resolve, reject) => {
    const child = spawnWorker(args);
    let last = "";
    lines(child, (line) => (last = line));
    child.on("close", (code) => {
      if (code === 0 && last) resolve(JSON.parse(last));
      else reject(new Error(`worker ${args.join(" ")} failed (${code})`));
    });
  });
}

async function runIdle(variant: Variant, count: number): Promise<Record<string, number>> {
  const server = spawnWorker(["--worker", "idle-server", variant, String(count)]);
  let clients: ChildProcess | undefined;
  try {
    return await new Promise((resolve, reject) => {
      lines(server, (line) => {
        const message = JSON.parse(line);
        if (message.port !== undefined) {
          clients = spawnWorker(["--worker", "idle-clients", String(message.port), String(count)]);
        } else resolve(message);
      });
      server.on("close", (code) => code !== 0 && reject(new Error(`idle server failed (${code})`)));
    });
  } finally {
    clients?.kill("SIGKILL");
    server.kill("SIGKILL");
  }
}

function flag(name: string): string | undefined {
  const args = deno?.args ?? process.argv.slice(2);
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] ?? "" : undefined;
}

async function worker(args: string[]): Promise<void> {
  const [kind, a, b, c] = args;
  if (kind === "echo") {
    console.log(JSON.stringify(await runEcho(a as Variant, Number(b), Number(c))));
  } else if (kind === "bulk") {
    console.log(JSON.stringify(await runBulk(a as Variant, b as "data" | "onread", Number(c))));
  } else if (kind === "idle-server") {
    await idleServer(a as Variant, Number(b));
  } else if (kind === "idle-clients") {
    await idleClients(Number(a), Number(b));
  }
  process.exit(0);
}

async function main(): Promise<void> {
  const args = deno?.args ?? process.argv.slice(2);
  const workerAt = args.indexOf("--worker");
  if (workerAt >= 0) return worker(args.slice(workerAt + 1));

  const quick = args.includes("--quick");
  const rounds = Number(flag("--rounds") ?? (quick ? 1 : 5));
  const cases: Array<{ name: string; unit: string; cpuUnit: string; args: string[] }> = [
    {
      name: "echo, 1 connection",
      unit: "round trips/s",
      cpuUnit: "us CPU per round trip",
      args: ["echo", "1", quick ? "2000" : "40000"],
    },
    {
      name: "echo, 50 connections",
      unit: "round trips/s",
      cpuUnit: "us CPU per round trip",
      args: ["echo", "50", quick ? "5000" : "200000"],
    },
    {
      name: `bulk ${quick ? 16 : 256} MB, data`,
      unit: "MB/s",
      cpuUnit: "us CPU per MB",
      args: ["bulk", "data", quick ? "16" : "256"],
    },
    {
      name: `bulk ${quick ? 16 : 256} MB, onread`,
      unit: "MB/s",
      cpuUnit: "us CPU per MB",
      args: ["bulk", "onread", quick ? "16" : "256"],
    },
  ];
  const only = flag("--only");
  console.log(`tcp_echo on ${runtime} (${rounds} round${rounds > 1 ? "s" : ""}, medians)`);
  for (const benchCase of cases) {
    if (only !== undefined && !benchCase.name.includes(only)) continue;
    const results: Record<Variant, Array<{ rate: number; cpuPerOp: number }>> = {
      raw: [],
      wirestack: [],
    };
    for (let round = 0; round < rounds; round++) {
      for (const variant of ["raw", "wirestack"] as const) {
        const [kind, ...rest] = benchCase.args;
        const result = await runWorker(["--worker", kind, variant, ...rest]);
        results[variant].push({ rate: result.rate, cpuPerOp: result.cpuPerOp });
      }
    }
    const raw = {
      rate: median(results.raw.map((r) => r.rate)),
      cpu: median(results.raw.map((r) => r.cpuPerOp)),
    };
    const ws = {
      rate: median(results.wirestack.map((r) => r.rate)),
      cpu: median(results.wirestack.map((r) => r.cpuPerOp)),
    };
    console.log(
      `${benchCase.name.padEnd(26)} raw ${fmt(raw.rate)} ${benchCase.unit}, ${
        fmt(raw.cpu)
      } ${benchCase.cpuUnit}` +
        ` | wirestack ${fmt(ws.rate)}, ${fmt(ws.cpu)}` +
        ` | rate ${(ws.rate / raw.rate).toFixed(2)}x, CPU ${(raw.cpu / ws.cpu).toFixed(2)}x`,
    );
    const figure = benchCase.name.replace(/ \d+ MB/, "");
    const cpuUnit = benchCase.cpuUnit.replace(" CPU per ", " CPU/").replace("round trip", "rt");
    report("tcp_echo", {
      figure: `${figure} (CPU)`,
      unit: cpuUnit,
      higherIsBetter: false,
      wirestack: results.wirestack.map((r) => r.cpuPerOp),
      peers: { [RAW]: results.raw.map((r) => r.cpuPerOp) },
      goal: { peer: RAW, ratio: 0.9 },
    });
    report("tcp_echo", {
      figure: `${figure} (rate)`,
      unit: benchCase.unit,
      higherIsBetter: true,
      wirestack: results.wirestack.map((r) => r.rate),
      peers: { [RAW]: results.raw.map((r) => r.rate) },
    });
  }
  if (only !== undefined && !"idle".includes(only)) return;
  const count = quick ? 200 : 5000;
  const idle: Record<Variant, Array<Record<string, number>>> = { raw: [], wirestack: [] };
  for (let round = 0; round < Math.min(rounds, 3); round++) {
    for (const variant of ["raw", "wirestack"] as const) {
      idle[variant].push(await runIdle(variant, count));
    }
  }
  const rawRss = median(idle.raw.map((r) => r.rss));
  const wsRss = median(idle.wirestack.map((r) => r.rss));
  const rawHeap = median(idle.raw.map((r) => r.heap));
  const wsHeap = median(idle.wirestack.map((r) => r.heap));
  console.log(
    `idle ${count} connections   raw ${fmt(rawRss)} B RSS, ${fmt(rawHeap)} B JS per connection` +
      ` | wirestack ${fmt(wsRss)} B RSS, ${fmt(wsHeap)} B JS` +
      ` | overhead ${fmt(wsRss - rawRss)} B RSS, ${fmt(wsHeap - rawHeap)} B JS per connection`,
  );
  for (const [kind, key] of [["RSS", "rss"], ["JS heap", "heap"]] as const) {
    report("tcp_echo", {
      figure: `idle connection, ${kind}`,
      unit: "B/conn",
      higherIsBetter: false,
      wirestack: idle.wirestack.map((r) => r[key]),
      peers: { [RAW]: idle.raw.map((r) => r[key]) },
      goal: { peer: RAW, overAtMost: 2048 },
    });
  }
}

await main();
