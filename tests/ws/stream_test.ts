// WebSocketStream: an echo through both streams, and back-pressure both ways:
// writes wait while the peer does not read, and a readable that is not read
// stops reading from the socket (the sender's queue grows instead).

import assert from "node:assert/strict";
import { serve } from "../../http/serve.ts";
import { runtimeName, test } from "../_harness.ts";
import { WebSocketStream } from "../../ws/stream.ts";
import { upgradeWebSocket } from "../../ws/upgrade.ts";
import type { WebSocket } from "../../ws/websocket.ts";

const rt = runtimeName;

async function withServer(
  onSocket: (socket: WebSocket) => void,
  body: (url: string) => Promise<void>,
): Promise<void> {
  const server = serve({ port: 0, hostname: "127.0.0.1" }, (request) => {
    const { socket, response } = upgradeWebSocket(request);
    onSocket(socket);
    return response;
  });
  await server.listening;
  try {
    await body(`ws://127.0.0.1:${server.addr.port}/`);
  } finally {
    await server.close();
  }
}

const sleep = (ms: number) =>
  new Promise<"waiting">((resolve) => setTimeout(() => resolve("waiting"), ms));

test(`WebSocketStream (${rt}): echo through readable and writable, then closed`, async () => {
  await withServer((socket) => {
    socket.binaryType = "arraybuffer";
    socket.onmessage = (event) => socket.send(event.data);
  }, async (url) => {
    const stream = new WebSocketStream(url);
    const { readable, writable, protocol, extensions } = await stream.opened;
    assert.equal(protocol, "");
    assert.equal(extensions, "");
    const writer = writable.getWriter();
    await writer.write("text");
    await writer.write(new Uint8Array([1, 2, 3]));
    const reader = readable.getReader();
    assert.equal((await reader.read()).value, "text");
    assert.deepEqual((await reader.read()).value, new Uint8Array([1, 2, 3]));
    stream.close({ closeCode: 1000, reason: "done" });
    const closed = await stream.closed;
    assert.equal(closed.closeCode, 1000);
    assert.equal(closed.cause, "local");
    assert.equal((await reader.read()).done, true);
  });
});

test(`WebSocketStream (${rt}): writes wait while the peer does not read, then go on`, async () => {
  let server: WebSocket | null = null;
  let received = 0;
  await withServer((socket) => {
    server = socket;
    socket.binaryType = "arraybuffer";
    socket.onopen = () => socket.pause();
    socket.onmessage = (event) => (received += (event.data as ArrayBuffer).byteLength);
  }, async (url) => {
    const stream = new WebSocketStream(url, { highWaterMark: 256 * 1024, lowWaterMark: 64 * 1024 });
    const { writable } = await stream.opened;
    while (server === null) await sleep(5);
    const writer = writable.getWriter();
    const chunk = new Uint8Array(64 * 1024);
    let sent = 0;
    let blocked: Promise<void> | null = null;
    // Loopback buffers take a few MB; within 64 MB a write must wait.
    for (let i = 0; i < 1024 && blocked === null; i++) {
      const write = writer.write(chunk);
      sent += chunk.length;
      if (await Promise.race([write.then(() => "done" as const), sleep(200)]) === "waiting") {
        blocked = write;
      }
    }
    assert.ok(blocked !== null, "a write waited for the peer");
    (server as WebSocket).resume();
    await blocked;
    await writer.write(new Uint8Array(0));
    while (received < sent) await sleep(10);
    assert.equal(received, sent);
    stream.close();
    await stream.closed;
  });
}, { timeout: 60_000 });

test(
  `WebSocketStream (${rt}): an unread readable stops reading; the sender's queue grows`,
  async () => {
    let server: WebSocket | null = null;
    const count = 400;
    await withServer((socket) => {
      server = socket;
      socket.onopen = () => {
        const chunk = new Uint8Array(64 * 1024).fill(1);
        for (let i = 0; i < count; i++) socket.send(chunk);
      };
    }, async (url) => {
      const stream = new WebSocketStream(url, { readableHighWaterMark: 4 });
      const { readable } = await stream.opened;
      while (server === null) await sleep(5);
      // Without reading, the server's queue stays above what loopback buffers take.
      let waited = 0;
      while ((server as WebSocket).bufferedAmount === 0 && waited++ < 100) await sleep(20);
      assert.ok((server as WebSocket).bufferedAmount > 0);
      let messages = 0;
      const reader = readable.getReader();
      while (messages < count) {
        const { value } = await reader.read();
        assert.equal((value as Uint8Array).length, 64 * 1024);
        messages++;
      }
      stream.close();
      await stream.closed;
    });
  },
  { timeout: 60_000 },
);
