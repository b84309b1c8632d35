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

/** The same routes as `routes()` for the chapter's face (those the interop tests use). */
export function chapterRoutes(
  req: import("../../http/mod.ts").IncomingMessage,
  res: import("../../http/mod.ts").ServerResponse,
): void {
  const url = new URL(req.url, "http://x");
  switch (url.pathname) {
    case "/":
      res.setHeader("Content-Type", "text/plain;charset=UTF-8");
      res.end("hello");
      return;
    case "/echo":
    case "/length": {
      const chunks: Uint8Array[] = [];
      let size = 0;
      req.on("data", (chunk) => {
        const bytes = chunk as Uint8Array;
        chunks.push(bytes);
        size += bytes.length;
      });
      req.on("end", () => {
        if (url.pathname === "/length") res.end(String(size));
        else {
          res.writeHead(200, { "Content-Type": "application/octet-stream" });
          for (const chunk of chunks) res.write(chunk);
          res.end();
        }
      });
      return;
    }
    case "/method":
      res.end(req.method);
      return;
    case "/big":
      res.end("a".repeat(Number(url.searchParams.get("n") ?? 1000)));
      return;
    default:
      if (PAGES[url.pathname] !== undefined) {
        const [type, body] = PAGES[url.pathname];
        res.writeHead(200, { "Content-Type": type });
        res.end(body);
        return;
      }
      res.statusCode = 404;
      res.end("not found");
  }
}

/** A small site for browsers: a page, its script, and an API the script calls. */
export const PAGES: Record<string, [type: string, body: string]> = {
  "/page.html": [
    "text/html;charset=UTF-8",
    `<!doctype html><html><head><title>loading</title><script src="/app.js"></script></head>` +
    `<body><p id="out">...</p></body></html>`,
  ],
  "/app.js": [
    "text/javascript",
    `addEventListener("DOMContentLoaded", async () => {
      const get = await (await fetch("/api/data?x=1")).json();
      const post = await (await fetch("/api/echo", { method: "POST", body: "x".repeat(100000) })).text();
      const many = await Promise.all(Array.from({ length: 20 }, (_, i) => fetch("/api/data?x=" + i).then((r) => r.json())));
      document.title = "done " + get.x + " " + post.length + " " + many.map((m) => m.x).join(",");
    });`,
  ],
};

/** The web face's version of the site: `PAGES` plus the API, then the plain routes. */
export function siteRoutes(): (request: Request) => Promise<Response> {
  const plain = routes();
  return async (request) => {
    const url = new URL(request.url);
    if (PAGES[url.pathname] !== undefined) {
      const [type, body] = PAGES[url.pathname];
      return new Response(body, { headers: { "content-type": type } });
    }
    if (url.pathname === "/api/data") return Response.json({ x: url.searchParams.get("x") });
    if (url.pathname === "/api/echo") return new Response(await request.text());
    return await plain(request);
  };
}

/** The chapter face's version of the site. */
export function chapterSite(
  req: import("../../http/mod.ts").IncomingMessage,
  res: import("../../http/mod.ts").ServerResponse,
): void {
  const url = new URL(req.url, "http://x");
  if (url.pathname === "/api/data") {
    res.setHeader("Content-Type", "application/json");
    res.end(JSON.stringify({ x: url.searchParams.get("x") }));
    return;
  }
  if (url.pathname === "/api/echo") {
    req.pipe(res);
    return;
  }
  chapterRoutes(req, res);
}

/** Starts both faces with the site; the callback gets each in turn. */
export async function eachFace(
  fn: (face: "serve" | "createServer", port: number) => Promise<void>,
): Promise<void> {
  const web = serve({ port: 0, hostname: "127.0.0.1" }, siteRoutes());
  const { port } = await web.listening;
  try {
    await fn("serve", port);
  } finally {
    await web.close();
  }
  const chapter = await startChapter({}, chapterSite);
  try {
    await fn("createServer", chapter.port);
  } finally {
    await stopChapter(chapter.server);
  }
}
