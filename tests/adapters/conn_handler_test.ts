// The handler way of the transport contract (attach/send/pause/resume/cork/end),
// Unix sockets and lookup, on the running runtime's adapter and, under Deno, on
// the Node adapter too (Deno runs node:net).

import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type Conn,
  type ConnHandler,
  type NetError,
  nodeTransport,
  type Transport,
  transport,
} from "../../adapters/mod.ts";
import { isDeno, test } from "../_harness.ts";
import { concat, pattern } from "../_peers.ts";

const transports: Transport[] = isDeno ? [transport, nodeTransport] : [transport];

/** A handler that records everything and lets a test wait for the end. */
function recorder() {
  const chunks: Uint8Array[] = [];
  const events: string[] = [];
  let resolveEnd: () => void = () => {};
  const ended = new Promise<void>((resolve) => (resolveEnd = resolve));
  const handler: ConnHandler = {
    onData(chunk) {
      chunks.push(chunk);
    },
    onEnd() {
      events.push("end");
      resolveEnd();
    },
    onDrain() {
      events.push("drain");
    },
    onError(error: NetError) {
      events.push(`error ${error.code}`);
      resolveEnd();
    },
  };
  return { handler, chunks, events, ended };
}

async function pair(via: Transport): Promise<{ client: Conn; server: Conn; close(): void }> {
  const listener = await via.listen({ port: 0, hostname: "127.0.0.1" });
  const addr = listener.addr as { port: number };
  const [client, server] = await Promise.all([
    via.connect({ hostname: "127.0.0.1", port: addr.port }),
    listener.accept(),
  ]);
  listener.close();
  assert.ok(server !== null);
  return {
    client,
    server,
    close() {
      client.close();
      server.close();
    },
  };
}

