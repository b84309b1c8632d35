// The HTTP/1.1 fuzz targets (see tests/_fuzz.ts): generated valid traffic must
// parse to what the grammar wrote, whole or cut anywhere, through
// `parseMessages` and through the streaming `Connection`; mutated and random
// traffic must fail only with an `HttpError` (never a throw from
// `parseMessages`, never an INTERNAL_ERROR), the same way however it is cut;
// limits must hold and a connection must never buffer past them.

import assert from "node:assert/strict";
import {
  Connection,
  HTTP_ERROR_STATUS,
  HttpError,
  type ParsedMessage,
  type ParsedRequest,
  type ParsedResponse,
  parseMessages,
  type ParseOptions,
  type ParseResult,
} from "../../../protocols/http1/mod.ts";
import {
  byteByByte,
  concatBytes,
  cutAt,
  cutsArbitrary,
  fc,
  type FuzzTarget,
  latin1Bytes,
  mutate,
  mutationsArbitrary,
  property,
} from "../../_fuzz.ts";
import { type Binding, binding, llhttp, type Seen } from "./_llhttp.ts";
import { latin1, type Snapshot, snapshot } from "./_split.ts";
import {
  chunkedTraffic,
  HTTP_DICTIONARY,
  requestTraffic,
  responseTraffic,
  type Traffic,
  wireBytes,
} from "./_grammar_arbitraries.ts";

type Kind = "request" | "response";

/** Parses, failing the property if `parseMessages` throws. */
function parse(
  kind: Kind,
  input: Uint8Array | Uint8Array[],
  options?: ParseOptions,
): ParseResult<ParsedMessage> {
  try {
    return parseMessages(kind, input, options);
  } catch (error) {
    throw new assert.AssertionError({ message: `parseMessages threw: ${String(error)}` });
  }
}

/** The error is a typed HttpError with a known code, its status, and an offset inside the input. */
export function checkError(error: unknown, inputLength: number): void {
  if (error === null) return;
  assert.ok(error instanceof HttpError, `not an HttpError: ${String(error)}`);
  assert.ok(error.code in HTTP_ERROR_STATUS, `unknown code ${error.code}`);
  assert.notEqual(error.code, "INTERNAL_ERROR", error.message);
  assert.equal(error.status, HTTP_ERROR_STATUS[error.code]);
  if (error.offset !== undefined) {
    assert.ok(
      Number.isInteger(error.offset) && error.offset >= 0 && error.offset <= inputLength,
      `offset ${error.offset} outside an input of ${inputLength} bytes`,
    );
  }
}

function checkResult(result: ParseResult<ParsedMessage>, inputLength: number): Snapshot {
  checkError(result.error, inputLength);
  assert.ok(result.rest.length <= inputLength);
  for (const message of result.messages) assert.ok(message.body instanceof Uint8Array);
  return snapshot(result);
}

function sameSnapshot(a: Snapshot, b: Snapshot, what: string): void {
  if (JSON.stringify(a) !== JSON.stringify(b)) assert.deepEqual(a, b, what);
}

/**
 * Parses `data` whole, cut at `cuts`, and (when short) byte by byte; all three
 * must agree and be well-formed. Returns the snapshot.
 */
function parseEveryWay(kind: Kind, data: Uint8Array, cuts: number[], options?: ParseOptions) {
  const whole = checkResult(parse(kind, data, options), data.length);
  const pieces = cutAt(data, cuts);
  sameSnapshot(
    checkResult(parse(kind, pieces, options), data.length),
    whole,
    `cut into ${pieces.map((p) => p.length).join("+")} bytes`,
  );
  if (data.length <= 2048) {
    sameSnapshot(
      checkResult(parse(kind, byteByByte(data), options), data.length),
      whole,
      "byte by byte",
    );
  }
  return whole;
}

// ---------------------------------------------------------------- Connection

/** What a streaming Connection read, and the most it buffered between reads. */
interface Trace {
  events: string[];
  maxBuffered: number;
}

/**
 * Feeds `pieces` to a Connection as a server (answering each request at once)
 * or as a client (sending the next request after each response). The caller's
 * buffer is reused: each piece is copied into it and overwritten once the
 * connection said `need-data`, so a kept reference to borrowed bytes shows.
 */
