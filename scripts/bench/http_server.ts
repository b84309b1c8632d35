/**
 * The HTTP server against the runtimes' own servers and raw sockets, in the
 * same run: wrk on loopback (one client thread, 50 connections) asks for a
 * 13-byte response and a 1 MiB one, and the server process's CPU time
 * (user + system, from /proc) is divided by the requests answered.
 *
 * Variants, each a server in a process of its own (`_http_server_child.ts`):
 * - Node: wirestack `createServer` and `serve`, node:http, `@hono/node-server`
 *   (the same web handler as `serve`), raw node:net (a canned answer per head);
 * - Deno: wirestack `serve` and `createServer`, `Deno.serve`, a raw
 *   `Deno.listen` loop.
 * Rounds interleave the variants (the machine is shared); medians are printed
 * with the ratios the goals are about. Then idle memory per keep-alive
 * connection: 5,000 connections, one request each, RSS and JS heap of the
 * server before and after.
 *
 * Node variants run from the build (`npm run build` first); Deno variants from
 * source. Run: `node_modules/.bin/deno run -A scripts/bench/http_server.ts
 * [--quick] [--rounds N] [--seconds S] [--only node|deno] [--no-idle]`, or
 * `npm run build && node npm/esm/scripts/bench/http_server.js` (same options).
 *
 * @module
 */

import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import * as nodeNet from "node:net";
import { dirname, join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { jsonRequested, type Measured, median, report, runtimeName } from "./_report.ts";

const args = process.argv.slice(2).length > 0
  ? process.argv.slice(2)
  : ((globalThis as { Deno?: { args: string[] } }).Deno?.args ?? []);
const quick = args.includes("--quick");
const option = (name: string, fallback: number): number => {
  const at = args.indexOf(name);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
// With --json (run.ts runs every benchmark on each runtime) the variants of the
// runtime this process runs on, unless --only says otherwise.
const only = args.includes("--only")
  ? args[args.indexOf("--only") + 1]
  : jsonRequested(args)
  ? runtimeName().split(" ")[0]
  : undefined;
const rounds = option("--rounds", quick ? 1 : 3);
const seconds = option("--seconds", quick ? 1 : 4);
const idleCount = option("--idle", quick ? 100 : 5000);

/** The repository root: the nearest directory up with a deno.json. */
function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    if (existsSync(join(dir, "deno.json"))) return dir;
    dir = dirname(dir);
  }
  throw new Error("deno.json not found above the benchmark");
}

const root = findRoot();
const nodeChild = join(root, "npm/esm/scripts/bench/_http_server_child.js");
const denoChild = join(root, "scripts/bench/_http_server_child.ts");
const denoBin = join(root, "node_modules/.bin/deno");

interface Variant {
  name: string;
  runtime: "node" | "deno";
}

const VARIANTS: Variant[] = [
  { name: "wirestack-create", runtime: "node" },
  { name: "wirestack-serve", runtime: "node" },
  { name: "node-http", runtime: "node" },
  { name: "hono", runtime: "node" },
  { name: "node-net", runtime: "node" },
  { name: "wirestack-serve", runtime: "deno" },
  { name: "wirestack-create", runtime: "deno" },
  { name: "deno-serve", runtime: "deno" },
  { name: "deno-raw", runtime: "deno" },
];

interface Child {
  process: ChildProcess;
  port: number;
  lines: string[];
  next(): Promise<string>;
}

function start(variant: Variant, exposeGc = false): Promise<Child> {
  const command = variant.runtime === "node" ? "node" : denoBin;
  const argv = variant.runtime === "node"
    ? [...(exposeGc ? ["--expose-gc"] : []), nodeChild, variant.name]
    : ["run", "-A", ...(exposeGc ? ["--v8-flags=--expose-gc"] : []), denoChild, variant.name];
  const child = spawn(command, argv, { stdio: ["pipe", "pipe", "inherit"] });
  const lines: string[] = [];
  const waiters: Array<(line: string) => void> = [];
  let buffer = "";
  child.stdout?.on("data", (chunk: Uint8Array) => {
    buffer += new TextDecoder().decode(chunk);
    for (let at = buffer.indexOf("\n"); at >= 0; at = buffer.indexOf("\n")) {
      const line = buffer.slice(0, at);
      buffer = buffer.slice(at + 1);
      const waiter = waiters.shift();
      if (waiter !== undefined) waiter(line);
      else lines.push(line);
    }
  });
  const next = () =>
    new Promise<string>((resolve, reject) => {
      const line = lines.shift();
      if (line !== undefined) return resolve(line);
      waiters.push(resolve);
      child.once("exit", (code) => reject(new Error(`${variant.name} exited (${code})`)));
    });
  return next().then((line) => ({ process: child, port: JSON.parse(line).port, lines, next }));
}

