/**
 * The HTTP/1.1 parser against llhttp (Node's own, through
 * `process.binding("http_parser")`, Node only) and `http-parser-js`, in the
 * same run, on three requests: a small GET (curl's), a 30-header browser GET,
 * and a 64 KiB chunked POST (four 16 KiB chunks). Each parser is fed a stream of
 * the same message, one message per read, as a keep-alive connection would be:
 *
 * - `reader`: `MessageReader`, streaming, bodies as views;
 * - `connection`: the server `Connection`, streaming (it also writes a 204 for
 *   each request: the state machine needs the answer to go on);
 * - `parseMessages`: one call per message, every field built;
 * - llhttp and http-parser-js with callbacks keeping what they get, as
 *   `node:http` does.
 *
 * The figure is CPU time (user + sys) per message, the median of the rounds in
 * which all parsers take turns. Goals (issue 4): on Node, `connection` and
 * `parseMessages` at least llhttp's rate on all three; on both runtimes, at
 * least 3x http-parser-js on the two GETs, and matching it on the POST.
 *
 * Run: `node_modules/.bin/deno run -A scripts/bench/http1_parse.ts [--quick] [--rounds N]`
 * (Deno, from source) or `npm run build && node npm/esm/scripts/bench/http1_parse.js` (Node).
 *
 * @module
 */

import { createRequire } from "node:module";
import process from "node:process";
import { Connection, MessageReader, parseMessages } from "../../protocols/http1/mod.ts";
import { type Goal, median, report } from "./_report.ts";

const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const quick = args.includes("--quick");
const rounds = args.includes("--rounds")
  ? Number(args[args.indexOf("--rounds") + 1])
  : quick
  ? 3
  : 9;
const onNode = !("Deno" in globalThis);

// ---- the messages ---------------------------------------------------------------------

const text = new TextEncoder();

const SMALL_GET = text.encode(
  "GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: curl/8.5.0\r\nAccept: */*\r\n\r\n",
);

const BROWSER_HEADERS: Array<[string, string]> = [
  ["Host", "www.example.com"],
  ["Connection", "keep-alive"],
  ["Cache-Control", "max-age=0"],
  ["sec-ch-ua", '"Chromium";v="131", "Not_A Brand";v="24"'],
  ["sec-ch-ua-mobile", "?0"],
  ["sec-ch-ua-platform", '"Linux"'],
  ["Upgrade-Insecure-Requests", "1"],
  [
    "User-Agent",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
  ],
  [
    "Accept",
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8",
  ],
  ["Sec-Fetch-Site", "same-origin"],
  ["Sec-Fetch-Mode", "navigate"],
  ["Sec-Fetch-User", "?1"],
  ["Sec-Fetch-Dest", "document"],
  ["Referer", "https://www.example.com/articles/2026/11/networking-in-typescript?ref=home"],
  ["Accept-Encoding", "gzip, deflate, br, zstd"],
  ["Accept-Language", "en-GB,en;q=0.9,fr;q=0.8,de;q=0.7"],
  [
    "Cookie",
    "session=6f1c2a9e4b7d4e0f8a3b5c6d7e8f9a0b; theme=dark; consent=analytics%3D0%26ads%3D0; " +
    "_ga=GA1.2.1234567890.1732838400; _gid=GA1.2.987654321.1732838400; lang=en-GB",
  ],
  ["If-None-Match", 'W/"5e1f-18c9a3b2f40"'],
  ["If-Modified-Since", "Thu, 28 Nov 2026 10:00:00 GMT"],
  ["DNT", "1"],
  ["Priority", "u=0, i"],
  ["Pragma", "no-cache"],
  ["X-Forwarded-For", "203.0.113.7, 198.51.100.23"],
  ["X-Forwarded-Proto", "https"],
  ["X-Forwarded-Host", "www.example.com"],
  ["X-Request-Id", "4bf92f3577b34da6a3ce929d0e0e4736"],
  ["traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"],
  ["Via", "1.1 edge-proxy-03"],
  ["Sec-GPC", "1"],
  ["Origin", "https://www.example.com"],
];

