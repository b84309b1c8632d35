// The Autobahn testsuite's case classes 1-7, 9 and 10, replayed at the protocol
// level against a server connection: a fuzzing client's frames go in, in every
// split (whole, byte by byte, every cut in two, random chunkings), and each split
// must give the same events and the same answering frames.

import assert from "node:assert/strict";
import { test } from "../../_harness.ts";
import { WebSocketConnection } from "../../../protocols/websocket/mod.ts";
import { bytes, concat, feed, feedAllSplits, frame, type Outcome } from "./_peer.ts";

const TEXT = 1;
const BINARY = 2;
const CLOSE = 8;
const PING = 9;
const PONG = 10;

const server = () => new WebSocketConnection({ role: "server" });

function closeFrame(code?: number, reason: Uint8Array | string = ""): Uint8Array {
  if (code === undefined) return frame({ opcode: CLOSE });
  return frame({
    opcode: CLOSE,
    payload: concat([new Uint8Array([code >> 8, code & 0xff]), bytes(reason)]),
  });
}

function run(...frames: Uint8Array[]): Outcome {
  return feedAllSplits(server, concat(frames));
}

/** Asserts the outcome ends with a failure: a close event with `code` and `error`, and our Close. */
function assertFailed(outcome: Outcome, code: number, error: string): void {
  const last = outcome.events.at(-1);
  assert.ok(last?.type === "close", `ends with a close event, got ${JSON.stringify(last)}`);
  assert.equal(last.code, code);
  assert.equal(last.error, error);
  assert.equal(last.wasClean, false);
  assert.equal(last.initiator, "error");
  const reply = outcome.replies.at(-1);
  assert.equal(reply?.opcode, CLOSE);
  assert.equal(reply?.payload, String(code));
  assert.equal(outcome.state, "closed");
}

function texts(outcome: Outcome): string[] {
  return outcome.events.flatMap((e) => e.type === "text" ? [e.text] : []);
}

// ---- 1. Framing -------------------------------------------------------------

for (const length of [0, 125, 126, 127, 128, 65535, 65536]) {
  test(`autobahn 1.1/1.2: text and binary messages of ${length} bytes`, () => {
    const text = "*".repeat(length);
    assert.deepEqual(texts(run(frame({ opcode: TEXT, payload: text }))), [text]);
    const data = new Uint8Array(length).map((_, i) => i & 0xff);
    const outcome = run(frame({ opcode: BINARY, payload: data }));
    assert.equal(outcome.events.length, 1);
    assert.equal(outcome.events[0].type, "binary");
    const connection = server();
    connection.receive(frame({ opcode: BINARY, payload: data }));
    const event = connection.nextEvent();
    assert.ok(event?.type === "binary");
    assert.deepEqual(event.data, data);
  });
}

test("autobahn 1.1.8: a 65536-byte text message in chops of 997 bytes", () => {
  const text = "*".repeat(65536);
  const data = frame({ opcode: TEXT, payload: text });
  const chunks: Uint8Array[] = [];
  for (let at = 0; at < data.length; at += 997) chunks.push(data.subarray(at, at + 997));
  assert.deepEqual(texts(feed(server(), chunks)), [text]);
});

// ---- 2. Pings and pongs -----------------------------------------------------

test("autobahn 2.1-2.4: pings with empty, text, binary and 125-byte payloads get their pongs", () => {
  const payloads = [
    new Uint8Array(0),
    bytes("Hello, world!"),
    new Uint8Array([0x00, 0xff, 0xfe, 0xfd, 0xfc, 0xfb, 0x00, 0xff]),
    new Uint8Array(125).fill(0xfe),
  ];
  for (const payload of payloads) {
    const outcome = run(frame({ opcode: PING, payload }));
    assert.deepEqual(outcome.events, [{ type: "ping", data: [...payload] }]);
    assert.deepEqual(outcome.replies, [{ opcode: PONG, payload: [...payload], fin: true, rsv: 0 }]);
  }
});

