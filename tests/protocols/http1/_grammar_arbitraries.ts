// fast-check arbitraries that write valid HTTP/1.1 traffic from the RFC 9112
// grammar, each with the parse it must give: pipelined requests (methods as any
// token, the four target forms, 1.0 and higher 1.x minors, Content-Length or
// chunked bodies with extensions and trailers, CONNECT with the bytes after
// it) and responses (1xx before final answers, HEAD, 204 and 304, 101 and 2xx
// to CONNECT, bodies read until close). Field values carry obs-text and inner
// whitespace; optional whitespace surrounds them. Only the strict choices of
// DESIGN.md are avoided (they are errors, and the mutation targets reach them).

import { fc, latin1Bytes } from "../../_fuzz.ts";

/** What `parseMessages` must report for one generated message. */
export interface ExpectedMessage {
  method?: string;
  target?: string;
  status?: number;
  reason?: string;
  version: string;
  headers: Array<[string, string]>;
  trailers: Array<[string, string]>;
  /** The body as Latin-1 text. */
  body: string;
  keepAlive: boolean;
  upgrade: boolean;
}

/** Generated traffic and its parse. */
export interface Traffic {
  kind: "request" | "response";
  /** The bytes, as Latin-1 text (one char per byte). */
  wire: string;
  messages: ExpectedMessage[];
  /** Bytes after the last message (after a CONNECT, a 101, or a closing message). */
  rest: string;
  /** Responses: the method of each request answered, in order. */
  methods: string[];
  /**
   * Byte length of each message's head: start line to final CRLF, and the
   * empty lines skipped before a request-line (they count against
   * `maxHeaderSize`, so a stream of empty lines is bounded too).
   */
  headSizes: number[];
  /** Field count of each head. */
  fieldCounts: number[];
  /** Target length of each request. */
  targetLengths: number[];
  /** Chunk-extension bytes of each message. */
  extensionSizes: number[];
  /** Trailer section bytes of each message (0 without trailers). */
  trailerSizes: number[];
}

const TCHAR = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
const ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const UNRESERVED = ALNUM + "-._~";
const SUB_DELIMS = "!$&'()*+,;=";
const PCHAR = UNRESERVED + SUB_DELIMS + ":@";
const VCHAR = Array.from({ length: 0x7e - 0x21 + 1 }, (_, i) => String.fromCharCode(0x21 + i))
  .join("");
const OBS_TEXT = Array.from({ length: 0x80 }, (_, i) => String.fromCharCode(0x80 + i)).join("");

/** Names the parser interprets; random fields avoid them (framing is generated on purpose). */
const SPECIAL = new Set([
  "content-length",
  "transfer-encoding",
  "connection",
  "upgrade",
  "expect",
  "host",
]);

function chars(alphabet: string, minLength: number, maxLength: number): fc.Arbitrary<string> {
  return fc.string({ unit: fc.constantFrom(...alphabet), minLength, maxLength });
}

const token = (max = 12) => chars(TCHAR, 1, max);

const fieldName: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: token(16) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      "Accept",
      "User-Agent",
      "Cookie",
      "X-Forwarded-For",
      "Accept-Encoding",
    ),
  },
).filter((name) => !SPECIAL.has(name.toLowerCase()));

/** A field value: VCHAR / obs-text, with single inner SP or HTAB, no leading or trailing space. */
const fieldValue: fc.Arbitrary<string> = fc.oneof(
  { weight: 1, arbitrary: fc.constant("") },
  {
    weight: 6,
    arbitrary: fc.array(
      fc.oneof(
        { weight: 6, arbitrary: chars(VCHAR, 1, 10) },
        { weight: 1, arbitrary: chars(OBS_TEXT, 1, 3) },
      ),
      { minLength: 1, maxLength: 5 },
    ).chain((words) =>
      fc.array(fc.constantFrom(" ", "\t", "  ", " \t "), {
        minLength: words.length - 1,
        maxLength: words.length - 1,
      }).map((gaps) => words.map((word, i) => (i === 0 ? word : gaps[i - 1] + word)).join(""))
    ),
  },
);

const ows = fc.constantFrom("", "", " ", "\t", "  ", " \t");

/** A field line and its expected pair. */
const field: fc.Arbitrary<{ line: string; pair: [string, string] }> = fc.tuple(
  fieldName,
  fieldValue,
  ows,
  ows,
).map(([name, value, before, after]) => ({
  line: `${name}:${before}${value}${after}\r\n`,
  pair: [name, value],
}));

