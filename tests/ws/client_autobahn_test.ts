// The Autobahn-style case table (tests/ws/_cases.ts) against wirestack's
// echoing client: a raw server sends unmasked frames as the case says and
// checks the client's answers, its close code, and that every frame from the
// client was masked. The API client runs every case; the CLI client
// (`wirestack ws URL --echo`, a process per case) runs a sample of each area.

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import process from "node:process";
import { runtimeName, test } from "../_harness.ts";
import { cliCommand } from "../_cli.ts";
import { WebSocket } from "../../ws/websocket.ts";
import { type Case, DEFLATE_CASES, PLAIN_CASES } from "./_cases.ts";
import { closePayload, frame, rawServer, type Transcript } from "./_frames.ts";

const rt = runtimeName;
const ANSWER = "permessage-deflate; client_no_context_takeover; server_no_context_takeover";

function check(c: Case, result: Transcript): string | null {
  if (result.frames.some((f) => !f.masked)) return `${c.name}: an unmasked frame from the client`;
  if (result.closeCode === null || !c.close.includes(result.closeCode)) {
    return `${c.name}: closed with ${result.closeCode}, expected ${c.close.join(" or ")}`;
  }
  if (c.messages !== undefined && result.messages.join("\n") !== c.messages.join("\n")) {
    return `${c.name}: got [${result.messages.map((m) => m.slice(0, 60)).join(" | ")}]`;
  }
  return null;
}

/** Connects the API client, echoing, and resolves once it closed. */
function apiClient(port: number, deflate: boolean): Promise<void> {
  return new Promise((resolve) => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}/`, { deflate });
    socket.binaryType = "arraybuffer";
    socket.onmessage = (event) => socket.send(event.data);
    socket.onclose = () => resolve();
  });
}

/** Runs `wirestack ws URL --echo` and resolves with its exit code. */
function cliClient(port: number, deflate: boolean): Promise<number | null> {
  const [command, argv] = cliCommand([
    "ws",
    `ws://127.0.0.1:${port}/`,
    "--echo",
    ...(deflate ? ["--deflate"] : []),
  ]);
  const child = spawn(command, argv, {
    stdio: ["ignore", "ignore", "ignore"],
    env: { ...process.env, NO_COLOR: "1" },
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
  return new Promise((resolve) =>
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve(code);
    })
  );
}

async function runAll(
  cases: readonly Case[],
  client: (port: number, deflate: boolean) => Promise<unknown>,
  parallel: number,
): Promise<string[]> {
  const failures: string[] = [];
  for (let i = 0; i < cases.length; i += parallel) {
    const batch = cases.slice(i, i + parallel);
    const results = await Promise.all(batch.map(async (c) => {
      const server = await rawServer(() => ({
        send: c.send(false),
        ...(c.deflate === undefined ? {} : { headers: { "Sec-WebSocket-Extensions": ANSWER } }),
      }));
      try {
        const [transcript] = await Promise.all([
          server.next(),
          client(server.port, c.deflate !== undefined),
        ]);
        return check(c, transcript);
      } finally {
        await server.close();
      }
    }));
    for (const failure of results) if (failure !== null) failures.push(failure);
  }
  return failures;
}

const CLIENT_ONLY: Case[] = [
  {
    name: "client: a masked frame from the server",
    send: () => [frame({ opcode: 1, payload: "masked", mask: true })],
    close: [1002],
  },
  {
    name: "client: a masked close",
    send: () => [frame({ opcode: 8, payload: closePayload(1000), mask: true })],
    close: [1002],
  },
];

test(
  `client autobahn (API, ${rt}): ${
    PLAIN_CASES.length + CLIENT_ONLY.length
  } framing, ping, fragmentation, UTF-8 and close cases`,
  async () => {
    assert.deepEqual(await runAll([...PLAIN_CASES, ...CLIENT_ONLY], apiClient, 8), []);
  },
  { timeout: 120_000 },
);

test(`client autobahn (API, ${rt}): ${DEFLATE_CASES.length} permessage-deflate cases`, async () => {
  assert.deepEqual(await runAll(DEFLATE_CASES, apiClient, 8), []);
}, { timeout: 60_000 });

test(`client autobahn (CLI, ${rt}): a sample of every area, one process per case`, async () => {
  const sample = [...PLAIN_CASES, ...CLIENT_ONLY, ...DEFLATE_CASES].filter((_, i) => i % 8 === 0);
  assert.ok(sample.length >= 20);
  assert.deepEqual(await runAll(sample, cliClient, 3), []);
}, { timeout: 180_000 });

test(
  `client (CLI, ${rt}): exits 0 after a clean close, 1 after a protocol error, 1 when refused`,
  async () => {
    const clean = await rawServer(() => ({
      send: [frame({ opcode: 8, payload: closePayload(1000) })],
    }));
    const bad = await rawServer(() => ({ send: [frame({ opcode: 1, rsv: 2, payload: "x" })] }));
    try {
      const [, code0] = await Promise.all([clean.next(), cliClient(clean.port, false)]);
      const [, code1] = await Promise.all([bad.next(), cliClient(bad.port, false)]);
      assert.equal(code0, 0);
      assert.equal(code1, 1);
    } finally {
      await clean.close();
      await bad.close();
    }
    assert.equal(await cliClient(1, false), 1);
  },
  { timeout: 60_000 },
);