test("autobahn 2.5: a ping with 126 bytes fails with 1002", () => {
  const outcome = run(frame({ opcode: PING, payload: new Uint8Array(126) }));
  assertFailed(outcome, 1002, "ERR_CONTROL_FRAME_TOO_LONG");
  assert.equal(outcome.events.length, 1);
});

test("autobahn 2.7-2.9: unsolicited pongs are reported and not answered", () => {
  let outcome = run(frame({ opcode: PONG }));
  assert.deepEqual(outcome.events, [{ type: "pong", data: [] }]);
  assert.deepEqual(outcome.replies, []);
  outcome = run(frame({ opcode: PONG, payload: "unsolicited pong payload" }));
  assert.equal(outcome.events[0].type, "pong");
  outcome = run(
    frame({ opcode: PONG, payload: "unsolicited pong payload" }),
    frame({ opcode: PING, payload: "ping payload" }),
  );
  assert.deepEqual(outcome.replies.map((r) => r.opcode), [PONG]);
  assert.deepEqual(outcome.replies[0].payload, [...bytes("ping payload")]);
});

test("autobahn 2.10/2.11: ten pings get ten pongs, in order, in any split", () => {
  const pings = Array.from(
    { length: 10 },
    (_, i) => frame({ opcode: PING, payload: `payload-${i}` }),
  );
  const outcome = run(...pings);
  assert.equal(outcome.events.length, 10);
  assert.deepEqual(
    outcome.replies.map((r) => new TextDecoder().decode(new Uint8Array(r.payload as number[]))),
    Array.from({ length: 10 }, (_, i) => `payload-${i}`),
  );
});

test("a ping flood is answered within a bounded output", () => {
  const connection = server();
  const ping = frame({ opcode: PING, payload: new Uint8Array(125) });
  for (let i = 0; i < 10_000; i++) connection.receive(ping);
  const output = connection.takeOutput()!;
  assert.ok(output.length < 70 * 1024, `output ${output.length} bytes`);
  let count = 0;
  for (let event = connection.nextEvent(); event !== null; event = connection.nextEvent()) count++;
  assert.equal(count, 10_000);
});

// ---- 3. Reserved bits -------------------------------------------------------

for (let rsv = 1; rsv <= 7; rsv++) {
  test(`autobahn 3.x: RSV bits ${rsv} fail with 1002 on text, binary, ping and close frames`, () => {
    for (const opcode of [TEXT, BINARY, PING, CLOSE]) {
      const outcome = run(
        frame({ opcode: TEXT, payload: "Hello, world!" }),
        frame({
          opcode,
          rsv: rsv << 4,
          payload: opcode === CLOSE ? new Uint8Array([3, 232]) : "x",
        }),
        frame({ opcode: PING, payload: "after" }),
      );
      assert.deepEqual(texts(outcome), ["Hello, world!"]);
      assertFailed(outcome, 1002, "ERR_RESERVED_BITS");
      assert.ok(
        !outcome.events.some((e) => e.type === "ping"),
        "nothing after the bad frame is read",
      );
    }
  });
}

// ---- 4. Opcodes -------------------------------------------------------------

for (const opcode of [3, 4, 5, 6, 7, 11, 12, 13, 14, 15]) {
  test(`autobahn 4.x: reserved opcode ${opcode} fails with 1002, with and without payload`, () => {
    for (const payload of [new Uint8Array(0), bytes("reserved opcode payload")]) {
      const outcome = run(
        frame({ opcode: TEXT, payload: "Hello, world!" }),
        frame({ opcode, payload }),
        frame({ opcode: PING }),
      );
      assert.deepEqual(texts(outcome), ["Hello, world!"]);
      assertFailed(outcome, 1002, "ERR_RESERVED_OPCODE");
      assert.equal(outcome.replies.length, 1, "no pong for the ping after the bad frame");
    }
  });
}

// ---- 5. Fragmentation -------------------------------------------------------

test("autobahn 5.1/5.2: fragmented ping and pong fail with 1002", () => {
  for (const opcode of [PING, PONG]) {
    const outcome = run(
      frame({ opcode, fin: false, payload: "fragment1" }),
      frame({ opcode: 0, payload: "fragment2" }),
    );
    assertFailed(outcome, 1002, "ERR_FRAGMENTED_CONTROL_FRAME");
    assert.equal(outcome.events.length, 1);
  }
});

