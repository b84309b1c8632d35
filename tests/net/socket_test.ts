import assert from "node:assert/strict";
import * as nodeNet from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type AddressInfo,
  connect,
  createServer,
  NetError,
  once,
  type Server,
  Socket,
} from "../../net/mod.ts";
import { transport } from "../../adapters/mod.ts";
import { runtimeName, test } from "../_harness.ts";
import { concat, delay, pattern } from "../_peers.ts";

const rt = runtimeName;

async function listening(server: Server, host = "127.0.0.1"): Promise<number> {
  server.listen(0, host);
  await once(server, "listening");
  return (server.address() as AddressInfo).port;
}

async function closeServer(server: Server): Promise<void> {
  const closed = once(server, "close");
  server.close();
  await closed;
}

/** Collects a socket's bytes until `end`. */
function collect(socket: Socket): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  socket.on("data", (chunk) => parts.push(chunk));
  return once(socket, "end").then(() => concat(parts));
}

function echoServer(options: { allowHalfOpen?: boolean } = {}): Server {
  return createServer(options, (socket) => {
    socket.on("data", (chunk) => socket.write(chunk));
    socket.on("end", () => socket.end());
  });
}

test(`net (${rt}): echo through createServer and connect, with byte counts`, async () => {
  const server = echoServer();
  const port = await listening(server);
  const client = connect({ port, host: "127.0.0.1" });
  await once(client, "connect");
  assert.equal(client.remoteAddress, "127.0.0.1");
  assert.equal(client.remotePort, port);
  assert.equal(client.remoteFamily, "IPv4");
  assert.equal(client.readyState, "open");
  const message = pattern(200_000);
  const received = collect(client);
  client.write(message.slice(0, 1000));
  client.end(message.slice(1000));
  assert.deepEqual(await received, message);
  assert.equal(client.bytesRead, message.length);
  assert.equal(client.bytesWritten, message.length);
  const [hadError] = await once(client, "close");
  assert.equal(hadError, false);
  assert.equal(client.destroyed, true);
  await closeServer(server);
});

test(`net (${rt}): strings are sent as UTF-8, write callbacks run`, async () => {
  const server = echoServer();
  const port = await listening(server);
  const client = connect(port, "127.0.0.1");
  const received = collect(client);
  const written = new Promise<Error | null | undefined>((resolve) =>
    client.write("h\u00e9llo ", resolve)
  );
  client.end("w\u00f6rld");
  assert.equal(await written, null);
  assert.equal(new TextDecoder().decode(await received), "h\u00e9llo w\u00f6rld");
  await once(client, "close");
  await closeServer(server);
});

test(`net (${rt}): half-close: the server answers after the client's end`, async () => {
  const server = createServer({ allowHalfOpen: true }, (socket) => {
    const parts: Uint8Array[] = [];
    socket.on("data", (chunk) => parts.push(chunk));
    socket.on("end", async () => {
      // The client can no longer write, but can still read: answer now.
      assert.equal(socket.readyState, "writeOnly");
      await delay(20);
      socket.end(`got ${concat(parts).length} bytes`);
    });
  });
  const port = await listening(server);
  const client = connect({ port, host: "127.0.0.1", allowHalfOpen: true });
  const received = collect(client);
  client.end(pattern(5000));
  await once(client, "finish");
  assert.equal(client.readyState, "readOnly");
  assert.equal(new TextDecoder().decode(await received), "got 5000 bytes");
  await once(client, "close");
  await closeServer(server);
});

test(`net (${rt}): without allowHalfOpen a socket ends its side after the peer's`, async () => {
  const server = createServer((socket) => socket.resume());
  const port = await listening(server);
  const client = connect({ port, host: "127.0.0.1", allowHalfOpen: true });
  const [serverSocket] = await once(server, "connection");
  const serverClosed = once(serverSocket, "close");
  const clientClosed = once(client, "close");
  const ended = collect(client);
  client.end();
  await ended; // the server's automatic end()
  const [hadError] = await serverClosed;
  assert.equal(hadError, false);
  await clientClosed;
  await closeServer(server);
});

test(`net (${rt}): connecting to a closed port is ECONNREFUSED, then close`, async () => {
  const server = createServer();
  const port = await listening(server);
  await closeServer(server);
  const client = connect({ port, host: "127.0.0.1" });
  const [error] = await once(client, "error");
  assert.ok(error instanceof NetError);
  assert.equal(error.code, "ECONNREFUSED");
  const [hadError] = await once(client, "close");
  assert.equal(hadError, true);
  assert.equal(client.errored, error);
});

