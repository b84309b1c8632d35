import assert from "node:assert/strict";
import {
  createSocket,
  type DgramSocketOptions,
  MAX_UDP4_PAYLOAD,
  MAX_UDP6_PAYLOAD,
  type NetError,
  type RemoteInfo,
  type Socket,
} from "../../dgram/mod.ts";
import { once } from "../../net/mod.ts";
import { nodeTransport, type Transport, transport } from "../../adapters/mod.ts";
import { isDeno, runtimeName, test } from "../_harness.ts";
import { pattern } from "../_peers.ts";

// Under Deno, the same tests run on Deno's own UDP and on the node:dgram
// fallback (what the Deno adapter uses when Deno.listenDatagram is absent).
const transports: Array<[string, Transport]> = [[
  `${runtimeName}, ${transport.features.udpImplementation}`,
  transport,
]];
if (isDeno) transports.push(["deno, node:dgram fallback", nodeTransport]);

async function bound(options: DgramSocketOptions, address: string): Promise<Socket> {
  const socket = createSocket(options);
  const listening = once(socket, "listening");
  socket.bind(0, address);
  await listening;
  return socket;
}

async function closeAll(...sockets: Socket[]): Promise<void> {
  await Promise.all(sockets.map((socket) => {
    const closed = once(socket, "close");
    socket.close();
    return closed;
  }));
}

/** The next message, or `null` after `ms` milliseconds. */
function nextMessage(socket: Socket, ms = 2000): Promise<[Uint8Array, RemoteInfo] | null> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      socket.off("message", onMessage);
      resolve(null);
    }, ms);
    const onMessage = (msg: Uint8Array, rinfo: RemoteInfo) => {
      clearTimeout(timer);
      socket.off("message", onMessage);
      resolve([msg, rinfo]);
    };
    socket.on("message", onMessage);
  });
}

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