export function connectionTrace(
  role: "server" | "client",
  pieces: Uint8Array[],
  options: ParseOptions = {},
): Trace {
  const { requestMethod, ...limits } = options;
  const methods = requestMethod === undefined
    ? ["GET"]
    : typeof requestMethod === "string"
    ? [requestMethod]
    : requestMethod;
  const http = new Connection(role, limits);
  const events: string[] = [];
  let maxBuffered = 0;
  let sent = 0;
  let body = "";
  const sendRequest = () => {
    const m = methods[Math.min(sent, methods.length - 1)];
    sent++;
    http.sendMessage(
      m === "CONNECT" ? { method: m, target: "a:1", headers: [["Host", "a:1"]] } : {
        method: m,
        target: "/",
        headers: [["Host", "a"], ["Upgrade", "websocket"], ["Connection", "upgrade"]],
      },
    );
  };
  const typed = (error: unknown): string => {
    checkError(error, Infinity);
    return `error ${(error as HttpError).code}@${(error as HttpError).offset}`;
  };
  if (role === "client") sendRequest();
  // the bytes after a protocol switch (set by drain(), read below)
  const after: { switched: string | null } = { switched: null };
  /** Reads events until the connection needs data (true) or stops (false). */
  const drain = (): boolean => {
    for (;;) {
      let event;
      try {
        event = http.nextEvent();
      } catch (error) {
        events.push(typed(error));
        return false;
      }
      switch (event.type) {
        case "need-data":
          return true;
        case "paused":
          if (role === "server" && http.ourState === "SEND_RESPONSE") {
            try {
              http.sendMessage({ status: 200 }, new Uint8Array(0));
            } catch (error) {
              events.push(`answer ${typed(error)}`);
              return false;
            }
            events.push("answered");
            continue;
          }
          if (http.theirState === "SWITCHED_PROTOCOL") {
            // the rest of the stream belongs to the new protocol: collect it
            after.switched = latin1(http.takeTrailingData());
            return false;
          }
          events.push(`paused ${http.ourState}/${http.theirState}`);
          return false;
        case "data":
          body += latin1(event.data);
          continue;
        case "end":
          events.push(`end ${JSON.stringify(body)}`);
          body = "";
          if (role === "client" && http.ourState === "IDLE" && http.theirState === "IDLE") {
            if (sent >= methods.length) {
              events.push("no more requests");
              return false;
            }
            sendRequest();
          }
          continue;
        case "request":
          events.push(
            `request ${event.method} ${event.target} ${event.version} ${
              JSON.stringify(event.headers)
            } ${event.keepAlive}`,
          );
          continue;
        case "response":
          events.push(
            `response ${event.status} ${event.version} ${
              JSON.stringify(event.headers)
            } ${event.keepAlive} ${event.upgrade}`,
          );
          continue;
        case "trailers":
          events.push(`trailers ${JSON.stringify(event.trailers)}`);
          continue;
        case "closed":
          events.push("closed");
          return false;
      }
    }
  };
  let buffer = new Uint8Array(64);
  let open = true;
  for (const piece of pieces) {
    if (piece.length === 0) continue;
    if (buffer.length < piece.length) buffer = new Uint8Array(piece.length * 2);
    const view = buffer.subarray(0, piece.length);
    view.set(piece);
    try {
      http.receive(view);
    } catch (error) {
      events.push(`receive ${typed(error)}`);
      open = false;
      break;
    }
    if (after.switched !== null) after.switched += latin1(http.takeTrailingData());
    else open = drain();
    // what it owns once it asked for more (after a stop it holds only the caller's bytes)
    if (open) maxBuffered = Math.max(maxBuffered, http.bufferedBytes);
    view.fill(0x58);
    if (!open && after.switched === null) break;
  }
  if (after.switched !== null) events.push(`switched ${JSON.stringify(after.switched)}`);
  else if (open) {
    http.receiveEnd();
    drain();
  }
  return { events, maxBuffered };
}