test(`net (${rt}): a port in use is EADDRINUSE on the server's error event`, async () => {
  const first = createServer();
  const port = await listening(first);
  const second = createServer();
  second.listen(port, "127.0.0.1");
  const [error] = await once(second, "error");
  assert.equal((error as NetError).code, "EADDRINUSE");
  assert.equal(second.listening, false);
  await closeServer(first);
});

test(`net (${rt}): an error nobody listens to closes the socket without throwing`, async () => {
  const server = createServer();
  const port = await listening(server);
  await closeServer(server);
  const client = connect({ port, host: "127.0.0.1" });
  // No error listener (`once` would add one): the socket closes quietly.
  const hadError = await new Promise((resolve) => client.on("close", resolve));
  assert.equal(hadError, true);
  assert.equal((client.errored as NetError).code, "ECONNREFUSED");
});

test(`net (${rt}): setTimeout fires on an idle socket, and activity re-arms it`, async () => {
  const server = createServer((socket) => socket.resume());
  const port = await listening(server);
  const client = connect({ port, host: "127.0.0.1" });
  await once(client, "connect");
  let timeouts = 0;
  const started = performance.now();
  client.setTimeout(300, () => timeouts++);
  assert.equal(client.timeout, 300);
  // Activity every 30 ms for 450 ms keeps it from firing.
  for (let i = 0; i < 15; i++) {
    await delay(30);
    client.write("x");
  }
  assert.equal(timeouts, 0);
  await once(client, "timeout");
  assert.ok(performance.now() - started >= 450 + 250);
  assert.equal(client.destroyed, false, "a timeout does not close the socket");
  client.setTimeout(0);
  assert.equal(client.timeout, undefined);
  client.destroy();
  await once(client, "close");
  await closeServer(server);
});

test(`net (${rt}): an idle server-side socket times out and is closed by its listener`, async () => {
  const server = createServer((socket) => {
    socket.setTimeout(50, () => socket.end("idle too long\n"));
    socket.resume();
  });
  const port = await listening(server);
  const client = connect({ port, host: "127.0.0.1" });
  const received = collect(client);
  assert.equal(new TextDecoder().decode(await received), "idle too long\n");
  await once(client, "close");
  await closeServer(server);
});

test(`net (${rt}): IPv6 loopback echo`, async () => {
  const server = echoServer();
  const port = await listening(server, "::1");
  assert.deepEqual(server.address(), { address: "::1", family: "IPv6", port });
  const client = connect({ port, host: "::1" });
  await once(client, "connect");
  assert.equal(client.remoteFamily, "IPv6");
  assert.equal(client.localAddress, "::1");
  const received = collect(client);
  client.end("over IPv6");
  assert.equal(new TextDecoder().decode(await received), "over IPv6");
  await once(client, "close");
  await closeServer(server);
});

test(`net (${rt}): listen without a host takes IPv4 and IPv6 clients`, async () => {
  const server = echoServer();
  server.listen(0);
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  for (const host of ["127.0.0.1", "::1"]) {
    const client = connect({ port, host });
    const received = collect(client);
    client.end(host);
    assert.equal(new TextDecoder().decode(await received), host);
    await once(client, "close");
  }
  await closeServer(server);
});

test(`net (${rt}): connect to "localhost" resolves it`, async () => {
  const server = echoServer();
  const port = await listening(server);
  const client = connect(port); // host defaults to localhost
  const attempts: string[] = [];
  client.on("connectionAttempt", (address) => attempts.push(address));
  const received = collect(client);
  client.end("named");
  assert.equal(new TextDecoder().decode(await received), "named");
  assert.ok(attempts.includes("127.0.0.1"));
  await once(client, "close");
  await closeServer(server);
});

test(`net (${rt}): a name that does not resolve is ENOTFOUND`, async () => {
  const client = connect({ port: 80, host: "no-such-host.invalid" });
  const [error] = await once(client, "error");
  assert.equal((error as NetError).code, "ENOTFOUND");
  await once(client, "close");
});

