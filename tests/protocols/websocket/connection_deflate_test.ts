// Autobahn cases 12 and 13 at the protocol level: permessage-deflate between a
// client and a server connection under every parameter set Autobahn uses,
// messages of 16 bytes to 128 KiB both ways, context takeover, the threshold,
// the maxPayload cap on inflation (zip bombs), and BFINAL-terminated messages.

import assert from "node:assert/strict";
import { test } from "../../_harness.ts";
import {
  acceptHandshake,
  createClientHandshake,
  type DeflateProvider,
  type PerMessageDeflateOptions,
  type PerMessageDeflateParams,
  verifyHandshakeResponse,
  WebSocketConnection,
} from "../../../protocols/websocket/mod.ts";
import { createDeflateProvider } from "../../../ws/deflate.ts";
import { deflateRaw } from "pako";
import { concat, feed, feedAllSplits, frame, random, readFrames } from "./_peer.ts";

const deflate = createDeflateProvider();

function pair(
  offer: PerMessageDeflateOptions | true = true,
  server: PerMessageDeflateOptions | true = true,
  options: { maxPayload?: number; compressionThreshold?: number; provider?: DeflateProvider } = {},
) {
  const handshake = createClientHandshake({ url: "ws://h/", perMessageDeflate: offer });
  const accepted = acceptHandshake(
    { method: "GET", httpVersion: "1.1", headers: handshake.headers },
    { perMessageDeflate: server },
  );
  const agreed = verifyHandshakeResponse(handshake, { status: 101, headers: accepted.headers });
  assert.ok(agreed.perMessageDeflate !== null);
  const make = (role: "client" | "server", params: PerMessageDeflateParams) =>
    new WebSocketConnection({
      role,
      perMessageDeflate: params,
      deflate: options.provider ?? deflate,
      maxPayload: options.maxPayload,
      compressionThreshold: options.compressionThreshold,
    });
  return {
    params: agreed.perMessageDeflate,
    client: make("client", agreed.perMessageDeflate),
    server: make("server", accepted.perMessageDeflate!),
    makeServer: () => make("server", accepted.perMessageDeflate!),
  };
}

function message(size: number, seed: number): string {
  const next = random(seed);
  let text = "";
  while (text.length < size) {
    text += `{"id":${Math.floor(next() * 1000)},"name":"user${seed}","ok":true},`;
  }
  return text.slice(0, size);
}

function receiveText(connection: WebSocketConnection, bytes: Uint8Array): string {
  connection.receive(bytes);
  const event = connection.nextEvent();
  assert.ok(event?.type === "text", JSON.stringify(event));
  return new TextDecoder().decode(event.data);
}

// Autobahn 13.1-13.7: (no context takeover requested?, max window bits; 0 = none).
const CONFIGS: Array<[string, PerMessageDeflateOptions, PerMessageDeflateOptions]> = [
  ["13.1 defaults", {}, {}],
  ["13.2 client no context takeover", { clientNoContextTakeover: true }, {}],
  ["13.3 client window 8", { clientMaxWindowBits: 8 }, {}],
  ["13.4 client window 15", { clientMaxWindowBits: 15 }, {}],
  [
    "13.5 no context takeover, window 8",
    { clientNoContextTakeover: true, clientMaxWindowBits: 8 },
    {},
  ],
  ["13.6 no context takeover, window 15", {
    clientNoContextTakeover: true,
    clientMaxWindowBits: 15,
  }, {}],
  [
    "server window 8 asked by the client",
    { serverMaxWindowBits: 8, serverNoContextTakeover: true },
    {},
  ],
  ["server window 9 set by the server", {}, { serverMaxWindowBits: 9 }],
  ["server forces both no context takeover", {}, {
    serverNoContextTakeover: true,
    clientNoContextTakeover: true,
  }],
  ["server limits the client window to 10", {}, { clientMaxWindowBits: 10 }],
];

for (const [name, offer, server] of CONFIGS) {
  test(`autobahn 12/13 (${name}): messages of 16 B to 128 KiB round-trip both ways`, () => {
    const { client, server: peer } = pair(offer, server);
    for (const size of [16, 64, 256, 1024, 4096, 8192, 16384, 32768, 65536, 131072]) {
      for (let i = 0; i < (size > 16384 ? 2 : 5); i++) {
        const text = message(size, size + i);
        const up = client.sendText(text);
        if (size >= 1024) {
          assert.equal(readFrames(up)[0].rsv, 0x40, "compressed at and above the threshold");
        }
        assert.equal(receiveText(peer, up), text);
        assert.equal(receiveText(client, peer.sendText(text)), text);
      }
    }
  }, { timeout: 60_000 });
}