/** The most a connection may keep between reads: the largest element it gathers, plus one byte. */
function bufferBound(options: ParseOptions): number {
  const head = options.maxHeaderSize ?? 16384;
  const trailers = options.maxTrailerSize ?? 16384;
  const chunkLine = 16 + (options.maxChunkExtensionSize ?? 16384) + 2;
  return Math.max(head, trailers, chunkLine) + 1;
}

function traceEveryWay(
  role: "server" | "client",
  data: Uint8Array,
  cuts: number[],
  options: ParseOptions = {},
): string[] {
  const whole = connectionTrace(role, [data], options);
  const cut = connectionTrace(role, cutAt(data, cuts), options);
  assert.deepEqual(cut.events, whole.events, "Connection: cut vs whole");
  const bound = bufferBound(options);
  assert.ok(whole.maxBuffered <= bound, `buffered ${whole.maxBuffered} > ${bound}`);
  assert.ok(cut.maxBuffered <= bound, `buffered ${cut.maxBuffered} > ${bound}`);
  return whole.events;
}

// ---------------------------------------------------------------- properties

function expected(t: Traffic): Snapshot {
  return { messages: t.messages as unknown as Snapshot["messages"], error: null, rest: t.rest };
}

function optionsOf(t: Traffic): ParseOptions | undefined {
  return t.kind === "response" ? { requestMethod: t.methods } : undefined;
}

function validProperty(traffic: fc.Arbitrary<Traffic>) {
  return property(fc.tuple(traffic, cutsArbitrary), ([t, cuts]) => {
    const data = wireBytes(t);
    const got = parseEveryWay(t.kind, data, cuts, optionsOf(t));
    assert.deepEqual(got, expected(t));
    const events = traceEveryWay(
      t.kind === "request" ? "server" : "client",
      data,
      cuts,
      optionsOf(t),
    );
    if (t.kind === "request") {
      const seen = events.filter((e) => e.startsWith("request ")).length;
      assert.equal(seen, t.messages.length, events.join("\n"));
    }
  });
}

function mutatedProperty(traffic: fc.Arbitrary<Traffic>) {
  return property(
    fc.tuple(traffic, mutationsArbitrary(HTTP_DICTIONARY), cutsArbitrary),
    ([t, mutations, cuts]) => {
      const data = mutate(wireBytes(t), mutations);
      parseEveryWay(t.kind, data, cuts, optionsOf(t));
      traceEveryWay(t.kind === "request" ? "server" : "client", data, cuts, optionsOf(t));
    },
  );
}

const soup = fc.oneof(
  fc.uint8Array({ maxLength: 300 }),
  fc.array(fc.constantFrom(...HTTP_DICTIONARY), { maxLength: 30 }).map(concatBytes),
  fc.array(
    fc.oneof(fc.constantFrom(...HTTP_DICTIONARY), fc.uint8Array({ maxLength: 6 })),
    { maxLength: 30 },
  ).map((parts) => concatBytes([latin1Bytes("GET / HTTP/1.1\r\n"), ...parts])),
  fc.array(
    fc.oneof(fc.constantFrom(...HTTP_DICTIONARY), fc.uint8Array({ maxLength: 6 })),
    { maxLength: 30 },
  ).map((parts) => concatBytes([latin1Bytes("HTTP/1.1 200 OK\r\n"), ...parts])),
);

/** Limits small enough for generated traffic to cross them. */
const smallLimits: fc.Arbitrary<ParseOptions> = fc.record({
  maxHeaderSize: fc.integer({ min: 16, max: 600 }),
  maxHeaderCount: fc.integer({ min: 1, max: 12 }),
  maxTargetLength: fc.integer({ min: 1, max: 80 }),
  maxChunkExtensionSize: fc.integer({ min: 1, max: 40 }),
  maxTrailerSize: fc.integer({ min: 4, max: 200 }),
  maxBodySize: fc.integer({ min: 1, max: 400 }),
}, { requiredKeys: [] });

const LIMIT_CODES: Record<string, string> = {
  maxHeaderSize: "HEADERS_TOO_LARGE",
  maxHeaderCount: "TOO_MANY_HEADERS",
  maxTargetLength: "TARGET_TOO_LONG",
  maxChunkExtensionSize: "CHUNK_EXTENSION_TOO_LARGE",
  maxTrailerSize: "TRAILERS_TOO_LARGE",
  maxBodySize: "BODY_TOO_LARGE",
};