test("autobahn 5.3-5.5: a text message in two fragments", () => {
  const outcome = run(
    frame({ opcode: TEXT, fin: false, payload: "fragment1" }),
    frame({ opcode: 0, payload: "fragment2" }),
  );
  assert.deepEqual(texts(outcome), ["fragment1fragment2"]);
});

test("autobahn 5.6-5.8: a ping between two fragments is answered first", () => {
  const outcome = run(
    frame({ opcode: TEXT, fin: false, payload: "fragment1" }),
    frame({ opcode: PING, payload: "pongme 2!" }),
    frame({ opcode: 0, payload: "fragment2" }),
  );
  assert.deepEqual(outcome.events.map((e) => e.type), ["ping", "text"]);
  assert.deepEqual(texts(outcome), ["fragment1fragment2"]);
  assert.deepEqual(outcome.replies.map((r) => r.opcode), [PONG]);
});

test("autobahn 5.9-5.14: a continuation with nothing to continue fails with 1002", () => {
  for (const fin of [true, false]) {
    const outcome = run(
      frame({ opcode: 0, fin, payload: "non-continuation payload" }),
      frame({ opcode: TEXT, payload: "Hello, world!" }),
    );
    assertFailed(outcome, 1002, "ERR_UNEXPECTED_CONTINUATION");
    assert.deepEqual(texts(outcome), []);
  }
});

test("autobahn 5.15: a message, then a continuation of nothing, fails after the message", () => {
  const outcome = run(
    frame({ opcode: TEXT, fin: false, payload: "fragment1" }),
    frame({ opcode: 0, payload: "fragment2" }),
    frame({ opcode: 0, fin: false, payload: "fragment3" }),
    frame({ opcode: 0, payload: "fragment4" }),
  );
  assert.deepEqual(texts(outcome), ["fragment1fragment2"]);
  assertFailed(outcome, 1002, "ERR_UNEXPECTED_CONTINUATION");
});

test("autobahn 5.16/5.17: messages that start with a continuation fail at once", () => {
  for (const fin of [false, true]) {
    const group = [
      frame({ opcode: 0, fin, payload: "fragment1" }),
      frame({ opcode: TEXT, fin: false, payload: "fragment2" }),
      frame({ opcode: 0, payload: "fragment3" }),
    ];
    const outcome = run(...group, ...group);
    assertFailed(outcome, 1002, "ERR_UNEXPECTED_CONTINUATION");
    assert.equal(outcome.events.length, 1);
  }
});

test("autobahn 5.18: a new text frame inside a fragmented message fails with 1002", () => {
  const outcome = run(
    frame({ opcode: TEXT, fin: false, payload: "fragment1" }),
    frame({ opcode: TEXT, payload: "fragment2" }),
  );
  assertFailed(outcome, 1002, "ERR_EXPECTED_CONTINUATION");
});

test("autobahn 5.19/5.20: five fragments with pings between them", () => {
  const outcome = run(
    frame({ opcode: TEXT, fin: false, payload: "fragment1" }),
    frame({ opcode: 0, fin: false, payload: "fragment2" }),
    frame({ opcode: PING, payload: "pongme 1!" }),
    frame({ opcode: 0, fin: false, payload: "fragment3" }),
    frame({ opcode: 0, fin: false, payload: "fragment4" }),
    frame({ opcode: PING, payload: "pongme 2!" }),
    frame({ opcode: 0, payload: "fragment5" }),
  );
  assert.deepEqual(outcome.events.map((e) => e.type), ["ping", "ping", "text"]);
  assert.deepEqual(texts(outcome), ["fragment1fragment2fragment3fragment4fragment5"]);
  assert.equal(outcome.replies.length, 2);
});

