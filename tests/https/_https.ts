// Helpers for the HTTPS tests: wirestack HTTPS servers on both faces with the
// test PKI, PEM files for peers that read them, and a peer process that
// serves until its stdin closes.

import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import type { Server } from "../../http/mod.ts";
import {
  type HttpServer,
  serve,
  type ServeHandler,
  type ServeHandlerInfo,
  type ServeOptions,
} from "../../http/mod.ts";
import { createServer, type ServerOptions } from "../../https/mod.ts";
import { type AddressInfo, once } from "../../net/mod.ts";
import { type Pki, pki } from "../tls/_pki.ts";
import { PAGES } from "../http/_servers.ts";

/** The HTTPS peers' program (tests/fixtures/https_peer.mjs). */
export const PEER: string = fileURLToPath(new URL("../fixtures/https_peer.mjs", import.meta.url));

/** The web handler of the test site: `/`, `/echo`, `/tls`, and the Chromium pages. */
export const siteHandler: ServeHandler = async (
  request: Request,
  info: ServeHandlerInfo,
): Promise<Response> => {
  const url = new URL(request.url);
  if (url.pathname === "/echo" || url.pathname === "/api/echo") {
    return new Response(await request.arrayBuffer());
  }
  if (url.pathname === "/tls") {
    return Response.json({ encrypted: info.encrypted, alpn: info.tls?.alpnProtocol ?? null });
  }
  const page = PAGES[url.pathname];
  if (page !== undefined) return new Response(page[1], { headers: { "content-type": page[0] } });
  if (url.pathname === "/api/data") return Response.json({ x: url.searchParams.get("x") });
  return new Response(`hello over ${url.protocol}`);
};

/** A running wirestack HTTPS server of either face. */
export interface Site {
  face: "serve" | "https.createServer";
  port: number;
  close(): Promise<void>;
}

/** Starts `serve({ tls })` on 127.0.0.1 with the test PKI's localhost certificate. */
export async function startServe(
  extra: Partial<ServeOptions> = {},
  handler: ServeHandler = siteHandler,
): Promise<Site & { server: HttpServer }> {
  const { server: issued } = await pki();
  const server = serve({
    port: 0,
    hostname: "127.0.0.1",
    tls: { cert: issued.chain, key: issued.key },
    ...extra,
  }, handler);
  const { port } = await server.listening;
  return { face: "serve", server, port, close: () => server.shutdown() };
}

/** Starts `https.createServer` on 127.0.0.1 with the test PKI's localhost certificate. */
export async function startChapter(
  extra: Partial<ServerOptions> = {},
  setup?: (server: Server) => void,
): Promise<Site & { server: Server }> {
  const { server: issued } = await pki();
  const server = createServer({ cert: issued.chain, key: issued.key, ...extra }, (req, res) => {
    if (req.url === "/echo" || req.url === "/api/echo") {
      const chunks: Uint8Array[] = [];
      req.on("data", (chunk) => chunks.push(chunk as Uint8Array));
      req.on("end", () => res.end(concat(chunks)));
      return;
    }
    if (req.url === "/tls") {
      const tls = req.socket.tls;
      res.end(JSON.stringify({ encrypted: req.socket.encrypted, alpn: tls?.alpnProtocol ?? null }));
      return;
    }
    const path = req.url?.split("?")[0] ?? "/";
    const page = PAGES[path];
    if (page !== undefined) {
      res.writeHead(200, { "content-type": page[0] });
      res.end(page[1]);
      return;
    }
    if (path === "/api/data") {
      const x = new URL(req.url ?? "/", "https://x").searchParams.get("x");
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ x }));
      return;
    }
    res.end("hello over https:");
  });
  setup?.(server);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    face: "https.createServer",
    server,
    port,
    close: async () => {
      const closed = once(server, "close");
      server.close();
      await closed;
    },
  };
}

/** Runs `body` against each face in turn, closing each server after. */
export async function eachHttpsFace(body: (site: Site) => Promise<void>): Promise<void> {
  for (const start of [startServe, startChapter]) {
    const site = await start();
    try {
      await body(site);
    } finally {
      await site.close();
    }
  }
}

/** The test PKI written to files (root, chain, key ...) in a fresh directory; `remove()` after. */
export async function pkiFiles(): Promise<
  { pki: Pki; dir: string; ca: string; cert: string; key: string; remove(): void }
> {
  const made = await pki();
  const dir = mkdtempSync(join(tmpdir(), "wirestack-https-"));
  const write = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  return {
    pki: made,
    dir,
    ca: write("ca.pem", made.root),
    cert: write("cert.pem", made.server.chain),
    key: write("key.pem", made.server.key),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A peer server process (node:https or Deno.serve) that serves until `stop()`. */
export async function startPeerServer(
  command: string,
  args: string[],
): Promise<{ port: number; stop(): Promise<void> }> {
  const child: ChildProcess = spawn(command, args, {
    stdio: ["pipe", "pipe", "pipe"],
    env: { ...process.env, NO_COLOR: "1" },
  });
  const exited = new Promise<void>((resolve) => child.once("close", () => resolve()));
  const line = await new Promise<string>((resolve, reject) => {
    let text = "";
    let errors = "";
    child.stdout?.on("data", (chunk: Uint8Array) => {
      text += new TextDecoder().decode(chunk);
      const end = text.indexOf("\n");
      if (end >= 0) resolve(text.slice(0, end));
    });
    child.stderr?.on("data", (chunk: Uint8Array) => (errors += new TextDecoder().decode(chunk)));
    child.once("exit", (code) => reject(new Error(`peer exited (${code}): ${errors}`)));
  });
  return {
    port: JSON.parse(line).port,
    stop: async () => {
      child.stdin?.end();
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
