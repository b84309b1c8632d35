// The servers the HTTP tests probe: a few plain routes on `serve()` (and the
// same on `createServer`), on 127.0.0.1 and a free port.

import { createServer, type HttpServer, serve, type ServeOptions } from "../../http/mod.ts";
import type { Server, ServerOptions } from "../../http/mod.ts";
import { once } from "../../net/mod.ts";

const encoder = new TextEncoder();

/**
 * The routes:
 * - `/` "hello"; `/echo` the body back; `/length` the body's length;
 *   `/ignore` "ignored" without reading the body;
 * - `/stream` three chunks from a stream; `/big?n=N` N bytes of "a";
 * - `/slow?ms=N` answers after N ms; `/never` never answers;
 * - `/status/N` status N, no body; `/method` the method; `/url` the URL;
 * - `/throw` throws; `/header?name=x` the value of a request header;
 * - `/signal` waits for the request's signal and records its reason.
 */
export function routes(events: string[] = []): (request: Request) => Promise<Response> {
  return async (request: Request): Promise<Response> => {
    const url = new URL(request.url, "http://x");
    const path = url.pathname;
    if (path === "/echo") return new Response(await request.arrayBuffer());
    if (path === "/length") return new Response(String((await request.arrayBuffer()).byteLength));
    if (path === "/ignore") return new Response("ignored");
    if (path === "/stream") {
      return new Response(
        new ReadableStream({
          start(controller) {
            controller.enqueue(encoder.encode("one,"));
            controller.enqueue(encoder.encode("two,"));
            controller.enqueue(encoder.encode("three"));
            controller.close();
          },
        }),
      );
    }
    if (path === "/big") return new Response("a".repeat(Number(url.searchParams.get("n") ?? 1000)));
    if (path === "/slow") {
      await new Promise((r) => setTimeout(r, Number(url.searchParams.get("ms") ?? 100)));
      return new Response("slow");
    }
    if (path === "/never") {
      await new Promise<void>((resolve) =>
        request.signal.addEventListener("abort", () => resolve())
      );
      events.push("never aborted");
      return new Response("too late");
    }
    if (path.startsWith("/status/")) return new Response(null, { status: Number(path.slice(8)) });
    if (path === "/method") return new Response(request.method);
    if (path === "/url") return new Response(request.url);
    if (path === "/throw") throw new Error("handler failure");
    if (path === "/header") {
      return new Response(request.headers.get(url.searchParams.get("name") ?? "") ?? "(none)");
    }
    if (path === "/") return new Response("hello");
    return new Response("not found", { status: 404 });
  };
}

/** A `serve()` server with the routes and short timeouts; resolves once it listens. */
export async function startServe(
  options: ServeOptions = {},
  events: string[] = [],
): Promise<{ server: HttpServer; port: number; events: string[] }> {
  const server = serve({ port: 0, hostname: "127.0.0.1", ...options }, routes(events));
  server.on("error", () => {}); // handler failures (the /throw route) are expected
  const { port } = await server.listening;
  return { server, port, events };
}

/** A `createServer` server answering every request with `text`. */
export async function startChapter(
  options: ServerOptions,
  handler: Parameters<typeof createServer>[1],
): Promise<{ server: Server; port: number }> {
  const server = createServer(options, handler);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return { server, port: (server.address() as { port: number }).port };
}

/** Closes a chapter server and waits for its `close`. */
export async function stopChapter(server: Server): Promise<void> {
  const closed = once(server, "close");
  server.close();
  server.closeAllConnections();
  await closed;
}