const fields = (max: number) => fc.array(field, { maxLength: max });

const pctEncoded = fc.tuple(chars("0123456789abcdefABCDEF", 2, 2)).map(([hex]) => `%${hex}`);
const segment = fc.array(
  fc.oneof({ weight: 8, arbitrary: chars(PCHAR, 1, 8) }, {
    weight: 1,
    arbitrary: pctEncoded,
  }),
  { maxLength: 3 },
).map((parts) => parts.join(""));
const path = fc.array(segment, { minLength: 1, maxLength: 5 }).map((segments) =>
  "/" + segments.join("/")
);
const query = fc.option(
  fc.array(fc.oneof(chars(PCHAR + "/?", 1, 10), pctEncoded), { maxLength: 3 }).map((parts) =>
    "?" + parts.join("")
  ),
  { nil: "" },
);
const regName = fc.array(chars(ALNUM + "-", 1, 10), { minLength: 1, maxLength: 3 }).map((labels) =>
  labels.join(".")
);
const host = fc.oneof(
  { weight: 4, arbitrary: regName },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((octets) =>
      octets.join(".")
    ),
  },
  { weight: 1, arbitrary: fc.constantFrom("[::1]", "[2001:db8::7]", "[fe80::1:2:3:4]") },
);
const port = fc.option(fc.integer({ min: 0, max: 65535 }).map((n) => `:${n}`), { nil: "" });

const method = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom("GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", "OPTIONS"),
  },
  { weight: 1, arbitrary: fc.constantFrom("get", "M-SEARCH", "PROPFIND", "PURGE") },
  { weight: 1, arbitrary: token(10) },
).filter((m) => m !== "CONNECT");

interface Body {
  framing: Array<{ line: string; pair: [string, string] }>;
  wire: string;
  body: string;
  trailers: Array<[string, string]>;
  extensionSize: number;
  trailerSize: number;
}

const NO_BODY: Body = {
  framing: [],
  wire: "",
  body: "",
  trailers: [],
  extensionSize: 0,
  trailerSize: 0,
};

const bodyBytes = fc.oneof(
  { weight: 3, arbitrary: fc.uint8Array({ maxLength: 40 }) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 600 }) },
).map((bytes) => String.fromCharCode(...bytes));

const lengthBody: fc.Arbitrary<Body> = fc.tuple(bodyBytes, fc.integer({ min: 1, max: 2 }), ows)
  .map(([body, copies, space]) => ({
    framing: Array.from({ length: copies }, () => ({
      line: `Content-Length:${space}${body.length}\r\n`,
      pair: ["Content-Length", String(body.length)] as [string, string],
    })),
    wire: body,
    body,
    trailers: [],
    extensionSize: 0,
    trailerSize: 0,
  }));

const chunkExtension = fc.tuple(
  fc.constantFrom("", " ", "\t "),
  token(6),
  fc.oneof(
    fc.constant(""),
    token(6).map((value) => `=${value}`),
    chars(ALNUM + " !#$%&'()*+,-./:;<=>?@[]^_`{|}~\t", 0, 8).map((text) => `="${text}"`),
    fc.constant('="a\\"b"'),
  ),
).map(([space, name, value]) => `${space};${name}${value}`);

const chunkOf = (maxLength: number) =>
  fc.tuple(
    fc.uint8Array({ minLength: 1, maxLength }).map((bytes) => String.fromCharCode(...bytes)),
    fc.array(chunkExtension, { maxLength: 2 }),
    fc.constantFrom("lower", "upper", "zeros"),
  ).map(([data, extensions, style]) => {
    let size = data.length.toString(16);
    if (style === "upper") size = size.toUpperCase();
    if (style === "zeros") size = "000" + size;
    const ext = extensions.join("");
    return { wire: `${size}${ext}\r\n${data}\r\n`, data, extensionSize: ext.length };
  });

const TE_VALUES = ["chunked", "Chunked", "CHUNKED"];

