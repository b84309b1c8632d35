// The connection's API and state machine: the client role, sending, the close
// handshake from either side, transport end, misuse, and broadcast.

import assert from "node:assert/strict";
import { test } from "../../_harness.ts";
import {
  type ConnectionInput,
  type ConnectionState,
  PreparedMessage,
  TRANSITIONS,
  WebSocketConnection,
} from "../../../protocols/websocket/mod.ts";
import { createDeflateProvider } from "../../../ws/deflate.ts";
import { feed, feedAllSplits, frame, readFrames } from "./_peer.ts";

const client = () => new WebSocketConnection({ role: "client" });
const server = () => new WebSocketConnection({ role: "server" });

test("client role: reads unmasked frames, refuses masked ones", () => {
  let outcome = feedAllSplits(client, frame({ opcode: 1, payload: "hi", mask: null }));
  assert.deepEqual(outcome.events, [{ type: "text", text: "hi" }]);
  outcome = feedAllSplits(client, frame({ opcode: 1, payload: "hi" }));
  const last = outcome.events.at(-1);
  assert.ok(last?.type === "close" && last.code === 1002 && last.error === "ERR_MASKED_FRAME");
  // Its own answers are masked.
  assert.equal(readFrames(outcome.replies.length ? new Uint8Array() : null).length, 0);
  const c = client();
  c.receive(frame({ opcode: 9, payload: "p", mask: null }));
  c.nextEvent();
  const pong = readFrames(c.takeOutput());
  assert.equal(pong[0].masked, true);
  assert.deepEqual([...pong[0].payload], [0x70]);
});

test("server role: refuses unmasked frames", () => {
  const last = feedAllSplits(server, frame({ opcode: 2, payload: "x", mask: null })).events.at(-1);
  assert.ok(last?.type === "close" && last.code === 1002 && last.error === "ERR_UNMASKED_FRAME");
});

test("client masking: keys from getRandomValues, a fresh key per frame", () => {
  let calls = 0;
  const c = new WebSocketConnection({
    role: "client",
    getRandomValues: (array) => {
      calls++;
      for (let i = 0; i < array.length; i++) array[i] = i % 4 === 0 ? (i >> 2) & 0xff : calls;
      return array;
    },
  });
  const keys = new Set<string>();
  for (let i = 0; i < 300; i++) {
    const bytes = c.sendText("hello");
    keys.add(bytes.subarray(2, 6).join());
    const [f] = readFrames(bytes);
    assert.equal(new TextDecoder().decode(f.payload), "hello");
  }
  assert.equal(keys.size, 300, "every frame takes the next 4 bytes of the pool");
  assert.equal(calls, 2, "1024 random bytes make 256 keys before a refill");
  // The default source is crypto.getRandomValues: two clients' keys differ.
  assert.notDeepEqual(client().sendText("x").subarray(2, 6), client().sendText("x").subarray(2, 6));
});

test("sending: text, binary, text given as bytes, fragments, control frames", () => {
  const s = server();
  assert.deepEqual([...s.sendText("Hi")], [0x81, 2, 0x48, 0x69]);
  assert.deepEqual([...s.sendBinary(new Uint8Array([1, 2]))], [0x82, 2, 1, 2]);
  assert.deepEqual([...s.send(new TextEncoder().encode("ok"), { binary: false })], [
    0x81,
    2,
    0x6f,
    0x6b,
  ]);
  assert.deepEqual([...s.send("ok", { binary: true })], [0x82, 2, 0x6f, 0x6b]);
  assert.throws(() => s.send(new Uint8Array([0xff]), { binary: false }), {
    code: "ERR_INVALID_TEXT",
  });
  // Fragments: the first carries the opcode, the rest are continuations.
  const parts = [s.send("a", { fin: false }), s.send("b", { fin: false }), s.send("c")];
  assert.deepEqual(parts.map((p) => p[0]), [0x01, 0x00, 0x80]);
  // A text fragment may end inside a character; the message as a whole must be UTF-8.
  s.send(new Uint8Array([0xe2, 0x82]), { binary: false, fin: false });
  assert.throws(() => s.sendText("x"), { code: "ERR_INVALID_STATE" });
  assert.throws(() => s.send(new Uint8Array([1]), { fin: true }), { code: "ERR_INVALID_STATE" });
  assert.deepEqual([...s.send(new Uint8Array([0xac]), { binary: false })], [0x80, 1, 0xac]);
  assert.deepEqual([...s.ping("p")], [0x89, 1, 0x70]);
  assert.deepEqual([...s.pong()], [0x8a, 0]);
  assert.throws(() => s.ping(new Uint8Array(126)), { code: "ERR_CONTROL_PAYLOAD_TOO_LONG" });
});

