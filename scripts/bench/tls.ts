/**
 * TLS through wirestack's `tls` module against the runtime's own TLS used
 * directly, in the same run, on the runtime it runs on:
 *
 * - handshakes: full TLS 1.3 handshakes (no resumption), two clients at a
 *   time, each closing once its handshake is done; the run ends when the server
 *   has completed them all. Client and server in one process, so the CPU time
 *   covers both ends. (No application data: Deno's TLS server sockets keep
 *   Nagle's algorithm, and a first response would wait ~40 ms for an ACK.)
 * - bulk: 256 MB one way over one TLS connection, MB/s and CPU per MB; the
 *   server writes from one reused 64 KiB buffer, the client counts `data`
 *   events, or (wirestack) reads with `onread` into one buffer as raw Deno
 *   does (raw Node keeps `data`: `tls.connect` has no `onread`).
 * - https: requests per second and server CPU per request over HTTPS, wrk
 *   (one thread, 20 connections; not verifying) against wirestack's
 *   `serve({ tls })` and the runtime's own HTTPS server (`node:https` under
 *   Node, `Deno.serve` with `cert`/`key` under Deno), both answering "hello"
 *   from a web-style handler: keep-alive (handshakes amortized), and
 *   `Connection: close` (a full handshake per request). The server runs alone
 *   in the worker process, so its CPU time is the server's; wrk is another
 *   process. Skipped when wrk is not installed.
 *
 * The certificate is an ECDSA P-256 leaf from a development CA made with
 * `crypto/`, for 127.0.0.1 (clients connect to the address and verify it).
 * The runtime's own TLS is `node:tls` under Node and `Deno.listenTls` /
 * `Deno.connectTls` under Deno (reading into one reused buffer). Each
 * measurement runs in a fresh child process; raw and wirestack alternate, and
 * the medians of the rounds are printed with their ratios (wirestack / raw
 * for rates, raw / wirestack for CPU per operation: above 1, wirestack is ahead).
 *
 * Run: `node_modules/.bin/deno run -A scripts/bench/tls.ts [--quick] [--rounds N] [--only handshakes|bulk|https]`
 * (Deno, from source) or `npm run build && node npm/esm/scripts/bench/tls.js` (Node, from the build).
 *
 * @module
 */

import { spawn, spawnSync } from "node:child_process";
import * as nodeHttps from "node:https";
import process from "node:process";
import * as nodeTls from "node:tls";
import { fileURLToPath } from "node:url";
import { createDevCa, issueDevCertificate } from "../../crypto/mod.ts";
import { serve } from "../../http/mod.ts";
import { connect, createServer } from "../../tls/mod.ts";
import { formatFigure as fmt, median, report } from "./_report.ts";

// ---- the Deno API used by the raw Deno variant (typed here for the tsc build) ----

interface DenoTlsConnLike {
  read(p: Uint8Array): Promise<number | null>;
  write(p: Uint8Array): Promise<number>;
  handshake(): Promise<unknown>;
  closeWrite(): Promise<void>;
  close(): void;
}
interface DenoTlsListenerLike extends AsyncIterable<DenoTlsConnLike> {
  addr: { port: number };
  close(): void;
}
interface DenoLike {
  listenTls(
    options: { port: number; hostname: string; cert: string; key: string },
  ): DenoTlsListenerLike;
  connectTls(
    options: { port: number; hostname: string; caCerts: string[] },
  ): Promise<DenoTlsConnLike>;
  serve(
    options: {
      port: number;
      hostname: string;
      cert: string;
      key: string;
      onListen(addr: { port: number }): void;
    },
    handler: (request: Request) => Response,
  ): { shutdown(): Promise<void> };
  args: string[];
}
const deno = (globalThis as { Deno?: DenoLike }).Deno;
const runtime = deno === undefined ? "node" : "deno";

type Variant = "raw" | "wirestack";
const HOST = "127.0.0.1";

interface Pki {
  cert: string;
  key: string;
  root: string;
}

async function makePki(): Promise<Pki> {
  const ca = await createDevCa();
  // The first name becomes the common name: an IP address there would break the
  // root's DNS name constraints for OpenSSL (it reads a host-like CN as a DNS name).
  const issued = await issueDevCertificate(ca, ["localhost", HOST]);
  return { cert: issued.chain, key: issued.privateKey, root: ca.certificate };
}

