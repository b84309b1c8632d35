// Hostile clients against serve(), beyond the probes and the timeout tests:
// ten thousand requests pipelined in one packet, a client that never reads its
// response, a request body trickled byte by byte, and a flood of endless heads.

import assert from "node:assert/strict";
import * as nodeNet from "node:net";
import { parseMessages } from "../../protocols/http1/mod.ts";
import { serve } from "../../http/mod.ts";
import { runtimeName, test } from "../_harness.ts";
import { probe } from "./_probe.ts";

const rt = runtimeName;
const H = "Host: a\r\n";

function concat(chunks: Uint8Array[]): Uint8Array {
  const bytes = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  return bytes;
}

async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

test(
  `serve hostile (${rt}): 10,000 requests pipelined in one packet are answered in order`,
  async () => {
    const server = serve({ port: 0, hostname: "127.0.0.1" }, (request) => {
      const url = new URL(request.url);
      return request.method === "POST"
        ? request.text().then((body) => new Response(`p${body}`))
        : new Response(url.searchParams.get("i"));
    });
    const { port } = await server.listening;
    const COUNT = 10_000;
    let packet = "";
    for (let i = 0; i < COUNT; i++) {
      packet += i % 5 === 4
        ? `POST / HTTP/1.1\r\n${H}Content-Length: ${String(i).length}\r\n\r\n${i}`
        : `GET /?i=${i} HTTP/1.1\r\n${H}\r\n`;
    }
    const socket = nodeNet.connect({ port, host: "127.0.0.1" });
    const chunks: Uint8Array[] = [];
    let seen = 0;
    let carry = "";
    const done = new Promise<void>((resolve, reject) => {
      socket.on("error", reject);
      socket.on("close", () => reject(new Error(`closed after ${seen} answers`)));
      socket.on("data", (chunk: Uint8Array) => {
        chunks.push(new Uint8Array(chunk));
        let text = carry;
        for (let i = 0; i < chunk.length; i += 8192) {
          text += String.fromCharCode(...chunk.subarray(i, i + 8192));
        }
        // answers counted by their status lines; the whole is parsed at the end
        seen += text.split("HTTP/1.1 200 OK\r\n").length - 1;
        carry = text.slice(-16);
        if (seen >= COUNT) resolve();
      });
    });
    socket.write(packet);
    try {
      await done;
    } finally {
      socket.destroy();
      await server.shutdown();
      await server.finished;
    }
    const { messages, error } = parseMessages("response", concat(chunks));
    assert.equal(error, null);
    assert.equal(messages.length, COUNT);
    const decoder = new TextDecoder();
    messages.forEach((message, i) => {
      const body = decoder.decode(message.body);
      assert.equal(body, i % 5 === 4 ? `p${i}` : String(i), `answer ${i}`);
    });
  },
  { timeout: 60_000 },
);

test(`serve hostile (${rt}): a client that never reads: bounded buffering, closed at idleTimeout`, async () => {
  let pulled = 0;
  let cancelled = false;
  let aborted = false;
  let open = 0;
  const server = serve({ port: 0, hostname: "127.0.0.1", idleTimeout: 500 }, (request) => {
    request.signal.addEventListener("abort", () => (aborted = true));
    return new Response(
      new ReadableStream<Uint8Array>({
        pull(controller) {
          pulled++;
          controller.enqueue(new Uint8Array(65536).fill(97)); // an endless body
        },
        cancel() {
          cancelled = true;
        },
      }),
    );
  });
  server.on("connection", (socket) => {
    open++;
    socket.on("close", () => open--);
  });
  const { port } = await server.listening;
  const socket = nodeNet.connect({ port, host: "127.0.0.1" });
  socket.on("error", () => {});
  try {
    await new Promise((resolve) => socket.once("connect", resolve));
    socket.pause();
    socket.write(`GET / HTTP/1.1\r\n${H}\r\n`);
    await until(() => open === 1, 5_000, "the connection");
    await until(() => open === 0, 10_000, "the server to close the stalled connection");
    assert.ok(cancelled, "the response stream was cancelled");
    assert.ok(aborted, "the request's signal aborted");
    // what the kernel buffers on loopback, plus the server's own bounded queue
    assert.ok(pulled * 64 < 16 * 1024, `${pulled * 64} KiB pulled for a client that never read`);
  } finally {
    socket.destroy();
    await server.shutdown();
    await server.finished;
  }
});

test(`serve hostile (${rt}): a body trickled a byte at a time is cut at requestTimeout`, async () => {
  const server = serve(
    { port: 0, hostname: "127.0.0.1", requestTimeout: 400, headersTimeout: 300 },
    async (request) => new Response(await request.text()),
  );
  server.on("error", () => {});
  const { port } = await server.listening;
  try {
    const steps: Array<string | { wait: number }> = [
      `POST / HTTP/1.1\r\n${H}Content-Length: 1000\r\n\r\n`,
    ];
    for (let i = 0; i < 150; i++) steps.push("x", { wait: 20 });
    const result = await probe(port, steps, { deadline: 3000 });
    assert.equal(result.responses[0]?.status, 408, result.text);
    assert.ok(result.closed);
    assert.ok(result.ms < 400 + 1500, `cut after ${result.ms} ms`);
  } finally {
    await server.shutdown();
    await server.finished;
  }
});

test(
  `serve hostile (${rt}): 100 clients flooding endless header lines get 431; others are served`,
  async () => {
    const server = serve({ port: 0, hostname: "127.0.0.1" }, () => new Response("ok"));
    const { port } = await server.listening;
    const flood = `GET / HTTP/1.1\r\n${H}${
      "X-Flood: yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy\r\n".repeat(25_000)
    }`;
    try {
      const floods = Array.from({ length: 100 }, () => probe(port, flood, { deadline: 5000 }));
      const normal = probe(port, `GET / HTTP/1.1\r\n${H}\r\n`, { responses: 1 });
      const results = await Promise.all(floods);
      for (const result of results) {
        assert.equal(result.responses[0]?.status, 431, result.text.slice(0, 200));
        assert.ok(result.closed);
      }
      assert.equal((await normal).responses[0]?.status, 200);
    } finally {
      await server.shutdown();
      await server.finished;
    }
  },
  { timeout: 60_000 },
);
