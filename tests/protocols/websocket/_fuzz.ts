// The WebSocket fuzz targets (see tests/_fuzz.ts): the frame decoder and the
// connection in both roles on generated, mutated and random traffic (typed
// errors with the right close code only, the same events however the bytes
// are cut, replies that are well-formed frames), `maxPayload` and zip bombs
// (inflation stops at the cap and never allocates past it), and the opening
// handshake on both sides (generated and damaged requests and answers).

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { deflateRawSync } from "node:zlib";
import {
  acceptHandshake,
  createClientHandshake,
  type DeflateProvider,
  FrameDecoder,
  type FrameSink,
  parseExtensions,
  type PerMessageDeflateOptions,
  verifyHandshakeResponse,
  WEBSOCKET_GUID,
  WebSocketConnection,
  WebSocketError,
} from "../../../protocols/websocket/mod.ts";
import { createDeflateProvider } from "../../../ws/deflate.ts";
import {
  byteByByte,
  concatBytes,
  cutAt,
  cutsArbitrary,
  fc,
  type FuzzTarget,
  mutate,
  mutationsArbitrary,
  property,
} from "../../_fuzz.ts";
import { frame, readFrames } from "./_peer.ts";
import { describe, WS_DICTIONARY, type WsTraffic, wsTraffic } from "./_traffic_arbitraries.ts";

/** Close codes a peer's error may close with (1011 would be our own failure). */
const PEER_ERROR_CLOSE_CODES = new Set([1002, 1007, 1009]);

/** The error is a WebSocketError for a peer's fault, with its close code. */
function checkPeerError(error: unknown): WebSocketError {
  assert.ok(error instanceof WebSocketError, `not a WebSocketError: ${String(error)}`);
  assert.notEqual(error.code, "ERR_INTERNAL", `internal error: ${String(error.cause)}`);
  assert.ok(
    error.closeCode !== undefined && PEER_ERROR_CLOSE_CODES.has(error.closeCode),
    `${error.code} with close code ${error.closeCode}`,
  );
  return error;
}

// ---------------------------------------------------------------- frame decoder

interface DecoderOptions {
  role: "server" | "client";
  allowRsv1: boolean;
  allowNonMinimalLength: boolean;
}

/** What a FrameDecoder reports for `pieces`; checks its contract while it reads. */
function decoderRecord(pieces: Uint8Array[], options: DecoderOptions): string[] {
  const decoder = new FrameDecoder(options);
  const record: string[] = [];
  let payload: number[] = [];
  let inFrame = false;
  const sink: FrameSink = {
    frameStart(d) {
      assert.ok(!inFrame, "frameStart inside a frame");
      inFrame = true;
      payload = [];
      assert.ok(Number.isSafeInteger(d.payloadLength) && d.payloadLength >= 0);
      assert.equal(d.masked, options.role === "server");
      record.push(
        `start fin=${d.fin} rsv=${d.rsv} op=${d.opcode} len=${d.payloadLength} key=${[
          ...d.maskKey,
        ]}`,
      );
    },
    framePayload(bytes, start, end) {
      assert.ok(inFrame && start >= 0 && start <= end && end <= bytes.length);
      assert.equal(decoder.payloadOffset, payload.length, "payloadOffset");
      for (let i = start; i < end; i++) payload.push(bytes[i]);
      assert.ok(payload.length <= decoder.payloadLength, "payload past the frame's length");
    },
    frameEnd() {
      assert.ok(inFrame, "frameEnd outside a frame");
      assert.equal(payload.length, decoder.payloadLength, "payload shorter than the frame");
      inFrame = false;
      record.push(`end ${payload.length}:${hashOf(payload)}`);
    },
  };
  for (const piece of pieces) {
    const copy = piece.slice();
    try {
      decoder.decode(piece, sink);
    } catch (error) {
      record.push(`error ${checkPeerError(error).code}`);
      assert.throws(() => decoder.decode(new Uint8Array(1), sink), WebSocketError);
      return record;
    } finally {
      assert.deepEqual(piece, copy, "the decoder modified its input");
    }
  }
  record.push(decoder.atFrameBoundary ? "boundary" : "inside");
  return record;
}