test("autobahn 12: compressed messages arrive the same in every split", () => {
  const { client, makeServer } = pair();
  const frames = [1024, 3000, 20000, 1024].map((size, i) => client.sendText(message(size, i)));
  const outcome = feedAllSplits(makeServer, concat(frames));
  assert.deepEqual(outcome.events.map((e) => e.type === "text" ? e.text.length : -1), [
    1024,
    3000,
    20000,
    1024,
  ]);
});

test("context takeover: a repeated message shrinks, unless the sender resets", () => {
  const text = message(4000, 1);
  const taken = pair();
  const first = taken.client.sendText(text);
  const second = taken.client.sendText(text);
  assert.ok(second.length < first.length / 3, `${second.length} bytes after ${first.length}`);
  assert.equal(receiveText(taken.server, first), text);
  assert.equal(receiveText(taken.server, second), text);
  // The receiver needs every message: skipping one breaks the shared history.
  taken.client.sendText(text);
  const last = feed(taken.server, [taken.client.sendText(text)]).events.at(-1);
  assert.ok(last?.type === "close" && last.code === 1007);
  const reset = pair({ clientNoContextTakeover: true });
  assert.equal(reset.params.clientNoContextTakeover, true);
  const a = reset.client.sendText(text);
  const b = reset.client.sendText(text);
  assert.deepEqual(a.length, b.length);
  assert.equal(receiveText(reset.server, a), text);
  assert.equal(receiveText(reset.server, b), text);
});

test("threshold: small messages go uncompressed; compress: false and a custom threshold", () => {
  const { client, server } = pair(true, true, { compressionThreshold: 100 });
  assert.equal(readFrames(client.sendText("x".repeat(99)))[0].rsv, 0);
  assert.equal(readFrames(client.sendText("x".repeat(100)))[0].rsv, 0x40);
  assert.equal(readFrames(client.send("x".repeat(500), { compress: false }))[0].rsv, 0);
  const plain = server.sendBinary(new Uint8Array(50));
  assert.equal(readFrames(plain)[0].rsv, 0);
  const everything = pair(true, true, { compressionThreshold: 0 });
  const empty = everything.client.sendText("");
  assert.deepEqual([...readFrames(empty)[0].payload], [0x00], "an empty message compresses to 00");
  assert.equal(receiveText(everything.server, empty), "");
  // Two empty messages in a row: zlib emits nothing for the second flush.
  assert.equal(receiveText(everything.server, everything.client.sendText("")), "");
  assert.equal(receiveText(everything.server, everything.client.sendText("after")), "after");
});

test("fragmented compressed messages: RSV1 on the first frame only", () => {
  const { client, server } = pair(true, true, { compressionThreshold: 0 });
  const parts = [message(3000, 1), message(10, 2), message(5000, 3)];
  const frames = parts.map((part, i) => client.send(part, { fin: i === parts.length - 1 }));
  assert.deepEqual(frames.map((f) => readFrames(f)[0].rsv), [0x40, 0, 0]);
  assert.equal(receiveText(server, concat(frames)), parts.join(""));
});

test("zip bomb: inflation stops at maxPayload + 1 bytes, whole or fragmented", () => {
  let written = 0;
  let largestRoom = 0;
  const counting: DeflateProvider = {
    createDeflater: (o) => deflate.createDeflater(o),
    createInflater(o) {
      const inner = deflate.createInflater(o);
      return {
        push: (data) => inner.push(data),
        read(output, offset, end) {
          largestRoom = Math.max(largestRoom, end - offset);
          const n = inner.read(output, offset, end);
          written += n;
          return n;
        },
        reset: () => inner.reset(),
        dispose: () => inner.dispose(),
      };
    },
  };
  const limit = 1 << 20;
  for (const fragments of [1, 8]) {
    written = 0;
    const sender = pair().client;
    const receiver = pair(true, true, { maxPayload: limit, provider: counting }).server;
    const bomb = new Uint8Array(64 << 20);
    const step = bomb.length / fragments;
    const frames: Uint8Array[] = [];
    for (let i = 0; i < fragments; i++) {
      frames.push(
        sender.send(bomb.subarray(i * step, (i + 1) * step), { fin: i === fragments - 1 }),
      );
    }
    const outcome = feed(receiver, [concat(frames)]);
    const last = outcome.events.at(-1);
    assert.ok(last?.type === "close" && last.code === 1009 && last.error === "ERR_MESSAGE_TOO_BIG");
    assert.ok(written <= limit + 1, `inflated ${written} bytes`);
    assert.ok(largestRoom <= limit + 1);
  }
  // Exactly maxPayload is fine.
  const { client, server } = pair(true, true, { maxPayload: limit });
  server.receive(client.sendBinary(new Uint8Array(limit)));
  const event = server.nextEvent();
  assert.ok(event?.type === "binary" && event.data.length === limit);
}, { timeout: 60_000 });

