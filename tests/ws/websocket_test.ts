// The WebSocket API on both roles: handshake answers and failures, custom
// headers and subprotocols, WHATWG argument checks, close events that say
// why (remote, local, protocol error, heartbeat timeout, close timeout,
// network error), binaryType, broadcast, and a client through a proxy.

import assert from "node:assert/strict";
import { Socket } from "node:net";
import { Agent } from "../../http/agent.ts";
import { createProxy } from "../../http/proxy.ts";
import { serve } from "../../http/serve.ts";
import { runtimeName, test } from "../_harness.ts";
import { broadcast, type UpgradeOptions, upgradeWebSocket } from "../../ws/upgrade.ts";
import { WebSocket } from "../../ws/websocket.ts";
import type { CloseEvent } from "../../ws/events.ts";
import type { WebSocketClientOptions } from "../../ws/websocket.ts";
import { closePayload, frame, FrameReader, rawClient, rawServer } from "./_frames.ts";
import { cliEcho, nodeFaceEcho, serveEcho } from "./_servers.ts";

const rt = runtimeName;

/** A `serve()` server whose sockets go to `onSocket`, and what the handler saw. */
async function withServer(
  options: UpgradeOptions,
  onSocket: (socket: WebSocket, request: Request) => void,
  body: (port: number) => Promise<void>,
): Promise<void> {
  const server = serve({ port: 0, hostname: "127.0.0.1" }, (request) => {
    const { socket, response } = upgradeWebSocket(request, options);
    onSocket(socket, request);
    return response;
  });
  await server.listening;
  try {
    await body(server.addr.port);
  } finally {
    await server.close();
  }
}

function closeOf(socket: WebSocket): Promise<CloseEvent> {
  return new Promise((resolve) =>
    socket.addEventListener("close", (event) => resolve(event as CloseEvent))
  );
}

function openOf(socket: WebSocket): Promise<void> {
  return new Promise((resolve) => socket.addEventListener("open", () => resolve()));
}

function client(port: number, options: WebSocketClientOptions = {}): WebSocket {
  return new WebSocket(`ws://127.0.0.1:${port}/path?q=1`, options);
}

test(`upgradeWebSocket (${rt}): a bad upgrade throws a WebSocketError with the answer to give`, async () => {
  const server = serve({ port: 0, hostname: "127.0.0.1" }, (request) => {
    try {
      return upgradeWebSocket(request).response;
    } catch (error) {
      const e = error as { code: string; status: number; headers?: Array<[string, string]> };
      return new Response(e.code, { status: e.status, headers: e.headers ?? [] });
    }
  });
  await server.listening;
  try {
    const plain = await fetch(`http://127.0.0.1:${server.addr.port}/`);
    assert.equal(plain.status, 400);
    assert.equal(await plain.text(), "ERR_HANDSHAKE_UPGRADE");
  } finally {
    await server.close();
  }
});

test(`CLI-style answers (${rt}): version 12 gets 426 with Sec-WebSocket-Version: 13`, async () => {
  const server = await cliEcho();
  try {
    const socket = new Socket();
    const answer = await new Promise<string>((resolve) => {
      let text = "";
      socket.on("data", (chunk: Uint8Array) => (text += new TextDecoder().decode(chunk)));
      socket.on("close", () => resolve(text));
      socket.on("error", () => {});
      socket.connect(server.port, "127.0.0.1", () => {
        socket.write(
          "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 12\r\nConnection: close\r\n\r\n",
        );
      });
    });
    socket.destroy();
    assert.match(answer, /^HTTP\/1.1 426/);
    assert.match(answer, /sec-websocket-version: 13/i);
  } finally {
    await server.close();
  }
}, { timeout: 30_000 });

test(`client (${rt}): headers, subprotocol, URL, open and a close the server starts`, async () => {
  let seen: Request | null = null;
  let serverSide: WebSocket | null = null;
  await withServer({ protocols: ["b", "c"] }, (socket, request) => {
    seen = request;
    serverSide = socket;
    socket.onopen = () => socket.close(4000, "bye now");
  }, async (port) => {
    const socket = client(port, {
      headers: { Authorization: "Bearer t0ken" },
      protocols: ["a", "b"],
    });
    assert.equal(socket.readyState, WebSocket.CONNECTING);
    assert.throws(() => socket.send("early"), { name: "InvalidStateError" });
    await openOf(socket);
    assert.equal(socket.protocol, "b");
    assert.equal(socket.extensions, "");
    assert.equal(socket.url, `ws://127.0.0.1:${port}/path?q=1`);
    const event = await closeOf(socket);
    assert.equal(event.code, 4000);
    assert.equal(event.reason, "bye now");
    assert.equal(event.wasClean, true);
    assert.equal(event.cause, "remote");
    assert.equal(socket.readyState, WebSocket.CLOSED);
    assert.equal(seen!.headers.get("authorization"), "Bearer t0ken");
    assert.equal(new URL(seen!.url).pathname, "/path");
    assert.equal(serverSide!.protocol, "b");
  });
});

