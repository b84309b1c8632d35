/**
 * WebSocket benchmark: 64-byte message round trips per second and 64 KiB
 * message throughput (echoed, 16 in flight), client and server in one
 * process, against the runtime's peers in the same run: on Node the `ws`
 * package with `bufferutil` and without it (a child process with
 * `WS_NO_BUFFER_UTIL=1`), on Deno `Deno.serve` + `Deno.upgradeWebSocket` with
 * Deno's `WebSocket`. Prints the median of the rounds, the CPU time (user +
 * sys, both ends) per operation, and wirestack's ratio to each peer.
 *
 * The ratios compare CPU per operation (peer / wirestack: above 1, wirestack
 * is cheaper), the figure to trust on a shared machine; rates are shown too.
 *
 * Run: `node_modules/.bin/deno run -A scripts/bench/ws.ts [--quick] [--rounds N] [--only NAME] [--json]`
 * or, after `npm run build`, `node npm/esm/scripts/bench/ws.js [--quick]`.
 *
 * @module
 */

import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import process from "node:process";
import { serve } from "../../http/serve.ts";
import { upgradeWebSocket } from "../../ws/upgrade.ts";
import { WebSocket as WirestackSocket } from "../../ws/websocket.ts";
import { median, report } from "./_report.ts";

interface Peer {
  start(): Promise<{ port: number; close(): Promise<void> }>;
  connect(url: string): Promise<Client>;
}

interface Client {
  send(data: Uint8Array): void;
  onMessage(callback: (size: number) => void): void;
  close(): Promise<void>;
}

interface Result {
  rate: number;
  cpu: number;
}

type WebLike = {
  binaryType: string;
  onopen: unknown;
  onmessage: unknown;
  onclose: unknown;
  send(data: Uint8Array): void;
  close(): void;
};

function webClient(socket: WebLike): Promise<Client> {
  socket.binaryType = "arraybuffer";
  return new Promise((resolve) => {
    socket.onopen = () =>
      resolve({
        send: (data) => socket.send(data),
        onMessage: (callback) => {
          socket.onmessage = (event: MessageEvent) =>
            callback((event.data as ArrayBuffer).byteLength);
        },
        close: () =>
          new Promise<void>((done) => {
            socket.onclose = () => done();
            socket.close();
          }),
      });
  });
}

const wirestack: Peer = {
  async start() {
    const server = serve({ port: 0, hostname: "127.0.0.1" }, (request) => {
      const { socket, response } = upgradeWebSocket(request);
      socket.binaryType = "arraybuffer";
      socket.onmessage = (event) => socket.send(event.data);
      return response;
    });
    await server.listening;
    return { port: server.addr.port, close: () => server.close() };
  },
  connect: (url) => webClient(new WirestackSocket(url) as unknown as WebLike),
};

interface DenoApi {
  serve(
    options: { port: number; hostname: string; onListen(): void },
    handler: (request: Request) => Response,
  ): { addr: { port: number }; shutdown(): Promise<void> };
  upgradeWebSocket(request: Request): { socket: WebLike; response: Response };
}

const denoPeer: Peer = {
  start() {
    const deno = (globalThis as unknown as { Deno: DenoApi }).Deno;
    const server = deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, (request) => {
      const { socket, response } = deno.upgradeWebSocket(request);
      socket.binaryType = "arraybuffer";
      socket.onmessage = (event: MessageEvent) => socket.send(event.data);
      return response;
    });
    return Promise.resolve({ port: server.addr.port, close: () => server.shutdown() });
  },
  connect: (url) =>
    webClient(
      new (globalThis as unknown as { WebSocket: new (url: string) => WebLike }).WebSocket(url),
    ),
};

interface WsModule {
  WebSocketServer: new (options: { port: number; host: string }) => {
    on(event: string, listener: (socket: WsSocket) => void): void;
    once(event: string, listener: () => void): void;
    address(): { port: number };
    clients: Set<WsSocket>;
    close(callback: () => void): void;
  };
  new (url: string): WsSocket;
}