test("invalid compressed data and invalid inflated UTF-8 fail with 1007", () => {
  const { makeServer } = pair();
  const garbage = frame({
    opcode: 1,
    rsv: 0x40,
    payload: new Uint8Array([0xff, 0xff, 0xff, 0xff]),
  });
  let last = feedAllSplits(makeServer, garbage).events.at(-1);
  assert.ok(
    last?.type === "close" && last.code === 1007 && last.error === "ERR_INVALID_COMPRESSED_DATA",
  );
  const badText = deflateRaw(new Uint8Array([0x61, 0xc0, 0x80]));
  last = feedAllSplits(makeServer, frame({ opcode: 1, rsv: 0x40, payload: badText })).events.at(-1);
  assert.ok(last?.type === "close" && last.code === 1007 && last.error === "ERR_INVALID_UTF8");
});

// Found by fuzzing (tests/protocols/websocket/_fuzz.ts, ws/connection-mutated):
// when the inflated text went bad before the compressed data did, one read
// over both reported the compressed data and two reads the UTF-8, so the
// close reason depended on where the bytes were cut. The first violation in
// the inflated stream now wins however the input arrives.
test("inflated text that goes bad before its compressed data fails the same in every split", () => {
  const { makeServer } = pair();
  // a stored block with "a", 0xff, "b", then a block of the reserved type 11
  const payload = new Uint8Array([0x00, 0x03, 0x00, 0xfc, 0xff, 0x61, 0xff, 0x62, 0x06]);
  const last = feedAllSplits(makeServer, frame({ opcode: 1, rsv: 0x40, payload })).events.at(-1);
  assert.ok(last?.type === "close" && last.code === 1007 && last.error === "ERR_INVALID_UTF8");
  // valid text before the damage: the damage is what fails, in every split too
  const fine = new Uint8Array([0x00, 0x03, 0x00, 0xfc, 0xff, 0x61, 0x62, 0x63, 0x06]);
  const end = feedAllSplits(makeServer, frame({ opcode: 1, rsv: 0x40, payload: fine })).events.at(
    -1,
  );
  assert.ok(
    end?.type === "close" && end.code === 1007 && end.error === "ERR_INVALID_COMPRESSED_DATA",
  );
});

test("RFC 7692 section 7.2.3: a message ending in a BFINAL block, with and without the padding byte", () => {
  const { makeServer } = pair({ serverNoContextTakeover: true, clientNoContextTakeover: true });
  const hello = new TextEncoder().encode("Hello");
  // The RFC's own example: BFINAL block plus one 00 byte.
  const rfc = frame({
    opcode: 1,
    rsv: 0x40,
    payload: new Uint8Array([0xf3, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00, 0x00]),
  });
  const bare = frame({ opcode: 1, rsv: 0x40, payload: deflateRaw(hello) });
  const outcome = feedAllSplits(makeServer, concat([rfc, bare, rfc, bare]));
  assert.deepEqual(outcome.events, Array(4).fill({ type: "text", text: "Hello" }));
});

test("the RFC 7692 section 7.2.3.2 example: two messages sharing a context", () => {
  const { makeServer } = pair();
  const first = frame({
    opcode: 1,
    rsv: 0x40,
    payload: new Uint8Array([0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00]),
  });
  const second = frame({
    opcode: 1,
    rsv: 0x40,
    payload: new Uint8Array([0xf2, 0x00, 0x11, 0x00, 0x00]),
  });
  const outcome = feedAllSplits(makeServer, concat([first, second]));
  assert.deepEqual(outcome.events, [{ type: "text", text: "Hello" }, {
    type: "text",
    text: "Hello",
  }]);
});

test("RSV1 without permessage-deflate fails with 1002", () => {
  const plain = () => new WebSocketConnection({ role: "server" });
  const last = feedAllSplits(plain, frame({ opcode: 1, rsv: 0x40, payload: "x" })).events.at(-1);
  assert.ok(last?.type === "close" && last.code === 1002 && last.error === "ERR_RESERVED_BITS");
  assert.throws(
    () => new WebSocketConnection({ role: "server", perMessageDeflate: pair().params }),
    { code: "ERR_INVALID_OPTION" },
  );
});