test("sendBinaryParts: a large unmasked payload is not copied", () => {
  const s = server();
  const big = new Uint8Array(5000).fill(3);
  const [header, body] = s.sendBinaryParts(big);
  assert.deepEqual([...header], [0x82, 126, 0x13, 0x88]);
  assert.equal(body, big);
  assert.equal(s.sendBinaryParts(new Uint8Array(10)).length, 1, "small messages come in one frame");
  const c = client();
  const [masked, ...rest] = c.sendBinaryParts(big);
  assert.equal(rest.length, 0, "a client masks, so it copies");
  assert.deepEqual(readFrames(masked)[0].payload, big);
});

test("close from this end: codes, reasons, the closing state, the peer's answer", () => {
  const s = server();
  assert.throws(() => s.close(1005), { code: "ERR_INVALID_CLOSE_CODE" });
  assert.throws(() => s.close(1006), { code: "ERR_INVALID_CLOSE_CODE" });
  assert.throws(() => s.close(2000), { code: "ERR_INVALID_CLOSE_CODE" });
  assert.throws(() => s.close(1000.5), { code: "ERR_INVALID_CLOSE_CODE" });
  assert.throws(() => s.close(undefined, "why"), { code: "ERR_INVALID_CLOSE_CODE" });
  assert.throws(() => s.close(1000, "x".repeat(124)), { code: "ERR_CLOSE_REASON_TOO_LONG" });
  assert.equal(s.state, "open");
  const bytes = s.close(4000, "\u00e9".repeat(61));
  assert.equal(bytes.length, 2 + 2 + 122);
  assert.equal(s.state, "closing");
  for (const send of [() => s.sendText("x"), () => s.ping(), () => s.close(1000)]) {
    assert.throws(send, { code: "ERR_INVALID_STATE" });
  }
  // Messages still arrive while closing; pings are not answered any more.
  const outcome = feed(s, [
    frame({ opcode: 1, payload: "late" }),
    frame({ opcode: 9 }),
    frame({ opcode: 8, payload: new Uint8Array([0x0f, 0xa0]) }),
  ]);
  assert.deepEqual(outcome.events, [
    { type: "text", text: "late" },
    { type: "ping", data: [] },
    { type: "close", code: 4000, reason: "", wasClean: true, initiator: "local" },
  ]);
  assert.deepEqual(outcome.replies, []);
  assert.equal(s.state, "closed");
});

test("a protocol error while closing sends no second Close", () => {
  const s = server();
  s.close(1000);
  const outcome = feed(s, [frame({ opcode: 3 })]);
  const last = outcome.events.at(-1);
  assert.ok(last?.type === "close" && last.code === 1002 && !last.wasClean);
  assert.deepEqual(outcome.replies, []);
});

test("transport end: 1006 unless the close handshake finished", () => {
  const open = server();
  open.receive(frame({ opcode: 1, fin: false, payload: "half" }));
  open.receiveEnd();
  assert.deepEqual(open.nextEvent(), {
    type: "close",
    code: 1006,
    reason: "",
    wasClean: false,
    initiator: "transport",
  });
  assert.equal(open.state, "closed");
  open.receiveEnd();
  assert.equal(open.nextEvent(), null);
  const done = server();
  done.receive(frame({ opcode: 8, payload: new Uint8Array([3, 232]) }));
  done.nextEvent();
  done.receiveEnd();
  assert.equal(done.nextEvent(), null);
});

