// TLS peers that send garbage, in numbers: random bytes, a record header that
// promises more than comes before a reset, and a real ClientHello followed by
// junk. The server reports them (tlsClientError) and serves a real client
// throughout, on every transport.

import assert from "node:assert/strict";
import * as nodeNet from "node:net";
import * as nodeTls from "node:tls";
import { type NetError, once } from "../../net/mod.ts";
import { connect } from "../../tls/mod.ts";
import { isDeno, test } from "../_harness.ts";
import { closed, label, listening, tlsTransports } from "./_helpers.ts";
import { pki } from "./_pki.ts";

/** The first bytes a Node TLS client sends (its ClientHello), caught by a plain server. */
async function clientHello(): Promise<Uint8Array> {
  const server = nodeNet.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as nodeNet.AddressInfo;
  const caught = new Promise<Uint8Array>((resolve) =>
    server.once("connection", (socket) => {
      socket.once("data", (bytes: Uint8Array) => {
        resolve(new Uint8Array(bytes));
        socket.destroy();
      });
    })
  );
  const client = nodeTls.connect({ port, host: "127.0.0.1", servername: "localhost" });
  client.on("error", () => {});
  const hello = await caught;
  client.destroy();
  await new Promise((resolve) => server.close(resolve));
  return hello;
}

/**
 * Sends `bytes` on a plain connection, then ends it (or resets it); resolves
 * `closed` once the server closed too, or `lingered` when it had not after 2 s.
 */
function send(port: number, bytes: Uint8Array, how: "end" | "reset"): Promise<string> {
  return new Promise((resolve) => {
    const socket = nodeNet.connect({ port, host: "127.0.0.1" });
    const timer = setTimeout(() => {
      resolve("lingered");
      socket.destroy();
    }, 2000);
    socket.on("error", () => {});
    socket.on("data", () => {});
    socket.on("close", () => {
      clearTimeout(timer);
      resolve("closed");
    });
    socket.once("connect", () => {
      if (how === "end") socket.end(bytes);
      else socket.write(bytes, () => setTimeout(() => socket.resetAndDestroy(), 10));
    });
  });
}

for (const via of tlsTransports) {
  test(
    `tls (${label(via)}): 90 peers sending garbage; a real client is served throughout`,
    async () => {
      const p = await pki();
      const { server, port, close } = await listening(
        { cert: p.server.chain, key: p.server.key, transport: via },
        (socket) => socket.end("hello"),
      );
      const errors: NetError[] = [];
      server.on("tlsClientError", (error) => errors.push(error));
      const hello = await clientHello();
      let seed = 7;
      const random = (n: number) =>
        new Uint8Array(n).map(() => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) & 0xff);
      const helloThenJunk = new Uint8Array(hello.length + 300);
      helloThenJunk.set(hello);
      helloThenJunk.set(random(300), hello.length);
      const served = async () => {
        const client = connect({ host: "localhost", port, ca: p.root, transport: via });
        const [bytes] = await once(client, "data");
        await closed(client);
        return new TextDecoder().decode(bytes);
      };
      const hostile = [
        ...Array.from({ length: 40 }, () => send(port, random(1 + (seed % 2000)), "end")),
        // a handshake record announcing 16 KiB, 10 bytes of it, then a reset
        ...Array.from(
          { length: 20 },
          () => send(port, new Uint8Array([0x16, 0x03, 0x01, 0x40, 0x00, ...random(10)]), "reset"),
        ),
        ...Array.from({ length: 30 }, () => send(port, helloThenJunk, "end")),
      ];
      const during = served();
      const ends = await Promise.all(hostile);
      assert.equal(await during, "hello");
      // Deno's node:tls does not notice a client's FIN while a record is cut
      // short mid-handshake; the handshake timeout (30 s) closes those.
      if (!(isDeno && via.name === "node")) {
        assert.deepEqual(ends.filter((end) => end !== "closed"), []);
      }
      assert.equal(await served(), "hello");
      assert.ok(errors.length > 0, "no tlsClientError reported");
      for (const error of errors) assert.match(error.code ?? "", /^(ERR_TLS|ECONNRESET|EPIPE)/);
      await close();
    },
    { timeout: 60_000 },
  );
}