function hashOf(bytes: ArrayLike<number>): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) hash = Math.imul(hash ^ bytes[i], 0x01000193);
  return (hash >>> 0).toString(16);
}

const decoderOptions: fc.Arbitrary<DecoderOptions> = fc.record({
  role: fc.constantFrom("server" as const, "client" as const),
  allowRsv1: fc.boolean(),
  allowNonMinimalLength: fc.boolean(),
});

/** Bytes for a decoder: damaged traffic, dictionary soup, or noise. */
const decoderInput = fc.oneof(
  fc.tuple(wsTraffic(), mutationsArbitrary(WS_DICTIONARY)).map(([t, m]) =>
    mutate(concatBytes(t.frames), m)
  ),
  fc.array(fc.oneof(fc.constantFrom(...WS_DICTIONARY), fc.uint8Array({ maxLength: 12 })), {
    maxLength: 20,
  }).map(concatBytes),
  fc.uint8Array({ maxLength: 300 }),
);

function decoderProperty() {
  return property(
    fc.tuple(decoderInput, decoderOptions, cutsArbitrary),
    ([data, options, cuts]) => {
      const whole = decoderRecord([data], options);
      assert.deepEqual(decoderRecord(cutAt(data, cuts), options), whole, "cut");
      if (data.length <= 1024) {
        assert.deepEqual(decoderRecord(byteByByte(data), options), whole, "byte by byte");
      }
    },
  );
}

// ---------------------------------------------------------------- connection

/** Deterministic "random" bytes for client masking keys, so outputs compare. */
function counterRandom(): (array: Uint8Array) => Uint8Array {
  let n = 0;
  return (array) => {
    for (let i = 0; i < array.length; i++) array[i] = (n++ * 151 + 7) & 0xff;
    return array;
  };
}

/**
 * Inflation seen through a provider: the end of the largest room given (the
 * size of the message buffer), and the bytes made since the last reset (per
 * message when the peer resets its context, or for a single message).
 */
interface InflationStats {
  maxEnd: number;
  largestMessage: number;
}

/** A provider that watches its inflaters (and checks their contract). */
function watchedProvider(stats: InflationStats): DeflateProvider {
  const inner = createDeflateProvider();
  return {
    createDeflater: (options) => inner.createDeflater(options),
    createInflater: (options) => {
      const inflater = inner.createInflater(options);
      let message = 0;
      return {
        push: (data) => inflater.push(data),
        read: (output, offset, end) => {
          stats.maxEnd = Math.max(stats.maxEnd, end);
          const n = inflater.read(output, offset, end);
          assert.ok(Number.isInteger(n) && n >= 0 && n <= end - offset, `read returned ${n}`);
          message += n;
          stats.largestMessage = Math.max(stats.largestMessage, message);
          return n;
        },
        reset: () => {
          message = 0;
          inflater.reset();
        },
        dispose: () => inflater.dispose(),
      };
    },
  };
}

interface Outcome {
  events: string[];
  replies: string[];
  stats: InflationStats;
}

/** Feeds `pieces` to a fresh connection and reads everything it reports and answers. */
function run(
  t: Pick<WsTraffic, "role" | "params">,
  pieces: Uint8Array[],
  maxPayload: number,
): Outcome {
  const stats: InflationStats = { maxEnd: 0, largestMessage: 0 };
  const connection = new WebSocketConnection({
    role: t.role,
    maxPayload,
    perMessageDeflate: t.params,
    deflate: t.params === null ? undefined : watchedProvider(stats),
    getRandomValues: counterRandom(),
  });
  const events: string[] = [];
  const output: Uint8Array[] = [];
  let closed = false;
  for (const piece of pieces) {
    const copy = piece.slice();
    connection.receive(piece);
    assert.deepEqual(piece, copy, "receive() modified its input");
    for (let event = connection.nextEvent(); event !== null; event = connection.nextEvent()) {
      assert.ok(!closed, "an event after the close event");
      if (event.type === "close") {
        closed = true;
        assert.equal(connection.state, "closed");
        if (event.initiator === "error") {
          const error = checkPeerError(event.error);
          assert.equal(event.code, error.closeCode);
          assert.equal(event.wasClean, false);
        } else assert.equal(event.initiator, "remote");
      }
      events.push(describe(event));
    }
    const out = connection.takeOutput();
    if (out !== null) output.push(out);
  }
  if (!closed) connection.dispose();
  const replies = readFrames(concatBytes(output)).map((f) => {
    assert.equal(f.masked, t.role === "client", "replies are masked by clients only");
    assert.ok(f.fin && f.rsv === 0 && f.payload.length <= 125, "replies are control frames");
    return `${f.opcode} ${[...f.payload]}`;
  });
  return { events, replies, stats };
}