test("autoPong: false leaves pongs to the owner", () => {
  const s = new WebSocketConnection({ role: "server", autoPong: false });
  s.receive(frame({ opcode: 9, payload: "x" }));
  assert.equal(s.nextEvent()?.type, "ping");
  assert.equal(s.takeOutput(), null);
});

test("the receiver owns message buffers; input buffers are neither kept nor modified", () => {
  const s = server();
  const input = frame({ opcode: 2, payload: new Uint8Array(100).fill(7) });
  const copy = input.slice();
  s.receive(input);
  const event = s.nextEvent();
  assert.deepEqual(input, copy);
  input.fill(0);
  assert.ok(event?.type === "binary" && event.data.every((b) => b === 7));
});

test("state table: every state answers every input as documented", () => {
  const states: ConnectionState[] = ["open", "closing", "closed"];
  const sends: ConnectionInput[] = ["send-message", "send-ping", "send-pong", "send-close"];
  for (const state of states) {
    for (const input of sends) {
      assert.equal(TRANSITIONS[state][input] !== undefined, state === "open", `${state} ${input}`);
    }
    assert.equal(TRANSITIONS[state]["transport-end"]?.next, "closed");
  }
  assert.equal(TRANSITIONS.open["receive-ping"]?.reply, "pong");
  assert.equal(TRANSITIONS.closing["receive-ping"]?.reply, undefined);
  assert.equal(TRANSITIONS.open["protocol-error"]?.reply, "close-error");
  assert.equal(TRANSITIONS.closing["protocol-error"]?.reply, undefined);
  assert.equal(TRANSITIONS.closed["receive-message"], undefined);
});

test("maxPayload must be a number; options are checked", () => {
  assert.throws(() => new WebSocketConnection({ role: "server", maxPayload: NaN }), {
    code: "ERR_INVALID_OPTION",
  });
  assert.throws(() => new WebSocketConnection({ role: "server", maxPayload: -1 }), {
    code: "ERR_INVALID_OPTION",
  });
});

test("broadcast: one frame for every plain server connection", () => {
  const message = new PreparedMessage("tick");
  const connections = Array.from({ length: 5 }, server);
  const frames = connections.map((c) => c.sendPrepared(message));
  assert.ok(frames.every((f) => f === message.frame));
  assert.deepEqual([...message.frame], [0x81, 4, 0x74, 0x69, 0x63, 0x6b]);
  assert.equal(new PreparedMessage(new Uint8Array([1])).binary, true);
  assert.throws(() => new PreparedMessage(new Uint8Array([0xff]), { binary: false }), {
    code: "ERR_INVALID_TEXT",
  });
  // A client masks each frame: no sharing.
  const c = client();
  const masked = c.sendPrepared(message);
  assert.notEqual(masked, message.frame);
  assert.equal(new TextDecoder().decode(readFrames(masked)[0].payload), "tick");
  // Not in the middle of a fragmented message, not after close.
  const busy = server();
  busy.send("a", { fin: false });
  assert.throws(() => busy.sendPrepared(message), { code: "ERR_INVALID_STATE" });
  const closed = server();
  closed.close();
  assert.throws(() => closed.sendPrepared(message), { code: "ERR_INVALID_STATE" });
});