/** A chunked body of up to `maxChunks` chunks of up to `maxSize` bytes, with trailers. */
const chunkedBodyOf = (maxChunks: number, maxSize: number): fc.Arbitrary<Body> =>
  fc.tuple(
    fc.array(chunkOf(maxSize), { maxLength: maxChunks }),
    fc.array(chunkExtension, { maxLength: 1 }),
    fields(3),
    fc.constantFrom(...TE_VALUES),
  ).map(([chunks, lastExtensions, trailerFields, te]) => {
    const lastExt = lastExtensions.join("");
    const trailerText = trailerFields.map((f) => f.line).join("");
    return {
      framing: [{ line: `Transfer-Encoding: ${te}\r\n`, pair: ["Transfer-Encoding", te] }],
      wire: chunks.map((c) => c.wire).join("") + `0${lastExt}\r\n` + trailerText + "\r\n",
      body: chunks.map((c) => c.data).join(""),
      trailers: trailerFields.map((f) => f.pair),
      extensionSize: chunks.reduce((n, c) => n + c.extensionSize, 0) + lastExt.length,
      trailerSize: trailerFields.length === 0 ? 0 : trailerText.length + 2,
    };
  });

const chunkedBody = chunkedBodyOf(5, 80);

/** How a request or response says whether the connection stays open. */
const connectionOption = fc.constantFrom(
  "none",
  "none",
  "none",
  "close",
  "keep-alive",
  "Keep-Alive, Foo",
  "foo,  CLOSE",
);

interface Part {
  wire: string;
  message: ExpectedMessage;
  headSize: number;
  fieldCount: number;
  targetLength: number;
  extensionSize: number;
  trailerSize: number;
  /** Nothing HTTP may follow (not keep-alive, or a switch). */
  last: boolean;
  /** The body runs until the connection closes: nothing can follow it. */
  untilClose?: boolean;
}

function keepAliveOf(minor: number, option: string): boolean {
  const lower = option.toLowerCase();
  if (lower.includes("close")) return false;
  return minor >= 1 || lower.includes("keep-alive");
}

/** Field lines in a random order, framing fields among them. */
function arrange(
  random: Array<{ line: string; pair: [string, string] }>,
  special: Array<{ line: string; pair: [string, string] }>,
  order: number[],
): Array<{ line: string; pair: [string, string] }> {
  const all = [...random];
  special.forEach((item, i) => all.splice(order[i] % (all.length + 1), 0, item));
  return all;
}

const request: fc.Arbitrary<Part> = fc.record({
  method,
  form: fc.constantFrom("origin", "origin", "origin", "absolute", "asterisk", "connect"),
  path,
  query,
  host,
  port,
  minor: fc.constantFrom(1, 1, 1, 1, 0, 2, 9),
  bodyKind: fc.constantFrom("none", "length", "chunked"),
  lengthBody,
  chunkedBody,
  random: fields(8),
  connection: connectionOption,
  expect: fc.boolean(),
  order: fc.array(fc.nat(), { minLength: 4, maxLength: 4 }),
  emptyLines: fc.constantFrom("", "", "", "", "\r\n", "\r\n\r\n"),
}).map((r) => {
  const connect = r.form === "connect";
  const m = connect ? "CONNECT" : r.form === "asterisk" ? "OPTIONS" : r.method;
  const target = connect
    ? `${r.host}${r.port === "" ? ":443" : r.port}`
    : r.form === "asterisk"
    ? "*"
    : r.form === "absolute"
    ? `http://${r.host}${r.port}${r.path}${r.query}`
    : r.path + r.query;
  const version = `1.${r.minor}`;
  const body = connect || (r.bodyKind === "chunked" && r.minor === 0)
    ? NO_BODY
    : r.bodyKind === "length"
    ? r.lengthBody
    : r.bodyKind === "chunked"
    ? r.chunkedBody
    : NO_BODY;
  const special = [{
    line: "Host: example.com\r\n",
    pair: ["Host", "example.com"] as [string, string],
  }, ...body.framing];
  if (r.connection !== "none") {
    special.push({ line: `Connection: ${r.connection}\r\n`, pair: ["Connection", r.connection] });
  }
  if (r.expect && body !== NO_BODY) {
    special.push({ line: "Expect: 100-continue\r\n", pair: ["Expect", "100-continue"] });
  }
  const lines = arrange(r.random, special, r.order);
  const head = `${m} ${target} HTTP/${version}\r\n` + lines.map((l) => l.line).join("") + "\r\n";
  const keepAlive = keepAliveOf(r.minor, r.connection);
  return {
    wire: r.emptyLines + head + body.wire,
    message: {
      method: m,
      target,
      version,
      headers: lines.map((l) => l.pair),
      trailers: body.trailers,
      body: body.body,
      keepAlive,
      upgrade: connect,
    },
    headSize: r.emptyLines.length + head.length,
    fieldCount: lines.length,
    targetLength: target.length,
    extensionSize: body.extensionSize,
    trailerSize: body.trailerSize,
    last: connect || !keepAlive,
  };
});

