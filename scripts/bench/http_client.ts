/**
 * HTTP clients against one fixed server: keep-alive GETs of a 13-byte body,
 * one at a time (sequential) and 50 at once (50 connections), measured as
 * client CPU time per request (us of user+sys of the client process, every
 * thread counted) and requests per second.
 *
 * Clients, in the same run and alternating round by round:
 * - wirestack `request()` (data events) and `fetch()` (`text()`), through one
 *   `Agent`;
 * - undici's `request` (`body.text()`) and `fetch` (`text()`), through one
 *   undici `Agent`;
 * - Node's `http.request` with a keep-alive `http.Agent` (under Deno: its
 *   Node compatibility layer);
 * - the runtime's own `fetch` (Deno's, in Rust; Node's is undici's, bundled).
 *
 * The server is a raw, fast HTTP/1.1 responder in a child process (Deno:
 * `Deno.listen` with a `conn.read` loop; Node: `node:net`), so it is not the
 * bottleneck and its CPU time is not counted. Ratios are printed as
 * "x CPU/request of the other / wirestack's" (above 1: wirestack is cheaper).
 *
 * Run: `node_modules/.bin/deno run -A scripts/bench/http_client.ts [--quick] [--rounds N]`
 * (Deno, from source) or `npm run build && node npm/esm/scripts/bench/http_client.js`
 * (Node, from the build).
 *
 * @module
 */

import { spawn } from "node:child_process";
import * as nodeHttp from "node:http";
import * as nodeNet from "node:net";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { Agent, fetch as wsFetch, request as wsRequest } from "../../http/mod.ts";
import { median, report } from "./_report.ts";

interface DenoConnLike {
  read(p: Uint8Array): Promise<number | null>;
  write(p: Uint8Array): Promise<number>;
  close(): void;
  setNoDelay?(noDelay?: boolean): void;
}
interface DenoLike {
  listen(options: { port: number; hostname: string }): AsyncIterable<DenoConnLike> & {
    addr: { port: number };
  };
}
const deno = (globalThis as { Deno?: DenoLike }).Deno;
const runtime = deno === undefined ? "node" : "deno";
const HOST = "127.0.0.1";
const RESPONSE = new TextEncoder().encode(
  "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\nKeep-Alive: timeout=60\r\n\r\nhello world!!",
);

// ---- the server (child process) ------------------------------------------------------

/** Counts the request heads in `text` (ends of heads: blank lines). */
function heads(bytes: Uint8Array, n: number, carry: number): [count: number, carry: number] {
  // carry: how many of "\r\n\r\n" matched at the end of the previous read
  const pattern = [13, 10, 13, 10];
  let count = 0;
  let matched = carry;
  for (let i = 0; i < n; i++) {
    const byte = bytes[i];
    if (byte === pattern[matched]) {
      matched++;
      if (matched === 4) {
        count++;
        matched = 0;
      }
    } else matched = byte === 13 ? 1 : 0;
  }
  return [count, matched];
}

function responses(count: number): Uint8Array {
  if (count === 1) return RESPONSE;
  const all = new Uint8Array(RESPONSE.length * count);
  for (let i = 0; i < count; i++) all.set(RESPONSE, i * RESPONSE.length);
  return all;
}

async function serve(): Promise<void> {
  if (deno !== undefined) {
    const listener = deno.listen({ port: 0, hostname: HOST });
    console.log(JSON.stringify({ port: listener.addr.port }));
    for await (const conn of listener) {
      (async () => {
        conn.setNoDelay?.(true);
        const buffer = new Uint8Array(65536);
        let carry = 0;
        try {
          for (let n = await conn.read(buffer); n !== null; n = await conn.read(buffer)) {
            const [count, rest] = heads(buffer, n, carry);
            carry = rest;
            if (count > 0) {
              const bytes = responses(count);
              for (let at = 0; at < bytes.length;) at += await conn.write(bytes.subarray(at));
            }
          }
        } catch {
          // the client went away
        }
        conn.close();
      })();
    }
    return;
  }
  const server = nodeNet.createServer({ noDelay: true }, (socket) => {
    let carry = 0;
    socket.on("data", (chunk: Uint8Array) => {
      const [count, rest] = heads(chunk, chunk.length, carry);
      carry = rest;
      if (count > 0) socket.write(responses(count));
    });
    socket.on("error", () => {});
  });
  server.listen(0, HOST, () => {
    console.log(JSON.stringify({ port: (server.address() as nodeNet.AddressInfo).port }));
  });
}