function cpuMicros(): number {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** What both event-socket kinds (wirestack's, node:tls's) offer. */
interface EventSocket {
  once(type: string, listener: (...args: never[]) => void): unknown;
  on(type: "data", listener: (chunk: Uint8Array) => void): unknown;
  write(bytes: Uint8Array, callback?: () => void): boolean;
  end(): unknown;
  destroy(): unknown;
}

// ---- servers -------------------------------------------------------------------

/**
 * A TLS server: `handshakes` counts finished handshakes (and closes each
 * connection when the client does); `bulk` sends `bytes()` from one reused
 * buffer to each client, then ends.
 */
async function server(
  variant: Variant,
  pki: Pki,
  mode: "handshakes" | "bulk",
  bytes: () => number,
  onSecure: () => void = () => {},
): Promise<[number, () => void]> {
  const chunk = new Uint8Array(65536).fill(7);
  const serveEvents = (socket: EventSocket) => {
    onSecure();
    if (mode === "handshakes") {
      socket.on("data", () => {});
      socket.once("end", () => socket.end());
      return;
    }
    const total = bytes();
    let sent = 0;
    const next = () => {
      if (sent >= total) {
        socket.end();
        return;
      }
      sent += chunk.length;
      socket.write(chunk, next);
    };
    next();
  };
  if (variant === "wirestack") {
    const tlsServer = createServer({ cert: pki.cert, key: pki.key }, (socket) => {
      socket.on("error", () => {});
      serveEvents(socket as unknown as EventSocket);
    });
    tlsServer.on("tlsClientError", () => {});
    await new Promise<void>((resolve) => tlsServer.listen(0, HOST, resolve));
    return [(tlsServer.address() as { port: number }).port, () => tlsServer.close()];
  }
  if (deno !== undefined) {
    const listener = deno.listenTls({ port: 0, hostname: HOST, cert: pki.cert, key: pki.key });
    (async () => {
      for await (const conn of listener) {
        (async () => {
          try {
            await conn.handshake();
            onSecure();
            if (mode === "handshakes") {
              // As Node's and wirestack's servers do: end in turn, with close_notify.
              const buffer = new Uint8Array(64);
              while ((await conn.read(buffer)) !== null);
              await conn.closeWrite();
            } else {
              const total = bytes();
              for (let sent = 0; sent < total; sent += chunk.length) {
                for (let at = 0; at < chunk.length;) at += await conn.write(chunk.subarray(at));
              }
            }
          } catch {
            // the client went away
          }
          conn.close();
        })();
      }
    })().catch(() => {});
    return [listener.addr.port, () => listener.close()];
  }
  const tlsServer = nodeTls.createServer(
    { cert: pki.cert, key: pki.key, noDelay: true },
    (socket) => {
      socket.on("error", () => {});
      serveEvents(socket as unknown as EventSocket);
    },
  );
  tlsServer.on("tlsClientError", () => {});
  await new Promise<void>((resolve) => tlsServer.listen(0, HOST, resolve));
  return [(tlsServer.address() as { port: number }).port, () => tlsServer.close()];
}

// ---- handshakes ------------------------------------------------------------------

/**
 * One client: handshake, then close. Under Node with `end()`: OpenSSL's server
 * finishes its TLS 1.3 handshake only after reading the client's Finished, and
 * a reset right after `secureConnect` would fail it. Under Deno at once, as raw
 * `conn.close()` does (rustls has sent the Finished by then).
 */
async function handshakeOnce(variant: Variant, port: number, pki: Pki): Promise<void> {
  if (variant === "raw" && deno !== undefined) {
    const conn = await deno.connectTls({ port, hostname: HOST, caCerts: [pki.root] });
    await conn.handshake();
    conn.close();
    return;
  }
  const socket: EventSocket = variant === "wirestack"
    ? connect({ host: HOST, port, ca: pki.root }) as unknown as EventSocket
    : nodeTls.connect({ host: HOST, port, ca: pki.root }) as unknown as EventSocket;
  socket.on("data", () => {});
  await new Promise<void>((resolve, reject) => {
    socket.once("error", reject);
    socket.once("secureConnect", () => resolve());
  });
  if (deno === undefined) socket.end();
  else socket.destroy();
}

const PARALLEL = 2;

async function runHandshakes(variant: Variant, count: number) {
  const pki = await makePki();
  let secured = 0;
  let wake: (() => void) | null = null;
  const [port, close] = await server(variant, pki, "handshakes", () => 0, () => {
    secured++;
    wake?.();
  });
  const batch = async (n: number) => {
    const target = secured + n;
    let started = 0;
    const client = async () => {
      while (started < n) {
        started++;
        await handshakeOnce(variant, port, pki);
      }
    };
    await Promise.all(Array.from({ length: PARALLEL }, client));
    while (secured < target) await new Promise<void>((resolve) => (wake = resolve));
  };
  await batch(Math.min(50, count));
  gc();
  const cpu = cpuMicros();
  const started = performance.now();
  await batch(count);
  const seconds = (performance.now() - started) / 1000;
  const cpuPerOp = (cpuMicros() - cpu) / count;
  close();
  return { rate: count / seconds, cpuPerOp };
}

// ---- bulk ------------------------------------------------------------------------

async function runBulk(variant: Variant, consumer: "data" | "onread", megabytes: number) {
  const pki = await makePki();
  const warmUp = Math.min(32, megabytes) * 1024 * 1024;
  const sizes = [warmUp, megabytes * 1024 * 1024]; // warm-up, then measured
  let connections = 0;
  const [port, close] = await server(variant, pki, "bulk", () => sizes[connections++] ?? 0);
  const consume = async (): Promise<number> => {
    let received = 0;
    if (variant === "raw" && deno !== undefined) {
      const conn = await deno.connectTls({ port, hostname: HOST, caCerts: [pki.root] });
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
    const socket: EventSocket = variant === "wirestack"
      ? connect({
        host: HOST,
        port,
        ca: pki.root,
        ...(consumer === "onread" ? { onread } : {}),
      }) as unknown as EventSocket
      : nodeTls.connect({ host: HOST, port, ca: pki.root }) as unknown as EventSocket;
    if (variant === "raw" || consumer === "data") {
      socket.on("data", (data) => {
        received += data.length;
      });
    }
    await new Promise<void>((resolve) => socket.once("end", () => resolve()));
    socket.destroy();
    return received;
  };
  await consume();
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

// ---- https -----------------------------------------------------------------------

function hasWrk(): boolean {
  try {
    return spawnSync("wrk", ["--version"]).error === undefined;
  } catch {
    return false;
  }
}

/** Starts an HTTPS server answering "hello": wirestack's serve, or the runtime's own. */
async function httpsServer(variant: Variant, pki: Pki): Promise<[number, () => Promise<void>]> {
  const handler = () => new Response("hello");
  if (variant === "wirestack") {
    const server = serve(
      { port: 0, hostname: HOST, tls: { cert: pki.cert, key: pki.key } },
      handler,
    );
    const { port } = await server.listening;
    return [port, () => server.close()];
  }
  if (deno !== undefined) {
    let server: { shutdown(): Promise<void> } | undefined;
    const port = await new Promise<number>((resolve) => {
      server = deno.serve({
        port: 0,
        hostname: HOST,
        cert: pki.cert,
        key: pki.key,
        onListen: (addr) => resolve(addr.port),
      }, handler);
    });
    return [port, () => server!.shutdown()];
  }
  const body = new TextEncoder().encode("hello");
  const server = nodeHttps.createServer({ cert: pki.cert, key: pki.key }, (_req, res) => {
    res.writeHead(200, { "content-type": "text/plain;charset=UTF-8" });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
  const port = (server.address() as { port: number }).port;
  return [port, () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    })];
}

function wrk(port: number, seconds: number, close: boolean): Promise<number> {
  const args = ["-t1", "-c20", `-d${seconds}s`];
  if (close) args.push("-H", "Connection: close");
  args.push(`https://${HOST}:${port}/`);
  return new Promise((resolve, reject) => {
    const child = spawn("wrk", args, { stdio: ["ignore", "pipe", "inherit"] });
    let text = "";
    child.stdout?.on("data", (chunk: Uint8Array) => (text += new TextDecoder().decode(chunk)));
    child.on("close", () => {
      const match = /(\d+) requests in/.exec(text);
      if (match === null) reject(new Error(`wrk said: ${text}`));
      else resolve(Number(match[1]));
    });
  });
}

async function runHttps(variant: Variant, seconds: number, close: boolean) {
  const pki = await makePki();
  const [port, stop] = await httpsServer(variant, pki);
  await wrk(port, 1, close); // warm-up
  gc();
  const cpu = cpuMicros();
  const started = performance.now();
  const requests = await wrk(port, seconds, close);
  const elapsed = (performance.now() - started) / 1000;
  const cpuPerOp = (cpuMicros() - cpu) / requests;
  await stop();
  return { rate: requests / elapsed, cpuPerOp };
}

// ---- the parent: rounds, children, medians ------------------------------------------

const self = fileURLToPath(import.meta.url);

function runWorker(args: string[]): Promise<{ rate: number; cpuPerOp: number }> {
  const exposeGc = runtime === "deno" ? ["--v8-flags=--expose-gc"] : ["--expose-gc"];
  const argv = runtime === "deno"
    ? ["run", "-A", ...exposeGc, self, ...args]
    : [...exposeGc, self, ...args];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, argv, { stdio: ["ignore", "pipe", "inherit"] });
    let text = "";
    child.stdout?.on("data", (chunk: Uint8Array) => (text += new TextDecoder().decode(chunk)));
    child.on("close", (code) => {
      const last = text.trim().split("\n").pop();
      if (code === 0 && last) resolve(JSON.parse(last));
      else reject(new Error(`worker ${args.join(" ")} failed (${code}): ${text}`));
    });
  });
}

