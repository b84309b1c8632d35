// `wirestack get URL`: a curl-like client on wirestack's own fetch, Agent and
// transport. `-v` and `-i` show the heads as they crossed the wire (a tapped
// transport, cli/get/_tap.ts), not as the client's objects describe them.

import { open, readFile } from "node:fs/promises";
import process from "node:process";
import { nodeTransport, transport } from "../../adapters/mod.ts";
import { Agent, fetch } from "../../http/mod.ts";
import {
  type Command,
  type CommandInput,
  flag,
  stringList,
  stringOption,
  UsageError,
} from "../_command.ts";
import { headObserver } from "../get/_heads.ts";
import { ProgressBar } from "../get/_progress.ts";
import { tapTransport } from "../get/_tap.ts";
import { readStdin, writeStdout } from "../_stdio.ts";
import { CliNetError } from "../_net_errors.ts";

const USER_AGENT = "wirestack/0.1";

/** A network failure, said in one line (exit code 1). */
class GetError extends Error {
  constructor(message: string, readonly code?: string) {
    super(message);
    this.name = "GetError";
  }
}

async function readStdinBytes(): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of readStdin()) chunks.push(chunk);
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

async function dataValue(value: string, binary: boolean): Promise<Uint8Array> {
  if (!value.startsWith("@")) return new TextEncoder().encode(value);
  const path = value.slice(1);
  const bytes = path === "-"
    ? await readStdinBytes()
    : await readFile(path).catch((error: NodeJS.ErrnoException) => {
      throw new GetError(`cannot read ${path}: ${error.code ?? error.message}`);
    });
  if (binary) return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // curl's -d @file: line breaks are removed
  return new Uint8Array(bytes).filter((byte) => byte !== 0x0a && byte !== 0x0d);
}

async function body(input: CommandInput): Promise<Uint8Array | undefined> {
  const parts: Uint8Array[] = [];
  for (const value of stringList(input, "data")) parts.push(await dataValue(value, false));
  for (const value of stringList(input, "data-binary")) parts.push(await dataValue(value, true));
  if (parts.length === 0) return undefined;
  if (parts.length === 1) return parts[0];
  const joined: number[] = [];
  parts.forEach((part, i) => {
    if (i > 0) joined.push(0x26); // "&", as curl joins several -d
    joined.push(...part);
  });
  return new Uint8Array(joined);
}

function headerList(input: CommandInput): { set: [string, string][]; removed: Set<string> } {
  const set: [string, string][] = [];
  const removed = new Set<string>();
  for (const line of stringList(input, "header")) {
    const colon = line.indexOf(":");
    if (colon <= 0) throw new UsageError(`-H needs "Name: value", not "${line}"`);
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (value === "") removed.add(name.toLowerCase());
    else set.push([name, value]);
  }
  return { set, removed };
}

function quote(lines: string, prefix: string): string {
  return lines.split("\r\n").slice(0, -2).map((line) => `${prefix}${line}`).join("\n") + "\n" +
    prefix.trimEnd() + "\n";
}

/** One line for a failed request. */
function networkMessage(url: URL, error: unknown): CliNetError {
  return new CliNetError(`cannot get ${url.protocol}//${url.host}/`, error);
}