/** The replies a connection owes to `events`: a Pong per Ping, the Close echoed. */
function expectedReplies(events: string[]): string[] {
  const replies: string[] = [];
  for (const event of events) {
    const [type, rest] = [event.slice(0, event.indexOf(" ")), event.slice(event.indexOf(" ") + 1)];
    if (type === "ping") {
      const bytes = rest.match(/../g)?.map((h) => parseInt(h, 16)) ?? [];
      replies.push(`10 ${bytes}`);
    } else if (type === "close") {
      const code = Number(rest.split(" ")[0]);
      replies.push(`8 ${code === 1005 ? "" : [code >> 8, code & 0xff]}`);
    }
  }
  return replies;
}

function validProperty() {
  return property(fc.tuple(wsTraffic(), cutsArbitrary), ([t, cuts]) => {
    const data = concatBytes(t.frames);
    const maxPayload = t.largest;
    const whole = run(t, [data], maxPayload);
    assert.deepEqual(whole.events, t.events);
    assert.deepEqual(whole.replies, expectedReplies(t.events));
    const cut = run(t, cutAt(data, cuts), maxPayload);
    assert.deepEqual(cut.events, whole.events, "cut");
    assert.deepEqual(cut.replies, whole.replies, "cut");
    assert.ok(whole.stats.maxEnd <= maxPayload + 1 && cut.stats.maxEnd <= maxPayload + 1);
  });
}

function mutatedProperty() {
  return property(
    fc.tuple(
      wsTraffic(),
      mutationsArbitrary(WS_DICTIONARY),
      cutsArbitrary,
      fc.integer({ min: 0, max: 80_000 }),
    ),
    ([t, mutations, cuts, maxPayload]) => {
      const data = mutate(concatBytes(t.frames), mutations);
      const whole = run(t, [data], maxPayload);
      const cut = run(t, cutAt(data, cuts), maxPayload);
      assert.deepEqual(cut.events, whole.events, "cut");
      assert.deepEqual(cut.replies, whole.replies, "cut");
      for (const outcome of [whole, cut]) {
        assert.ok(outcome.stats.maxEnd <= maxPayload + 1, `inflation room ${outcome.stats.maxEnd}`);
      }
    },
  );
}

/**
 * `maxPayload` below some messages: every message up to the first one over
 * the limit is delivered as generated, then the connection closes with 1009.
 */
function maxPayloadProperty() {
  return property(
    fc.tuple(wsTraffic(), cutsArbitrary, fc.nat()),
    ([t, cuts, seed]) => {
      const dataEvents = t.events.filter((e) => e.startsWith("text") || e.startsWith("binary"));
      const sizes = dataEvents.map((e) => {
        const data = e.slice(e.indexOf(" ") + 1);
        return data.includes(":") ? Number(data.split(":")[0]) : data.length / 2;
      });
      const maxPayload = t.largest === 0 ? 0 : seed % (t.largest + 1);
      const data = concatBytes(t.frames);
      const whole = run(t, [data], maxPayload);
      const cut = run(t, cutAt(data, cuts), maxPayload);
      assert.deepEqual(cut.events, whole.events, "cut");
      const over = sizes.findIndex((size) => size > maxPayload);
      const got = whole.events.filter((e) => e.startsWith("text") || e.startsWith("binary"));
      if (over < 0) {
        assert.deepEqual(whole.events, t.events);
      } else {
        assert.deepEqual(got, dataEvents.slice(0, over));
        assert.match(whole.events.at(-1)!, /^close 1009 .* false error ERR_MESSAGE_TOO_BIG$/);
      }
      assert.ok(whole.stats.maxEnd <= maxPayload + 1, "inflation room past maxPayload");
    },
  );
}

