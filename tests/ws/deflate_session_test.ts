// permessage-deflate over the network: what the server answers to offers
// (window bits, no context takeover), the threshold below which it does not
// compress, context takeover between two wirestack ends, and a zip bomb.

import assert from "node:assert/strict";
import { runtimeName, test } from "../_harness.ts";
import { WebSocket } from "../../ws/websocket.ts";
import { deflateRawSync } from "./_deflate_peer.ts";
import { closePayload, frame, rawClient } from "./_frames.ts";
import { serveEcho } from "./_servers.ts";

const rt = runtimeName;
const close = () => frame({ opcode: 8, payload: closePayload(1000), mask: true });

function answerOf(head: string): string {
  return /sec-websocket-extensions: *(.*)/i.exec(head)?.[1]?.trim() ?? "";
}

test(`deflate (${rt}): the server's answers to offers`, async () => {
  const server = await serveEcho({ deflate: { serverMaxWindowBits: 12 } });
  try {
    const offers: Array<[string, string]> = [
      ["permessage-deflate", "permessage-deflate; server_max_window_bits=12"],
      [
        "permessage-deflate; server_max_window_bits=10",
        "permessage-deflate; server_max_window_bits=10",
      ],
      [
        "permessage-deflate; client_max_window_bits",
        "permessage-deflate; server_max_window_bits=12",
      ],
      [
        "permessage-deflate; server_no_context_takeover; client_no_context_takeover",
        "permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=12",
      ],
      ["x-unknown, permessage-deflate", "permessage-deflate; server_max_window_bits=12"],
      [
        "permessage-deflate; server_max_window_bits=7, permessage-deflate",
        "permessage-deflate; server_max_window_bits=12",
      ],
      ["permessage-deflate; bogus=1", ""],
    ];
    for (const [offer, expected] of offers) {
      const result = await rawClient(server.port, {
        headers: { "Sec-WebSocket-Extensions": offer },
        send: [close()],
      });
      assert.match(result.head, /^HTTP\/1.1 101/);
      const answer = answerOf(result.head).split(/;\s*/).sort().join("; ");
      assert.equal(answer, expected.split(/;\s*/).filter(Boolean).sort().join("; "), offer);
    }
  } finally {
    await server.close();
  }
});

test(`deflate (${rt}): messages under the threshold go uncompressed`, async () => {
  const server = await serveEcho({ deflate: { threshold: 1000 } });
  try {
    const result = await rawClient(server.port, {
      headers: { "Sec-WebSocket-Extensions": "permessage-deflate; server_no_context_takeover" },
      send: [
        frame({ opcode: 1, payload: "a".repeat(999), mask: true }),
        frame({ opcode: 1, payload: "b".repeat(1000), mask: true }),
        30,
        close(),
      ],
    });
    const data = result.frames.filter((f) => f.opcode === 1);
    assert.deepEqual(data.map((f) => (f.rsv & 4) !== 0), [false, true]);
    assert.deepEqual(result.messages, [`t:${"a".repeat(999)}`, `t:${"b".repeat(1000)}`]);
  } finally {
    await server.close();
  }
});

test(`deflate (${rt}): context takeover both ways between wirestack ends`, async () => {
  const server = await serveEcho({ deflate: true });
  try {
    const socket = new WebSocket(`ws://127.0.0.1:${server.port}/`, { deflate: { threshold: 0 } });
    const text = "the same words again and again, ".repeat(100);
    const got: string[] = [];
    const closed = new Promise<void>((resolve) => (socket.onclose = () => resolve()));
    socket.onopen = () => {
      for (let i = 0; i < 5; i++) socket.send(text + i);
    };
    socket.onmessage = (event) => {
      if (got.push(event.data as string) === 5) socket.close(1000);
    };
    await closed;
    assert.equal(socket.extensions, "permessage-deflate");
    assert.deepEqual(got, [0, 1, 2, 3, 4].map((i) => text + i));
  } finally {
    await server.close();
  }
});

test(`deflate (${rt}): a zip bomb stops at maxPayload with 1009`, async () => {
  const server = await serveEcho({ deflate: true, maxPayload: 1 << 20 });
  try {
    const bomb = deflateRawSync(new Uint8Array(64 << 20)); // 64 MiB of zeros, about 64 KB
    assert.ok(bomb.length < 100_000);
    const result = await rawClient(server.port, {
      headers: { "Sec-WebSocket-Extensions": "permessage-deflate" },
      send: [frame({ opcode: 2, rsv: 4, payload: bomb, mask: true })],
    });
    assert.equal(result.closeCode, 1009);
    assert.equal(result.ended, true);
  } finally {
    await server.close();
  }
}, { timeout: 60_000 });
