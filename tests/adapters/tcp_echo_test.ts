import { isDeno, test } from "../_harness.ts";
import assert from "node:assert/strict";
import {
  type Conn,
  NetError,
  nodeTransport,
  type Transport,
  transport,
} from "../../adapters/mod.ts";

/** Echoes every byte back until the peer half-closes, then half-closes too. */
async function echo(conn: Conn): Promise<void> {
  const buffer = new Uint8Array(4096);
  for (let n = await conn.read(buffer); n !== null; n = await conn.read(buffer)) {
    await conn.write(buffer.slice(0, n));
  }
  await conn.closeWrite();
}

/** Reads until the end of the stream. */
async function readAll(conn: Conn): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  const buffer = new Uint8Array(1024);
  for (let n = await conn.read(buffer); n !== null; n = await conn.read(buffer)) {
    parts.push(buffer.slice(0, n));
  }
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function echoTest(name: string, server: Transport, client: Transport): void {
  test(`${name}: loopback echo with half-close`, async () => {
    const listener = await server.listen({ port: 0, hostname: "127.0.0.1" });
    assert.equal(listener.addr.transport, "tcp");
    const addr = listener.addr as { port: number };
    assert.ok(addr.port > 0);
    const served = (async () => {
      const conn = await listener.accept();
      assert.ok(conn !== null);
      try {
        await echo(conn);
      } finally {
        conn.close();
      }
    })();
    const conn = await client.connect({ hostname: "127.0.0.1", port: addr.port });
    try {
      assert.equal(conn.remoteAddr.transport === "tcp" && conn.remoteAddr.port, addr.port);
      const message = new Uint8Array(100_000).map((_, i) => i % 251);
      const received = readAll(conn);
      await conn.write(message);
      await conn.closeWrite();
      assert.deepEqual(await received, message);
    } finally {
      conn.close();
      await served;
      listener.close();
    }
    assert.equal(await listener.accept(), null);
  });
}

echoTest(`${transport.name} transport`, transport, transport);
if (isDeno) {
  // Deno runs Node's socket API too: check that both adapters speak to each other.
  echoTest("deno server, node client", transport, nodeTransport);
  echoTest("node server, deno client", nodeTransport, transport);
}

test(`${transport.name} transport: connecting to a closed port is ECONNREFUSED`, async () => {
  const listener = await transport.listen({ port: 0, hostname: "127.0.0.1" });
  const port = (listener.addr as { port: number }).port;
  listener.close();
  await assert.rejects(transport.connect({ hostname: "127.0.0.1", port }), (error: unknown) => {
    assert.ok(error instanceof NetError);
    assert.equal(error.code, "ECONNREFUSED");
    return true;
  });
});

test(`${transport.name} transport: a port in use is EADDRINUSE`, async () => {
  const listener = await transport.listen({ port: 0, hostname: "127.0.0.1" });
  const port = (listener.addr as { port: number }).port;
  try {
    await assert.rejects(transport.listen({ port, hostname: "127.0.0.1" }), { code: "EADDRINUSE" });
  } finally {
    listener.close();
  }
});
