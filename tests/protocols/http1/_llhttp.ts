// Node's own HTTP parser, llhttp, through `process.binding("http_parser")`
// (Node only; strict mode, no leniency flags), read into the shape of
// `parseMessages`, for differential tests: the messages it completed, the error
// it stopped with, and whether it stopped at an upgrade (CONNECT, a 101, a 2xx
// answer to CONNECT, an Upgrade request), after which the bytes are not HTTP.

import { Buffer } from "node:buffer";
import process from "node:process";
import { isDeno } from "../../_harness.ts";
import { latin1 } from "./_split.ts";

/** A message as both parsers report it. */
export interface Seen {
  method?: string;
  target?: string;
  status?: number;
  reason?: string;
  version: string;
  headers: Array<[string, string]>;
  trailers: Array<[string, string]>;
  body: string;
  /** Null where the comparison leaves it out. */
  keepAlive: boolean | null;
}

interface NodeParser {
  initialize(type: number, resource: object, maxHeaderSize?: number, lenient?: number): void;
  execute(data: Uint8Array): number | Error;
  finish(): number | Error | undefined;
  [key: number]: unknown;
}

/** The binding's parser class and method table. */
export interface Binding {
  HTTPParser: {
    new (): NodeParser;
    REQUEST: number;
    RESPONSE: number;
    kOnHeaders: number;
    kOnHeadersComplete: number;
    kOnBody: number;
    kOnMessageComplete: number;
    kOnExecute: number;
  };
  methods: string[];
}

/** The binding, or null where there is none (Deno). */
export function binding(): Binding | null {
  if (isDeno) return null;
  const get = (process as unknown as { binding?: (name: string) => unknown }).binding;
  if (typeof get !== "function") return null;
  (process as unknown as { noDeprecation: boolean }).noDeprecation = true;
  return get("http_parser") as Binding;
}

function pairs(flat: string[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (let i = 0; i < flat.length; i += 2) out.push([flat[i], flat[i + 1]]);
  return out;
}

/** What llhttp made of a stream. */
export interface LlhttpResult {
  messages: Seen[];
  /** llhttp's error code (`HPE_...`), or null. */
  error: string | null;
  /** It stopped at an upgrade: what follows the last head is not HTTP. */
  upgraded: boolean;
}

/**
 * Parses `data` with llhttp as one stream that ends after it. For responses,
 * `methods` names the request each final response answers (HEAD has no body;
 * a 2xx to CONNECT opens a tunnel), as a client tells llhttp.
 */
export function llhttp(
  node: Binding,
  kind: "request" | "response",
  data: Uint8Array,
  methods: readonly string[] = ["GET"],
): LlhttpResult {
  const { HTTPParser } = node;
  const parser = new HTTPParser();
  parser.initialize(kind === "request" ? HTTPParser.REQUEST : HTTPParser.RESPONSE, {}, 0, 0);
  const messages: Seen[] = [];
  let current: Seen | null = null;
  let pending: string[] = [];
  let pendingUrl = "";
  let answered = 0;
  let upgraded = false;
  parser[HTTPParser.kOnHeaders] = (fields: string[], url: string) => {
    pending.push(...fields);
    // a flush of trailers repeats the finished message's URL: only a head's URL counts
    if (current === null) pendingUrl += url;
  };
  parser[HTTPParser.kOnHeadersComplete] = (
    major: number,
    minor: number,
    fields: string[] | undefined,
    method: number,
    url: string | undefined,
    status: number,
    reason: string | undefined,
    upgrade: boolean,
    keepAlive: boolean,
  ) => {
    current = {
      version: `${major}.${minor}`,
      headers: pairs([...pending, ...(fields ?? [])]),
      trailers: [],
      body: "",
      keepAlive,
    };
    pending = [];
    if (kind === "request") {
      current.method = node.methods[method];
      current.target = pendingUrl + (url ?? "");
      pendingUrl = "";
      if (upgrade) upgraded = true;
      return 0;
    }
    current.status = status;
    current.reason = reason ?? "";
    const requestMethod = methods[Math.min(answered, methods.length - 1)];
    // llhttp decides keep-alive before this callback tells it the response has
    // no body, so a HEAD answer without Content-Length reads as "until close"
    if (requestMethod === "HEAD") current.keepAlive = null;
    if (status >= 200) answered++;
    if (status === 101 || (requestMethod === "CONNECT" && status >= 200 && status < 300)) {
      upgraded = true;
      return 2; // the tunnel or new protocol starts after the head
    }
    return requestMethod === "HEAD" ? 1 : 0; // 1: no body
  };
  parser[HTTPParser.kOnBody] = (chunk: Uint8Array) => {
    current!.body += latin1(chunk);
  };
  parser[HTTPParser.kOnMessageComplete] = () => {
    current!.trailers = pairs(pending);
    pending = [];
    messages.push(current!);
    current = null;
  };
  parser[HTTPParser.kOnExecute] = () => {};
  const result = parser.execute(Buffer.from(data));
  if (typeof result !== "number") {
    return { messages, error: (result as { code?: string }).code ?? "?", upgraded };
  }
  if (upgraded) return { messages, error: null, upgraded };
  const end = parser.finish();
  if (end instanceof Error) {
    return { messages, error: (end as { code?: string }).code ?? "?", upgraded };
  }
  return { messages, error: null, upgraded };
}