/** Any bytes that may follow a tunnel or a closing message. */
const restBytes = fc.oneof(
  { weight: 2, arbitrary: fc.constant("") },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 40 }).map((b) => String.fromCharCode(...b)) },
  { weight: 1, arbitrary: fc.constant("GET / HTTP/1.1\r\nHost: x\r\n\r\n") },
);

/**
 * One request with a long chunked body (up to 40 chunks of up to 1500 bytes,
 * extensions, trailers), and where its body starts in the wire, for targets
 * that damage the chunked framing alone.
 */
export const chunkedTraffic: fc.Arbitrary<Traffic & { bodyStart: number }> = fc.tuple(
  chunkedBodyOf(40, 1500),
  fields(3),
).map(([body, random]) => {
  const lines = [
    { line: "Host: example.com\r\n", pair: ["Host", "example.com"] as [string, string] },
    ...random,
    ...body.framing,
  ];
  const head = "POST /upload HTTP/1.1\r\n" + lines.map((l) => l.line).join("") + "\r\n";
  return {
    ...traffic(
      "request",
      [{
        wire: head + body.wire,
        message: {
          method: "POST",
          target: "/upload",
          version: "1.1",
          headers: lines.map((l) => l.pair),
          trailers: body.trailers,
          body: body.body,
          keepAlive: true,
          upgrade: false,
        },
        headSize: head.length,
        fieldCount: lines.length,
        targetLength: 7,
        extensionSize: body.extensionSize,
        trailerSize: body.trailerSize,
        last: false,
      }],
      "",
      [],
    ),
    bodyStart: head.length,
  };
});

/**
 * One to four pipelined requests; a CONNECT or a message that closes the
 * connection ends the pipeline, and random bytes may follow it.
 */
export const requestTraffic: fc.Arbitrary<Traffic> = fc.tuple(
  fc.array(request, { minLength: 1, maxLength: 4 }),
  restBytes,
).map(([parts, after]) => {
  const end = parts.findIndex((p) => p.last);
  const used = end < 0 ? parts : parts.slice(0, end + 1);
  const closed = end >= 0;
  return traffic("request", used, closed ? after : "", []);
});

function traffic(
  kind: "request" | "response",
  parts: Part[],
  rest: string,
  methods: string[],
): Traffic {
  return {
    kind,
    wire: parts.map((p) => p.wire).join("") + rest,
    messages: parts.map((p) => p.message),
    rest,
    methods,
    headSizes: parts.map((p) => p.headSize),
    fieldCounts: parts.map((p) => p.fieldCount),
    targetLengths: parts.map((p) => p.targetLength),
    extensionSizes: parts.map((p) => p.extensionSize),
    trailerSizes: parts.map((p) => p.trailerSize),
  };
}

const reason = fc.oneof(
  fc.constantFrom("OK", "", "Not Found", "Internal Server Error", "x"),
  chars(VCHAR + " \t" + OBS_TEXT, 0, 20),
);

const finalStatus = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(200, 201, 204, 206, 301, 304, 400, 404, 500, 503) },
  { weight: 2, arbitrary: fc.integer({ min: 200, max: 599 }) },
  { weight: 1, arbitrary: fc.constant(101) },
);
const informationalStatus = fc.constantFrom(100, 102, 103, 199);