/** The limits message `i` of `t` goes past. */
function crossed(t: Traffic, i: number, limits: ParseOptions): string[] {
  const over: string[] = [];
  const m = t.messages[i];
  const check = (key: keyof ParseOptions, value: number) => {
    const limit = limits[key] as number | undefined;
    if (limit !== undefined && value > limit) over.push(key);
  };
  check("maxHeaderSize", t.headSizes[i]);
  check("maxHeaderCount", t.fieldCounts[i]);
  if (t.kind === "request") check("maxTargetLength", t.targetLengths[i]);
  check("maxChunkExtensionSize", t.extensionSizes[i]);
  check("maxTrailerSize", t.trailerSizes[i]);
  check("maxHeaderCount", m.trailers.length);
  // a Content-Length body is as long as its field says; a HEAD answer has none
  check("maxBodySize", m.body.length);
  return over;
}

function limitsProperty(traffic: fc.Arbitrary<Traffic>) {
  return property(fc.tuple(traffic, smallLimits, cutsArbitrary), ([t, limits, cuts]) => {
    const options: ParseOptions = { ...limits, ...optionsOf(t) };
    const data = wireBytes(t);
    const got = parseEveryWay(t.kind, data, cuts, options);
    const first = t.messages.findIndex((_, i) => crossed(t, i, limits).length > 0);
    if (first < 0) {
      assert.deepEqual(got, expected(t));
    } else {
      const codes = crossed(t, first, limits).map((key) => LIMIT_CODES[key]);
      assert.ok(
        got.error !== null && codes.includes(got.error.code),
        `message ${first} crosses ${codes.join(", ")}; got ${JSON.stringify(got.error)}`,
      );
      assert.deepEqual(got.messages, expected(t).messages.slice(0, first));
    }
    traceEveryWay(t.kind === "request" ? "server" : "client", data, cuts, options);
  });
}

/**
 * A server that never answers while the client pipelines: the connection
 * keeps what it cannot parse yet, up to `maxBufferedSize`, then refuses more
 * with an `INVALID_STATE` HttpError.
 */
function pausedPipelineProperty() {
  return property(
    fc.tuple(
      fc.array(requestTraffic, { minLength: 2, maxLength: 6 }),
      fc.integer({ min: 1, max: 4096 }),
      cutsArbitrary,
    ),
    ([traffics, maxBufferedSize, cuts]) => {
      const data = concatBytes(traffics.map(wireBytes));
      const http = new Connection("server", { maxBufferedSize });
      let refused = false;
      for (const piece of cutAt(data, cuts)) {
        try {
          http.receive(piece);
        } catch (error) {
          checkError(error, Infinity);
          assert.equal((error as HttpError).code, "INVALID_STATE");
          refused = true;
          break;
        }
        assert.ok(http.bufferedBytes <= maxBufferedSize + 1 + piece.length + bufferBound({}));
        for (;;) {
          let event;
          try {
            event = http.nextEvent();
          } catch (error) {
            checkError(error, Infinity);
            return;
          }
          if (event.type === "need-data" || event.type === "paused") break;
        }
      }
      if (!refused) assert.ok(http.bufferedBytes <= data.length);
    },
  );
}

// ---------------------------------------------------------------- llhttp

/**
 * Our messages in the shape llhttp's are read into. Whether a message that
 * switches protocols "keeps the connection alive" is moot (no HTTP follows);
 * llhttp says no after a 2xx to CONNECT and yes after a 101, wirestack reports
 * the Connection field: the flag is left out for those.
 */
function seenOf(messages: ParsedMessage[]): Seen[] {
  return messages.map((message) => {
    const seen: Seen = {
      version: message.version,
      headers: message.headers,
      trailers: message.trailers,
      body: latin1(message.body),
      keepAlive: message.upgrade ? null : message.keepAlive,
    };
    const m = message as ParsedMessage & Partial<ParsedRequest & ParsedResponse>;
    if (m.method !== undefined) {
      seen.method = m.method;
      seen.target = m.target;
    } else {
      seen.status = m.status;
      seen.reason = m.reason;
    }
    return seen;
  });
}