test("autobahn 6.1: empty text messages, whole and in empty fragments", () => {
  const outcome = run(
    frame({ opcode: TEXT }),
    frame({ opcode: TEXT, fin: false }),
    frame({ opcode: 0, fin: false }),
    frame({ opcode: 0 }),
    frame({ opcode: TEXT, fin: false }),
    frame({ opcode: 0, payload: "" }),
  );
  assert.deepEqual(texts(outcome), ["", "", ""]);
});

// ---- 6.4 Fail fast on invalid UTF-8 ----------------------------------------

const KOSME = bytes([0xce, 0xba, 0xe1, 0xbd, 0xb9, 0xcf, 0x83, 0xce, 0xbc, 0xce, 0xb5]);

function eventsAfter(connection: WebSocketConnection, chunk: Uint8Array): string[] {
  connection.receive(chunk);
  const types: string[] = [];
  for (let event = connection.nextEvent(); event !== null; event = connection.nextEvent()) {
    types.push(event.type === "close" ? `close ${event.code}` : event.type);
  }
  return types;
}

test("autobahn 6.4.1/6.4.2: invalid UTF-8 in the second of three fragments fails before the third", () => {
  const cases = [
    [KOSME, bytes([0xf4, 0x90, 0x80, 0x80]), bytes("edited")],
    [concat([KOSME, bytes([0xf4])]), bytes([0x90]), bytes([0x80, 0x80, 0x65])],
  ];
  for (const [one, two, three] of cases) {
    const connection = server();
    assert.deepEqual(
      eventsAfter(connection, frame({ opcode: TEXT, fin: false, payload: one })),
      [],
    );
    assert.deepEqual(eventsAfter(connection, frame({ opcode: 0, fin: false, payload: two })), [
      "close 1007",
    ]);
    assert.deepEqual(eventsAfter(connection, frame({ opcode: 0, payload: three })), []);
  }
});

test("autobahn 6.4.3/6.4.4: invalid UTF-8 inside one frame fails as soon as the bad chop arrives", () => {
  const payload = concat([KOSME, bytes([0xf4, 0x90, 0x80, 0x80]), bytes("edited")]);
  const data = frame({ opcode: TEXT, payload });
  const header = data.length - payload.length;
  for (const cut of [header + KOSME.length + 2, header + KOSME.length + 4]) {
    const connection = server();
    assert.deepEqual(eventsAfter(connection, data.subarray(0, header + KOSME.length)), []);
    assert.deepEqual(eventsAfter(connection, data.subarray(header + KOSME.length, cut)), [
      "close 1007",
    ]);
    assert.deepEqual(eventsAfter(connection, data.subarray(cut)), []);
  }
});

// ---- 7. Close handling ------------------------------------------------------

test("autobahn 7.1.1: a message then a close; the close is answered with its code", () => {
  const outcome = run(frame({ opcode: TEXT, payload: "Hello World!" }), closeFrame(1000));
  assert.deepEqual(texts(outcome), ["Hello World!"]);
  assert.deepEqual(outcome.events.at(-1), {
    type: "close",
    code: 1000,
    reason: "",
    wasClean: true,
    initiator: "remote",
  });
  assert.deepEqual(outcome.replies, [{ opcode: CLOSE, payload: "1000", fin: true, rsv: 0 }]);
  assert.equal(outcome.state, "closed");
});

test("autobahn 7.1.2-7.1.5: nothing after a close is read: a second close, a ping, text, a continuation", () => {
  for (
    const after of [
      closeFrame(1000),
      frame({ opcode: PING, payload: "Hello World!" }),
      frame({ opcode: TEXT, payload: "Hello World!" }),
      frame({ opcode: 0, payload: "fragment2" }),
      frame({ opcode: 15 }),
    ]
  ) {
    const outcome = run(
      frame({ opcode: TEXT, fin: false, payload: "fragment1" }),
      closeFrame(1000),
      after,
    );
    assert.deepEqual(outcome.events.map((e) => e.type), ["close"]);
    assert.equal(outcome.replies.length, 1);
  }
});

