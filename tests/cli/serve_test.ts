// `wirestack serve` as a process, asked by curl: index, types, validators,
// ranges, traversal, listings, TLS with the development CA, the access log.

import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../_cli.ts";
import { isDeno, runtimeName, test } from "../_harness.ts";
import { run } from "../http/_run.ts";
import { startCli } from "./_process.ts";

const rt = runtimeName;

function site(): string {
  const root = mkdtempSync(join(tmpdir(), "wirestack-serve-"));
  writeFileSync(join(root, "index.html"), "<h1>home</h1>\n");
  writeFileSync(join(root, "app.js"), "console.log(1);\n");
  writeFileSync(join(root, ".secret"), "hidden\n");
  mkdirSync(join(root, "files"));
  writeFileSync(join(root, "files", "data.bin"), "0123456789".repeat(100));
  writeFileSync(join(root, "files", "<b>.txt"), "angle\n");
  const outside = `${root}-outside`;
  mkdirSync(outside);
  writeFileSync(join(outside, "private.txt"), "outside\n");
  symlinkSync(outside, join(root, "escape"));
  return root;
}

function removeSite(root: string): void {
  rmSync(root, { recursive: true, force: true });
  rmSync(`${root}-outside`, { recursive: true, force: true });
}

async function curl(...args: string[]) {
  const result = await run("curl", ["-sS", "--max-time", "10", ...args]);
  assert.equal(result.code, 0, result.stderr);
  return result.stdout;
}

async function status(...args: string[]): Promise<string> {
  return await curl("-o", "/dev/null", "-w", "%{http_code}", ...args);
}

test(`cli (${rt}): wirestack serve: index, types, ETag/304, ranges, traversal, listing off, log`, async () => {
  const root = site();
  const server = startCli(["serve", root, "--port", "0"]);
  try {
    const base = (await server.waitFor(/on (http:\/\/\S+?)\/\n/))[1];
    const head = await curl("-i", `${base}/`);
    assert.match(head, /^HTTP\/1\.1 200 OK/);
    assert.match(head, /content-type: text\/html; charset=utf-8/i);
    assert.match(head, /<h1>home<\/h1>/);
    const etag = /etag: ("[^"]+")/i.exec(head)?.[1];
    assert.ok(etag !== undefined, head);
    assert.match(head, /last-modified: \w{3}, \d\d \w{3} \d{4}/i);
    assert.equal(await status("-H", `If-None-Match: ${etag}`, `${base}/`), "304");
    assert.equal(await status("-H", `If-None-Match: "other"`, `${base}/`), "200");
    assert.equal(await status("-H", `If-Match: "other"`, `${base}/`), "412");
    assert.equal(await status("-H", `If-Match: ${etag}`, `${base}/`), "200");
    assert.equal(
      await status("-H", "If-Unmodified-Since: Thu, 01 Jan 1970 00:00:00 GMT", `${base}/`),
      "412",
    );
    assert.equal(await status("-z", "Fri, 01 Jan 2100 00:00:00 GMT", `${base}/`), "304");
    assert.match(await curl("-I", `${base}/app.js`), /content-type: text\/javascript/i);

    const part = await curl("-i", "-r", "10-19", `${base}/files/data.bin`);
    assert.match(part, /^HTTP\/1\.1 206/);
    assert.match(part, /content-range: bytes 10-19\/1000/i);
    assert.match(part, /content-length: 10\r\n/i);
    assert.match(part, /\r\n\r\n0123456789$/);
    assert.equal(await curl("-r", "-5", `${base}/files/data.bin`), "56789");
    assert.equal(await curl("-r", "995-", `${base}/files/data.bin`), "56789");
    const past = await curl("-i", "-r", "5000-", `${base}/files/data.bin`);
    assert.match(past, /^HTTP\/1\.1 416/);
    assert.match(past, /content-range: bytes \*\/1000/i);

    for (
      const path of [
        "/../../etc/passwd",
        "/files/../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/files/..%2f..%2f..%2fetc/passwd",
        "/.secret",
        "/escape/private.txt",
      ]
    ) {
      assert.equal(await status("--path-as-is", `${base}${path}`), "404", path);
    }
    assert.equal(await status(`${base}/files/`), "404");
    assert.equal(await status(`${base}/files`), "301");
    assert.equal(await status("-X", "DELETE", `${base}/`), "405");
    await server.waitFor(/GET \/files\/data\.bin 206 10 /);
  } finally {
    await server.stop();
    removeSite(root);
  }
  assert.match(server.stdout, /stopped/);
  if (!isDeno) assert.equal(await server.exited, 0, server.stderr);
});

test(`cli (${rt}): wirestack serve --list lists folders, names escaped`, async () => {
  const root = site();
  const server = startCli(["serve", root, "--port", "0", "--list", "--quiet"]);
  try {
    const base = (await server.waitFor(/on (http:\/\/\S+?)\/\n/))[1];
    const listing = await curl(`${base}/files/`);
    assert.match(listing, /Index of \/files\//);
    assert.match(listing, /href="data\.bin"/);
    assert.match(listing, /&#60;b&#62;\.txt/);
    assert.doesNotMatch(listing, /<b>/);
    assert.doesNotMatch(await curl(`${base}/files/`), /secret/);
  } finally {
    await server.stop();
    removeSite(root);
  }
  assert.doesNotMatch(server.stdout, /GET /);
});

test(
  `cli (${rt}): wirestack serve --tls auto: HTTPS with a development certificate curl trusts`,
  async () => {
    const root = site();
    const data = mkdtempSync(join(tmpdir(), "wirestack-data-"));
    const server = startCli(["serve", root, "--port", "0", "--tls", "auto", "--data-dir", data]);
    try {
      const base = (await server.waitFor(/on (https:\/\/\S+?)\/\n/, 30_000))[1];
      await server.waitFor(/development CA (\S+)/);
      const port = new URL(base).port;
      const page = await curl(
        "--cacert",
        join(data, "dev-ca", "rootCA.pem"),
        `https://localhost:${port}/`,
      );
      assert.equal(page, "<h1>home</h1>\n");
      const untrusted = await run("curl", ["-sS", `https://localhost:${port}/`]);
      assert.notEqual(untrusted.code, 0);
    } finally {
      await server.stop();
      removeSite(root);
      rmSync(data, { recursive: true, force: true });
    }
  },
  { timeout: 60_000 },
);

test(`cli (${rt}): wirestack serve: bad arguments exit 2, a port in use exits 1`, async () => {
  const missing = await runCli(["serve", "/no/such/folder"]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /is not a folder/);
  const badTls = await runCli(["serve", ".", "--tls", "onlyone"]);
  assert.equal(badTls.code, 2);
  assert.match(badTls.stderr, /--tls needs "auto" or CERT,KEY/);
  const help = await runCli(["serve", "--help"]);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /usage: wirestack serve/);
  const root = site();
  const first = startCli(["serve", root, "--port", "0", "--quiet"]);
  try {
    const port = (await first.waitFor(/:(\d+)\/\n/))[1];
    const second = await runCli(["serve", root, "--port", port]);
    assert.equal(second.code, 1);
    assert.match(second.stderr, /EADDRINUSE/);
    assert.equal(second.stderr.trim().split("\n").length, 1, second.stderr);
  } finally {
    await first.stop();
    removeSite(root);
  }
});
