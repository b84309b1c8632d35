// request() and fetch() against Deno.serve (Deno only: it is Deno's own server).

import assert from "node:assert/strict";
import { Agent, type ClientResponse, fetch, request } from "../../http/mod.ts";
import { isDeno, test } from "../_harness.ts";
import { settle } from "./_client_helpers.ts";

interface DenoServe {
  serve(
    options: { port: number; hostname: string; onListen?: () => void },
    handler: (request: Request) => Response | Promise<Response>,
  ): { addr: { port: number }; shutdown(): Promise<void>; finished: Promise<void> };
}

const skip = isDeno ? false : "Deno.serve exists only in Deno";

async function withDenoServe(
  handler: (request: Request) => Response | Promise<Response>,
  body: (origin: string, agent: Agent) => Promise<void>,
): Promise<void> {
  const deno = (globalThis as unknown as { Deno: DenoServe }).Deno;
  const server = deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, handler);
  const agent = new Agent({ maxSockets: 8 });
  try {
    await body(`http://127.0.0.1:${server.addr.port}`, agent);
  } finally {
    agent.destroy();
    await server.shutdown();
    await settle();
  }
}

test("fetch -> Deno.serve: GET, POST echo, HEAD, 204, redirect, keep-alive", async () => {
  await withDenoServe(async (req) => {
    const url = new URL(req.url);
    if (url.pathname === "/204") return new Response(null, { status: 204 });
    if (url.pathname === "/old") return Response.redirect(new URL("/new", url), 308);
    const body = await req.text();
    return new Response(`${req.method} ${url.pathname} ${body}`, {
      headers: { "x-seen": req.headers.get("x-custom") ?? "-" },
    });
  }, async (origin, agent) => {
    const get = await fetch(`${origin}/a`, { agent, headers: { "x-custom": "c" } });
    assert.equal(await get.text(), "GET /a ");
    assert.equal(get.headers.get("x-seen"), "c");
    const post = await fetch(`${origin}/p`, { agent, method: "POST", body: "data" });
    assert.equal(await post.text(), "POST /p data");
    const head = await fetch(`${origin}/h`, { agent, method: "HEAD" });
    assert.equal(head.status, 200);
    assert.equal(await head.text(), "");
    assert.equal((await fetch(`${origin}/204`, { agent })).status, 204);
    const moved = await fetch(`${origin}/old`, { agent, method: "PUT", body: "kept" });
    assert.equal(await moved.text(), "PUT /new kept");
    assert.equal(agent.stats().created, 1, "one connection for all of them");
  });
}, { skip });

test("fetch -> Deno.serve: a streamed response body, read as it comes; gzip decoded", async () => {
  await withDenoServe((req) => {
    if (new URL(req.url).pathname === "/gzip") {
      const gzip = new Blob(["zipped text ".repeat(100)]).stream().pipeThrough(
        new CompressionStream("gzip"),
      );
      return new Response(gzip, { headers: { "content-encoding": "gzip" } });
    }
    let n = 0;
    const stream = new ReadableStream<Uint8Array>({
      async pull(controller) {
        await new Promise((resolve) => setTimeout(resolve, 2));
        if (n++ === 5) controller.close();
        else controller.enqueue(new TextEncoder().encode(`part${n};`));
      },
    });
    return new Response(stream);
  }, async (origin, agent) => {
    const response = await fetch(`${origin}/stream`, { agent });
    const parts: string[] = [];
    for await (const chunk of response.body as ReadableStream<Uint8Array>) {
      parts.push(new TextDecoder().decode(chunk));
    }
    assert.equal(parts.join(""), "part1;part2;part3;part4;part5;");
    assert.equal(
      await (await fetch(`${origin}/gzip`, { agent })).text(),
      "zipped text ".repeat(100),
    );
  });
}, { skip });

test("request -> Deno.serve: events, headers object and a streamed upload", async () => {
  await withDenoServe(async (req) => {
    const bytes = new Uint8Array(await req.arrayBuffer());
    return new Response(`${req.method} ${bytes.length}`, { headers: { "set-cookie": "a=1" } });
  }, async (origin, agent) => {
    const req = request(`${origin}/up`, { agent, method: "POST" });
    for (let i = 0; i < 8; i++) req.write(new Uint8Array(100_000));
    req.end();
    const response = await new Promise<ClientResponse>((resolve) => req.on("response", resolve));
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.headers["set-cookie"], ["a=1"]);
    assert.equal(await response.text(), "POST 800000");
  });
}, { skip });
