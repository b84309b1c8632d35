// wirestack's dgram against other runtimes' own UDP sockets: node:dgram (Node's,
// or Deno's Node compatibility layer) and Deno.listenDatagram in a child process.

import assert from "node:assert/strict";
import * as nodeDgram from "node:dgram";
import { createSocket, type RemoteInfo } from "../../dgram/mod.ts";
import { once } from "../../net/mod.ts";
import { runtimeName, test } from "../_harness.ts";
import { startDenoPeer } from "../_peers.ts";

const rt = runtimeName;

for (const [type, host] of [["udp4", "127.0.0.1"], ["udp6", "::1"]] as const) {
  test(`dgram (${rt}) <-> node:dgram on ${host}: datagrams both ways`, async () => {
    const peer = nodeDgram.createSocket(type);
    peer.on("message", (msg, rinfo) => peer.send(msg, rinfo.port, rinfo.address));
    await new Promise<void>((resolve) => peer.bind(0, host, resolve));
    const socket = createSocket(type);
    const reply = once(socket, "message");
    await socket.send("echo me", peer.address().port, host);
    const [msg, rinfo] = await reply as [Uint8Array, RemoteInfo];
    assert.equal(new TextDecoder().decode(msg), "echo me");
    assert.equal(rinfo.port, peer.address().port);
    const closed = once(socket, "close");
    socket.close();
    await closed;
    await new Promise<void>((resolve) => peer.close(() => resolve()));
  });

  test(`dgram (${rt}) <-> Deno.listenDatagram on ${host}: datagrams both ways`, async () => {
    const peer = await startDenoPeer(["udp-echo", host]);
    try {
      const socket = createSocket(type);
      const replies: string[] = [];
      socket.on("message", (msg) => replies.push(new TextDecoder().decode(msg)));
      for (let i = 0; i < 3; i++) {
        const reply = once(socket, "message");
        await socket.send(`datagram ${i}`, peer.info.port, host);
        await reply;
      }
      assert.deepEqual(replies, ["datagram 0", "datagram 1", "datagram 2"]);
      const closed = once(socket, "close");
      socket.close();
      await closed;
    } finally {
      await peer.stop();
    }
  });
}
