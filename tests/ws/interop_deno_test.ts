// Interop with Deno's own WebSocket (a Deno child process, on both runtimes):
// its client against wirestack's server, wirestack's client against
// `Deno.serve` + `Deno.upgradeWebSocket`.

import assert from "node:assert/strict";
import { runtimeName, test } from "../_harness.ts";
import { WebSocket } from "../../ws/websocket.ts";
import { runPeerClient, startPeerServer } from "./_peer_process.ts";
import { serveEcho } from "./_servers.ts";

const rt = runtimeName;

test(`Deno WebSocket -> wirestack server (${rt}): echoes and its close code`, async () => {
  const server = await serveEcho({ deflate: true });
  try {
    const result = await runPeerClient("deno", ["client", `ws://127.0.0.1:${server.port}/`]);
    assert.equal(result.echoed, 5);
    assert.equal(result.same, true);
    assert.match(String(result.close), /^4002 .*true$/);
  } finally {
    await server.close();
  }
}, { timeout: 60_000 });

test(`wirestack client -> Deno.upgradeWebSocket (${rt}): echoes and a clean close`, async () => {
  const peer = await startPeerServer("deno", ["server"]);
  try {
    const socket = new WebSocket(`ws://127.0.0.1:${peer.port}/`, { deflate: true });
    socket.binaryType = "arraybuffer";
    const sent: Array<string | Uint8Array> = [
      "hello",
      new Uint8Array([0, 1, 2]),
      "big ".repeat(50000),
    ];
    const got: Array<string | Uint8Array> = [];
    const closed = new Promise<{ code: number; wasClean: boolean }>((resolve) => {
      socket.onclose = (event) => resolve(event);
    });
    socket.onopen = () => sent.forEach((message) => socket.send(message));
    socket.onmessage = (event) => {
      got.push(
        typeof event.data === "string" ? event.data : new Uint8Array(event.data as ArrayBuffer),
      );
      if (got.length === sent.length) socket.close(3000, "done");
    };
    const event = await closed;
    assert.deepEqual(got, sent);
    assert.equal(event.code, 3000);
    assert.equal(event.wasClean, true);
  } finally {
    await peer.stop();
  }
}, { timeout: 60_000 });