test(`client (${rt}): WHATWG checks on close() and the local cause`, async () => {
  let serverClose: Promise<CloseEvent> | null = null;
  await withServer({}, (socket) => {
    serverClose = closeOf(socket);
  }, async (port) => {
    const socket = client(port);
    await openOf(socket);
    assert.throws(() => socket.close(1001), { name: "InvalidAccessError" });
    assert.throws(() => socket.close(1000, "x".repeat(124)), { name: "SyntaxError" });
    const closed = closeOf(socket);
    socket.close(3001, "done");
    assert.equal(socket.readyState, WebSocket.CLOSING);
    socket.send("dropped after close"); // no throw, as WHATWG says
    const event = await closed;
    // The reason is the peer's: wirestack's server echoes the code alone.
    assert.deepEqual([event.code, event.reason, event.wasClean, event.cause], [
      3001,
      "",
      true,
      "local",
    ]);
    const other = await serverClose!;
    assert.deepEqual([other.code, other.reason, other.wasClean, other.cause], [
      3001,
      "done",
      true,
      "remote",
    ]);
  });
});

test(`client (${rt}): binaryType blob (the default) and arraybuffer`, async () => {
  await withServer({}, (socket) => {
    socket.onmessage = (event) => socket.send(event.data);
  }, async (port) => {
    const socket = client(port);
    assert.equal(socket.binaryType, "blob");
    await openOf(socket);
    const first = new Promise<MessageEvent>((resolve) => (socket.onmessage = resolve));
    socket.send(new Uint8Array([1, 2, 3]));
    const blob = (await first).data as Blob;
    assert.ok(blob instanceof Blob);
    assert.deepEqual(new Uint8Array(await blob.arrayBuffer()), new Uint8Array([1, 2, 3]));
    socket.binaryType = "arraybuffer";
    const later: unknown[] = [];
    const both = new Promise<void>((resolve) => {
      socket.onmessage = (event) => {
        if (later.push(event.data) === 2) resolve();
      };
    });
    socket.send(new Blob([new Uint8Array([4, 5])]));
    socket.send("after the blob"); // keeps its order behind the blob
    await both;
    assert.deepEqual(new Uint8Array(later[0] as ArrayBuffer), new Uint8Array([4, 5]));
    assert.equal(later[1], "after the blob");
    const closed = closeOf(socket);
    socket.close();
    assert.equal((await closed).code, 1005);
  });
});

test(`client (${rt}): close causes: handshake (refused, 200), protocol error, network error`, async () => {
  // wss: goes through the HTTP client's https support (its error until it has one).
  const secure = await closeOf(new WebSocket("wss://127.0.0.1:1/"));
  assert.deepEqual([secure.code, secure.cause], [1006, "handshake"]);
  const refused = client(1);
  const errors: unknown[] = [];
  refused.onerror = (event) => errors.push(event);
  const first = await closeOf(refused);
  assert.deepEqual([first.code, first.wasClean, first.cause], [1006, false, "handshake"]);
  assert.equal(errors.length, 1);

  const server = serve(
    { port: 0, hostname: "127.0.0.1" },
    () => new Response("not here", { status: 200 }),
  );
  await server.listening;
  try {
    const event = await closeOf(client(server.addr.port));
    assert.equal(event.cause, "handshake");
    assert.match(event.error!.message, /200/);
  } finally {
    await server.close();
  }

  const raw = await rawServer((index) =>
    index === 0 ? { send: [frame({ opcode: 1, payload: "x", rsv: 1 })] } : {
      send: [frame({ opcode: 1, payload: "hi" }), 20, new Uint8Array([0x81])],
      closeAfterClose: false,
      wait: 0,
    }
  );
  try {
    const [, bad] = await Promise.all([raw.next(), closeOf(client(raw.port))]);
    assert.deepEqual([bad.code, bad.wasClean, bad.cause], [1002, false, "protocol-error"]);
    assert.equal((bad.error as { code?: string }).code, "ERR_RESERVED_BITS");
    const socket = client(raw.port);
    const [, cut] = await Promise.all([raw.next(), closeOf(socket)]);
    assert.deepEqual([cut.code, cut.wasClean, cut.cause], [1006, false, "network-error"]);
  } finally {
    await raw.close();
  }
});

