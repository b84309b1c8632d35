// wss:// end to end: wirestack's client over the HTTP client's TLS to
// `serve({ tls })` with upgradeWebSocket, and the certificate check the HTTP
// client makes for it.

import assert from "node:assert/strict";
import { serve } from "../../http/serve.ts";
import { runtimeName, test } from "../_harness.ts";
import { pki } from "../tls/_pki.ts";
import { upgradeWebSocket } from "../../ws/upgrade.ts";
import { WebSocket } from "../../ws/websocket.ts";
import type { CloseEvent } from "../../ws/events.ts";

const rt = runtimeName;

test(
  `wss (${rt}): the client over TLS to serve({ tls }) + upgradeWebSocket, deflate on`,
  async () => {
    const { server: issued, root } = await pki();
    let encrypted: boolean | null = null;
    const server = serve({
      port: 0,
      hostname: "127.0.0.1",
      tls: { cert: issued.chain, key: issued.key },
    }, (request, info) => {
      encrypted = info.encrypted;
      const { socket, response } = upgradeWebSocket(request, { deflate: true });
      socket.onmessage = (event) => socket.send(event.data);
      return response;
    });
    const { port } = await server.listening;
    try {
      const socket = new WebSocket(`wss://localhost:${port}/secure`, {
        tls: { ca: root },
        deflate: true,
      });
      socket.binaryType = "arraybuffer";
      const sent = ["over TLS", "x".repeat(100_000)];
      const got: unknown[] = [];
      const closed = new Promise<CloseEvent>((resolve) => (socket.onclose = resolve));
      socket.onopen = () => sent.forEach((message) => socket.send(message));
      socket.onmessage = (event) => {
        if (got.push(event.data) === sent.length) socket.close(1000);
      };
      const event = await closed;
      assert.deepEqual(got, sent);
      assert.equal(event.wasClean, true);
      assert.equal(socket.url, `wss://localhost:${port}/secure`);
      assert.match(socket.extensions, /^permessage-deflate/);
      assert.equal(encrypted, true);

      // An untrusted certificate fails the handshake.
      const untrusted = new WebSocket(`wss://localhost:${port}/`);
      const refused = await new Promise<CloseEvent>((resolve) => (untrusted.onclose = resolve));
      assert.deepEqual([refused.code, refused.cause], [1006, "handshake"]);
    } finally {
      await server.close();
    }
  },
  { timeout: 60_000 },
);