test("autobahn 7.1.6: a large message, then a close", () => {
  const text = "BAsd7&jh23".repeat(26214);
  const outcome = run(frame({ opcode: TEXT, payload: text }), closeFrame(1000));
  assert.deepEqual(texts(outcome), [text]);
  assert.equal(outcome.events.at(-1)?.type, "close");
});

test("autobahn 7.3.1: a close without payload reports 1005 and is answered without payload", () => {
  const outcome = run(closeFrame());
  assert.deepEqual(outcome.events, [{
    type: "close",
    code: 1005,
    reason: "",
    wasClean: true,
    initiator: "remote",
  }]);
  assert.deepEqual(outcome.replies, [{ opcode: CLOSE, payload: [], fin: true, rsv: 0 }]);
});

test("autobahn 7.3.2: a close with a 1-byte payload fails with 1002", () => {
  assertFailed(
    run(frame({ opcode: CLOSE, payload: new Uint8Array([0x03]) })),
    1002,
    "ERR_INVALID_CLOSE_PAYLOAD",
  );
});

test("autobahn 7.3.3-7.3.5: close with a code, with a reason, with a 123-byte reason", () => {
  for (const reason of ["", "Hello World!", "*".repeat(123)]) {
    const outcome = run(closeFrame(1000, reason));
    assert.deepEqual(outcome.events, [{
      type: "close",
      code: 1000,
      reason,
      wasClean: true,
      initiator: "remote",
    }]);
    assert.equal(outcome.replies[0].payload, "1000");
  }
});

test("autobahn 7.3.6: a close with a 124-byte reason (126-byte payload) fails with 1002", () => {
  assertFailed(run(closeFrame(1000, "*".repeat(124))), 1002, "ERR_CONTROL_FRAME_TOO_LONG");
});

test("autobahn 7.5.1: a close reason that is not UTF-8 fails with 1007", () => {
  const reason = concat([KOSME, bytes([0xed, 0xa0, 0x80]), bytes("edited")]);
  assertFailed(run(closeFrame(1000, reason)), 1007, "ERR_INVALID_UTF8");
});

for (
  const code of [
    1000,
    1001,
    1002,
    1003,
    1007,
    1008,
    1009,
    1010,
    1011,
    1012,
    1013,
    1014,
    3000,
    3999,
    4000,
    4999,
  ]
) {
  test(`autobahn 7.7: close code ${code} is valid and echoed`, () => {
    const outcome = run(closeFrame(code));
    assert.deepEqual(outcome.events, [{
      type: "close",
      code,
      reason: "",
      wasClean: true,
      initiator: "remote",
    }]);
    assert.deepEqual(outcome.replies, [{
      opcode: CLOSE,
      payload: String(code),
      fin: true,
      rsv: 0,
    }]);
  });
}

for (
  const code of [
    0,
    999,
    1004,
    1005,
    1006,
    1015,
    1016,
    1100,
    2000,
    2999,
    5000,
    65535,
  ]
) {
  test(`autobahn 7.9/7.13: close code ${code} on the wire fails with 1002`, () => {
    assertFailed(run(closeFrame(code)), 1002, "ERR_CLOSE_CODE_NOT_ALLOWED");
  });
}

// ---- 9. Limits and big messages ---------------------------------------------

for (const size of [1 << 16, 1 << 18, 1 << 20, 1 << 22]) {
  test(`autobahn 9.1/9.2: text and binary messages of ${size} bytes`, () => {
    const text = "BAsd7&jh23".repeat(size / 8).slice(0, size);
    const outcome = run(frame({ opcode: TEXT, payload: text }));
    assert.equal(texts(outcome)[0].length, size);
    const data = new Uint8Array(size).map((_, i) => (i * 31) & 0xff);
    const connection = server();
    connection.receive(frame({ opcode: BINARY, payload: data }));
    const event = connection.nextEvent();
    assert.ok(event?.type === "binary");
    assert.deepEqual(event.data, data);
  }, { timeout: 60_000 });
}