test(`net (${rt}): 10 MB through a relay with back-pressure, memory bounded`, async () => {
  const total = 10 * 1024 * 1024;
  // sink: reads slowly, in bursts
  let sinkReceived = 0;
  let sinkClosed: Promise<unknown> | undefined;
  const sink = createServer((socket) => {
    sinkClosed = once(socket, "close");
    let timer: ReturnType<typeof setTimeout> | undefined;
    socket.on("data", (chunk) => {
      sinkReceived += chunk.length;
      socket.pause();
      clearTimeout(timer);
      timer = setTimeout(() => socket.resume(), 1);
    });
    socket.on("close", () => clearTimeout(timer));
    socket.on("end", () => socket.end());
  });
  const sinkPort = await listening(sink);
  // relay: pipes each client to the sink with web streams (the chapter's pipe)
  let maxQueued = 0;
  let relayOut: Socket | undefined;
  // A relay forwards each end to the other side, so both sides stay half-open.
  const relay = createServer({ allowHalfOpen: true }, (socket) => {
    const out = relayOut = connect({ port: sinkPort, host: "127.0.0.1", allowHalfOpen: true });
    socket.readable.pipeTo(out.writable).catch(() => {});
    out.readable.pipeTo(socket.writable).catch(() => {});
  });
  const relayPort = await listening(relay);
  const source = connect({ port: relayPort, host: "127.0.0.1" });
  const sourceClosed = once(source, "close");
  await once(source, "connect");
  const probe = setInterval(() => {
    if (relayOut !== undefined) maxQueued = Math.max(maxQueued, relayOut.writableLength);
  }, 2);
  const chunk = pattern(64 * 1024);
  let drains = 0;
  for (let sent = 0; sent < total; sent += chunk.length) {
    if (!source.write(chunk.slice())) {
      drains++;
      await once(source, "drain");
    }
  }
  source.end();
  source.resume();
  await sourceClosed;
  clearInterval(probe);
  assert.equal(sinkReceived, total);
  assert.ok(drains > 0, "the source was pushed back");
  // The relay holds at most about one chunk per hop, never megabytes.
  assert.ok(maxQueued < 512 * 1024, `relay queued ${maxQueued} bytes`);
  await sinkClosed;
  await closeServer(relay);
  await closeServer(sink);
});

test(`net (${rt}): pause() stops data events and pushes back; resume() goes on`, async () => {
  let serverSocket: Socket | undefined;
  const server = createServer((socket) => {
    serverSocket = socket;
  });
  const port = await listening(server);
  const client = connect({ port, host: "127.0.0.1" });
  await Promise.all([once(server, "connection"), once(client, "connect")]);
  const socket = serverSocket as Socket;
  let received = 0;
  socket.on("data", (chunk) => (received += chunk.length));
  socket.pause();
  assert.equal(socket.isPaused(), true);
  // Write 16 MB: more than the system buffers while nobody reads on the other side.
  const chunk = pattern(64 * 1024);
  const written = 256 * chunk.length;
  for (let i = 0; i < 256; i++) client.write(chunk.slice());
  await delay(50);
  assert.equal(received, 0, "no data while paused");
  assert.ok(client.writableLength > 0, "the writer is pushed back");
  const drained = once(client, "drain");
  socket.resume();
  await drained;
  client.resume(); // read the server's automatic end, so that the client closes
  client.end();
  await once(socket, "end");
  assert.equal(received, written);
  await once(client, "close");
  await closeServer(server);
});

test(`net (${rt}): writes made while connecting are sent once connected`, async () => {
  const server = echoServer();
  const port = await listening(server);
  const client = new Socket();
  assert.equal(client.pending, true);
  client.connect(port, "127.0.0.1");
  assert.equal(client.connecting, true);
  assert.equal(client.readyState, "opening");
  client.write("early ");
  client.end("bird");
  const received = collect(client);
  assert.equal(new TextDecoder().decode(await received), "early bird");
  await once(client, "close");
  await closeServer(server);
});

test(`net (${rt}): destroy(error) emits error then close(true); writes after fail`, async () => {
  const server = createServer((socket) => socket.resume());
  const port = await listening(server);
  const client = connect({ port, host: "127.0.0.1" });
  await once(client, "connect");
  const events: string[] = [];
  client.on("error", (error) => events.push(`error:${error.message}`));
  client.on("close", (hadError) => events.push(`close:${hadError}`));
  const closed = new Promise((resolve) => client.on("close", resolve));
  client.destroy(new Error("boom"));
  await closed;
  assert.deepEqual(events, ["error:boom", "close:true"]);
  const failed = new Promise<Error | null | undefined>((resolve) => client.write("x", resolve));
  assert.equal(((await failed) as NetError).code, "ERR_SOCKET_CLOSED");
  await closeServer(server);
});