const BROWSER_GET = text.encode(
  "GET /articles/2026/11/networking-in-typescript?page=2&sort=recent HTTP/1.1\r\n" +
    BROWSER_HEADERS.map(([name, value]) => `${name}: ${value}\r\n`).join("") + "\r\n",
);

function chunkedPost(): Uint8Array {
  const chunk = new Uint8Array(16384).map((_, i) => (i * 31 + 7) & 0xff);
  const parts = [
    text.encode(
      "POST /upload HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nContent-Type: application/octet-stream\r\n" +
        "Transfer-Encoding: chunked\r\n\r\n",
    ),
  ];
  for (let i = 0; i < 4; i++) parts.push(text.encode("4000\r\n"), chunk, text.encode("\r\n"));
  parts.push(text.encode("0\r\n\r\n"));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

const MESSAGES: Array<{ name: string; bytes: Uint8Array; count: number; hpjsGoal: number }> = [
  { name: "small GET", bytes: SMALL_GET, count: quick ? 5_000 : 200_000, hpjsGoal: 3 },
  { name: "browser GET", bytes: BROWSER_GET, count: quick ? 1_000 : 40_000, hpjsGoal: 3 },
  { name: "chunked POST", bytes: chunkedPost(), count: quick ? 100 : 4_000, hpjsGoal: 1 },
];

// ---- the parsers ----------------------------------------------------------------------

/** Parses `count` copies of one message, as reads of a keep-alive stream. */
type Parser = (bytes: Uint8Array, count: number) => number;

let sink = 0;

const reader: Parser = (bytes, count) => {
  const r = new MessageReader("request");
  let messages = 0;
  for (let i = 0; i < count; i++) {
    r.receive(bytes);
    for (let e = r.next(); e.type !== "need-data"; e = r.next()) {
      if (e.type === "request") sink += e.headers.length;
      else if (e.type === "data") sink += e.data.length;
      else if (e.type === "end") messages++;
    }
  }
  return messages;
};

const connection: Parser = (bytes, count) => {
  const c = new Connection("server");
  let messages = 0;
  for (let i = 0; i < count; i++) {
    c.receive(bytes);
    for (let e = c.nextEvent(); e.type !== "need-data"; e = c.nextEvent()) {
      if (e.type === "request") sink += e.headers.length;
      else if (e.type === "data") sink += e.data.length;
      else if (e.type === "end") messages++;
      else if (e.type === "paused") sink += c.sendMessage({ status: 204 }).length;
    }
  }
  return messages;
};

const oneShot: Parser = (bytes, count) => {
  let messages = 0;
  for (let i = 0; i < count; i++) {
    const result = parseMessages("request", bytes);
    const message = result.messages[0];
    sink += message.headers.length + message.body.length;
    messages += result.messages.length;
  }
  return messages;
};

/** The callback interface llhttp's binding and http-parser-js share. */
interface CallbackParser {
  execute(data: Uint8Array): unknown;
  [callback: number]: unknown;
}
interface ParserClass {
  REQUEST: number;
  kOnHeaders: number;
  kOnHeadersComplete: number;
  kOnBody: number;
  kOnMessageComplete: number;
  kOnExecute: number;
}

/** Runs a parser of the binding's shape, keeping what its callbacks get. */
function callbackParser(make: () => CallbackParser, Class: ParserClass): Parser {
  const NodeBuffer = (require("node:buffer") as {
    Buffer: { from(data: Uint8Array): Uint8Array };
  }).Buffer;
  return (bytes, count) => {
    const parser = make();
    let messages = 0;
    // Callbacks return nothing: a value from kOnHeadersComplete means "skip the body".
    parser[Class.kOnHeaders] = (headers: string[]) => {
      sink += headers.length;
    };
    parser[Class.kOnHeadersComplete] = (
      _major: number,
      _minor: number,
      headers: string[],
      _method: unknown,
      url: string,
    ) => {
      sink += headers.length + url.length;
    };
    parser[Class.kOnBody] = (chunk: Uint8Array, _start?: number, length?: number) => {
      sink += length ?? chunk.length;
    };
    parser[Class.kOnMessageComplete] = () => {
      messages++;
    };
    const input = NodeBuffer.from(bytes); // both read Buffers, as from node:net
    for (let i = 0; i < count; i++) parser.execute(input);
    return messages;
  };
}

function llhttp(): Parser | null {
  if (!onNode) return null; // Deno has no llhttp binding
  try {
    const binding = (process as unknown as { binding(name: string): { HTTPParser: unknown } })
      .binding("http_parser");
    const HTTPParser = binding.HTTPParser as ParserClass & {
      new (): CallbackParser & { initialize(type: number, resource: object): void };
    };
    return callbackParser(
      () => {
        const parser = new HTTPParser();
        parser.initialize(HTTPParser.REQUEST, {});
        return parser;
      },
      HTTPParser,
    );
  } catch {
    return null;
  }
}

function httpParserJs(): Parser {
  const { HTTPParser } = require("http-parser-js") as {
    HTTPParser: ParserClass & { new (type: number): CallbackParser };
  };
  // Reading kOnExecute switches http-parser-js to node's callback arguments (as node:http does).
  if (HTTPParser.kOnExecute === undefined) throw new Error("http-parser-js without kOnExecute");
  return callbackParser(() => new HTTPParser(HTTPParser.REQUEST), HTTPParser);
}

// ---- measuring --------------------------------------------------------------------------

function cpuMicros(): number {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
}

function main(): void {
  // A process-wide deprecation warning for process.binding would land in the output.
  (process as unknown as { noDeprecation: boolean }).noDeprecation = true;
  const parsers: Array<[string, Parser]> = [
    ["reader", reader],
    ["connection", connection],
    ["parseMessages", oneShot],
  ];
  const native = llhttp();
  if (native !== null) parsers.push(["llhttp", native]);
  parsers.push(["http-parser-js", httpParserJs()]);
  console.log(
    `http1_parse on ${onNode ? "node" : "deno"}${
      quick ? " (quick)" : ""
    }: us CPU per message, median of ${rounds} rounds`,
  );
  console.log(`| message | ${parsers.map(([name]) => name).join(" | ")} |`);
  console.log(`| --- | ${parsers.map(() => "---:").join(" | ")} |`);
  for (const message of MESSAGES) {
    const samples = new Map<string, number[]>(parsers.map(([name]) => [name, []]));
    for (const [name, parse] of parsers) { // warm-up, and a check that each parser parses
      const parsed = parse(message.bytes, Math.max(10, message.count >> 4));
      if (parsed !== Math.max(10, message.count >> 4)) {
        throw new Error(`${name} parsed ${parsed} ${message.name} messages`);
      }
    }
    for (let round = 0; round < rounds; round++) {
      // A different parser first each round.
      const order = parsers.map((_, i) => parsers[(i + round) % parsers.length]);
      for (const [name, parse] of order) {
        const start = cpuMicros();
        parse(message.bytes, message.count);
        samples.get(name)?.push((cpuMicros() - start) / message.count);
      }
    }
    console.log(
      `| ${message.name} (${message.bytes.length} B) | ${
        parsers.map(([name]) => median(samples.get(name) ?? []).toFixed(3)).join(" | ")
      } |`,
    );
    const peers: Record<string, number[]> = {};
    if (samples.has("llhttp")) peers.llhttp = samples.get("llhttp") ?? [];
    peers["http-parser-js"] = samples.get("http-parser-js") ?? [];
    for (const name of ["reader", "connection", "parseMessages"]) {
      const goal: Goal | null = name === "reader"
        ? null
        : native !== null
        ? { peer: "llhttp", ratio: 1 }
        : { peer: "http-parser-js", ratio: message.hpjsGoal };
      report("http1_parse", {
        figure: `${message.name}, ${name}`,
        unit: "us CPU/message",
        higherIsBetter: false,
        wirestack: samples.get(name) ?? [],
        peers,
        goal,
      });
    }
  }
  if (sink === -1) console.log(sink);
}

main();