test("autobahn 9.3/9.4: a 4 MiB message in fragments of 64 bytes to 4 MiB", () => {
  const size = 1 << 22;
  const data = new Uint8Array(size).map((_, i) => 0x41 + (i % 26));
  for (const fragment of [64, 256, 1024, 4096, 16384, 65536, 262144, 1 << 20, 1 << 22]) {
    const frames: Uint8Array[] = [];
    for (let at = 0; at < size; at += fragment) {
      frames.push(frame({
        opcode: at === 0 ? TEXT : 0,
        fin: at + fragment >= size,
        payload: data.subarray(at, at + fragment),
      }));
    }
    const connection = server();
    connection.receive(concat(frames));
    const event = connection.nextEvent();
    assert.ok(event?.type === "text", `fragment ${fragment}`);
    assert.deepEqual(event.data, data);
  }
}, { timeout: 60_000 });

test("autobahn 9.5/9.6: a 1 MiB message in chops of 64 bytes to 128 KiB", () => {
  const data = frame({ opcode: BINARY, payload: new Uint8Array(1 << 20).fill(0x5a) });
  for (const chop of [64, 128, 256, 512, 1024, 2048, 4096, 8192, 131072]) {
    const chunks: Uint8Array[] = [];
    for (let at = 0; at < data.length; at += chop) chunks.push(data.subarray(at, at + chop));
    const outcome = feed(server(), chunks);
    assert.deepEqual(outcome.events.map((e) => e.type), ["binary"], `chop ${chop}`);
  }
}, { timeout: 60_000 });

test("autobahn 9.7/9.8: a thousand small messages in one read", () => {
  const frames = Array.from(
    { length: 1000 },
    (_, i) => frame({ opcode: i % 2 ? BINARY : TEXT, payload: `m${i}` }),
  );
  const outcome = feed(server(), [concat(frames)]);
  assert.equal(outcome.events.length, 1000);
});

test("maxPayload: a message one byte over fails with 1009 at the header, before its payload", () => {
  const make = () => new WebSocketConnection({ role: "server", maxPayload: 1000 });
  let outcome = feedAllSplits(make, frame({ opcode: BINARY, payload: new Uint8Array(1000) }));
  assert.deepEqual(outcome.events.map((e) => e.type), ["binary"]);
  const over = frame({ opcode: BINARY, payload: new Uint8Array(1001) });
  const connection = make();
  connection.receive(over.subarray(0, 8)); // the header only
  assert.equal(connection.nextEvent()?.type, "close");
  outcome = feedAllSplits(make, over);
  assertFailed(outcome, 1009, "ERR_MESSAGE_TOO_BIG");
  // Fragments add up: 600 + 401 bytes.
  outcome = feedAllSplits(
    make,
    concat([
      frame({ opcode: TEXT, fin: false, payload: "a".repeat(600) }),
      frame({ opcode: 0, payload: "a".repeat(401) }),
    ]),
  );
  assertFailed(outcome, 1009, "ERR_MESSAGE_TOO_BIG");
});

test("maxPayload: a declared length of 2^63 - 1 fails with 1009, 2^63 and above with 1002", () => {
  const huge = new Uint8Array([
    0x82,
    0xff,
    0x7f,
    0xff,
    0xff,
    0xff,
    0xff,
    0xff,
    0xff,
    0xff,
    1,
    2,
    3,
    4,
  ]);
  assertFailed(feedAllSplits(server, huge), 1009, "ERR_MESSAGE_TOO_BIG");
  const msb = new Uint8Array([0x82, 0xff, 0x80, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4]);
  assertFailed(feedAllSplits(server, msb), 1002, "ERR_LENGTH_TOO_LARGE");
});

// ---- 10. Fragmentation on send ------------------------------------------------

test("autobahn 10.1: a message sent in 1300-byte fragments arrives whole", () => {
  const client = new WebSocketConnection({ role: "client" });
  const text = "*".repeat(65536);
  const data = new TextEncoder().encode(text);
  const frames: Uint8Array[] = [];
  for (let at = 0; at < data.length; at += 1300) {
    frames.push(
      client.send(data.subarray(at, at + 1300), { binary: false, fin: at + 1300 >= data.length }),
    );
  }
  assert.deepEqual(texts(feedAllSplits(server, concat(frames))), [text]);
});
