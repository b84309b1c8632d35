/**
 * WebSocket load on one wirestack server: `serve()` with wirestack's
 * WebSocket server (`upgradeWebSocket`; or with `--server core`, the protocol
 * core driven over serve()'s takeover: `tests/http/_ws_echo.ts`), against `ws`
 * clients in a process of their own (`_ws_load_client.ts`). Each round holds N clients open
 * at once (the server must count them all), then every client exchanges M
 * messages (text and binary, some over the 1 KiB compression threshold, each
 * echo checked) and closes with 1000. Plain rounds first, then two compressed
 * rounds with fewer clients (a zlib context per connection on both sides). After
 * each round: the server's heap (after a full GC with `--expose-gc`),
 * ArrayBuffer memory (pako's), RSS and open file descriptors; flat means the
 * last round's heap and ArrayBuffers within 8 MiB of the first's (plain and
 * compressed rounds apart), RSS within 25%, and the same file descriptors open.
 *
 * Run: `node_modules/.bin/deno run -A --v8-flags=--expose-gc
 * scripts/reliability/ws_load.ts [--clients N] [--messages M] [--rounds R]
 * [--deflate-clients N] [--deflate-rounds R] [--server ws|core] [--quick]`, or `npm run build && node --expose-gc
 * npm/esm/scripts/reliability/ws_load.js`. `--quick`: 500 clients, 2 rounds.
 *
 * @module
 */

import process from "node:process";
import { startWsEcho } from "../../tests/http/_ws_echo.ts";
import {
  args,
  memory,
  numberOption,
  openFds,
  raiseFileLimit,
  runtime,
  settle,
  startChild,
  until,
} from "./_child.ts";

const argv = args();
const quick = argv.includes("--quick");
const clients = numberOption(argv, "--clients", quick ? 500 : 10_000);
const messages = numberOption(argv, "--messages", 10);
const rounds = numberOption(argv, "--rounds", quick ? 2 : 3);
const deflateClients = numberOption(argv, "--deflate-clients", quick ? 200 : 1000);
const deflateRounds = numberOption(argv, "--deflate-rounds", 2);
const kind = argv.includes("--server") && argv[argv.indexOf("--server") + 1] === "core"
  ? "core"
  : "ws";

async function main(): Promise<void> {
  const limit = raiseFileLimit(Math.max(clients, deflateClients) + 1024);
  console.log(
    `ws load on ${runtime} (${kind} server): ${rounds} rounds of ${
      clients.toLocaleString("en-US")
    } clients ` +
      `x ${messages} messages, then ${deflateClients} compressed; file limit ${limit}`,
  );
  const { server, port, stats } = await startWsEcho({
    server: kind,
    maxConnections: Math.max(clients, deflateClients) + 256,
  });
  const failures: string[] = [];
  const before = memory();
  const samples: Array<{ heapMb: number; rssMb: number; buffersMb: number; fds: number }> = [];
  const deflateSamples: typeof samples = [];
  const plan = [
    ...Array.from({ length: rounds }, () => ({ n: clients, deflate: false })),
    ...Array.from({ length: deflateRounds }, () => ({ n: deflateClients, deflate: true })),
  ];
  for (const [index, { n, deflate }] of plan.entries()) {
    const messagesBefore = stats.messages;
    const child = startChild("_ws_load_client", [
      "--port",
      String(port),
      "--clients",
      String(n),
      "--messages",
      String(messages),
      ...(deflate ? ["--deflate"] : []),
    ]);
    const held = await child.next();
    if (held.error !== undefined) throw new Error(String(held.error));
    await until(() => stats.open === n, 10_000, `${n} open connections`).catch(() =>
      failures.push(`round ${index + 1}: the server counted ${stats.open} of ${n}`)
    );
    const whileHeld = memory();
    const fdsHeld = openFds();
    child.send("go");
    const done = await child.next();
    if (done.error !== undefined) throw new Error(String(done.error));
    await child.exited;
    await until(() => stats.open === 0, 30_000, "every connection to close").catch(() =>
      failures.push(`round ${index + 1}: ${stats.open} connections still open`)
    );
    const echoed = stats.messages - messagesBefore;
    if (done.echoed !== n * messages || echoed !== n * messages) {
      failures.push(
        `round ${index + 1}: ${done.echoed} echoes seen, ${echoed} sent of ${n * messages}`,
      );
    }
    const codes = done.codes as Record<string, number>;
    if (codes["1000"] !== n || Object.keys(codes).length !== 1) {
      failures.push(`round ${index + 1}: close codes ${JSON.stringify(codes)}`);
    }
    await settle();
    const after = memory();
    const fds = openFds();
    (deflate ? deflateSamples : samples).push({ ...after, fds });
    console.log(
      `round ${index + 1}${deflate ? " (deflate)" : ""}: ${held.held} clients held ` +
        `(handshakes in ${held.connectMs} ms), server counted ${n}; RSS ${whileHeld.rssMb} MiB, ` +
        `heap ${whileHeld.heapMb} MiB, ${fdsHeld} fds while held; ${echoed} messages echoed in ` +
        `${done.ms} ms; closes ${JSON.stringify(codes)}; after: RSS ${after.rssMb} MiB, heap ` +
        `${after.heapMb} MiB, buffers ${after.buffersMb} MiB, ${fds} fds`,
    );
  }
  const first = samples[0];
  const last = samples[samples.length - 1];
  if (before.gc && last.heapMb > first.heapMb + 8) {
    failures.push(`heap grew from ${first.heapMb} to ${last.heapMb} MiB`);
  }
  if (last.buffersMb > first.buffersMb + 8) {
    failures.push(`ArrayBuffers grew from ${first.buffersMb} to ${last.buffersMb} MiB`);
  }
  if (last.rssMb > first.rssMb * 1.25) {
    failures.push(`RSS grew from ${first.rssMb} to ${last.rssMb} MiB`);
  }
  if (last.fds !== first.fds) {
    failures.push(`fds: ${first.fds} after round 1, ${last.fds} at the end`);
  }
  if (deflateSamples.length > 1) {
    const a = deflateSamples[0];
    const b = deflateSamples[deflateSamples.length - 1];
    if (before.gc && b.heapMb > a.heapMb + 8) {
      failures.push(`compressed rounds: heap grew from ${a.heapMb} to ${b.heapMb} MiB`);
    }
    if (b.buffersMb > a.buffersMb + 8) {
      failures.push(
        `compressed rounds: ArrayBuffers grew from ${a.buffersMb} to ${b.buffersMb} MiB`,
      );
    }
    if (b.rssMb > a.rssMb * 1.25) {
      failures.push(`compressed rounds: RSS grew from ${a.rssMb} to ${b.rssMb} MiB`);
    }
    if (b.fds !== first.fds) failures.push(`compressed rounds: ${b.fds} fds at the end`);
  }
  console.log(
    `plain rounds: heap ${first.heapMb} -> ${last.heapMb} MiB${
      before.gc ? "" : " (no gc exposed)"
    }, ` +
      `RSS ${first.rssMb} -> ${last.rssMb} MiB, fds ${first.fds} -> ${last.fds}; server-side closes ` +
      JSON.stringify(stats.closes),
  );
  await server.close();
  if (failures.length > 0) {
    console.log(`FAIL\n  ${failures.join("\n  ")}`);
    process.exitCode = 1;
  } else {
    console.log(
      "ok: every client held, every message echoed, every close clean, memory and fds flat",
    );
  }
}

main();