test("broadcast with permessage-deflate: one compressed frame per window size without context takeover", () => {
  const deflate = createDeflateProvider();
  const params = (serverNoContextTakeover: boolean, bits = 15) => ({
    serverNoContextTakeover,
    clientNoContextTakeover: false,
    serverMaxWindowBits: bits,
    clientMaxWindowBits: 15,
  });
  const make = (p: ReturnType<typeof params>) =>
    new WebSocketConnection({ role: "server", perMessageDeflate: p, deflate });
  const text = "broadcast ".repeat(300);
  const message = new PreparedMessage(text);
  const shared = [make(params(true)), make(params(true)), make(params(true))].map((c) =>
    c.sendPrepared(message)
  );
  assert.ok(shared.every((f) => f === shared[0]));
  assert.equal(readFrames(shared[0])[0].rsv, 0x40);
  assert.ok(shared[0].length < message.frame.length / 5);
  const other = make(params(true, 10)).sendPrepared(message);
  assert.notEqual(other, shared[0]);
  // Context takeover: encoded for the connection itself, and still decodable in order.
  const own = make(params(false));
  const a = own.sendPrepared(message);
  const b = own.sendPrepared(message);
  assert.ok(b.length < a.length);
  const receiver = new WebSocketConnection({
    role: "client",
    perMessageDeflate: params(false),
    deflate,
  });
  for (const bytes of [a, b]) {
    receiver.receive(bytes);
    const event = receiver.nextEvent();
    assert.ok(event?.type === "text" && new TextDecoder().decode(event.data) === text);
  }
  // Every shared frame decodes for any client agreeing to the same parameters.
  const peer = new WebSocketConnection({
    role: "client",
    perMessageDeflate: params(true),
    deflate,
  });
  for (const bytes of [shared[0], shared[0]]) {
    peer.receive(bytes);
    const event = peer.nextEvent();
    assert.ok(event?.type === "text" && event.data.length === text.length);
  }
  // Below the threshold everyone gets the plain frame.
  assert.equal(make(params(false)).sendPrepared(new PreparedMessage("small")).length, 7);
});

test("binaryOwnsBuffer: each binary message is exactly its ArrayBuffer, whole or fragmented", () => {
  for (const owns of [false, true]) {
    const c = new WebSocketConnection({ role: "client", binaryOwnsBuffer: owns });
    c.receive(frame({ opcode: 2, payload: "abc", mask: null }));
    c.receive(frame({ opcode: 2, payload: "de", mask: null }));
    c.receive(frame({ opcode: 2, fin: false, payload: "fg", mask: null }));
    c.receive(frame({ opcode: 0, payload: "hij", mask: null }));
    c.receive(frame({ opcode: 1, payload: "text", mask: null }));
    const sizes = [3, 2, 5];
    for (const size of sizes) {
      const event = c.nextEvent();
      assert.ok(event?.type === "binary");
      assert.equal(event.data.length, size);
      if (owns) {
        assert.equal(event.data.byteOffset, 0);
        assert.equal(event.data.buffer.byteLength, size, "the message owns its buffer");
      }
    }
    assert.equal(c.nextEvent()?.type, "text");
  }
  const c = new WebSocketConnection({ role: "client" });
  c.receive(frame({ opcode: 2, payload: "abc", mask: null }));
  c.receive(frame({ opcode: 2, payload: "de", mask: null }));
  c.nextEvent();
  const event = c.nextEvent();
  assert.ok(
    event?.type === "binary" && event.data.buffer.byteLength > 2,
    "by default small messages share a slab",
  );
});

test("releaseFrame: a written large frame's memory holds the next one; nothing else is taken", () => {
  const c = client();
  const first = new Uint8Array(70000).fill(1);
  const frameA = c.sendBinary(first);
  c.releaseFrame(frameA);
  const second = new Uint8Array(70000).fill(2);
  const frameB = c.sendBinary(second);
  assert.equal(frameB.buffer, frameA.buffer, "the released buffer was reused");
  const [decoded] = readFrames(frameB);
  assert.deepEqual(
    decoded.payload,
    second,
    "the reused frame carries the new message, masked anew",
  );
  // A frame released twice goes back once; a small frame, a caller's payload
  // and a buffer far too large for the next frame are not reused.
  c.releaseFrame(frameB);
  c.releaseFrame(frameB);
  assert.notEqual(c.sendBinary(first).buffer, c.sendBinary(first).buffer);
  const small = c.sendBinary(new Uint8Array(10));
  c.releaseFrame(small);
  const s = server();
  const big = new Uint8Array(20000);
  const [, body] = s.sendBinaryParts(big);
  s.releaseFrame(body);
  assert.notEqual(s.sendBinary(new Uint8Array(20000)).buffer, big.buffer);
  const huge = s.sendBinary(new Uint8Array(100000));
  s.releaseFrame(huge);
  assert.notEqual(
    s.sendBinary(new Uint8Array(20000)).buffer,
    huge.buffer,
    "at most twice the size",
  );
});