/** A response to a request made with `requestMethod`. */
function responsePart(requestMethod: string, status: fc.Arbitrary<number>): fc.Arbitrary<Part> {
  return fc.record({
    status,
    reason,
    minor: fc.constantFrom(1, 1, 1, 1, 0, 2),
    bodyKind: fc.constantFrom("length", "length", "chunked", "close"),
    lengthBody,
    chunkedBody,
    headLength: fc.nat(100_000),
    random: fields(8),
    connection: connectionOption,
    order: fc.array(fc.nat(), { minLength: 4, maxLength: 4 }),
  }).map((r) => {
    const informational = r.status < 200 && r.status !== 101;
    const upgrade = r.status === 101 ||
      (requestMethod === "CONNECT" && r.status >= 200 && r.status < 300);
    const bodiless = r.status < 200 || upgrade || r.status === 204 || r.status === 304;
    let body: Body = NO_BODY;
    let untilClose = false;
    if (bodiless) body = NO_BODY;
    else if (requestMethod === "HEAD") {
      // a HEAD answer may say how long the GET body would have been
      body = r.bodyKind === "length"
        ? {
          ...NO_BODY,
          framing: [{
            line: `Content-Length: ${r.headLength}\r\n`,
            pair: ["Content-Length", String(r.headLength)],
          }],
        }
        : NO_BODY;
    } else if (r.bodyKind === "chunked" && r.minor >= 1) body = r.chunkedBody;
    else if (r.bodyKind === "close") {
      body = { ...r.lengthBody, framing: [] };
      untilClose = true;
    } else body = r.lengthBody;
    const special = [...body.framing];
    const connection = informational ? "none" : r.connection;
    if (connection !== "none") {
      special.push({ line: `Connection: ${connection}\r\n`, pair: ["Connection", connection] });
    }
    if (r.status === 101) {
      special.push({ line: "Upgrade: websocket\r\n", pair: ["Upgrade", "websocket"] });
    }
    const lines = arrange(r.random, special, r.order);
    const version = `1.${r.minor}`;
    const head = `HTTP/${version} ${r.status} ${r.reason}\r\n` +
      lines.map((l) => l.line).join("") + "\r\n";
    const keepAlive = !untilClose && keepAliveOf(r.minor, connection);
    return {
      wire: head + body.wire,
      message: {
        status: r.status,
        reason: r.reason,
        version,
        headers: lines.map((l) => l.pair),
        trailers: body.trailers,
        body: body.body,
        keepAlive,
        upgrade,
      },
      headSize: head.length,
      fieldCount: lines.length,
      targetLength: 0,
      extensionSize: body.extensionSize,
      trailerSize: body.trailerSize,
      last: upgrade || (!informational && !keepAlive),
      untilClose,
    };
  });
}

/** The answer to one request: up to two 1xx responses, then a final one. */
const exchange: fc.Arbitrary<{ method: string; parts: Part[] }> = fc.constantFrom(
  "GET",
  "GET",
  "POST",
  "HEAD",
  "CONNECT",
  "get",
).chain((requestMethod) =>
  fc.tuple(
    fc.array(responsePart(requestMethod, informationalStatus), { maxLength: 2 }),
    responsePart(requestMethod, finalStatus),
  ).map(([informational, final]) => ({ method: requestMethod, parts: [...informational, final] }))
);

/**
 * Answers to one to three requests (1xx responses answer the same request as
 * the final one after them); a switch or a closing response ends the stream,
 * and random bytes may follow it.
 */
export const responseTraffic: fc.Arbitrary<Traffic> = fc.tuple(
  fc.array(exchange, { minLength: 1, maxLength: 3 }),
  restBytes,
).map(([exchanges, after]) => {
  const parts: Part[] = [];
  const methods: string[] = [];
  let closed = false;
  for (const { method: m, parts: answers } of exchanges) {
    methods.push(m);
    for (const part of answers) {
      parts.push(part);
      if (part.last) {
        closed = !part.untilClose;
        break;
      }
    }
    if (parts.at(-1)!.last) break;
  }
  return traffic("response", parts, closed ? after : "", methods);
});

/** The bytes of generated traffic. */
export function wireBytes(t: Traffic): Uint8Array {
  return latin1Bytes(t.wire);
}

/** Fragments worth inserting into HTTP/1.1 traffic. */
export const HTTP_DICTIONARY: Uint8Array[] = [
  "\r\n",
  "\n",
  "\r",
  " ",
  "\t",
  ":",
  ",",
  ";",
  '"',
  "\\",
  "%",
  "%zz",
  "\r\n\r\n",
  " \r\n",
  "\r\n ",
  "Content-Length: ",
  "Content-Length: 0\r\n",
  "Content-Length: 5\r\n",
  "Content-Length: 18446744073709551616\r\n",
  "Transfer-Encoding: chunked\r\n",
  "Transfer-Encoding: gzip, chunked\r\n",
  "Transfer-Encoding: chunked, gzip\r\n",
  "chunked",
  "0\r\n\r\n",
  "ffffffffffffffff",
  '1;a="',
  "Connection: close\r\n",
  "Connection: keep-alive\r\n",
  "Upgrade: websocket\r\nConnection: upgrade\r\n",
  "Host: a\r\n",
  "Expect: 100-continue\r\n",
  "HTTP/1.1",
  "HTTP/1.0",
  "HTTP/2.0",
  " HTTP/1.1\r\n",
  "GET / HTTP/1.1\r\n",
  "CONNECT a:1 HTTP/1.1\r\n",
  "HTTP/1.1 101 S\r\n",
  "HTTP/1.1 100 Continue\r\n\r\n",
  "\x00",
  "\x7f",
  "\xff",
].map(latin1Bytes);