interface WsSocket {
  on(event: string, listener: (...args: never[]) => void): void;
  once(event: string, listener: (...args: never[]) => void): void;
  send(data: Uint8Array, options?: { binary: boolean }): void;
  close(): void;
}

function wsPeer(): Peer {
  const ws = createRequire(import.meta.url)("ws") as WsModule;
  return {
    async start() {
      const server = new ws.WebSocketServer({ port: 0, host: "127.0.0.1" });
      server.on("connection", (socket) => {
        socket.on("message", (data: Uint8Array, binary: boolean) => socket.send(data, { binary }));
      });
      await new Promise<void>((resolve) => server.once("listening", resolve));
      return {
        port: server.address().port,
        close: () => new Promise<void>((resolve) => server.close(() => resolve())),
      };
    },
    async connect(url) {
      const socket = new ws(url);
      await new Promise<void>((resolve) => socket.once("open", resolve));
      return {
        send: (data) => socket.send(data),
        onMessage: (callback) => socket.on("message", (data: Uint8Array) => callback(data.length)),
        close: () =>
          new Promise<void>((resolve) => {
            socket.once("close", () => resolve());
            socket.close();
          }),
      };
    },
  };
}

function cpuSince(start: { user: number; system: number }): number {
  const now = process.cpuUsage(start);
  return now.user + now.system;
}

async function roundTrips(peer: Peer, count: number): Promise<Result> {
  const server = await peer.start();
  const client = await peer.connect(`ws://127.0.0.1:${server.port}/`);
  const message = new Uint8Array(64).fill(7);
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  await new Promise<void>((resolve) => {
    let seen = 0;
    client.onMessage(() => {
      if (++seen === count) resolve();
      else client.send(message);
    });
    client.send(message);
  });
  const seconds = (performance.now() - t0) / 1000;
  const result = { rate: count / seconds, cpu: cpuSince(cpu) / count };
  await client.close();
  await server.close();
  return result;
}

async function throughput(peer: Peer, count: number): Promise<Result> {
  const server = await peer.start();
  const client = await peer.connect(`ws://127.0.0.1:${server.port}/`);
  const message = new Uint8Array(65536).fill(7);
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  await new Promise<void>((resolve) => {
    let seen = 0;
    let sent = 0;
    client.onMessage(() => {
      if (++seen === count) resolve();
      else if (sent < count) {
        sent++;
        client.send(message);
      }
    });
    for (; sent < Math.min(16, count); sent++) client.send(message);
  });
  const seconds = (performance.now() - t0) / 1000;
  const result = { rate: (count * 65536) / seconds / 1e6, cpu: cpuSince(cpu) / count };
  await client.close();
  await server.close();
  return result;
}

type Measurement = Awaited<ReturnType<typeof summarize>>;

function summarize(rt: Result[], tp: Result[]) {
  return {
    rt: { rate: median(rt.map((r) => r.rate)), cpu: median(rt.map((r) => r.cpu)) },
    tp: { rate: median(tp.map((r) => r.rate)), cpu: median(tp.map((r) => r.cpu)) },
    rtCpu: rt.map((r) => r.cpu),
    tpCpu: tp.map((r) => r.cpu),
  };
}

/**
 * Measures the contenders in turns (round 1 of each, then round 2 of each...),
 * so that a burst of load from other processes falls on all of them alike.
 */
