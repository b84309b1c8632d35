// curl --cacert against wirestack's HTTPS server, both faces: verification
// against the test root, ALPN http/1.1, keep-alive over one TLS connection,
// an upload; and serve({ tls: "auto" }) with the development CA on disk.

import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serve } from "../../http/mod.ts";
import { runtimeName, test } from "../_harness.ts";
import { run } from "../http/_run.ts";
import { eachHttpsFace, pkiFiles, siteHandler } from "./_https.ts";

const rt = runtimeName;

test(`curl --cacert -> HTTPS server (${rt}): verified, ALPN http/1.1, keep-alive, upload`, async () => {
  const files = await pkiFiles();
  try {
    await eachHttpsFace(async ({ face, port }) => {
      const base = `https://localhost:${port}`;
      const result = await run("curl", [
        "-sv",
        "--cacert",
        files.ca,
        `${base}/`,
        `${base}/tls`,
        "--next",
        "--cacert",
        files.ca,
        "--data-binary",
        "@-",
        `${base}/echo`,
      ], { input: "u".repeat(200_000) });
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stderr, /ALPN: server accepted http\/1\.1/, face);
      assert.match(result.stderr, /SSL certificate verify ok/);
      assert.equal(result.stderr.match(/Connected to/g)?.length, 1, `${face}: one connection`);
      assert.equal(
        result.stdout,
        `hello over https:{"encrypted":true,"alpn":"http/1.1"}${"u".repeat(200_000)}`,
        face,
      );
      // The wrong root: curl refuses the server.
      const refused = await run("curl", ["-s", `${base}/`]);
      assert.notEqual(refused.code, 0);
    });
  } finally {
    files.remove();
  }
});

test(`curl --cacert -> serve({ tls: "auto" }) (${rt}): a dev certificate for localhost, 127.0.0.1 and ::1`, async () => {
  const dir = mkdtempSync(join(tmpdir(), "wirestack-devca-"));
  try {
    let listened: string | undefined;
    const server = serve({
      port: 0,
      hostname: "::",
      tls: "auto",
      devCaDir: dir,
      onListen: () => (listened = server.devCa?.rootPath),
    }, siteHandler);
    const { port } = await server.listening;
    const devCa = server.devCa;
    assert.ok(devCa !== null);
    assert.equal(devCa.rootPath, join(dir, "rootCA.pem"));
    assert.equal(listened, devCa.rootPath, "devCa is known when onListen runs");
    assert.equal(devCa.created, true);
    assert.deepEqual([...devCa.names], ["localhost", "127.0.0.1", "::1"]);
    for (const host of ["localhost", "127.0.0.1", "[::1]"]) {
      const result = await run("curl", [
        "-sS",
        "--cacert",
        devCa.rootPath,
        `https://${host}:${port}/`,
      ]);
      assert.equal(result.code, 0, `${host}: ${result.stderr}`);
      assert.equal(result.stdout, "hello over https:");
    }
    await server.shutdown();
    // A second server finds the same root on disk.
    const again = serve(
      { port: 0, hostname: "127.0.0.1", tls: "auto", devCaDir: dir },
      siteHandler,
    );
    await again.listening;
    assert.equal(again.devCa?.root, devCa.root);
    await again.shutdown();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