test(`net (${rt}): a peer's reset is ECONNRESET`, async () => {
  // node:net can send a reset (SO_LINGER 0) on both runtimes.
  const peer = nodeNet.createServer((socket) => setTimeout(() => socket.resetAndDestroy(), 20));
  await new Promise<void>((resolve) => peer.listen(0, "127.0.0.1", resolve));
  const { port } = peer.address() as AddressInfo;
  const client = connect({ port, host: "127.0.0.1" });
  client.resume();
  const closed = new Promise((resolve) => client.on("close", resolve));
  const [error] = await once(client, "error");
  assert.equal((error as NetError).code, "ECONNRESET");
  assert.equal(await closed, true);
  await new Promise((resolve) => peer.close(resolve));
});

test(`net (${rt}): writing on after the peer closed is EPIPE (or ECONNRESET)`, async () => {
  const server = createServer((socket) => setTimeout(() => socket.destroy(), 20));
  const port = await listening(server);
  const client = connect({ port, host: "127.0.0.1", allowHalfOpen: true });
  await once(client, "connect");
  client.resume();
  const closed = new Promise((resolve) => client.on("close", resolve));
  const failed = once(client, "error");
  const chunk = pattern(16 * 1024);
  const timer = setInterval(() => client.write(chunk.slice()), 5);
  const [error] = await failed;
  clearInterval(timer);
  assert.ok(["EPIPE", "ECONNRESET"].includes((error as NetError).code), String(error));
  await closed;
  await closeServer(server);
});

test(`net (${rt}): EventTarget listeners get the payload in detail`, async () => {
  const server = echoServer();
  const port = await listening(server);
  const client = connect({ port, host: "127.0.0.1" });
  const seen: string[] = [];
  client.addEventListener("connect", (event) => seen.push(`connect:${event.detail}`));
  client.addEventListener("data", (event) => {
    seen.push(`data:${new TextDecoder().decode(event.detail)}`);
  });
  client.addEventListener("close", (event) => seen.push(`close:${event.detail}`));
  client.end("hi");
  await once(client, "close");
  assert.deepEqual(seen, ["connect:null", "data:hi", "close:false"]);
  await closeServer(server);
});

test(`net (${rt}): readable and writable web streams`, async () => {
  const server = createServer((socket) => socket.readable.pipeTo(socket.writable));
  const port = await listening(server);
  const client = connect({ port, host: "127.0.0.1" });
  const writer = client.writable.getWriter();
  await writer.write(new TextEncoder().encode("stream "));
  await writer.write("works");
  await writer.close();
  const text = await new Response(client.readable).text();
  assert.equal(text, "stream works");
  await once(client, "close");
  await closeServer(server);
});

test(`net (${rt}): cancelling the readable stream destroys the socket`, async () => {
  const server = createServer((socket) => socket.resume().write("hello"));
  const port = await listening(server);
  const client = connect({ port, host: "127.0.0.1" });
  const reader = client.readable.getReader();
  const first = await reader.read();
  assert.equal(new TextDecoder().decode(first.value), "hello");
  await reader.cancel();
  await once(client, "close");
  assert.equal(client.destroyed, true);
  await closeServer(server);
});

test(`net (${rt}): server close waits for open connections; getConnections counts`, async () => {
  const server = createServer((socket) => socket.resume());
  const port = await listening(server);
  const a = connect({ port, host: "127.0.0.1" });
  const b = connect({ port, host: "127.0.0.1" });
  await once(server, "connection");
  await once(server, "connection");
  assert.equal(server.getConnections(), 2);
  let closed = false;
  server.close(() => (closed = true));
  assert.equal(server.listening, false);
  await delay(30);
  assert.equal(closed, false, "close waits for the connections");
  a.destroy();
  b.destroy();
  await once(server, "close");
  assert.equal(server.getConnections(), 0);
  const notRunning = await new Promise<Error | undefined>((resolve) => server.close(resolve));
  assert.equal((notRunning as NetError).code, "ERR_SERVER_NOT_RUNNING");
});

