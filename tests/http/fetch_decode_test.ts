// fetch() decodes gzip, deflate (zlib and raw) and br bodies, in the order of
// Content-Encoding, and fails cleanly on bad ones. Encoded with node:zlib.

import assert from "node:assert/strict";
import zlib from "node:zlib";
import { fetch } from "../../http/mod.ts";
import { test } from "../_harness.ts";
import { rejectsWithCode, withRaw } from "./_client_helpers.ts";
import type { RawConnection } from "./_raw_server.ts";

const text = "wirestack ".repeat(2000);
const plain = new TextEncoder().encode(text);

function send(c: RawConnection, coding: string, body: Uint8Array, chunked = false): void {
  const codingField = coding === "" ? "" : `Content-Encoding: ${coding}\r\n`;
  if (chunked) {
    c.write(`HTTP/1.1 200 OK\r\n${codingField}Transfer-Encoding: chunked\r\n\r\n`);
    for (let at = 0; at < body.length; at += 1000) {
      const piece = body.subarray(at, at + 1000);
      c.write(`${piece.length.toString(16)}\r\n`);
      c.write(piece);
      c.write("\r\n");
    }
    c.write("0\r\n\r\n");
    return;
  }
  c.write(`HTTP/1.1 200 OK\r\n${codingField}Content-Length: ${body.length}\r\n\r\n`);
  c.write(body);
}

const bodies: Record<string, [string, Uint8Array]> = {
  "/gzip": ["gzip", zlib.gzipSync(plain)],
  "/x-gzip": ["x-gzip", zlib.gzipSync(plain)],
  "/GZIP": ["GZIP", zlib.gzipSync(plain)],
  "/deflate": ["deflate", zlib.deflateSync(plain)],
  "/raw-deflate": ["deflate", zlib.deflateRawSync(plain)],
  "/br": ["br", zlib.brotliCompressSync(plain)],
  "/gzip-br": ["gzip, br", zlib.brotliCompressSync(zlib.gzipSync(plain))],
  "/two-fields": ["deflate\r\nContent-Encoding: gzip", zlib.gzipSync(zlib.deflateSync(plain))],
  "/identity": ["identity", plain],
  "/members": [
    "gzip",
    new Uint8Array([
      ...zlib.gzipSync(plain.subarray(0, 5000)),
      ...zlib.gzipSync(plain.subarray(5000)),
    ]),
  ],
};

test("fetch: gzip, x-gzip, deflate (zlib or raw), br and stacked codings are decoded", async () => {
  await withRaw((request, c) => {
    const [coding, body] = bodies[request.path.replace(/\?chunked$/, "")];
    send(c, coding, body, request.path.endsWith("?chunked"));
  }, async (server, agent) => {
    for (const path of Object.keys(bodies)) {
      for (const suffix of ["", "?chunked"]) {
        const response = await fetch(`${server.origin}${path}${suffix}`, { agent });
        assert.equal(await response.text(), text, `${path}${suffix}`);
      }
    }
    assert.equal(server.accepted, 1, "decoded bodies leave the connection reusable");
    const asked = server.requests[0].headers["accept-encoding"];
    assert.equal(asked, "gzip, deflate, br");
  });
});

test("fetch: decompress: false leaves the body and asks for nothing", async () => {
  const gz = zlib.gzipSync(plain);
  await withRaw((_, c) => send(c, "gzip", gz), async (server, agent) => {
    const response = await fetch(server.origin, { agent, decompress: false });
    assert.deepEqual(new Uint8Array(await response.arrayBuffer()), new Uint8Array(gz));
    assert.equal(server.requests[0].headers["accept-encoding"], undefined);
  });
});

test("fetch: an unknown coding leaves the body as it came", async () => {
  await withRaw((_, c) => send(c, "gzip, zstd", plain), async (server, agent) => {
    assert.equal(await (await fetch(server.origin, { agent })).text(), text);
  });
});

test("fetch: an empty gzip body is empty; HEAD and 204 with a coding have no body", async () => {
  await withRaw((request, c) => {
    if (request.method === "HEAD") {
      c.write("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 30\r\n\r\n");
    } else if (request.path === "/204") {
      c.write("HTTP/1.1 204 No Content\r\nContent-Encoding: br\r\n\r\n");
    } else send(c, "gzip", new Uint8Array(0));
  }, async (server, agent) => {
    assert.equal(await (await fetch(server.origin, { agent })).text(), "");
    assert.equal(await (await fetch(server.origin, { agent, method: "HEAD" })).text(), "");
    assert.equal((await fetch(`${server.origin}/204`, { agent })).body, null);
  });
});

test("fetch: corrupt, truncated or trailing-garbage gzip fails the read with DECODING_FAILED", async () => {
  const gz = zlib.gzipSync(plain);
  const corrupt = gz.slice();
  corrupt[20] ^= 0xff;
  corrupt[40] ^= 0xff;
  const cases: Record<string, [string, Uint8Array]> = {
    "/corrupt": ["gzip", corrupt],
    "/truncated": ["gzip", gz.subarray(0, gz.length - 10)],
    "/garbage": ["gzip", new Uint8Array([...gz, 1, 2, 3, 4])],
    "/not-gzip": ["gzip", plain.subarray(0, 100)],
    "/bad-br": ["br", plain.subarray(0, 100)],
    "/bad-deflate": ["deflate", new Uint8Array([0x78, 0x9c, 0xff, 0xff, 0xff])],
  };
  await withRaw((request, c) => {
    const [coding, body] = cases[request.path];
    send(c, coding, body);
  }, async (server, agent) => {
    for (const path of Object.keys(cases)) {
      const response = await fetch(`${server.origin}${path}`, { agent });
      await rejectsWithCode(response.text(), "DECODING_FAILED", { phase: "body" });
    }
  });
});

test("fetch: a decoded body streams with back-pressure (a bomb does not fill memory)", async () => {
  const bomb = zlib.gzipSync(new Uint8Array(64 * 1024 * 1024)); // 64 MiB of zeros, ~64 KiB sent
  await withRaw((_, c) => send(c, "gzip", bomb), async (server, agent) => {
    const response = await fetch(server.origin, { agent });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    let total = 0;
    while (total < 1024 * 1024) {
      const { value, done } = await reader.read();
      if (done) break;
      total += value.length;
    }
    await reader.cancel();
    assert.ok(total >= 1024 * 1024);
  });
});