// ---------------------------------------------------------------- zip bombs

/** Small compressed messages that inflate to megabytes. */
const bombs: Array<{ size: number; compressed: Uint8Array }> = [];
function bomb(index: number): { size: number; compressed: Uint8Array } {
  if (bombs.length === 0) {
    for (const [size, fill] of [[1 << 20, 0], [8 << 20, 0x61], [3 << 20, -1]] as const) {
      const data = new Uint8Array(size);
      if (fill > 0) data.fill(fill);
      if (fill < 0) { for (let i = 0; i < size; i++) data[i] = (i % 251) ^ (i >> 12); }
      const compressed = new Uint8Array(deflateRawSync(data, { level: 9, finishFlush: 2 }));
      bombs.push({ size, compressed: compressed.subarray(0, compressed.length - 4) });
    }
  }
  return bombs[index % bombs.length];
}

function zipBombProperty() {
  return property(
    fc.record({
      index: fc.nat(),
      role: fc.constantFrom("server" as const, "client" as const),
      maxPayload: fc.oneof(
        { weight: 8, arbitrary: fc.integer({ min: 0, max: 200_000 }) },
        { weight: 1, arbitrary: fc.constantFrom(-1, 0, 1) },
      ),
      fragments: fc.array(fc.nat(), { maxLength: 5 }),
      cuts: cutsArbitrary,
      takeover: fc.boolean(),
    }),
    ({ index, role, maxPayload: limitChoice, fragments, cuts, takeover }) => {
      const { size, compressed } = bomb(index);
      // -1, 0, 1: exactly at the size, one byte short of it, one past it
      const maxPayload = limitChoice <= 1 && limitChoice >= -1 ? size + limitChoice : limitChoice;
      const params = {
        serverNoContextTakeover: !takeover,
        clientNoContextTakeover: !takeover,
        serverMaxWindowBits: 15,
        clientMaxWindowBits: 15,
      };
      const pieces = cutAt(compressed, fragments);
      const mask = role === "server" ? new Uint8Array([1, 2, 3, 4]) : null;
      const wire = concatBytes(pieces.map((payload, i) =>
        frame({
          opcode: i === 0 ? 2 : 0,
          fin: i === pieces.length - 1,
          rsv: i === 0 ? 0x40 : 0,
          payload,
          mask,
        })
      ));
      const outcome = run({ role, params }, cutAt(wire, cuts), maxPayload);
      assert.ok(outcome.stats.maxEnd <= maxPayload + 1, `room ${outcome.stats.maxEnd}`);
      assert.ok(outcome.stats.largestMessage <= maxPayload + 1, "inflated past maxPayload");
      if (maxPayload >= size) {
        assert.equal(outcome.events.length, 1);
        assert.match(outcome.events[0], new RegExp(`^binary ${size}:`));
      } else {
        assert.deepEqual(outcome.events, [
          `close 1009 ${
            JSON.stringify(`a message that inflates past ${maxPayload} bytes (maxPayload)`)
          } false error ERR_MESSAGE_TOO_BIG`,
        ]);
      }
    },
  );
}

// ---------------------------------------------------------------- handshakes

const TCHAR = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
const token = fc.string({ unit: fc.constantFrom(...TCHAR), minLength: 1, maxLength: 10 });

function acceptKeyOf(key: string): string {
  return createHash("sha1").update(key + WEBSOCKET_GUID).digest("base64");
}

const deflateOptions: fc.Arbitrary<PerMessageDeflateOptions> = fc.record({
  serverNoContextTakeover: fc.boolean(),
  clientNoContextTakeover: fc.boolean(),
  serverMaxWindowBits: fc.integer({ min: 8, max: 15 }),
  clientMaxWindowBits: fc.integer({ min: 8, max: 15 }),
}, { requiredKeys: [] });