// ---- the clients ---------------------------------------------------------------------------

type Client = { name: string; one(): Promise<unknown>; close(): Promise<void> | void };

interface UndiciLike {
  Agent: new (options: { connections: number; pipelining: number }) => {
    close(): Promise<void>;
  };
  request(
    url: string,
    options: { dispatcher: unknown },
  ): Promise<{ body: { text(): Promise<string> } }>;
  fetch(url: string, options: { dispatcher: unknown }): Promise<Response>;
}

async function clients(url: string): Promise<Client[]> {
  const list: Client[] = [];
  const agent = new Agent({ keepAlive: true });
  list.push({
    name: "wirestack request",
    one: () =>
      new Promise<void>((resolve, reject) => {
        const req = wsRequest(url, { agent }, (res) => {
          let size = 0;
          res.on("data", (chunk) => (size += chunk.length));
          res.on("end", () => resolve());
          res.on("error", reject);
        });
        req.on("error", reject);
        req.end();
      }),
    close: () => agent.destroy(),
  });
  const fetchAgent = new Agent({ keepAlive: true });
  list.push({
    name: "wirestack fetch",
    one: async () => (await wsFetch(url, { agent: fetchAgent })).text(),
    close: () => fetchAgent.destroy(),
  });
  let undici: UndiciLike | null = null;
  try {
    undici = await import("undici") as unknown as UndiciLike;
  } catch {
    console.log("(undici not found: npm ci)");
  }
  if (undici !== null) {
    const dispatcher = new undici.Agent({ connections: 50, pipelining: 1 });
    const u = undici;
    list.push({
      name: "undici request",
      one: async () => (await u.request(url, { dispatcher })).body.text(),
      close: () => dispatcher.close(),
    });
    const fetchDispatcher = new undici.Agent({ connections: 50, pipelining: 1 });
    list.push({
      name: "undici fetch",
      one: async () => (await u.fetch(url, { dispatcher: fetchDispatcher })).text(),
      close: () => fetchDispatcher.close(),
    });
  }
  const nodeAgent = new nodeHttp.Agent({ keepAlive: true, maxSockets: 50 });
  list.push({
    name: "node:http request",
    one: () =>
      new Promise<void>((resolve, reject) => {
        const req = nodeHttp.request(url, { agent: nodeAgent }, (res) => {
          res.on("data", () => {});
          res.on("end", () => resolve());
        });
        req.on("error", reject);
        req.end();
      }),
    close: () => nodeAgent.destroy(),
  });
  list.push({
    name: `${runtime} fetch`,
    one: async () => (await globalThis.fetch(url)).text(),
    close: () => {},
  });
  return list;
}

function cpuMicros(): number {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
}

interface Sample {
  cpu: number; // us per request
  rate: number; // requests per second
}

async function measure(client: Client, count: number, concurrency: number): Promise<Sample> {
  let next = 0;
  const worker = async () => {
    while (next++ < count) await client.one();
  };
  const cpu = cpuMicros();
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = performance.now() - started;
  return { cpu: (cpuMicros() - cpu) / count, rate: count / elapsed * 1000 };
}

