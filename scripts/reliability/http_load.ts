/**
 * Load on one wirestack HTTP server (`serve()`), with the client in a process
 * of its own (`_http_load_client.ts`, node:net sockets):
 *
 * 1. concurrent: 10,000 keep-alive connections open at once, one request each;
 *    the server must count them all, then each is reused for a second request,
 *    then all close and the server's count must come back to 0;
 * 2. requests: 1,000,000 requests over 100 keep-alive connections, 16
 *    pipelined per write, in rounds; after each round the server's RSS, JS heap
 *    (after a full GC when `gc` is exposed) and open file descriptors are taken.
 *    Flat means: the last round's heap within 8 MiB and RSS within 25% of the
 *    first round's, and as many file descriptors open as after the first.
 *
 * The file limit is raised with `prlimit` when the connections need it.
 *
 * Run: `node_modules/.bin/deno run -A --v8-flags=--expose-gc
 * scripts/reliability/http_load.ts [--connections N] [--requests N] [--streams
 * N] [--pipeline N] [--rounds N] [--quick]`, or `npm run build && node
 * --expose-gc npm/esm/scripts/reliability/http_load.js` (same options).
 * `--quick` is 500 connections and 50,000 requests.
 *
 * @module
 */

import process from "node:process";
import { serve } from "../../http/mod.ts";
import { loadHandler } from "../../tests/http/_load_client.ts";
import {
  args,
  fdList,
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
const connections = numberOption(argv, "--connections", quick ? 500 : 10_000);
const requests = numberOption(argv, "--requests", quick ? 50_000 : 1_000_000);
const streams = numberOption(argv, "--streams", 100);
const pipeline = numberOption(argv, "--pipeline", 16);
const rounds = numberOption(argv, "--rounds", 5);

async function main(): Promise<void> {
  const limit = raiseFileLimit(connections + 1024);
  console.log(
    `http load on ${runtime}: ${connections.toLocaleString("en-US")} concurrent connections, ` +
      `${
        requests.toLocaleString("en-US")
      } requests (${streams} connections, ${pipeline} pipelined), ` +
      `file limit ${limit}`,
  );
  let open = 0;
  let peakOpen = 0;
  const server = serve(
    { port: 0, hostname: "127.0.0.1", maxConnections: connections + 256 },
    loadHandler,
  );
  server.on("connection", (socket) => {
    open++;
    peakOpen = Math.max(peakOpen, open);
    socket.on("close", () => open--);
  });
  let serverErrors = 0;
  server.on("error", () => serverErrors++);
  const { port } = await server.listening;
  const fdsBefore = openFds();
  const fdNames = fdList();
  const before = memory();
  const failures: string[] = [];

  // 1. concurrent keep-alive connections
  const holder = startChild("_http_load_client", [
    "concurrent",
    "--port",
    String(port),
    "--connections",
    String(connections),
  ]);
  const held = await holder.next();
  if (held.error !== undefined) throw new Error(String(held.error));
  await until(() => open === connections, 10_000, "the server to count every connection")
    .catch(() => failures.push(`server counted ${open} of ${connections} connections`));
  const whileHeld = memory();
  const fdsHeld = openFds();
  holder.send("go");
  const reused = await holder.next();
  await holder.exited;
  await until(() => open === 0, 30_000, "the connections to close").catch(() =>
    failures.push(`${open} connections still open on the server`)
  );
  const expected = connections * 2;
  if (reused.answered !== expected) {
    failures.push(`concurrent: ${reused.answered} of ${expected} answered`);
  }
  console.log(
    `concurrent: ${held.held} connections held (connected in ${held.connectMs} ms), ` +
      `server counted ${peakOpen}, ${reused.answered}/${expected} answered; server while held: ` +
      `RSS ${whileHeld.rssMb} MiB, heap ${whileHeld.heapMb} MiB, ${fdsHeld} fds ` +
      `(before: RSS ${before.rssMb} MiB, heap ${before.heapMb} MiB, ${fdsBefore} fds); ` +
      `per connection: ${
        ((whileHeld.rssMb - before.rssMb) * 1024 / connections).toFixed(1)
      } KiB RSS`,
  );

  // 2. a million requests, in rounds
  const samples: Array<{ round: number; rssMb: number; heapMb: number; fds: number }> = [];
  const perRound = Math.ceil(requests / rounds);
  let answered = 0;
  let ms = 0;
  for (let round = 1; round <= rounds; round++) {
    const n = Math.min(perRound, requests - (round - 1) * perRound);
    const child = startChild("_http_load_client", [
      "requests",
      "--port",
      String(port),
      "--connections",
      String(streams),
      "--requests",
      String(n),
      "--pipeline",
      String(pipeline),
    ]);
    for (;;) {
      const line = await child.next();
      if (line.error !== undefined) throw new Error(String(line.error));
      if (line.answered !== undefined) {
        answered += Number(line.answered);
        ms += Number(line.ms);
        break;
      }
    }
    await child.exited;
    await until(() => open === 0, 30_000, "the connections to close").catch(() =>
      failures.push(`round ${round}: ${open} connections still open`)
    );
    await settle();
    const m = memory();
    samples.push({ round, rssMb: m.rssMb, heapMb: m.heapMb, fds: openFds() });
    console.log(
      `  round ${round}: ${answered.toLocaleString("en-US")} answered, ` +
        `RSS ${m.rssMb} MiB, heap ${m.heapMb} MiB, ${openFds()} fds`,
    );
  }
  if (answered !== requests) failures.push(`requests: ${answered} of ${requests} answered`);
  const first = samples[0];
  const last = samples[samples.length - 1];
  const gc = memory().gc;
  if (gc && last.heapMb > first.heapMb + 8) {
    failures.push(`heap grew from ${first.heapMb} to ${last.heapMb} MiB`);
  }
  if (last.rssMb > first.rssMb * 1.25) {
    failures.push(`RSS grew from ${first.rssMb} to ${last.rssMb} MiB`);
  }
  // Deno opens a socket pair once, for its child-process signal handling, on
  // the first child: the baseline is the first round's count.
  if (last.fds !== first.fds) {
    const now = fdList().filter((fd) => !fdNames.includes(fd));
    failures.push(
      `fds: ${first.fds} after round 1, ${last.fds} at the end (new: ${now.join(", ")})`,
    );
  }
  if (serverErrors > 0) failures.push(`${serverErrors} server errors`);
  console.log(
    `requests: ${answered.toLocaleString("en-US")} answered in ${(ms / 1000).toFixed(1)} s ` +
      `(${Math.round(answered / (ms / 1000)).toLocaleString("en-US")}/s, shared machine); ` +
      `heap ${first.heapMb} -> ${last.heapMb} MiB${gc ? "" : " (no gc exposed)"}, ` +
      `RSS ${first.rssMb} -> ${last.rssMb} MiB, fds ${first.fds} -> ${last.fds}`,
  );
  await server.shutdown();
  await server.finished;
  if (failures.length > 0) {
    console.log(`FAIL\n  ${failures.join("\n  ")}`);
    process.exitCode = 1;
  } else {
    console.log("ok: every request answered, no connection left, memory and fds flat");
  }
}

main();