function flag(args: string[], name: string): string | undefined {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] ?? "" : undefined;
}

async function worker(args: string[]): Promise<void> {
  const [kind, variant, size, consumer] = args;
  const result = kind === "handshakes"
    ? await runHandshakes(variant as Variant, Number(size))
    : kind === "https"
    ? await runHttps(variant as Variant, Number(size), consumer === "close")
    : await runBulk(variant as Variant, consumer as "data" | "onread", Number(size));
  console.log(JSON.stringify(result));
  process.exit(0);
}

async function main(): Promise<void> {
  const args = deno?.args ?? process.argv.slice(2);
  const workerAt = args.indexOf("--worker");
  if (workerAt >= 0) return worker(args.slice(workerAt + 1));
  const quick = args.includes("--quick");
  const rounds = Number(flag(args, "--rounds") ?? (quick ? 1 : 5));
  const only = flag(args, "--only");
  const cases = [
    {
      name: "handshakes (TLS 1.3, P-256)",
      unit: "handshakes/s",
      cpuUnit: "us CPU per handshake",
      args: ["handshakes", quick ? "30" : "1000"],
    },
    {
      name: `bulk ${quick ? 64 : 256} MB, data`,
      unit: "MB/s",
      cpuUnit: "us CPU per MB",
      args: ["bulk", quick ? "64" : "256", "data"],
    },
    {
      name: `bulk ${quick ? 64 : 256} MB, onread`,
      unit: "MB/s",
      cpuUnit: "us CPU per MB",
      args: ["bulk", quick ? "64" : "256", "onread"],
    },
  ];
  const seconds = quick ? "1" : "5";
  if (hasWrk()) {
    cases.push(
      {
        name: "https keep-alive",
        unit: "requests/s",
        cpuUnit: "us server CPU per request",
        args: ["https", seconds, "keep-alive"],
      },
      {
        name: "https, handshake each",
        unit: "requests/s",
        cpuUnit: "us server CPU per request",
        args: ["https", seconds, "close"],
      },
    );
  } else {
    console.log("https: skipped (wrk is not installed)");
  }
  const native = runtime === "deno"
    ? "Deno.listenTls/connectTls, Deno.serve"
    : "node:tls, node:https";
  console.log(
    `tls on ${runtime}: wirestack against ${native} (${rounds} round${
      rounds > 1 ? "s" : ""
    }, medians)`,
  );
  for (const benchCase of cases) {
    if (only !== undefined && !benchCase.name.includes(only)) continue;
    const results: Record<Variant, Array<{ rate: number; cpuPerOp: number }>> = {
      raw: [],
      wirestack: [],
    };
    for (let round = 0; round < rounds; round++) {
      for (const variant of ["raw", "wirestack"] as const) {
        const [kind, size, consumer = ""] = benchCase.args;
        results[variant].push(await runWorker(["--worker", kind, variant, size, consumer]));
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
      `${benchCase.name.padEnd(28)} raw ${fmt(raw.rate)} ${benchCase.unit}, ${
        fmt(raw.cpu)
      } ${benchCase.cpuUnit}` +
        ` | wirestack ${fmt(ws.rate)}, ${fmt(ws.cpu)}` +
        ` | rate ${(ws.rate / raw.rate).toFixed(2)}x, CPU ${(raw.cpu / ws.cpu).toFixed(2)}x`,
    );
    const figure = benchCase.name.replace(/ \d+ MB/, "");
    const peer = benchCase.args[0] === "https"
      ? (runtime === "deno" ? "Deno.serve" : "node:https")
      : (runtime === "deno" ? "Deno.listenTls/connectTls" : "node:tls");
    report("tls", {
      figure: `${figure} (CPU)`,
      unit: benchCase.cpuUnit.replace(" CPU per ", " CPU/"),
      higherIsBetter: false,
      wirestack: results.wirestack.map((r) => r.cpuPerOp),
      peers: { [peer]: results.raw.map((r) => r.cpuPerOp) },
      goal: { peer, ratio: 0.9 },
    });
    report("tls", {
      figure: `${figure} (rate)`,
      unit: benchCase.unit,
      higherIsBetter: true,
      wirestack: results.wirestack.map((r) => r.rate),
      peers: { [peer]: results.raw.map((r) => r.rate) },
    });
  }
}

await main();