for (const [name, via] of transports) {
  for (const [type, host] of [["udp4", "127.0.0.1"], ["udp6", "::1"]] as const) {
    test(`dgram (${name}): ${type} datagrams both ways with rinfo`, async () => {
      const server = await bound({ type, transport: via }, host);
      server.on("message", (msg, rinfo) => {
        server.send([msg, " back"], rinfo.port, rinfo.address);
      });
      const client = await bound({ type, transport: via }, host);
      const reply = nextMessage(client);
      const sent = await client.send("ping", server.address().port, host);
      assert.equal(sent, 4);
      const received = await reply;
      assert.ok(received !== null, "no reply");
      const [msg, rinfo] = received;
      assert.equal(text(msg), "ping back");
      assert.deepEqual(rinfo, {
        address: host,
        family: type === "udp4" ? "IPv4" : "IPv6",
        port: server.address().port,
        size: 9,
      });
      await closeAll(server, client);
    });
  }

  test(`dgram (${name}): send binds an unbound socket; offset, length and callback`, async () => {
    const server = await bound({ type: "udp4", transport: via }, "127.0.0.1");
    const client = createSocket({ type: "udp4", transport: via });
    let listened = false;
    client.on("listening", () => (listened = true));
    const received = nextMessage(server);
    const bytes = new TextEncoder().encode("--hello--");
    const result = await new Promise<[Error | null, number]>((resolve) => {
      client.send(bytes, 2, 5, server.address().port, "127.0.0.1", (error, n) => {
        resolve([error, n]);
      });
    });
    assert.deepEqual(result, [null, 5]);
    assert.equal(listened, true);
    assert.ok(client.address().port > 0);
    const message = await received;
    assert.equal(message && text(message[0]), "hello");
    assert.equal(message && message[1].port, client.address().port);
    await closeAll(server, client);
  });

  test(`dgram (${name}): an oversized datagram is EMSGSIZE, and nothing is sent`, async () => {
    const server = await bound({ type: "udp4", transport: via }, "127.0.0.1");
    const client = await bound({ type: "udp4", transport: via }, "127.0.0.1");
    const port = server.address().port;
    let heard = 0;
    server.on("message", () => heard++);
    await assert.rejects(client.send(new Uint8Array(MAX_UDP4_PAYLOAD + 1), port, "127.0.0.1"), {
      code: "EMSGSIZE",
      message: /65508-byte datagram is over the UDP limit of 65507 bytes over IPv4/,
    });
    const viaCallback = await new Promise<Error | null>((resolve) => {
      client.send(new Uint8Array(70_000), port, "127.0.0.1", (error) => resolve(error));
    });
    assert.equal((viaCallback as NetError).code, "EMSGSIZE");
    // Without a callback the failure is an `error` event too.
    const errored = once(client, "error");
    client.send(new Uint8Array(70_000), port, "127.0.0.1");
    assert.equal(((await errored)[0] as NetError).code, "EMSGSIZE");
    // The largest datagram there is goes through whole.
    const received = nextMessage(server);
    const largest = pattern(MAX_UDP4_PAYLOAD);
    assert.equal(await client.send(largest, port, "127.0.0.1"), MAX_UDP4_PAYLOAD);
    const message = await received;
    // (Node hands out Buffers, which are Uint8Arrays: compare the bytes.)
    assert.deepEqual(new Uint8Array(message?.[0] ?? []), largest);
    assert.equal(heard, 1);
    await closeAll(server, client);
  });

  test(`dgram (${name}): the runtime's own EMSGSIZE has the same code`, async () => {
    const socket = await via.bindDatagram({ type: "udp6", hostname: "::1" });
    try {
      await assert.rejects(
        socket.send(new Uint8Array(MAX_UDP6_PAYLOAD + 1), { hostname: "::1", port: 9 }),
        { code: "EMSGSIZE" },
      );
    } finally {
      socket.close();
    }
  });

  test(`dgram (${name}): a connected socket sends to and hears its peer only`, async () => {
    const peer = await bound({ type: "udp4", transport: via }, "127.0.0.1");
    const stranger = await bound({ type: "udp4", transport: via }, "127.0.0.1");
    const socket = await bound({ type: "udp4", transport: via }, "127.0.0.1");
    await socket.connect(peer.address().port, "127.0.0.1");
    assert.equal(socket.remoteAddress().port, peer.address().port);
    const atPeer = nextMessage(peer);
    await socket.send("to the peer");
    assert.equal(text((await atPeer)?.[0] ?? new Uint8Array()), "to the peer");
    await assert.rejects(socket.send("x", 9, "127.0.0.1"), { code: "EINVAL" });
    const heard = nextMessage(socket, 300);
    await stranger.send("from a stranger", socket.address().port, "127.0.0.1");
    assert.equal(await heard, null, "the stranger was not heard");
    const fromPeer = nextMessage(socket);
    await peer.send("from the peer", socket.address().port, "127.0.0.1");
    assert.equal(text((await fromPeer)?.[0] ?? new Uint8Array()), "from the peer");
    socket.disconnect();
    assert.throws(() => socket.remoteAddress(), { code: "ENOTCONN" });
    await closeAll(peer, stranger, socket);
  });

  test(`dgram (${name}): EventTarget listeners get [msg, rinfo] in detail`, async () => {
    const server = await bound({ type: "udp4", transport: via }, "127.0.0.1");
    const client = await bound({ type: "udp4", transport: via }, "127.0.0.1");
    const detail = new Promise<[Uint8Array, RemoteInfo]>((resolve) => {
      server.addEventListener("message", (event) => resolve(event.detail), { once: true });
    });
    await client.send("evented", server.address().port, "127.0.0.1");
    const [msg, rinfo] = await detail;
    assert.equal(text(msg), "evented");
    assert.equal(rinfo.port, client.address().port);
    await closeAll(server, client);
  });

  test(`dgram (${name}): broadcast on the loopback network`, async () => {
    // A receiver bound to the loopback broadcast address hears broadcasts to it.
    const receiver = await bound(
      { type: "udp4", transport: via, reuseAddr: true },
      "127.255.255.255",
    );
    const sender = await bound({ type: "udp4", transport: via }, "127.0.0.1");
    const port = receiver.address().port;
    if (via.features.udpBroadcastControl) {
      // Off by default: the system refuses (EACCES; Deno's node:dgram loses the
      // errno and says UNKNOWN, see the README's feature table).
      await assert.rejects(sender.send("no", port, "127.255.255.255"), (error: NetError) => {
        const expected = via.features.udpImplementation === "node:dgram" && isDeno
          ? "EUNKNOWN"
          : "EACCES";
        assert.equal(error.code, expected);
        return true;
      });
    } else {
      await assert.rejects(sender.setBroadcast(false), { code: "ENOTSUP" });
    }
    await sender.setBroadcast(true);
    const received = nextMessage(receiver);
    await sender.send("to everyone", port, "127.255.255.255");
    const message = await received;
    assert.equal(message && text(message[0]), "to everyone");
    assert.equal(message && message[1].address, "127.0.0.1");
    await closeAll(receiver, sender);
  });

  test(`dgram (${name}): multicast membership on the loopback interface`, async () => {
    const group = "239.255.42.1";
    const receiver = await bound({ type: "udp4", transport: via, reuseAddr: true }, group);
    await receiver.addMembership(group, "127.0.0.1");
    // The sender is bound to 127.0.0.1, so its multicast leaves by loopback.
    const sender = await bound({ type: "udp4", transport: via }, "127.0.0.1");
    if (via.features.multicastInterface) await sender.setMulticastInterface("127.0.0.1");
    else {
      await assert.rejects(sender.setMulticastInterface("127.0.0.1"), { code: "ENOTSUP" });
    }
    await sender.setMulticastLoopback(true);
    const port = receiver.address().port;
    const received = nextMessage(receiver);
    await sender.send("to the group", port, group);
    const message = await received;
    assert.equal(message && text(message[0]), "to the group");
    await receiver.dropMembership(group, "127.0.0.1");
    await assert.rejects(receiver.dropMembership(group, "127.0.0.1"));
    const afterLeaving = nextMessage(receiver, 300);
    await sender.send("anyone?", port, group);
    assert.equal(await afterLeaving, null, "no delivery after leaving the group");
    await closeAll(receiver, sender);
  });

  test(`dgram (${name}): bind errors, closed sockets, bad arguments`, async () => {
    const first = await bound({ type: "udp4", transport: via }, "127.0.0.1");
    const second = createSocket({ type: "udp4", transport: via });
    const closed = new Promise((resolve) => second.on("close", resolve));
    second.bind(first.address().port, "127.0.0.1");
    const [error] = await once(second, "error");
    assert.equal((error as NetError).code, "EADDRINUSE");
    await closed;
    assert.throws(() => first.bind(0), { code: "EINVAL" });
    await assert.rejects(first.send("x", 0, "127.0.0.1"), { code: "EINVAL" });
    await assert.rejects(first.send("abc", 2, 5, 9, "127.0.0.1"), { code: "EINVAL" });
    await closeAll(first);
    await assert.rejects(first.send("x", 9, "127.0.0.1"), { code: "ERR_SOCKET_CLOSED" });
    assert.throws(() => first.address(), { code: "ENOTCONN" });
    await assert.rejects(
      createSocket({ type: "udp4", transport: via }).addMembership("239.1.1.1"),
      { code: "EINVAL" },
    );
  });
}

test(`dgram (${runtimeName}): a name is resolved for the socket's family`, async () => {
  const server = await bound({ type: "udp4" }, "127.0.0.1");
  const client = createSocket("udp4");
  const received = nextMessage(server);
  await client.send("by name", server.address().port, "localhost");
  const message = await received;
  assert.equal(message && text(message[0]), "by name");
  await closeAll(server, client);
});