for (const via of transports) {
  const name = `${via.name} adapter`;

  test(`${name}: handler mode echo with send, cork and end`, async () => {
    const { client, server, close } = await pair(via);
    try {
      const atServer = recorder();
      server.attach({
        ...atServer.handler,
        onData(chunk) {
          server.send(chunk.slice());
        },
        onEnd() {
          server.end();
        },
      });
      const atClient = recorder();
      client.attach(atClient.handler);
      const message = pattern(300_000);
      client.cork();
      for (let at = 0; at < message.length; at += 1000) {
        client.send(message.slice(at, at + 1000));
      }
      client.uncork();
      const ended = new Promise<void>((resolve) => client.end(() => resolve()));
      await ended;
      await atClient.ended;
      assert.deepEqual(concat(atClient.chunks), message);
      assert.deepEqual(atClient.events.filter((e) => e !== "drain"), ["end"]);
    } finally {
      close();
    }
  });

  test(`${name}: send returns false past 16 KiB and onDrain follows`, async () => {
    const { client, server, close } = await pair(via);
    try {
      const atClient = recorder();
      client.attach(atClient.handler);
      const atServer = recorder();
      server.attach(atServer.handler, { paused: true });
      assert.equal(client.send(pattern(1000)), true);
      // Nobody reads: sooner or later more than 16 KiB waits in the adapter.
      let sends = 0;
      while (client.send(pattern(64 * 1024))) {
        assert.ok(++sends < 2000, "send never pushed back");
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
      assert.ok(client.writableLength > 16 * 1024);
      server.resume();
      await new Promise<void>((resolve) => {
        const timer = setInterval(() => {
          if (atClient.events.includes("drain")) {
            clearInterval(timer);
            resolve();
          }
        }, 1);
      });
      assert.equal(client.writableLength, 0);
    } finally {
      close();
    }
  });

  test(`${name}: paused connections read nothing until resumed`, async () => {
    const { client, server, close } = await pair(via);
    try {
      const atServer = recorder();
      server.attach(atServer.handler, { paused: true });
      await client.write(pattern(1000));
      await client.closeWrite();
      await new Promise((resolve) => setTimeout(resolve, 30));
      assert.equal(atServer.chunks.length, 0);
      server.resume();
      await atServer.ended;
      assert.equal(concat(atServer.chunks).length, 1000);
    } finally {
      close();
    }
  });

  test(`${name}: pause() from inside onData stops the next chunk`, async () => {
    const { client, server, close } = await pair(via);
    try {
      const chunks: Uint8Array[] = [];
      server.attach({
        onData(chunk) {
          chunks.push(chunk);
          server.pause();
        },
        onEnd() {},
        onDrain() {},
        onError() {},
      });
      await client.write(pattern(10));
      await new Promise((resolve) => setTimeout(resolve, 20));
      await client.write(pattern(20));
      await new Promise((resolve) => setTimeout(resolve, 30));
      assert.equal(chunks.length, 1);
      assert.equal(chunks[0].length, 10);
    } finally {
      close();
    }
  });

  test(`${name}: borrowed chunks are handed out, owned ones may be kept`, async () => {
    const { client, server, close } = await pair(via);
    try {
      let total = 0;
      const kept: Uint8Array[] = [];
      const atServer = recorder();
      server.attach({
        ...atServer.handler,
        onData(chunk) {
          total += chunk.length;
          kept.push(chunk.slice()); // a borrowed chunk must be copied to be kept
        },
      }, { chunks: "borrowed" });
      const message = pattern(500_000);
      await client.write(message);
      await client.closeWrite();
      await atServer.ended;
      assert.equal(total, message.length);
      assert.deepEqual(concat(kept), message);
    } finally {
      close();
    }
  });

  test(`${name}: owned chunks of closed connections stay intact while new ones read`, async () => {
    // Closed connections give their read buffer to later ones: what was handed
    // out as owned must not be that memory.
    const kept: Uint8Array[][] = [];
    for (let i = 0; i < 6; i++) {
      const { client, server, close } = await pair(via);
      try {
        const chunks: Uint8Array[] = [];
        const atServer = recorder();
        server.attach({ ...atServer.handler, onData: (chunk) => chunks.push(chunk) });
        await client.write(new Uint8Array(300).fill(i + 1));
        await client.closeWrite();
        await atServer.ended;
        kept.push(chunks);
      } finally {
        close();
      }
    }
    kept.forEach((chunks, i) => assert.deepEqual(concat(chunks), new Uint8Array(300).fill(i + 1)));
  });

  test(`${name}: writes after end or close fail with stable codes`, async () => {
    const { client, close } = await pair(via);
    try {
      const atClient = recorder();
      client.attach(atClient.handler);
      await new Promise<void>((resolve) => client.end(() => resolve()));
      const afterEnd = await new Promise<NetError | undefined>((resolve) => {
        client.send(pattern(1), resolve);
      });
      assert.equal(afterEnd?.code, "EPIPE");
      client.close();
      const afterClose = await new Promise<NetError | undefined>((resolve) => {
        client.send(pattern(1), resolve);
      });
      assert.equal(afterClose?.code, "ERR_SOCKET_CLOSED");
    } finally {
      close();
    }
  });

  test(`${name}: IPv6 loopback addresses`, async () => {
    const listener = await via.listen({ port: 0, hostname: "::1" });
    const addr = listener.addr;
    assert.equal(addr.transport === "tcp" && addr.family, "IPv6");
    const [client, server] = await Promise.all([
      via.connect({ hostname: "::1", port: (addr as { port: number }).port }),
      listener.accept(),
    ]);
    try {
      assert.equal(client.remoteAddr.transport === "tcp" && client.remoteAddr.hostname, "::1");
      assert.equal(server?.localAddr.transport === "tcp" && server.localAddr.family, "IPv6");
    } finally {
      client.close();
      server?.close();
      listener.close();
    }
  });

  test(`${name}: Unix domain sockets`, async () => {
    const dir = mkdtempSync(join(tmpdir(), "wirestack-adapter-"));
    const path = join(dir, "s.sock");
    try {
      const listener = await via.listenUnix({ path });
      assert.deepEqual(listener.addr, { transport: "unix", path });
      const [client, server] = await Promise.all([via.connectUnix({ path }), listener.accept()]);
      assert.ok(server !== null);
      assert.deepEqual(client.remoteAddr, { transport: "unix", path });
      assert.deepEqual(server.localAddr, { transport: "unix", path });
      await client.write(new TextEncoder().encode("unix"));
      const buffer = new Uint8Array(16);
      const n = await server.read(buffer);
      assert.equal(new TextDecoder().decode(buffer.subarray(0, n ?? 0)), "unix");
      client.close();
      server.close();
      listener.close();
      await assert.rejects(via.connectUnix({ path: join(dir, "missing.sock") }), {
        code: "ENOENT",
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, { skip: !via.features.unix && "no Unix sockets here" });

  test(`${name}: lookup resolves localhost with the system resolver`, async () => {
    const addresses = await via.lookup("localhost", { family: 4 });
    assert.deepEqual(addresses[0], { address: "127.0.0.1", family: 4 });
    await assert.rejects(via.lookup("no-such-host.invalid"), { code: "ENOTFOUND" });
  });

  test(`${name}: an aborted connect is ERR_ABORTED`, async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(
      via.connect({ hostname: "127.0.0.1", port: 9, signal: controller.signal }),
      { code: "ERR_ABORTED" },
    );
  });
}
