// curl against both faces of the server: keep-alive, chunked upload,
// HTTP/1.0, and Expect: 100-continue.

import assert from "node:assert/strict";
import { runtimeName, test } from "../_harness.ts";
import { run } from "./_run.ts";
import { eachFace } from "./_servers.ts";

const rt = runtimeName;

test(`curl -> server (${rt}): keep-alive reuses one connection for several requests`, () =>
  eachFace(async (face, port) => {
    const base = `http://127.0.0.1:${port}`;
    const result = await run("curl", ["-sv", `${base}/`, `${base}/method`, `${base}/big?n=5000`]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, `helloGET${"a".repeat(5000)}`, face);
    assert.match(result.stderr, /Re-using existing connection/);
    assert.equal(result.stderr.match(/Connected to/g)?.length, 1, `${face}: one connection`);
  }));

test(`curl -> server (${rt}): a chunked upload is read whole`, () =>
  eachFace(async (face, port) => {
    const body = new Uint8Array(3_000_000);
    for (let i = 0; i < body.length; i++) body[i] = (i * 7) % 256;
    const result = await run("curl", [
      "-sv",
      "-H",
      "Transfer-Encoding: chunked",
      "-H",
      "Content-Type: application/octet-stream",
      "--data-binary",
      "@-",
      `http://127.0.0.1:${port}/length`,
    ], { input: body });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /> Transfer-Encoding: chunked/);
    assert.equal(result.stdout, "3000000", face);
  }));

test(`curl --http1.0 -> server (${rt}): an HTTP/1.1 status line, then the close`, () =>
  eachFace(async (face, port) => {
    const result = await run("curl", ["-si", "--http1.0", `http://127.0.0.1:${port}/`]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^HTTP\/1\.1 200 OK\r\n/, face);
    assert.match(result.stdout, /\r\nConnection: close\r\n/i);
    assert.match(result.stdout, /\r\n\r\nhello$/);
  }));

test(`curl -> server (${rt}): Expect: 100-continue gets 100 Continue before the body`, () =>
  eachFace(async (face, port) => {
    const body = "z".repeat(2_000_000);
    const result = await run("curl", [
      "-sv",
      "-H",
      "Expect: 100-continue",
      "--data-binary",
      "@-",
      `http://127.0.0.1:${port}/echo`,
    ], { input: body });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /< HTTP\/1\.1 100 Continue/, face);
    assert.equal(result.stdout.length, body.length);
    assert.equal(result.stdout, body);
  }));