/** Leaves the keep-alive flag out of both where either side leaves it out. */
function forgetSwitchKeepAlive(mine: Seen[], theirs: Seen[]): void {
  for (let i = 0; i < Math.min(mine.length, theirs.length); i++) {
    if (mine[i].keepAlive === null || theirs[i].keepAlive === null) {
      mine[i].keepAlive = theirs[i].keepAlive = null;
    }
  }
}

const count = (m: Seen, name: string) => m.headers.filter(([n]) => n.toLowerCase() === name).length;

/** A chunk line with whitespace in its extensions (RFC 9112 7.1.1's BWS, which llhttp refuses). */
function chunkLineWithBws(data: Uint8Array): boolean {
  return latin1(data).split("\r\n").some((line) =>
    /^[0-9a-fA-F]+[ \t]*;/.test(line) && /[ \t]/.test(line)
  );
}

/**
 * The first HTTP/1.0 message whose Connection fields hold both `keep-alive`
 * and `close`, which wirestack reads as closing (RFC 9112 9.3: with the
 * "close" option the connection does not persist) and llhttp as kept alive
 * (for HTTP/1.0 it looks for keep-alive only; found by fuzzing). Nothing after
 * it compares: wirestack leaves what follows as `rest`. -1 when there is none.
 */
function closeWithKeepAlive(mine: Seen[], theirs: Seen[]): number {
  for (let i = 0; i < Math.min(mine.length, theirs.length); i++) {
    const m = mine[i];
    if (m.version !== "1.0" || m.keepAlive !== false || theirs[i].keepAlive !== true) continue;
    const tokens = m.headers
      .filter(([name]) => name.toLowerCase() === "connection")
      .flatMap(([, value]) => value.split(",").map((token) => token.trim().toLowerCase()));
    if (tokens.includes("close") && tokens.includes("keep-alive")) return i;
  }
  return -1;
}

/** What a known difference is checked against. */
interface Case {
  ours: Seen[];
  rest: Uint8Array;
  node: Binding;
  data: Uint8Array;
  /** Responses: the method of each request answered. */
  methods: string[];
}

/**
 * The first 1xx, or 2xx answer to CONNECT, that carries a framing field: a
 * recipient ignores those (RFC 9112 6.3 rule 1, RFC 9110 9.3.6), llhttp reads
 * them (a chunked 1xx even gets a body), so nothing after it compares. -1 when
 * there is none.
 */
function framingOnBodiless(ours: Seen[], methods: string[]): number {
  let answered = 0;
  return ours.findIndex((m) => {
    if (m.status === undefined) return false;
    const method = methods[Math.min(answered, methods.length - 1)];
    if (m.status >= 200) answered++;
    const tunnel = method === "CONNECT" && m.status >= 200 && m.status < 300;
    return (m.status < 200 || tunnel) &&
      (count(m, "content-length") > 0 || count(m, "transfer-encoding") > 0);
  });
}

/**
 * Where llhttp refuses what wirestack accepts on purpose, each with the test
 * that it is that case (so a wirestack leniency cannot hide behind one):
 * methods llhttp does not know (RFC 9110 9.1: any token is a method), HTTP/1.x
 * above 1.1 (RFC 9110 2.5: processed as 1.1), a repeated equal Content-Length
 * (RFC 9110 8.6 allows it), whitespace around chunk extensions (RFC 9112
 * 7.1.1's BWS), obs-fold in a response (RFC 9112 5.2: a user agent replaces
 * it with spaces), URI schemes with digits, "+", "-" or "." (RFC 3986 3.1),
 * and bytes after a message that closes the
 * connection (wirestack returns them as `rest`; llhttp also takes an HTTP/1.0
 * 1xx response as closing it, where wirestack lets the final response decide).
 */
