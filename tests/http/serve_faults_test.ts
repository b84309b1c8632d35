// Faults around serve(): running out of file descriptors at accept (EMFILE),
// clients that reset mid-head and mid-body or vanish.

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as nodeNet from "node:net";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { runtimeName, test } from "../_harness.ts";
import { serve } from "../../http/mod.ts";
import { parseMessages } from "../../protocols/http1/mod.ts";
import { bodyText, probe } from "./_probe.ts";

const rt = runtimeName;
const H = "Host: a\r\n";

/** Starts `_emfile_server` under a limit of `files` open files; resolves with its port. */
function startLimited(files: number) {
  const deno = (globalThis as { Deno?: { execPath(): string } }).Deno;
  const file = fileURLToPath(
    new URL(`./_emfile_server${deno !== undefined ? ".ts" : ".js"}`, import.meta.url),
  );
  const command = deno !== undefined
    ? [deno.execPath(), "run", "-A", file]
    : [process.execPath, file];
  const child = spawn("prlimit", [`--nofile=${files}:${files}`, "--", ...command], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  let text = "";
  const lines: string[] = [];
  let wake: (() => void) | null = null;
  child.stdout.on("data", (chunk: Uint8Array) => {
    text += new TextDecoder().decode(chunk);
    let at;
    while ((at = text.indexOf("\n")) >= 0) {
      lines.push(text.slice(0, at));
      text = text.slice(at + 1);
    }
    wake?.();
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  const next = async (): Promise<Record<string, number>> => {
    while (lines.length === 0) {
      const woke = new Promise<void>((resolve) => (wake = resolve));
      const code = await Promise.race([woke, exited.then((code) => code ?? -1)]);
      if (typeof code === "number") throw new Error(`the server exited (${code})`);
    }
    return JSON.parse(lines.shift()!);
  };
  return { child, next, exited };
}

async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function get(port: number): Promise<"ok" | "closed"> {
  return new Promise((resolve) => {
    const socket = nodeNet.connect({ port, host: "127.0.0.1" });
    let text = "";
    socket.on("error", () => {});
    socket.on("data", (chunk: Uint8Array) => {
      text += new TextDecoder().decode(chunk);
      if (text.endsWith("\r\n\r\nok")) {
        socket.destroy();
        resolve("ok");
      }
    });
    socket.on("close", () => resolve(text.endsWith("ok") ? "ok" : "closed"));
    socket.write(`GET / HTTP/1.1\r\n${H}\r\n`);
  });
}

test(
  `serve faults (${rt}): out of file descriptors at accept (EMFILE): the server lives and serves on`,
  async () => {
    const server = startLimited(64);
    try {
      const { port } = await server.next();
      // hold more connections open than the server can have files
      const held: nodeNet.Socket[] = [];
      for (let i = 0; i < 80; i++) {
        const socket = nodeNet.connect({ port, host: "127.0.0.1" });
        socket.on("error", () => {});
        held.push(socket);
      }
      await Promise.all(held.map((s) =>
        new Promise((resolve) => {
          s.once("connect", resolve);
          s.once("close", resolve);
        })
      ));
      // meanwhile a request either waits in the accept queue or is closed: never a crash
      const during = get(port);
      await new Promise((resolve) => setTimeout(resolve, 300));
      for (const socket of held) socket.destroy();
      assert.ok(["ok", "closed"].includes(await during));
      // once the server has closed its side of those, requests are served (until
      // then Node's libuv accepts and closes new connections to drain its queue)
      const deadline = Date.now() + 10_000;
      while (await get(port) !== "ok") {
        assert.ok(Date.now() < deadline, "no request served after the descriptors were freed");
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const after = await Promise.all(Array.from({ length: 10 }, () => get(port)));
      assert.deepEqual(after, Array(10).fill("ok"));
      server.child.stdin.end();
      const { errors, peak } = await server.next();
      assert.equal(errors, 0);
      // the limit was reached: the server never had all 80 held connections
      assert.ok(peak > 0 && peak < 80, `${peak} connections open at once`);
      assert.equal(await server.exited, 0);
    } finally {
      server.child.kill();
    }
  },
  { timeout: 30_000 },
);

test(`serve faults (${rt}): clients resetting mid-head and mid-body: nothing leaks, the server serves on`, async () => {
  const bodyErrors: string[] = [];
  let open = 0;
  const server = serve({ port: 0, hostname: "127.0.0.1" }, async (request) => {
    try {
      return new Response(await request.text());
    } catch (error) {
      bodyErrors.push((error as { code?: string }).code ?? String(error));
      throw error;
    }
  });
  const errors: unknown[] = [];
  server.on("error", (error) => errors.push(error));
  server.on("connection", (socket) => {
    open++;
    socket.on("close", () => open--);
  });
  const { port } = await server.listening;
  const resetAfter = (bytes: string) =>
    new Promise<void>((resolve) => {
      const socket = nodeNet.connect({ port, host: "127.0.0.1" });
      socket.on("error", () => {});
      socket.once("connect", () => {
        socket.write(bytes, () =>
          setTimeout(() => {
            socket.resetAndDestroy();
            resolve();
          }, 20));
      });
    });
  try {
    const cuts = [
      "GET / HT",
      `POST / HTTP/1.1\r\n${H}Content-Le`,
      `POST / HTTP/1.1\r\n${H}Content-Length: 100\r\n\r\nhalf`,
      `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n10\r\nabc`,
    ];
    for (let round = 0; round < 25; round++) await Promise.all(cuts.map(resetAfter));
    await until(() => open === 0, 10_000, "every reset connection to close");
    assert.equal(bodyErrors.length, 50, `body reads that failed: ${bodyErrors.length}`);
    const result = await probe(port, `POST / HTTP/1.1\r\n${H}Content-Length: 2\r\n\r\nok`, {
      responses: 1,
    });
    assert.equal(bodyText(result.responses[0]), "ok");
  } finally {
    await server.shutdown();
    await server.finished;
  }
});

test(
  `serve faults (${rt}): shutdown() under load: every request answered whole or refused, none half-written`,
  async () => {
    const server = serve({ port: 0, hostname: "127.0.0.1" }, async (request) => {
      const body = await request.text();
      await new Promise((resolve) => setTimeout(resolve, body.length % 7));
      return new Response(`${body}:${"x".repeat(2000)}`);
    });
    const { port } = await server.listening;
    // 40 keep-alive connections, each sending batches of 4 pipelined POSTs until the server closes
    const client = (id: number) =>
      new Promise<{ sent: string[]; bytes: Uint8Array }>((resolve) => {
        const socket = nodeNet.connect({ port, host: "127.0.0.1" });
        const sent: string[] = [];
        const chunks: Uint8Array[] = [];
        let answered = 0;
        let carry = "";
        const batch = () => {
          let packet = "";
          for (let k = 0; k < 4; k++) {
            const body = `c${id}-r${sent.length}`;
            sent.push(body);
            packet += `POST / HTTP/1.1\r\n${H}Content-Length: ${body.length}\r\n\r\n${body}`;
          }
          socket.write(packet);
        };
        socket.on("error", () => {});
        socket.on("connect", batch);
        socket.on("data", (chunk: Uint8Array) => {
          chunks.push(new Uint8Array(chunk));
          const text = carry + new TextDecoder("latin1").decode(chunk);
          answered += text.split("HTTP/1.1 ").length - 1;
          carry = text.slice(-8);
          if (answered >= sent.length && !socket.destroyed && socket.writable) batch();
        });
        socket.on("close", () => {
          const bytes = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
          let at = 0;
          for (const c of chunks) {
            bytes.set(c, at);
            at += c.length;
          }
          resolve({ sent, bytes });
        });
      });
    const clients = Array.from({ length: 40 }, (_, id) => client(id));
    await new Promise((resolve) => setTimeout(resolve, 300));
    await server.shutdown();
    await server.finished;
    let answered = 0;
    for (const { sent, bytes } of await Promise.all(clients)) {
      const { messages, error } = parseMessages("response", bytes);
      assert.equal(error, null, `a response cut short: ${error?.message}`);
      messages.forEach((message, i) => {
        assert.equal(message.status, 200);
        assert.equal(new TextDecoder().decode(message.body), `${sent[i]}:${"x".repeat(2000)}`);
      });
      answered += messages.length;
    }
    assert.ok(answered >= 40, `${answered} requests answered before the shutdown`);
  },
  { timeout: 30_000 },
);

test(`serve faults (${rt}): a client that half-closes after its request still gets the whole answer`, async () => {
  const server = serve({ port: 0, hostname: "127.0.0.1" }, async () => {
    await new Promise((resolve) => setTimeout(resolve, 50));
    return new Response("y".repeat(100_000));
  });
  const { port } = await server.listening;
  try {
    const result = await probe(port, [`GET / HTTP/1.1\r\n${H}\r\n`, { end: true }], {
      deadline: 5000,
    });
    assert.equal(result.responses.length, 1, result.text.slice(0, 200));
    assert.equal(result.responses[0].body.length, 100_000);
    assert.ok(result.closed);
  } finally {
    await server.shutdown();
    await server.finished;
  }
});

test(`serve faults (${rt}): a client that vanishes mid-response: the body stream is cancelled`, async () => {
  let cancelled = false;
  let open = 0;
  const server = serve({ port: 0, hostname: "127.0.0.1" }, () =>
    new Response(
      new ReadableStream<Uint8Array>({
        pull: (controller) => controller.enqueue(new Uint8Array(16384)),
        cancel: () => {
          cancelled = true;
        },
      }),
    ));
  server.on("connection", (socket) => {
    open++;
    socket.on("close", () => open--);
  });
  const { port } = await server.listening;
  try {
    const socket = nodeNet.connect({ port, host: "127.0.0.1" });
    socket.on("error", () => {});
    socket.write(`GET / HTTP/1.1\r\n${H}\r\n`);
    await new Promise((resolve) => socket.once("data", resolve));
    socket.destroy();
    await until(() => cancelled && open === 0, 10_000, "the stream to be cancelled");
  } finally {
    await server.shutdown();
    await server.finished;
  }
});