async function startServer(): Promise<{ port: number; stop(): void }> {
  const self = fileURLToPath(import.meta.url);
  const args = deno !== undefined ? ["run", "-A", self, "--server"] : [self, "--server"];
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
  const line = await new Promise<string>((resolve, reject) => {
    let text = "";
    child.stdout?.on("data", (chunk: Uint8Array) => {
      text += new TextDecoder().decode(chunk);
      const end = text.indexOf("\n");
      if (end >= 0) resolve(text.slice(0, end));
    });
    child.once("exit", (code) => reject(new Error(`server exited (${code})`)));
  });
  return { port: JSON.parse(line).port, stop: () => child.kill() };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes("--server")) {
    await serve();
    return;
  }
  const quick = argv.includes("--quick");
  const roundsArg = argv.indexOf("--rounds");
  const rounds = roundsArg >= 0 ? Number(argv[roundsArg + 1]) : quick ? 1 : 5;
  const only = argv.indexOf("--only");
  const filter = only >= 0 ? argv[only + 1] : null;
  const count = quick ? 500 : 10000;
  const server = await startServer();
  const url = `http://${HOST}:${server.port}/`;
  let list = await clients(url);
  if (filter !== null) {
    list = list.filter((client) =>
      client.name.includes(filter) || client.name.startsWith("wirestack")
    );
  }
  const modes: Array<[string, number]> = [["sequential", 1], ["50 concurrent", 50]];
  const samples = new Map<string, Sample[]>();
  console.log(
    `http_client on ${runtime}: ${count} keep-alive GETs per measurement, ${rounds} round(s)`,
  );
  for (const client of list) {
    for (const [, concurrency] of modes) await measure(client, Math.min(count, 2000), concurrency);
  }
  for (let round = 0; round < rounds; round++) {
    for (const [mode, concurrency] of modes) {
      // a different client goes first each round: the first one after a mode
      // change pays for the others' garbage and for cold caches
      const order = list.map((_, i) => list[(i + round) % list.length]);
      for (const client of order) {
        const sample = await measure(client, count, concurrency);
        const key = `${mode}|${client.name}`;
        if (!samples.has(key)) samples.set(key, []);
        samples.get(key)?.push(sample);
      }
    }
  }
  for (const [mode] of modes) {
    console.log(`\n${mode}:`);
    const mine = new Map<string, number>();
    for (const client of list) {
      const taken = samples.get(`${mode}|${client.name}`) ?? [];
      const cpu = median(taken.map((sample) => sample.cpu));
      const rate = median(taken.map((sample) => sample.rate));
      mine.set(client.name, cpu);
      console.log(
        `  ${client.name.padEnd(20)} ${cpu.toFixed(1).padStart(7)} us CPU/request ${
          rate.toFixed(0).padStart(7)
        } req/s`,
      );
    }
    const request = mine.get("wirestack request") as number;
    const fetchCpu = mine.get("wirestack fetch") as number;
    for (const [name, cpu] of mine) {
      if (name.startsWith("wirestack")) continue;
      console.log(
        `  ${name.padEnd(20)} / wirestack request ${
          (cpu / request).toFixed(2)
        }x, / wirestack fetch ${(cpu / fetchCpu).toFixed(2)}x`,
      );
    }
    const cpus = (name: string) => (samples.get(`${mode}|${name}`) ?? []).map((s) => s.cpu);
    const peersOf = (names: string[]) =>
      Object.fromEntries(
        names.filter((name) => samples.has(`${mode}|${name}`)).map((name) => [name, cpus(name)]),
      );
    report("http_client", {
      figure: `request, ${mode}`,
      unit: "us CPU/request",
      higherIsBetter: false,
      wirestack: cpus("wirestack request"),
      peers: peersOf(["undici request", "node:http request"]),
      goal: { peer: "undici request", ratio: 1 },
    });
    const runtimeFetch = `${runtime} fetch`;
    report("http_client", {
      figure: `fetch, ${mode}`,
      unit: "us CPU/request",
      higherIsBetter: false,
      wirestack: cpus("wirestack fetch"),
      peers: peersOf(["undici fetch", runtimeFetch]),
      goal: runtime === "node"
        ? { peer: "undici fetch", ratio: 2 }
        : { peer: runtimeFetch, ratio: 1.5 },
    });
  }
  for (const client of list) await client.close();
  server.stop();
}

await main();
