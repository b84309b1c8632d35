// Interop with the `ws` package (Node), both directions, with and without
// permessage-deflate: its client against both faces of wirestack's server,
// wirestack's client against its server.

import assert from "node:assert/strict";
import { runtimeName, test } from "../_harness.ts";
import { WebSocket } from "../../ws/websocket.ts";
import { runPeerClient, startPeerServer } from "./_peer_process.ts";
import { nodeFaceEcho, serveEcho } from "./_servers.ts";

const rt = runtimeName;

for (const deflate of [false, true]) {
  const label = deflate ? "with permessage-deflate" : "plain";
  for (const [face, start] of [["serve", serveEcho], ["createServer", nodeFaceEcho]] as const) {
    test(
      `ws client -> wirestack server (${face}, ${rt}, ${label}): echoes, pong, close code`,
      async () => {
        const server = await start({ deflate });
        try {
          const result = await runPeerClient("node", [
            "ws-client",
            `ws://127.0.0.1:${server.port}/`,
            ...(deflate ? ["deflate"] : []),
          ]);
          assert.equal(result.error, undefined);
          assert.equal(result.echoed, 6);
          assert.equal(result.same, true);
          assert.equal(result.pong, true);
          assert.equal(result.close, "4001 ");
          assert.equal(result.extensions, deflate ? "permessage-deflate" : "");
        } finally {
          await server.close();
        }
      },
      { timeout: 60_000 },
    );
  }

  test(`wirestack client -> ws server (${rt}, ${label}): echoes and a clean close`, async () => {
    const peer = await startPeerServer("node", ["ws-server", ...(deflate ? ["deflate"] : [])]);
    try {
      const socket = new WebSocket(`ws://127.0.0.1:${peer.port}/`, { deflate });
      socket.binaryType = "arraybuffer";
      const sent: Array<string | Uint8Array> = [
        "hello",
        new Uint8Array([0, 1, 2]),
        "big ".repeat(50000),
        new Uint8Array(200000).fill(3),
      ];
      const got: Array<string | Uint8Array> = [];
      const closed = new Promise<{ code: number; wasClean: boolean; cause: string }>((resolve) => {
        socket.onclose = (event) => resolve(event);
      });
      socket.onopen = () => sent.forEach((message) => socket.send(message));
      socket.onmessage = (event) => {
        got.push(
          typeof event.data === "string" ? event.data : new Uint8Array(event.data as ArrayBuffer),
        );
        if (got.length === sent.length) socket.close(1000, "done");
      };
      const event = await closed;
      assert.deepEqual(got, sent);
      assert.equal(socket.extensions.startsWith("permessage-deflate"), deflate);
      assert.equal(event.code, 1000);
      assert.equal(event.wasClean, true);
      assert.equal(event.cause, "local");
    } finally {
      await peer.stop();
    }
  }, { timeout: 60_000 });
}