test(`heartbeat (${rt}): kept alive by Pongs, dropped without them`, async () => {
  await withServer({}, () => {}, async (port) => {
    const socket = client(port, { heartbeat: { interval: 30, timeout: 200 } });
    await openOf(socket);
    let pongs = 0;
    await new Promise<void>((resolve) =>
      socket.addEventListener("pong", () => {
        if (++pongs === 5) resolve();
      })
    );
    assert.equal(socket.readyState, WebSocket.OPEN);
    const closed = closeOf(socket);
    socket.close(1000);
    assert.equal((await closed).cause, "local");
  });
  // A server that never answers a Ping.
  const silent = await rawServer(() => ({ send: [], wait: 5000, closeAfterClose: false }));
  try {
    const socket = client(silent.port, { heartbeat: { interval: 30, timeout: 60 } });
    const [, event] = await Promise.all([silent.next(), closeOf(socket)]);
    assert.deepEqual([event.code, event.wasClean, event.cause], [1006, false, "heartbeat-timeout"]);
    assert.equal((event.error as { code?: string }).code, "ERR_HEARTBEAT_TIMEOUT");
  } finally {
    await silent.close();
  }
});

test(`close timeout (${rt}): a peer that never answers the Close`, async () => {
  const silent = await rawServer(() => ({ send: [], wait: 5000, closeAfterClose: false }));
  try {
    const socket = client(silent.port, { closeTimeout: 100 });
    await openOf(socket);
    socket.close(1000);
    const [transcript, event] = await Promise.all([silent.next(), closeOf(socket)]);
    assert.equal(transcript.closeCode, 1000);
    assert.deepEqual([event.code, event.wasClean, event.cause], [1006, false, "close-timeout"]);
  } finally {
    await silent.close();
  }
});

test(`broadcast (${rt}): one message framed once reaches every open socket`, async () => {
  const room = new Set<WebSocket>();
  await withServer({}, (socket) => {
    socket.onopen = () => room.add(socket);
  }, async (port) => {
    const clients = [client(port), client(port), client(port)];
    await Promise.all(clients.map(openOf));
    while (room.size < 3) await new Promise((resolve) => setTimeout(resolve, 5));
    const got = clients.map((socket) =>
      new Promise<unknown>((resolve) => (socket.onmessage = (e) => resolve(e.data)))
    );
    assert.equal(broadcast(room, "tick"), 3);
    assert.deepEqual(await Promise.all(got), ["tick", "tick", "tick"]);
    await Promise.all(clients.map((socket) => {
      const closed = closeOf(socket);
      socket.close();
      return closed;
    }));
  });
});

test(`slow consumer (${rt}): a reader that stops is dropped above the limit`, async () => {
  let serverClosed: Promise<CloseEvent> | null = null;
  let flood: (() => void) | null = null;
  await withServer({ slowConsumer: { maxBufferedAmount: 1 << 20, policy: "close" } }, (socket) => {
    serverClosed = closeOf(socket);
    flood = () => {
      const chunk = new Uint8Array(64 * 1024);
      for (let i = 0; i < 2000 && socket.readyState === WebSocket.OPEN; i++) socket.send(chunk);
    };
    socket.onmessage = () => flood!();
  }, async (port) => {
    const socket = client(port);
    await openOf(socket);
    socket.pause(); // reads nothing more
    socket.send("go");
    const event = await serverClosed!;
    assert.equal(event.cause, "network-error");
    assert.equal((event.error as { code?: string }).code, "ERR_SLOW_CONSUMER");
    socket.resume();
    await closeOf(socket);
  });
}, { timeout: 60_000 });