test(`net (${rt}): maxConnections drops the connections past it`, async () => {
  const server = createServer((socket) => socket.resume());
  server.maxConnections = 1;
  const port = await listening(server);
  const first = connect({ port, host: "127.0.0.1" });
  await once(server, "connection");
  const second = connect({ port, host: "127.0.0.1" });
  second.resume();
  const [info] = await once(server, "drop");
  assert.equal(info.remoteAddress, "127.0.0.1");
  await once(second, "close");
  first.destroy();
  await once(first, "close");
  await closeServer(server);
});

test(`net (${rt}): noDelay, keepAlive, ref and unref are accepted`, async () => {
  const server = createServer({ keepAlive: true, noDelay: false }, (socket) => socket.resume());
  const port = await listening(server);
  const client = connect({ port, host: "127.0.0.1", keepAlive: true, keepAliveInitialDelay: 1000 });
  await once(client, "connect");
  client.setNoDelay(true).setNoDelay(false).setKeepAlive(true, 5000).setKeepAlive(false);
  client.unref().ref();
  server.unref().ref();
  client.resume().end();
  await once(client, "close");
  await closeServer(server);
});

test(`net (${rt}): Unix domain sockets`, async () => {
  const dir = mkdtempSync(join(tmpdir(), "wirestack-unix-"));
  const path = join(dir, "echo.sock");
  try {
    const server = echoServer();
    server.listen(path);
    await once(server, "listening");
    assert.equal(server.address(), path);
    const client = connect(path);
    await once(client, "connect");
    assert.equal(client.remoteAddress, undefined);
    const received = collect(client);
    client.end("over a Unix socket");
    assert.equal(new TextDecoder().decode(await received), "over a Unix socket");
    await once(client, "close");
    await closeServer(server);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, { skip: !transport.features.unix && "no Unix sockets on this runtime" });

test(`net (${rt}): an aborted signal destroys the socket`, async () => {
  const server = createServer((socket) => socket.resume());
  const port = await listening(server);
  const controller = new AbortController();
  const client = connect({ port, host: "127.0.0.1", signal: controller.signal });
  await once(client, "connect");
  controller.abort();
  const [error] = await once(client, "error");
  assert.equal((error as Error).name, "AbortError");
  await once(client, "close");
  await closeServer(server);
});

test(`net (${rt}): onread reads into one buffer, without data events`, async () => {
  const message = pattern(300_000);
  const server = createServer((socket) => {
    socket.resume();
    socket.end(message);
  });
  const port = await listening(server);
  const buffer = new Uint8Array(4096);
  const received: Uint8Array[] = [];
  let dataEvents = 0;
  let calls = 0;
  const client = connect({
    port,
    host: "127.0.0.1",
    onread: {
      buffer,
      callback(bytesRead, into) {
        assert.equal(into, buffer);
        assert.ok(bytesRead > 0 && bytesRead <= buffer.length);
        received.push(into.slice(0, bytesRead));
        // Pause once on the third read, resume shortly after.
        if (++calls === 3) {
          setTimeout(() => client.resume(), 20);
          return false;
        }
      },
    },
  });
  client.on("data", () => dataEvents++);
  const closed = once(client, "close");
  await once(client, "end");
  assert.deepEqual(concat(received), message);
  assert.equal(dataEvents, 0);
  assert.equal(client.bytesRead, message.length);
  await closed;
  await closeServer(server);
});

test(`net (${rt}): onread on a server's socket (bytes copied in on Node)`, async () => {
  const message = pattern(100_000);
  const received: Uint8Array[] = [];
  // Servers build their sockets from an accepted adapter connection, as here.
  const listener = await transport.listen({ port: 0, hostname: "127.0.0.1" });
  const accepted = listener.accept();
  const client = connect({ port: (listener.addr as { port: number }).port, host: "127.0.0.1" });
  const conn = await accepted;
  assert.ok(conn !== null);
  const buffer = new Uint8Array(1000);
  const socket = new Socket({
    conn,
    onread: { buffer, callback: (n, into) => void received.push(into.slice(0, n)) },
  });
  const ended = once(socket, "end");
  const clientClosed = once(client, "close");
  client.resume();
  client.end(message);
  await ended;
  assert.deepEqual(concat(received), message);
  await clientClosed;
  listener.close();
});