async function measureAll(
  contenders: Array<[string, Peer]>,
  rounds: number,
  rts: number,
  bulk: number,
): Promise<Map<string, Measurement>> {
  const rt = contenders.map((): Result[] => []);
  const tp = contenders.map((): Result[] => []);
  // A warm-up round, not counted: the JIT compiles both ends first.
  for (const [, peer] of contenders) {
    await roundTrips(peer, Math.min(rts, 2000));
    await throughput(peer, Math.min(bulk, 200));
  }
  for (let i = 0; i < rounds; i++) {
    for (let c = 0; c < contenders.length; c++) {
      rt[c].push(await roundTrips(contenders[c][1], rts));
      tp[c].push(await throughput(contenders[c][1], bulk));
    }
  }
  return new Map(contenders.map(([name], c) => [name, summarize(rt[c], tp[c])]));
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes("--quick");
  const roundsAt = args.indexOf("--rounds");
  const rounds = roundsAt >= 0 ? Number(args[roundsAt + 1]) : quick ? 1 : 5;
  const rts = quick ? 2000 : 20000;
  const bulk = quick ? 200 : 2000;
  const isDeno = "Deno" in globalThis;
  if (args.includes("--child-ws")) {
    const measured = await measureAll([["ws", wsPeer()]], rounds, rts, bulk);
    console.log(JSON.stringify(measured.get("ws")));
    return;
  }
  console.log(
    `ws bench on ${
      isDeno ? "deno" : "node"
    }: ${rounds} round(s), ${rts} round trips of 64 B, ${bulk} echoes of 64 KiB (medians)`,
  );
  const onlyAt = args.indexOf("--only");
  const only = onlyAt >= 0 ? args[onlyAt + 1] : undefined;
  const wanted = (name: string) => only === undefined || name.startsWith(only);
  const inProcess: Array<[string, Peer]> = [["wirestack", wirestack]];
  if (isDeno) inProcess.push(["Deno built-in", denoPeer]);
  else inProcess.push(["ws + bufferutil", wsPeer()]);
  const results = await measureAll(inProcess.filter(([name]) => wanted(name)), rounds, rts, bulk);
  if (!isDeno && wanted("ws, no bufferutil")) {
    // bufferutil is chosen when ws loads: without it needs a process of its own.
    const out = execFileSync(process.execPath, [...process.argv.slice(1), "--child-ws"], {
      env: { ...process.env, WS_NO_BUFFER_UTIL: "1" },
    });
    results.set("ws, no bufferutil", JSON.parse(String(out).trim().split("\n").pop() as string));
  }
  const ours = results.get("wirestack") ?? [...results.values()][0];
  for (const [name, r] of results) {
    const ratio = name === "wirestack"
      ? ""
      : `  CPU/op peer/wirestack: 64 B ${(r.rt.cpu / ours.rt.cpu).toFixed(2)}x, 64 KiB ${
        (r.tp.cpu / ours.tp.cpu).toFixed(2)
      }x (rates ${(ours.rt.rate / r.rt.rate).toFixed(2)}x, ${
        (ours.tp.rate / r.tp.rate).toFixed(2)
      }x)`;
    console.log(
      `${name.padEnd(18)} ${r.rt.rate.toFixed(0).padStart(7)} rt/s (${
        r.rt.cpu.toFixed(1)
      } us CPU/rt)  ${r.tp.rate.toFixed(0).padStart(5)} MB/s (${
        r.tp.cpu.toFixed(0)
      } us CPU/64 KiB)${ratio}`,
    );
  }
  const mine = results.get("wirestack");
  if (mine === undefined) return;
  const peerNames = [...results.keys()].filter((name) => name !== "wirestack");
  const goal = peerNames.length > 0 ? { peer: peerNames[0], ratio: 1 } : null;
  const cpuOf = (pick: (r: Measurement) => number | number[]) =>
    Object.fromEntries(peerNames.map((name) => [name, pick(results.get(name)!)]));
  report("ws", {
    figure: "64 B round trip",
    unit: "us CPU/op",
    higherIsBetter: false,
    wirestack: mine.rtCpu,
    peers: cpuOf((r) => r.rtCpu ?? r.rt.cpu),
    goal,
  });
  report("ws", {
    figure: "64 KiB message echo",
    unit: "us CPU/op",
    higherIsBetter: false,
    wirestack: mine.tpCpu,
    peers: cpuOf((r) => r.tpCpu ?? r.tp.cpu),
    goal,
  });
}

await main();