const clientOptions = fc.record({
  url: fc.tuple(
    fc.constantFrom("ws", "wss", "http", "https"),
    fc.constantFrom("localhost", "example.com", "127.0.0.1", "[::1]"),
    fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
    fc.webPath(),
    fc.option(fc.webQueryParameters(), { nil: undefined }),
  ).map(([scheme, host, port, path, query]) =>
    `${scheme}://${host}${port === undefined ? "" : `:${port}`}${path}${
      query === undefined ? "" : `?${query}`
    }`
  ),
  protocols: fc.uniqueArray(token, { maxLength: 4 }),
  perMessageDeflate: fc.option(deflateOptions, { nil: undefined }),
  origin: fc.option(fc.constantFrom("https://example.com", "null"), { nil: undefined }),
});

const serverOptions = fc.record({
  protocols: fc.option(fc.uniqueArray(token, { maxLength: 4 }), { nil: undefined }),
  perMessageDeflate: fc.option(fc.oneof(fc.boolean(), deflateOptions), { nil: undefined }),
});

/** A damage done to a header list. */
const headerMutation = fc.oneof(
  fc.record({ kind: fc.constant("drop" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("duplicate" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("case" as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant("value" as const),
    at: fc.nat(),
    value: fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.string({ unit: fc.constantFrom(...' ,;="\\\tabcw13+/='), maxLength: 30 }),
      fc.constantFrom(
        "",
        "websocket, h2c",
        "13, 8",
        "8",
        "permessage-deflate; client_max_window_bits=16",
        'permessage-deflate; server_max_window_bits="09"',
        "permessage-deflate; server_no_context_takeover=1",
        "permessage-deflate, permessage-deflate",
        "x-webkit-deflate-frame",
        "chat, chat",
      ),
    ),
  }),
  fc.record({
    kind: fc.constant("add" as const),
    name: fc.constantFrom(
      "Sec-WebSocket-Extensions",
      "Sec-WebSocket-Protocol",
      "Sec-WebSocket-Accept",
      "Upgrade",
      "Connection",
      "Sec-WebSocket-Key",
      "Sec-WebSocket-Version",
    ),
    value: fc.string({ maxLength: 40 }),
  }),
);

type HeaderMutation = typeof headerMutation extends fc.Arbitrary<infer T> ? T : never;

function mutateHeaders(
  headers: Array<[string, string]>,
  mutations: HeaderMutation[],
): Array<[string, string]> {
  const out = headers.map(([name, value]) => [name, value] as [string, string]);
  for (const m of mutations) {
    if (m.kind === "add") {
      out.push([m.name, m.value]);
      continue;
    }
    if (out.length === 0) continue;
    const at = m.at % out.length;
    if (m.kind === "drop") out.splice(at, 1);
    else if (m.kind === "duplicate") out.splice(at, 0, [...out[at]]);
    else if (m.kind === "case") out[at][0] = out[at][0].toUpperCase();
    else out[at][1] = m.value;
  }
  return out;
}

/** The server's rejections carry an HTTP answer; its acceptances are right by the RFC. */
function checkAccept(request: Parameters<typeof acceptHandshake>[0], options: object) {
  try {
    const accepted = acceptHandshake(request, options);
    const key = request.headers.find(([n]) => n.toLowerCase() === "sec-websocket-key")![1];
    assert.deepEqual(accepted.headers[2], ["Sec-WebSocket-Accept", acceptKeyOf(key)]);
    if (accepted.extensions !== "") parseExtensions(accepted.extensions);
    if (accepted.protocol !== "") assert.ok(accepted.offeredProtocols.includes(accepted.protocol));
    return accepted;
  } catch (error) {
    assert.ok(error instanceof WebSocketError, `not a WebSocketError: ${String(error)}`);
    if (error.code.startsWith("ERR_HANDSHAKE_")) {
      assert.ok([400, 403, 426].includes(error.status!), `status ${error.status}`);
      assert.ok(Array.isArray(error.headers));
      if (error.status === 426) {
        assert.deepEqual(error.headers, [["Sec-WebSocket-Version", "13"]]);
      }
    }
    return error;
  }
}

/**
 * A client handshake from random options is accepted by a server with random
 * options, and the client accepts the server's answer, agreeing on the same
 * subprotocol and extension parameters; damaged requests and answers fail
 * only with a WebSocketError (the server's carrying the HTTP answer).
 */
function handshakeProperty() {
  return property(
    fc.record({
      client: clientOptions,
      server: serverOptions,
      requestDamage: fc.array(headerMutation, { maxLength: 3 }),
      responseDamage: fc.array(headerMutation, { maxLength: 3 }),
      status: fc.constantFrom(101, 101, 101, 200, 400),
    }),
    ({ client, server, requestDamage, responseDamage, status }) => {
      const handshake = createClientHandshake(client);
      const request = { method: "GET", httpVersion: "1.1", headers: handshake.headers };
      const accepted = checkAccept(request, server);
      assert.ok(!(accepted instanceof Error), `the server refused: ${String(accepted)}`);
      const result = verifyHandshakeResponse(handshake, { status: 101, headers: accepted.headers });
      assert.equal(result.protocol, accepted.protocol);
      assert.deepEqual(result.perMessageDeflate, accepted.perMessageDeflate);

      checkAccept(
        {
          method: "GET",
          httpVersion: "1.1",
          headers: mutateHeaders(handshake.headers, requestDamage),
        },
        server,
      );
      try {
        verifyHandshakeResponse(handshake, {
          status,
          headers: mutateHeaders(accepted.headers, responseDamage),
        });
      } catch (error) {
        assert.ok(error instanceof WebSocketError, `not a WebSocketError: ${String(error)}`);
        assert.match(error.code, /^ERR_HANDSHAKE_/);
      }
    },
  );
}

/** Random requests (method, version, any headers) fail only with a WebSocketError. */
function serverHandshakeGarbageProperty() {
  const name = fc.oneof(
    fc.constantFrom(
      "Host",
      "Upgrade",
      "Connection",
      "Sec-WebSocket-Key",
      "Sec-WebSocket-Version",
      "Sec-WebSocket-Protocol",
      "Sec-WebSocket-Extensions",
      "Origin",
    ),
    token,
  );
  const value = fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.constantFrom("websocket", "Upgrade", "13", "dGhlIHNhbXBsZSBub25jZQ==", "permessage-deflate"),
  );
  return property(
    fc.record({
      method: fc.constantFrom("GET", "POST", "get", ""),
      httpVersion: fc.constantFrom("1.1", "1.0", "HTTP/1.1", "2.0", "1.10", "x", ""),
      headers: fc.array(fc.tuple(name, value), { maxLength: 12 }),
      options: serverOptions,
    }),
    ({ method, httpVersion, headers, options }) => {
      checkAccept({ method, httpVersion, headers }, options);
    },
  );
}

/** The WebSocket protocol targets. */
export const WEBSOCKET_TARGETS: readonly FuzzTarget[] = [
  {
    name: "ws/frame-decoder",
    about: "FrameDecoder: typed errors only, same frames however cut, input untouched",
    property: decoderProperty,
    ciRuns: 1200,
  },
  {
    name: "ws/connection-valid",
    about: "generated traffic gives its events and replies, both roles, with deflate, cut anywhere",
    property: validProperty,
    ciRuns: 450,
  },
  {
    name: "ws/connection-mutated",
    about: "damaged traffic closes with 1002/1007/1009 only, the same way however cut",
    property: mutatedProperty,
    ciRuns: 600,
  },
  {
    name: "ws/max-payload",
    about: "messages up to maxPayload arrive, the first one past it closes with 1009",
    property: maxPayloadProperty,
    ciRuns: 450,
  },
  {
    name: "ws/zip-bomb",
    about: "compressed messages inflating to megabytes stop at maxPayload",
    property: zipBombProperty,
    ciRuns: 80,
    runs: 100_000,
  },
  {
    name: "ws/handshake",
    about: "client and server handshakes agree; damaged ones fail with WebSocketError",
    property: handshakeProperty,
    ciRuns: 900,
  },
  {
    name: "ws/handshake-garbage",
    about: "random upgrade requests fail only with a WebSocketError carrying the HTTP answer",
    property: serverHandshakeGarbageProperty,
    ciRuns: 900,
  },
];