test(`client through a proxy (${rt}): ws:// goes through a CONNECT tunnel`, async () => {
  const proxy = createProxy();
  const log: string[] = [];
  proxy.on("log", (entry) => log.push(`${entry.method} ${entry.target}`));
  proxy.listen(0, "127.0.0.1");
  await new Promise<void>((resolve) => proxy.once("listening", () => resolve()));
  const agent = new Agent({ proxy: `http://127.0.0.1:${proxy.address()?.port}` });
  try {
    await withServer({}, (socket) => {
      socket.onmessage = (event) => socket.send(event.data);
    }, async (port) => {
      const socket = client(port, { agent });
      await openOf(socket);
      const echoed = new Promise<unknown>((resolve) => (socket.onmessage = (e) => resolve(e.data)));
      socket.send("through the proxy");
      assert.equal(await echoed, "through the proxy");
      const closed = closeOf(socket);
      socket.close(1000);
      assert.equal((await closed).wasClean, true);
    });
    // The proxy logs a tunnel when it ends.
    for (let i = 0; i < 500 && log.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.ok(log.some((line) => line.startsWith("CONNECT 127.0.0.1:")), JSON.stringify(log));
  } finally {
    agent.destroy();
    await proxy.close();
  }
});

test(`server (${rt}): answers pings, closes with 1009 above maxPayload, and says why`, async () => {
  let event: Promise<CloseEvent> | null = null;
  await withServer({ maxPayload: 10 }, (socket) => {
    event = closeOf(socket);
  }, async (port) => {
    const result = await rawClient(port, {
      send: [
        frame({ opcode: 9, payload: "p", mask: true }),
        20,
        frame({ opcode: 2, payload: new Uint8Array(11), mask: true }),
      ],
    });
    assert.deepEqual(result.messages, ["pong:70"]);
    assert.equal(result.closeCode, 1009);
    const closed = await event!;
    assert.deepEqual([closed.code, closed.cause], [1009, "protocol-error"]);
    assert.equal((closed.error as { code?: string }).code, "ERR_MESSAGE_TOO_BIG");
    assert.equal(closePayload(1000).length, 2);
  });
});

test(`server (${rt}): a frame sent with the handshake in one write reaches the handlers`, async () => {
  for (const start of [serveEcho, nodeFaceEcho]) {
    const server = await start();
    try {
      const socket = new Socket();
      const reader = new FrameReader();
      const closed = new Promise<void>((resolve) => socket.on("close", () => resolve()));
      let head = true;
      socket.on("data", (chunk: Uint8Array) => {
        if (head) {
          const text = new TextDecoder().decode(chunk);
          const end = text.indexOf("\r\n\r\n");
          if (end < 0) return;
          head = false;
          chunk = chunk.subarray(end + 4);
        }
        reader.push(chunk);
        if (reader.frames.length === 1) {
          socket.write(frame({ opcode: 8, payload: closePayload(1000), mask: true }));
        }
      });
      socket.on("error", () => {});
      socket.connect(server.port, "127.0.0.1", () => {
        const request = new TextEncoder().encode(
          "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
        );
        const first = frame({ opcode: 1, payload: "early bird", mask: true });
        const both = new Uint8Array(request.length + first.length);
        both.set(request);
        both.set(first, request.length);
        socket.write(both);
      });
      await closed;
      assert.equal(new TextDecoder().decode(reader.frames[0].payload), "early bird");
      assert.equal(reader.frames[1]?.opcode, 8);
    } finally {
      await server.close();
    }
  }
});

test(
  `server (${rt}): slow reads: a client reading a chunk per timer tick gets every echo intact`,
  async () => {
    const server = await serveEcho();
    try {
      const socket = new Socket();
      const reader = new FrameReader();
      const messages = [1, 2, 3, 4, 5].map((seed) =>
        Uint8Array.from({ length: 200_000 }, (_, i) => (i * seed) & 0xff)
      );
      let head = true;
      const done = new Promise<void>((resolve) => {
        socket.on("data", (chunk: Uint8Array) => {
          if (head) {
            const end = new TextDecoder().decode(chunk).indexOf("\r\n\r\n");
            if (end < 0) return;
            head = false;
            chunk = chunk.subarray(end + 4);
            for (const message of messages) {
              socket.write(frame({ opcode: 2, payload: message, mask: true }));
            }
          }
          reader.push(chunk);
          if (reader.frames.length >= messages.length) return resolve();
          socket.pause(); // one chunk per timer tick
          setTimeout(() => socket.resume(), 1);
        });
      });
      socket.on("error", () => {});
      socket.connect(server.port, "127.0.0.1", () => {
        socket.write(
          "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
        );
      });
      await done;
      assert.deepEqual(reader.frames.map((f) => f.payload), messages);
      const closed = new Promise<void>((resolve) => socket.on("close", () => resolve()));
      socket.write(frame({ opcode: 8, payload: closePayload(1000), mask: true }));
      await closed;
    } finally {
      await server.close();
    }
  },
  { timeout: 60_000 },
);

test(`server (${rt}): closing the HTTP server closes its WebSockets, heartbeat timers included`, async () => {
  let serverClosed: Promise<CloseEvent> | null = null;
  const server = serve({ port: 0, hostname: "127.0.0.1" }, (request) => {
    const { socket, response } = upgradeWebSocket(request, { heartbeat: { interval: 20 } });
    serverClosed = closeOf(socket);
    return response;
  });
  await server.listening;
  const socket = client(server.addr.port);
  await openOf(socket);
  const clientClosed = closeOf(socket);
  await server.close();
  const event = await serverClosed!;
  assert.deepEqual([event.code, event.wasClean, event.cause], [1006, false, "network-error"]);
  assert.equal((await clientClosed).code, 1006);
});
