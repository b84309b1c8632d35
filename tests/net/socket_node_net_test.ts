// wirestack's net against node:net: Node's own sockets under Node, Deno's Node
// compatibility layer under Deno.

import assert from "node:assert/strict";
import * as nodeNet from "node:net";
import { type AddressInfo, connect, createServer, once } from "../../net/mod.ts";
import { runtimeName, test } from "../_harness.ts";
import { concat, pattern } from "../_peers.ts";

const rt = runtimeName;

for (const host of ["127.0.0.1", "::1"]) {
  test(`net (${rt}) client <-> node:net server on ${host}: 1 MB echo, half-close`, async () => {
    const peer = nodeNet.createServer({ allowHalfOpen: true }, (socket) => {
      socket.pipe(socket);
    });
    await new Promise<void>((resolve) => peer.listen(0, host, resolve));
    const { port } = peer.address() as nodeNet.AddressInfo;
    const client = connect({ port, host });
    const closed = once(client, "close");
    const parts: Uint8Array[] = [];
    client.on("data", (chunk) => parts.push(chunk));
    const message = pattern(1024 * 1024);
    client.end(message);
    await once(client, "end");
    assert.deepEqual(concat(parts), message);
    assert.deepEqual(await closed, [false]);
    await new Promise((resolve) => peer.close(resolve));
  });

  test(`node:net client <-> net (${rt}) server on ${host}: 1 MB echo, half-close`, async () => {
    const server = createServer({ allowHalfOpen: true }, (socket) => {
      socket.readable.pipeTo(socket.writable);
    });
    server.listen(0, host);
    await once(server, "listening");
    const { port } = server.address() as AddressInfo;
    const peer = nodeNet.connect({ port, host, allowHalfOpen: true });
    const parts: Uint8Array[] = [];
    peer.on("data", (chunk: Uint8Array) => parts.push(new Uint8Array(chunk)));
    const ended = new Promise((resolve) => peer.on("end", resolve));
    const peerClosed = new Promise((resolve) => peer.on("close", resolve));
    const message = pattern(1024 * 1024);
    peer.end(message);
    await ended;
    assert.deepEqual(concat(parts), message);
    peer.destroy();
    await peerClosed;
    const closed = once(server, "close");
    server.close();
    await closed;
  });
}

test(`node:net client <-> net (${rt}) server: the peer's reset reaches the server`, async () => {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  const peer = nodeNet.connect({ port, host: "127.0.0.1" });
  const [socket] = await once(server, "connection");
  socket.resume();
  await new Promise((resolve) => peer.on("connect", resolve));
  const closed = new Promise((resolve) => socket.on("close", resolve));
  const errored = new Promise((resolve) => socket.on("error", resolve));
  peer.resetAndDestroy();
  assert.equal(await closed, true);
  assert.equal(((await errored) as { code: string }).code, "ECONNRESET");
  const serverClosed = once(server, "close");
  server.close();
  await serverClosed;
});
