/**
 * One HTTP server for `http_server.ts`, in a process of its own: prints
 * `{"port": N}` once listening and serves until its stdin closes. Every
 * variant answers `GET /` with the same 13 bytes ("Hello, World!") and
 * `GET /big` with the same 1 MiB, `Content-Type: text/plain`, from the same
 * handler code for each face:
 *
 * - the chapter's `(req, res)`: node:http, wirestack `createServer`;
 * - the web `(request) => Response`: wirestack `serve`, `@hono/node-server`
 *   (`fetch` handler), `Deno.serve`;
 * - raw sockets: `node:net` / `Deno.listen`, answering each request head with
 *   a canned response (the ceiling: no HTTP parsing at all).
 *
 * Run: `node npm/esm/scripts/bench/_http_server_child.js <variant>` or
 * `deno run -A scripts/bench/_http_server_child.ts <variant>`.
 *
 * @module
 */

import * as nodeHttp from "node:http";
import * as nodeNet from "node:net";
import process from "node:process";
import { createServer, serve } from "../../http/mod.ts";

interface DenoConnLike {
  read(p: Uint8Array): Promise<number | null>;
  write(p: Uint8Array): Promise<number>;
  close(): void;
}
interface DenoLike {
  listen(options: { port: number; hostname: string }): AsyncIterable<DenoConnLike> & {
    addr: { port: number };
  };
  serve(
    options: { port: number; hostname: string; onListen(addr: { port: number }): void },
    handler: (request: Request) => Response,
  ): unknown;
}
const deno = (globalThis as { Deno?: DenoLike }).Deno;

const HOST = "127.0.0.1";
const SMALL = new TextEncoder().encode("Hello, World!");
const BIG = new Uint8Array(1 << 20).fill(0x61);

function ready(port: number): void {
  process.stdout.write(`${JSON.stringify({ port })}\n`);
}

/** The web handler, the same for every web variant. */
function webHandler(request: Request): Response {
  const big = request.url.endsWith("/big");
  return new Response(big ? BIG : SMALL, { headers: { "content-type": "text/plain" } });
}

/** The chapter's handler, the same for node:http and wirestack. */
function chapterHandler(
  req: { url?: string },
  res: {
    writeHead(status: number, headers: Record<string, string>): unknown;
    end(body: Uint8Array): unknown;
  },
): void {
  res.writeHead(200, { "Content-Type": "text/plain" });
  res.end(req.url === "/big" ? BIG : SMALL);
}

function cannedResponse(body: Uint8Array): Uint8Array {
  const head = new TextEncoder().encode(
    `HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\n\r\n`,
  );
  const out = new Uint8Array(head.length + body.length);
  out.set(head);
  out.set(body, head.length);
  return out;
}

/** Counts request heads (CRLFCRLF) in a chunk, carrying a cut terminator over. */
class HeadCounter {
  #state = 0;
  #big = false;
  bigs: boolean[] = [];
  count(chunk: Uint8Array): number {
    let n = 0;
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i];
      if (byte === 0x62 && this.#state === 0 && chunk[i - 1] === 0x2f) this.#big = true; // "/b"
      if (byte === (this.#state % 2 === 0 ? 0x0d : 0x0a)) {
        if (++this.#state === 4) {
          this.#state = 0;
          this.bigs.push(this.#big);
          this.#big = false;
          n++;
        }
      } else this.#state = byte === 0x0d ? 1 : 0;
    }
    return n;
  }
}

async function main(): Promise<void> {
  const variant = process.argv[2] ?? (globalThis as { Deno?: { args: string[] } }).Deno?.args[0];
  switch (variant) {
    case "wirestack-create": {
      const server = createServer(chapterHandler);
      server.listen(0, HOST, () => ready((server.address() as { port: number }).port));
      break;
    }
    case "wirestack-serve": {
      const server = serve({ port: 0, hostname: HOST }, webHandler);
      ready((await server.listening).port);
      break;
    }
    case "node-http": {
      const server = nodeHttp.createServer(chapterHandler);
      server.listen(0, HOST, () => ready((server.address() as nodeNet.AddressInfo).port));
      break;
    }
    case "hono": {
      const { serve: honoServe } = await import("@hono/node-server");
      const server = honoServe(
        { fetch: webHandler, port: 0, hostname: HOST },
        (info) => ready(info.port),
      );
      void server;
      break;
    }
    case "node-net": {
      const small = cannedResponse(SMALL);
      const big = cannedResponse(BIG);
      const server = nodeNet.createServer({ noDelay: true }, (socket) => {
        const counter = new HeadCounter();
        socket.on("data", (chunk: Uint8Array) => {
          const n = counter.count(chunk);
          for (let i = 0; i < n; i++) socket.write(counter.bigs.shift() ? big : small);
        });
        socket.on("error", () => {});
      });
      server.listen(0, HOST, () => ready((server.address() as nodeNet.AddressInfo).port));
      break;
    }
    case "deno-serve": {
      (deno as DenoLike).serve(
        { port: 0, hostname: HOST, onListen: (addr) => ready(addr.port) },
        webHandler,
      );
      break;
    }
    case "deno-raw": {
      const small = cannedResponse(SMALL);
      const big = cannedResponse(BIG);
      const listener = (deno as DenoLike).listen({ port: 0, hostname: HOST });
      ready(listener.addr.port);
      void (async () => {
        for await (const conn of listener) {
          (async () => {
            const buffer = new Uint8Array(65536);
            const counter = new HeadCounter();
            try {
              for (let n = await conn.read(buffer); n !== null; n = await conn.read(buffer)) {
                const heads = counter.count(buffer.subarray(0, n));
                for (let i = 0; i < heads; i++) {
                  const response = counter.bigs.shift() ? big : small;
                  for (let at = 0; at < response.length;) {
                    at += await conn.write(response.subarray(at));
                  }
                }
              }
            } catch {
              // the client went away
            }
            try {
              conn.close();
            } catch {
              // closed
            }
          })();
        }
      })();
      break;
    }
    default:
      throw new Error(`unknown variant ${variant}`);
  }
  // "mem" on stdin: collect garbage, then print the memory in use.
  let pending = "";
  process.stdin.on("data", async (chunk: Uint8Array) => {
    pending += new TextDecoder().decode(chunk);
    while (pending.includes("\n")) {
      const line = pending.slice(0, pending.indexOf("\n")).trim();
      pending = pending.slice(pending.indexOf("\n") + 1);
      if (line !== "mem") continue;
      for (let i = 0; i < 3; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        (globalThis as { gc?: () => void }).gc?.();
      }
      const usage = process.memoryUsage();
      process.stdout.write(
        `${JSON.stringify({ rss: usage.rss, heap: usage.heapUsed + usage.external })}\n`,
      );
    }
  });
  process.stdin.on("end", () => process.exit(0));
}

await main();