async function stop(child: Child): Promise<void> {
  const exited = new Promise((resolve) => child.process.once("exit", resolve));
  child.process.stdin?.end();
  const timer = setTimeout(() => child.process.kill("SIGKILL"), 5000);
  await exited;
  clearTimeout(timer);
}

/** User + system CPU seconds of a process so far (Linux /proc). */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks
}

function wrk(
  port: number,
  path: string,
  duration: number,
): Promise<{ requests: number; rps: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      "wrk",
      ["-t1", "-c50", `-d${duration}s`, `http://127.0.0.1:${port}${path}`],
      {
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    let out = "";
    child.stdout.on("data", (chunk: Uint8Array) => (out += new TextDecoder().decode(chunk)));
    child.on("error", reject);
    child.on("close", () => {
      const requests = Number(/(\d+) requests in/.exec(out)?.[1] ?? 0);
      const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0);
      if (/Non-2xx|Socket errors/.test(out)) console.error(`wrk saw errors:\n${out}`);
      resolve({ requests, rps });
    });
  });
}

interface Sample {
  rps: number;
  cpu: number; // microseconds of server CPU per request
  peakRss: number; // the server's peak resident set (VmHWM), bytes
}

/** The peak resident set size of a process so far (Linux /proc), in bytes. */
function peakRss(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
}

async function measure(variant: Variant, path: string): Promise<Sample> {
  const child = await start(variant);
  try {
    if (!quick) await wrk(child.port, path, 1); // warm-up: JIT, buffers
    const pid = child.process.pid as number;
    const before = cpuSeconds(pid);
    const { requests, rps } = await wrk(child.port, path, seconds);
    const cpu = (cpuSeconds(pid) - before) * 1e6 / requests;
    return { rps, cpu, peakRss: peakRss(pid) };
  } finally {
    await stop(child);
  }
}

async function idleMemory(variant: Variant, count: number): Promise<{ rss: number; heap: number }> {
  const child = await start(variant, true);
  const sockets: nodeNet.Socket[] = [];
  try {
    child.process.stdin?.write("mem\n");
    const before = JSON.parse(await child.next());
    const request = new TextEncoder().encode("GET / HTTP/1.1\r\nHost: bench\r\n\r\n");
    for (let i = 0; i < count; i += 250) {
      await Promise.all(
        Array.from(
          { length: Math.min(250, count - i) },
          () =>
            new Promise<void>((resolve, reject) => {
              const socket = nodeNet.connect({ port: child.port, host: "127.0.0.1" }, () => {
                socket.write(request);
              });
              sockets.push(socket);
              socket.once("data", () => resolve());
              socket.on("error", reject);
            }),
        ),
      );
    }
    child.process.stdin?.write("mem\n");
    const after = JSON.parse(await child.next());
    return { rss: (after.rss - before.rss) / count, heap: (after.heap - before.heap) / count };
  } finally {
    for (const socket of sockets) socket.destroy();
    await stop(child);
  }
}

const fmt = (n: number, digits = 1) => n.toFixed(digits);

async function main(): Promise<void> {
  let variants = VARIANTS.filter((v) => only === undefined || v.runtime === only);
  if (!existsSync(nodeChild)) {
    console.log("(no build: run `npm run build` to include the Node variants)");
    variants = variants.filter((v) => v.runtime === "deno");
  }
  console.log(
    `http_server: wrk -t1 -c50, ${seconds} s per run, ${rounds} round(s), variants interleaved`,
  );
  const results = new Map<string, Sample[]>();
  for (const [size, path] of [["13 B", "/"], ["1 MiB", "/big"]]) {
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? variants : [...variants].reverse();
      for (const variant of order) {
        const key = `${size} ${variant.runtime} ${variant.name}`;
        const sample = await measure(variant, path);
        (results.get(key) ?? results.set(key, []).get(key) as Sample[]).push(sample);
      }
    }
    console.log(`\n${size} response`);
    const table = new Map<string, Sample>();
    for (const variant of variants) {
      const samples = results.get(`${size} ${variant.runtime} ${variant.name}`) as Sample[];
      const sample = {
        rps: median(samples.map((s) => s.rps)),
        cpu: median(samples.map((s) => s.cpu)),
        peakRss: median(samples.map((s) => s.peakRss)),
      };
      table.set(`${variant.runtime} ${variant.name}`, sample);
      console.log(
        `  ${`${variant.runtime} ${variant.name}`.padEnd(24)} ${
          fmt(sample.rps, 0).padStart(8)
        } req/s` +
          `  ${fmt(sample.cpu, 2).padStart(7)} us CPU/request`,
      );
    }
    const ratio = (a: string, b: string, label: string) => {
      const x = table.get(a);
      const y = table.get(b);
      if (x === undefined || y === undefined) return;
      console.log(
        `  ${label.padEnd(40)} ${fmt(x.rps / y.rps, 2)}x req/s, ${
          fmt(y.cpu / x.cpu, 2)
        }x by CPU time`,
      );
    };
    ratio("node wirestack-create", "node node-http", "createServer / node:http (goal 1.3x)");
    ratio("node wirestack-serve", "node hono", "serve / @hono/node-server (goal 1.2x)");
    ratio("node node-net", "node node-http", "raw node:net / node:http (ceiling)");
    ratio("deno wirestack-serve", "deno deno-serve", "serve on Deno / Deno.serve (goal 0.9x)");
    ratio("deno deno-raw", "deno deno-serve", "raw Deno / Deno.serve");
    reportLoad(size, variants, results);
  }
  if (args.includes("--no-idle")) return;
  console.log(`\nidle keep-alive connections: ${idleCount}, one request each`);
  const idle = new Map<string, Array<{ rss: number; heap: number }>>();
  for (
    const variant of variants.filter((v) =>
      ["wirestack-create", "wirestack-serve", "node-http", "deno-serve"].includes(v.name)
    )
  ) {
    const samples = [];
    for (let round = 0; round < Math.max(1, Math.min(rounds, 2)); round++) {
      samples.push(await idleMemory(variant, idleCount));
    }
    console.log(
      `  ${`${variant.runtime} ${variant.name}`.padEnd(24)} ` +
        `${fmt(median(samples.map((s) => s.rss)) / 1024)} KiB RSS, ` +
        `${fmt(median(samples.map((s) => s.heap)) / 1024)} KiB JS per connection`,
    );
    idle.set(`${variant.runtime} ${variant.name}`, samples);
  }
  reportIdle(idle);
}