/** `wirestack get`. */
export const get: Command = {
  name: "get",
  summary: "make an HTTP request, like curl (-X, -H, -d, -i, -v, -o)",
  help: `usage: wirestack get URL [options]

Sends one HTTP request with wirestack's client and writes the response body to
stdout (or a file). Exits 1 when the request fails on the network (one line
says why), 0 otherwise (any HTTP status, unless --fail).

options:
  -X, --request METHOD     the method (default GET, or POST with -d)
  -H, --header "N: V"      a request header (repeatable; "Content-Type:" drops
                           the form type -d adds)
  -d, --data TEXT          a body (form-encoded unless -H sets Content-Type);
                           @FILE reads it without line breaks, @- from stdin;
                           several -d are joined with "&"
      --data-binary @FILE  a body read as is (@- for stdin)
  -i, --include            print the response head (as received) before the body
  -I, --head               send HEAD and print the response head
  -v, --verbose            print the request and response heads, as sent and
                           received, on stderr
  -o, --output FILE        write the body to FILE, with a progress bar on stderr
  -s, --silent             no progress bar
  -L, --location           follow redirects (at most --max-redirs, default 20)
      --max-redirs N       the most redirects to follow
      --compressed         ask for gzip, deflate or br and decode the body
      --max-time SECONDS   give up after this long (exit 1)
      --fail               exit 1 on an HTTP status of 400 or more
      --cacert FILE        trust the CA certificates in FILE (PEM), and only them,
                           for https
      --insecure           do not verify the server's certificate (https; unsafe:
                           anyone on the path can read and change the exchange)
      --proxy URL          send the request through this HTTP proxy

examples:
  wirestack get -i http://127.0.0.1:8000/
  wirestack get -X PUT -H "Content-Type: application/json" -d '{"a":1}' http://127.0.0.1:8000/api
  wirestack get -o big.iso http://127.0.0.1:8000/big.iso
  wirestack get -v --cacert rootCA.pem https://localhost:8443/`,
  options: {
    request: { type: "string", short: "X" },
    header: { type: "string", short: "H", multiple: true },
    data: { type: "string", short: "d", multiple: true },
    "data-binary": { type: "string", multiple: true },
    include: { type: "boolean", short: "i" },
    head: { type: "boolean", short: "I" },
    verbose: { type: "boolean", short: "v" },
    output: { type: "string", short: "o" },
    silent: { type: "boolean", short: "s" },
    location: { type: "boolean", short: "L" },
    "max-redirs": { type: "string" },
    compressed: { type: "boolean" },
    "max-time": { type: "string" },
    fail: { type: "boolean" },
    cacert: { type: "string" },
    insecure: { type: "boolean" },
    proxy: { type: "string" },
  },
  async run(input) {
    if (input.positionals.length !== 1) {
      throw new UsageError(input.positionals.length === 0 ? "a URL is needed" : "one URL only");
    }
    let url: URL;
    try {
      url = new URL(input.positionals[0]);
    } catch {
      throw new UsageError(`not a URL: "${input.positionals[0]}"`);
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw new UsageError(`only http:// and https:// URLs, not ${url.protocol}//`);
    }
    const maxTime = stringOption(input, "max-time");
    const maxTimeMs = maxTime === undefined ? undefined : Number(maxTime) * 1000;
    if (maxTimeMs !== undefined && !(maxTimeMs > 0)) {
      throw new UsageError(`--max-time needs a number of seconds, not "${maxTime}"`);
    }
    const maxRedirsText = stringOption(input, "max-redirs");
    const maxRedirects = maxRedirsText === undefined ? 20 : Number(maxRedirsText);
    if (!Number.isInteger(maxRedirects) || maxRedirects < 0) {
      throw new UsageError(`--max-redirs needs a whole number, not "${maxRedirsText}"`);
    }
    const proxy = stringOption(input, "proxy");
    if (proxy !== undefined && !URL.canParse(proxy)) {
      throw new UsageError(`--proxy needs a URL (http://host:port), not "${proxy}"`);
    }
    const cacertPath = stringOption(input, "cacert");
    const cacert = cacertPath === undefined
      ? undefined
      : await readFile(cacertPath, "utf8").catch((error: NodeJS.ErrnoException) => {
        throw new GetError(`cannot read ${cacertPath}: ${error.code ?? error.message}`);
      });
    const insecure = flag(input, "insecure");
    // Deno's own TLS cannot turn verification off and adds --cacert to the
    // system's roots; Deno's node:tls does what curl does
    const tlsFeatures = transport.features.tls;
    const base = (insecure && !tlsFeatures.disableVerification) ||
        (cacert !== undefined && !tlsFeatures.caReplacesRoots)
      ? nodeTransport
      : transport;
    const { set, removed } = headerList(input);
    const requestBody = await body(input);
    const headers: [string, string][] = [];
    if (!removed.has("user-agent") && !set.some(([n]) => n.toLowerCase() === "user-agent")) {
      headers.push(["user-agent", USER_AGENT]);
    }
    if (!removed.has("accept") && !set.some(([n]) => n.toLowerCase() === "accept")) {
      headers.push(["accept", "*/*"]);
    }
    if (
      requestBody !== undefined && stringList(input, "data").length > 0 &&
      !set.some(([n]) => n.toLowerCase() === "content-type") && !removed.has("content-type")
    ) {
      headers.push(["content-type", "application/x-www-form-urlencoded"]);
    }
    headers.push(...set);
    const method = stringOption(input, "request") ??
      (flag(input, "head") ? "HEAD" : requestBody === undefined ? "GET" : "POST");

    const verbose = flag(input, "verbose");
    const include = flag(input, "include") || flag(input, "head");
    const stderr = (text: string) => void process.stderr.write(text);
    const stdoutChunks: string[] = [];
    const tapped = tapTransport(
      base,
      headObserver({
        connected(remote, tls) {
          if (!verbose) return;
          if (tls === undefined) return stderr(`* connected to ${remote}\n`);
          const parts = [tls.protocol, tls.cipher, tls.alpnProtocol && `ALPN ${tls.alpnProtocol}`];
          stderr(`* TLS with ${remote}: ${parts.filter(Boolean).join(", ") || "done"}\n`);
        },
        requestHead(head) {
          if (verbose) stderr(quote(head, "> "));
        },
        responseHead(head) {
          if (verbose) stderr(quote(head, "< "));
          if (include) stdoutChunks.push(head);
        },
      }),
    );
    const agent = new Agent({
      keepAlive: false,
      transport: tapped,
      ...(proxy === undefined ? {} : { proxy }),
      tls: {
        ...(cacert === undefined ? {} : { ca: cacert }),
        ...(insecure ? { dangerouslyDisableVerification: true } : {}),
      },
    });
    const signals = [input.signal];
    if (maxTimeMs !== undefined) signals.push(AbortSignal.timeout(maxTimeMs));
    const signal = AbortSignal.any(signals);
    const output = stringOption(input, "output");
    try {
      let response: Response;
      try {
        response = await fetch(url, {
          method,
          headers,
          ...(requestBody === undefined ? {} : { body: requestBody }),
          redirect: flag(input, "location") ? "follow" : "manual",
          maxRedirects,
          decompress: flag(input, "compressed"),
          agent,
          signal,
        });
      } catch (error) {
        if (signal.aborted && !input.signal.aborted) {
          throw new GetError(
            `cannot get ${url.protocol}//${url.host}/: no answer within ${maxTime} s`,
            "ETIMEDOUT",
          );
        }
        throw networkMessage(url, error);
      }
      for (const text of stdoutChunks.splice(0)) await writeStdout(new TextEncoder().encode(text));
      const reader = response.body?.getReader();
      const file = output === undefined ? undefined : await open(output, "w");
      const lengthHeader = response.headers.get("content-length");
      const bar = file === undefined || flag(input, "silent")
        ? undefined
        : new ProgressBar(process.stderr, lengthHeader === null ? undefined : Number(lengthHeader));
      try {
        for (;;) {
          let chunk: ReadableStreamReadResult<Uint8Array> | undefined;
          try {
            chunk = await reader?.read();
          } catch (error) {
            throw networkMessage(url, error);
          }
          if (chunk === undefined || chunk.done) break;
          if (file === undefined) await writeStdout(chunk.value);
          else {
            await file.write(chunk.value);
            bar?.add(chunk.value.length);
          }
        }
      } finally {
        await file?.close();
      }
      if (output !== undefined) bar?.finish(output);
      if (flag(input, "fail") && response.status >= 400) {
        stderr(`wirestack get: ${url.href}: HTTP ${response.status}\n`);
        return 1;
      }
      return 0;
    } finally {
      agent.destroy();
    }
  },
};