const LLHTTP_STRICTER: Record<string, (c: Case) => boolean> = {
  HPE_INVALID_METHOD: (c) =>
    c.ours.some((m) => m.method !== undefined && !c.node.methods.includes(m.method)),
  HPE_INVALID_VERSION: (c) => c.ours.some((m) => m.version !== "1.0" && m.version !== "1.1"),
  HPE_UNEXPECTED_CONTENT_LENGTH: (c) => c.ours.some((m) => count(m, "content-length") > 1),
  HPE_INVALID_CHUNK_SIZE: (c) => chunkLineWithBws(c.data),
  HPE_STRICT: (c) => chunkLineWithBws(c.data),
  HPE_INVALID_URL: (c) =>
    c.ours.some((m) => /^[A-Za-z]+[0-9+.-][A-Za-z0-9+.-]*:\/\//.test(m.target ?? "")),
  HPE_INVALID_HEADER_TOKEN: (c) =>
    c.ours.some((m) => m.status !== undefined) && /\r\n[ \t]/.test(latin1(c.data)),
  HPE_CLOSED_CONNECTION: (c) =>
    (c.rest.length > 0 && c.ours.at(-1)?.keepAlive === false) ||
    c.ours.some((m) => m.status !== undefined && m.status < 200 && !m.keepAlive),
};

/**
 * Both parsers read the same messages as far as both go, and wirestack never
 * accepts a stream llhttp refuses except for the reasons above: where the two
 * disagree about where a message ends, requests can be smuggled.
 */
function checkAgainstLlhttp(node: Binding, t: { kind: Kind; methods: string[] }, data: Uint8Array) {
  const ours = parse(
    t.kind,
    data,
    t.kind === "response" ? { requestMethod: t.methods } : undefined,
  );
  const theirs = llhttp(node, t.kind, data, t.methods);
  const mine = seenOf(ours.messages);
  forgetSwitchKeepAlive(mine, theirs.messages);
  const ignored = framingOnBodiless(mine, t.methods);
  const closed = closeWithKeepAlive(mine, theirs.messages);
  if (closed >= 0) mine[closed].keepAlive = theirs.messages[closed].keepAlive = null;
  const both = Math.min(
    mine.length,
    theirs.messages.length,
    ignored < 0 ? Infinity : ignored,
    closed < 0 ? Infinity : closed + 1,
  );
  assert.deepEqual(
    mine.slice(0, both),
    theirs.messages.slice(0, both),
    `the messages both read: ${JSON.stringify(latin1(data))}`,
  );
  // wirestack is stricter, or llhttp reads framing it should not, or keeps alive what closes
  if (ours.error !== null || ignored >= 0 || closed >= 0) return;
  if (theirs.error !== null) {
    const explained = LLHTTP_STRICTER[theirs.error];
    assert.ok(
      explained !== undefined &&
        explained({ ours: seenOf(ours.messages), rest: ours.rest, node, data, methods: t.methods }),
      `wirestack accepted what llhttp refuses (${theirs.error}) after ${theirs.messages.length} ` +
        `messages: ${JSON.stringify(latin1(data))}`,
    );
    return;
  }
  if (theirs.upgraded) {
    // llhttp stops at any upgrade request; wirestack only at CONNECT (the server decides)
    assert.ok(mine.length >= theirs.messages.length);
  } else {
    assert.equal(mine.length, theirs.messages.length, "message count");
  }
}

/** Generated traffic llhttp can read the same (no method, version or repeat it refuses). */
function llhttpCompatible(node: Binding, t: Traffic): boolean {
  return t.messages.every((m) =>
    (m.version === "1.0" || m.version === "1.1") &&
    (m.method === undefined || node.methods.includes(m.method)) &&
    m.headers.filter(([n]) => n.toLowerCase() === "content-length").length <= 1 &&
    (m.status === undefined || m.status >= 200 || m.keepAlive)
  ) && (t.rest === "" || t.messages.at(-1)!.upgrade) && !chunkLineWithBws(wireBytes(t));
}

function llhttpValidProperty() {
  const node = binding()!;
  return property(
    fc.oneof(requestTraffic, responseTraffic).filter((t) => llhttpCompatible(node, t)),
    (t) => {
      const data = wireBytes(t);
      const theirs = llhttp(node, t.kind, data, t.methods);
      assert.equal(theirs.error, null, `llhttp refused generated traffic: ${theirs.error}`);
      const mine = seenOf(parse(t.kind, data, optionsOf(t)).messages);
      forgetSwitchKeepAlive(mine, theirs.messages);
      assert.deepEqual(mine, theirs.messages);
    },
  );
}

function llhttpMutatedProperty() {
  const node = binding()!;
  return property(
    fc.tuple(fc.oneof(requestTraffic, responseTraffic), mutationsArbitrary(HTTP_DICTIONARY)),
    ([t, mutations]) => checkAgainstLlhttp(node, t, mutate(wireBytes(t), mutations)),
  );
}

/**
 * Long chunked bodies: whole, their body must come out byte for byte however
 * cut (and within the limits, or stop with the limit's code); damaged in the
 * chunked framing alone, they fail only with an HttpError, the same way
 * however cut.
 */
function chunkedProperty() {
  return property(
    fc.tuple(
      chunkedTraffic,
      fc.option(mutationsArbitrary(HTTP_DICTIONARY), { nil: null }),
      cutsArbitrary,
      fc.option(smallLimits, { nil: undefined }),
    ),
    ([t, mutations, cuts, limits]) => {
      const wire = wireBytes(t);
      const data = mutations === null ? wire : concatBytes([
        wire.subarray(0, t.bodyStart),
        mutate(wire.subarray(t.bodyStart), mutations),
      ]);
      const got = parseEveryWay("request", data, cuts, limits);
      traceEveryWay("server", data, cuts, limits);
      if (mutations !== null) return;
      const over = limits === undefined ? [] : crossed(t, 0, limits);
      if (over.length === 0) assert.deepEqual(got, expected(t));
      else {
        const codes = over.map((key) => LIMIT_CODES[key]);
        assert.ok(got.error !== null && codes.includes(got.error.code), JSON.stringify(got.error));
      }
    },
  );
}

/** The HTTP/1.1 targets. */
export const HTTP1_TARGETS: readonly FuzzTarget[] = [
  {
    name: "http1/request-valid",
    about: "generated requests parse to what the grammar wrote, cut anywhere, both APIs",
    property: () => validProperty(requestTraffic),
    ciRuns: 900,
  },
  {
    name: "http1/response-valid",
    about: "generated responses parse to what the grammar wrote, cut anywhere, both APIs",
    property: () => validProperty(responseTraffic),
    ciRuns: 900,
  },
  {
    name: "http1/request-mutated",
    about: "mutated requests fail only with an HttpError, the same way however cut",
    property: () => mutatedProperty(requestTraffic),
    ciRuns: 1200,
  },
  {
    name: "http1/response-mutated",
    about: "mutated responses fail only with an HttpError, the same way however cut",
    property: () => mutatedProperty(responseTraffic),
    ciRuns: 1200,
  },
  {
    name: "http1/chunked",
    about: "long chunked bodies come out whole, within limits; damaged framing fails typed",
    property: chunkedProperty,
    ciRuns: 600,
  },
  {
    name: "http1/garbage",
    about: "random bytes and dictionary soup fail only with an HttpError, cut anywhere",
    property: () =>
      property(fc.tuple(soup, fc.constantFrom("request", "response"), cutsArbitrary), (
        [data, kind, cuts],
      ) => {
        parseEveryWay(kind as Kind, data, cuts);
        traceEveryWay(kind === "request" ? "server" : "client", data, cuts);
      }),
    ciRuns: 1200,
  },
  {
    name: "http1/limits",
    about: "small limits fail with their own code at the first message past them",
    property: () => limitsProperty(fc.oneof(requestTraffic, responseTraffic)),
    ciRuns: 900,
  },
  {
    name: "http1/paused-pipeline",
    about: "a server that does not answer buffers at most maxBufferedSize, then refuses",
    property: pausedPipelineProperty,
    ciRuns: 600,
  },
];

/** The differential targets against llhttp (Node only; run by differential_llhttp_test.ts). */
export const LLHTTP_TARGETS: readonly FuzzTarget[] = [
  {
    name: "http1/llhttp-valid",
    about: "llhttp (Node's parser) reads generated traffic exactly as wirestack does",
    property: llhttpValidProperty,
    ciRuns: 900,
    runtime: "node",
  },
  {
    name: "http1/llhttp-mutated",
    about: "on damaged traffic both parsers agree as far as both go; wirestack is never laxer",
    property: llhttpMutatedProperty,
    ciRuns: 1800,
    runtime: "node",
  },
];