// ---- --json figures (see _report.ts) -------------------------------------------------

/** How reports name each variant. */
const PEER_NAMES: Record<string, string> = {
  "node node-http": "node:http",
  "node hono": "@hono/node-server",
  "node node-net": "raw node:net",
  "deno deno-serve": "Deno.serve",
  "deno deno-raw": "raw Deno.listen",
};

/** wirestack's faces, each with its peers and goal (issue 6), by runtime. */
const FACES: Array<{ face: string; key: string; peers: string[]; goal?: [string, number] }> = [
  {
    face: "createServer",
    key: "node wirestack-create",
    peers: ["node node-http", "node node-net"],
    goal: ["node:http", 1.3],
  },
  {
    face: "serve",
    key: "node wirestack-serve",
    peers: ["node hono", "node node-http", "node node-net"],
    goal: ["@hono/node-server", 1.2],
  },
  {
    face: "serve",
    key: "deno wirestack-serve",
    peers: ["deno deno-serve", "deno deno-raw"],
    goal: ["Deno.serve", 0.9],
  },
  { face: "createServer", key: "deno wirestack-create", peers: ["deno deno-serve"] },
];

function reportLoad(size: string, variants: Variant[], results: Map<string, Sample[]>): void {
  const ran = new Set(variants.map((v) => `${v.runtime} ${v.name}`));
  const of = (key: string, pick: (s: Sample) => number) =>
    (results.get(`${size} ${key}`) ?? []).map(pick);
  for (const { face, key, peers, goal } of FACES) {
    if (!ran.has(key)) continue;
    const present = peers.filter((peer) => ran.has(peer));
    const figure = (
      what: string,
      unit: string,
      higherIsBetter: boolean,
      pick: (s: Sample) => number,
      withGoal: boolean,
    ): Measured => ({
      figure: `${face}, ${size} ${what}`.trim(),
      unit,
      higherIsBetter,
      wirestack: of(key, pick),
      peers: Object.fromEntries(present.map((peer) => [PEER_NAMES[peer], of(peer, pick)])),
      goal: withGoal && goal !== undefined ? { peer: goal[0], ratio: goal[1] } : null,
    });
    report("http_server", figure("", "us CPU/request", false, (s) => s.cpu, true));
    report("http_server", figure("(rate)", "req/s", true, (s) => s.rps, false));
    report("http_server", figure("(peak RSS)", "MiB", false, (s) => s.peakRss / 2 ** 20, false));
  }
}

function reportIdle(idle: Map<string, Array<{ rss: number; heap: number }>>): void {
  for (const { face, key } of FACES) {
    const peer = key.startsWith("node") ? "node node-http" : "deno deno-serve";
    const ours = idle.get(key);
    const theirs = idle.get(peer);
    if (ours === undefined || theirs === undefined) continue;
    for (const [kind, pick] of [["RSS", "rss"], ["JS heap", "heap"]] as const) {
      report("http_server", {
        figure: `idle keep-alive connection, ${face}, ${kind}`,
        unit: "B/conn",
        higherIsBetter: false,
        wirestack: ours.map((s) => s[pick]),
        peers: { [PEER_NAMES[peer]]: theirs.map((s) => s[pick]) },
        goal: { peer: PEER_NAMES[peer], overAtMost: 0 },
      });
    }
  }
}

await main();
