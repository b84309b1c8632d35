// `wirestack get` against raw servers: heads as sent and received (-v, -i),
// methods, headers and bodies (-X, -H, -d, --data-binary), downloads with a
// progress bar (-o), proxies, and failures (refused, unknown host, timeout,
// bad arguments) as one line with the right exit code.

import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../_cli.ts";
import { runtimeName, test } from "../_harness.ts";
import { rawServer, respond } from "../http/_raw_server.ts";

const rt = runtimeName;

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

test(`cli (${rt}): wirestack get -v -i shows the heads as sent and received`, async () => {
  const origin = await rawServer((_request, c) =>
    c.write(
      `HTTP/1.1 200 OK\r\nX-Odd-Case: Kept\r\nContent-Length: 5\r\n\r\nhello`,
    )
  );
  try {
    const result = await runCli([
      "get",
      "-v",
      "-i",
      "-H",
      "X-Trace: abc",
      `${origin.origin}/path?q=1`,
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(
      result.stdout,
      "HTTP/1.1 200 OK\r\nX-Odd-Case: Kept\r\nContent-Length: 5\r\n\r\nhello",
    );
    const sent = origin.requests[0].head;
    const shown = result.stderr.split("\n").filter((l) => l.startsWith("> ")).map((l) =>
      l.slice(2)
    );
    assert.deepEqual(shown, sent.split("\r\n").slice(0, -2));
    assert.match(result.stderr, /^> GET \/path\?q=1 HTTP\/1\.1$/m);
    assert.match(result.stderr, /^> X-Trace: abc$/m);
    assert.match(result.stderr, /^< X-Odd-Case: Kept$/m);
    assert.match(result.stderr, /^\* connected to 127\.0\.0\.1:\d+/m);
  } finally {
    await origin.close();
  }
});

test(`cli (${rt}): wirestack get -X -H -d and --data-binary send what curl would`, async () => {
  const origin = await rawServer((_request, c) => c.write(respond(200, "ok")));
  const dir = mkdtempSync(join(tmpdir(), "wirestack-get-"));
  try {
    const form = await runCli(["get", "-d", "a=1", "-d", "b=2", `${origin.origin}/form`]);
    assert.equal(form.code, 0, form.stderr);
    assert.equal(form.stdout, "ok");
    const first = origin.requests[0];
    assert.equal(first.method, "POST");
    assert.equal(first.headers["content-type"], "application/x-www-form-urlencoded");
    assert.equal(new TextDecoder().decode(first.body), "a=1&b=2");

    writeFileSync(join(dir, "body.bin"), "line1\nline2\n");
    const binary = await runCli([
      "get",
      "-X",
      "PUT",
      "-H",
      "Content-Type: text/plain",
      "--data-binary",
      `@${join(dir, "body.bin")}`,
      `${origin.origin}/put`,
    ]);
    assert.equal(binary.code, 0, binary.stderr);
    const second = origin.requests[1];
    assert.equal(second.method, "PUT");
    assert.equal(second.headers["content-type"], "text/plain");
    assert.equal(new TextDecoder().decode(second.body), "line1\nline2\n");

    const fromFile = await runCli(["get", "-d", `@${join(dir, "body.bin")}`, `${origin.origin}/f`]);
    assert.equal(fromFile.code, 0);
    assert.equal(new TextDecoder().decode(origin.requests[2].body), "line1line2");

    const stdin = await runCli([
      "get",
      "--data-binary",
      "@-",
      "-H",
      "User-Agent: custom/1",
      `${origin.origin}/s`,
    ], {
      stdin: "from stdin",
    });
    assert.equal(stdin.code, 0);
    assert.equal(new TextDecoder().decode(origin.requests[3].body), "from stdin");
    assert.equal(origin.requests[3].headers["user-agent"], "custom/1");
  } finally {
    await origin.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test(`cli (${rt}): wirestack get -o writes a large download with a progress bar`, async () => {
  const size = 3 * 1024 * 1024;
  const payload = "0123456789abcdef".repeat(size / 16);
  const origin = await rawServer((_request, c) => {
    c.write(`HTTP/1.1 200 OK\r\nContent-Length: ${size}\r\n\r\n`);
    c.write(payload);
  });
  const dir = mkdtempSync(join(tmpdir(), "wirestack-get-"));
  try {
    const file = join(dir, "big.bin");
    const result = await runCli(["get", "-o", file, `${origin.origin}/big`]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, "");
    assert.equal(readFileSync(file, "latin1"), payload);
    assert.match(result.stderr, /\] 100% 3\.0 MiB of 3\.0 MiB/);
    assert.match(result.stderr, new RegExp(`saved ${size} bytes to `));
    const silent = await runCli(["get", "-s", "-o", file, `${origin.origin}/big`]);
    assert.equal(silent.stderr, "");
  } finally {
    await origin.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test(`cli (${rt}): wirestack get --proxy sends the absolute form to the proxy; -L follows`, async () => {
  const origin = await rawServer((request, c) =>
    request.path === "/old"
      ? c.write(respond(302, "", { Location: "/new" }, "Found"))
      : c.write(respond(200, `at ${request.path}`))
  );
  const proxy = await rawServer((request, c) => c.write(respond(200, `proxied ${request.path}`)));
  try {
    const viaProxy = await runCli(["get", "--proxy", proxy.origin, "http://example.test/x"]);
    assert.equal(viaProxy.code, 0, viaProxy.stderr);
    assert.equal(viaProxy.stdout, "proxied http://example.test/x");
    const head = await runCli(["get", "-I", `${origin.origin}/new`]);
    assert.equal(head.stdout, `HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\n`);
    assert.equal(origin.requests.at(-1)?.method, "HEAD");
    const notFollowed = await runCli(["get", "-i", `${origin.origin}/old`]);
    assert.match(notFollowed.stdout, /^HTTP\/1\.1 302 Found/);
    const followed = await runCli(["get", "-L", `${origin.origin}/old`]);
    assert.equal(followed.stdout, "at /new");
  } finally {
    await origin.close();
    await proxy.close();
  }
});

test(`cli (${rt}): wirestack get failures: one line, exit 1; bad usage exit 2`, async () => {
  const refused = await runCli(["get", `http://127.0.0.1:${await freePort()}/`]);
  assert.equal(refused.code, 1);
  assert.match(
    refused.stderr,
    /^wirestack get: cannot get http:\/\/127\.0\.0\.1:\d+\/: connection refused \(ECONNREFUSED\)\n$/,
  );

  const unknown = await runCli(["get", "http://no-such-host.invalid/"]);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /host name not found \(ENOTFOUND\)\n$/);
  assert.equal(unknown.stderr.split("\n").length, 2);

  const silent = await rawServer(() => {});
  try {
    const slow = await runCli(["get", "--max-time", "0.5", `${silent.origin}/`]);
    assert.equal(slow.code, 1);
    assert.match(slow.stderr, /no answer within 0\.5 s/);
  } finally {
    await silent.close();
  }

  const failing = await rawServer((_request, c) => c.write(respond(404, "nope")));
  try {
    const plain = await runCli(["get", `${failing.origin}/`]);
    assert.equal(plain.code, 0);
    const failed = await runCli(["get", "--fail", `${failing.origin}/`]);
    assert.equal(failed.code, 1);
    assert.match(failed.stderr, /HTTP 404/);
  } finally {
    await failing.close();
  }

  for (
    const [args, message] of [
      [["get"], /a URL is needed/],
      [["get", "not a url"], /not a URL/],
      [["get", "ftp://example.test/"], /only http:\/\/ and https:\/\//],
      [["get", "-H", "novalue", "http://127.0.0.1:1/"], /-H needs "Name: value"/],
      [["get", "--max-time", "soon", "http://127.0.0.1:1/"], /--max-time needs a number/],
      [["get", "--nope", "http://127.0.0.1:1/"], /Unknown option '--nope'/],
    ] as const
  ) {
    const result = await runCli([...args]);
    assert.equal(result.code, 2, args.join(" "));
    assert.match(result.stderr, message);
    assert.doesNotMatch(result.stderr, /\n\s+at /);
  }
  const debug = await runCli(["get", "--debug", "http://no-such-host.invalid/"]);
  assert.equal(debug.code, 1);
  assert.match(debug.stderr, /\n\s+at /);
  const help = await runCli(["get", "--help"]);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /usage: wirestack get URL/);
}, { timeout: 60_000 });

test(
  `cli (${rt}): wirestack get https:// trusts --cacert, refuses an unknown CA, --insecure skips`,
  async () => {
    const { startCli } = await import("./_process.ts");
    const root = mkdtempSync(join(tmpdir(), "wirestack-get-site-"));
    const data = mkdtempSync(join(tmpdir(), "wirestack-get-data-"));
    writeFileSync(join(root, "index.html"), "secure hello\n");
    const server = startCli(["serve", root, "--port", "0", "--tls", "auto", "--data-dir", data]);
    try {
      const port = (await server.waitFor(/on https:\/\/\S+:(\d+)\/\n/, 30_000))[1];
      const ca = join(data, "dev-ca", "rootCA.pem");
      const trusted = await runCli(["get", "-v", "--cacert", ca, `https://localhost:${port}/`]);
      assert.equal(trusted.code, 0, trusted.stderr);
      assert.equal(trusted.stdout, "secure hello\n");
      assert.match(trusted.stderr, /^\* TLS with 127\.0\.0\.1:\d+: .*ALPN http\/1\.1$/m);
      const byAddress = await runCli(["get", "--cacert", ca, `https://127.0.0.1:${port}/`]);
      assert.equal(byAddress.stdout, "secure hello\n", byAddress.stderr);

      const untrusted = await runCli(["get", `https://localhost:${port}/`]);
      assert.equal(untrusted.code, 1);
      assert.match(
        untrusted.stderr,
        /^wirestack get: cannot get https:\/\/localhost:\d+\/: the server's certificate is not trusted .*\(ERR_TLS_CERT_UNTRUSTED\)\n$/,
      );
      const insecure = await runCli(["get", "--insecure", `https://localhost:${port}/`]);
      assert.equal(insecure.code, 0, insecure.stderr);
      assert.equal(insecure.stdout, "secure hello\n");
      const missing = await runCli([
        "get",
        "--cacert",
        join(data, "nope.pem"),
        `https://localhost:${port}/`,
      ]);
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /cannot read .*nope\.pem: ENOENT/);
    } finally {
      await server.stop();
      rmSync(root, { recursive: true, force: true });
      rmSync(data, { recursive: true, force: true });
    }
  },
  { timeout: 60_000 },
);
