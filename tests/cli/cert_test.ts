// `wirestack cert` on the current runtime, checked with openssl. Every run uses
// a scratch data directory (--data-dir or WIRESTACK_DATA_DIR), never the real home.

import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { runCli } from "../_cli.ts";
import { runtimeName, test } from "../_harness.ts";
import { openssl, opensslStatus } from "../crypto/_openssl.ts";

const name = (text: string) => `cli cert (${runtimeName}): ${text}`;

async function inScratch(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "wirestack-cli-cert-"));
  try {
    await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function ok(args: string[], env?: Record<string, string>): Promise<string> {
  const result = await runCli(args, { env, timeoutMs: 30_000 });
  assert.equal(result.code, 0, `wirestack ${args.join(" ")}\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

test(
  name(
    "new: a dev-CA certificate for localhost, 127.0.0.1, ::1 that openssl verifies; the CA is made once",
  ),
  async () => {
    await inScratch(async (dir) => {
      const data = join(dir, "data");
      const out = await ok([
        "cert",
        "new",
        "localhost",
        "127.0.0.1",
        "::1",
        "--data-dir",
        data,
        "--out",
        join(dir, "srv"),
      ]);
      const root = join(data, "dev-ca", "rootCA.pem");
      assert.ok(existsSync(root));
      for (
        const needle of [
          "created the development CA",
          "--cacert",
          "NODE_EXTRA_CA_CERTS=",
          "DENO_CERT=",
          root,
        ]
      ) {
        assert.ok(out.includes(needle), `${needle} in:\n${out}`);
      }
      if (process.platform !== "win32") {
        assert.equal(statSync(join(dir, "srv-key.pem")).mode & 0o777, 0o600);
        assert.equal(statSync(join(data, "dev-ca", "rootCA-key.pem")).mode & 0o777, 0o600);
      }
      for (
        const check of [["-verify_hostname", "localhost"], ["-verify_ip", "127.0.0.1"], [
          "-verify_ip",
          "::1",
        ]]
      ) {
        const result = opensslStatus([
          "verify",
          "-CAfile",
          root,
          "-purpose",
          "sslserver",
          ...check,
          join(dir, "srv.pem"),
        ]);
        assert.ok(result.ok, result.output);
      }
      openssl(["pkey", "-in", join(dir, "srv-key.pem"), "-noout"]);
      const again = await ok([
        "cert",
        "new",
        "app.localhost",
        "--data-dir",
        data,
        "--out",
        join(dir, "app"),
      ]);
      assert.ok(!again.includes("created the development CA"));
      const shown = await ok(["cert", "ca", "--data-dir", data]);
      assert.match(shown, /development CA: CN=wirestack development CA/);
      assert.ok(shown.includes(root));
      const verified = await ok([
        "cert",
        "verify",
        join(dir, "app.pem"),
        "--dev",
        "--data-dir",
        data,
        "--host",
        "app.localhost",
      ]);
      assert.match(verified, /^OK for app\.localhost: 2 certificate/);
    });
  },
  { timeout: 60_000 },
);

test(
  name("the chapter's flow: CA, key and CSR, sign, verify (and openssl agrees at each step)"),
  async () => {
    await inScratch(async (dir) => {
      const path = (file: string) => join(dir, file);
      await ok([
        "cert",
        "new",
        "--self-signed",
        "--make-ca",
        "--path-length",
        "0",
        "--subject",
        "CN=Chapter CA,O=Book",
        "--days",
        "3650",
        "--out",
        path("ca"),
      ]);
      assert.match(
        openssl(["x509", "-in", path("ca.pem"), "-noout", "-text"]),
        /CA:TRUE, pathlen:0/,
      );
      await ok([
        "cert",
        "csr",
        "localhost",
        "127.0.0.1",
        "--key-type",
        "ed25519",
        "--out",
        path("srv"),
      ]);
      assert.match(
        opensslStatus(["req", "-in", path("srv.csr"), "-verify", "-noout"]).output,
        /verify OK|self-signature ok/i,
      );
      await ok([
        "cert",
        "sign",
        path("srv.csr"),
        "--ca",
        path("ca.pem"),
        "--ca-key",
        path("ca-key.pem"),
        "--days",
        "30",
        "--out",
        path("srv.pem"),
      ]);
      const verified = opensslStatus([
        "verify",
        "-CAfile",
        path("ca.pem"),
        "-verify_hostname",
        "localhost",
        path("srv.pem"),
      ]);
      assert.ok(verified.ok, verified.output);
      assert.match(
        await ok([
          "cert",
          "verify",
          path("srv.pem"),
          "--ca",
          path("ca.pem"),
          "--host",
          "127.0.0.1",
        ]),
        /^OK/,
      );
      const wrong = await runCli([
        "cert",
        "verify",
        path("srv.pem"),
        "--ca",
        path("ca.pem"),
        "--host",
        "example.com",
      ]);
      assert.equal(wrong.code, 1);
      assert.match(wrong.stderr, /host-mismatch/);
      assert.doesNotMatch(wrong.stderr, /\n\s+at /);
      const future = await runCli([
        "cert",
        "verify",
        path("srv.pem"),
        "--ca",
        path("ca.pem"),
        "--at",
        "2099-01-01",
      ]);
      assert.equal(future.code, 1);
      assert.match(future.stderr, /expired/);
      const untrusted = await runCli(["cert", "verify", path("srv.pem")]);
      assert.equal(untrusted.code, 1);
      assert.match(untrusted.stderr, /unknown-issuer/);
      // A CA-signed certificate straight from `new`.
      await ok([
        "cert",
        "new",
        "api.example.com",
        "--ca",
        path("ca.pem"),
        "--ca-key",
        path("ca-key.pem"),
        "--key-type",
        "rsa",
        "--client",
        "--out",
        path("api"),
      ]);
      const api = opensslStatus([
        "verify",
        "-CAfile",
        path("ca.pem"),
        "-purpose",
        "sslclient",
        path("api.pem"),
      ]);
      assert.ok(api.ok, api.output);
    });
  },
  { timeout: 60_000 },
);

test(name("show: text like openssl x509 -text, JSON, requests and DER"), async () => {
  await inScratch(async (dir) => {
    const path = (file: string) => join(dir, file);
    openssl([
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:P-256",
      "-nodes",
      "-keyout",
      path("k.pem"),
      "-out",
      path("c.pem"),
      "-subj",
      "/O=Acme/CN=show.example",
      "-days",
      "5",
      "-addext",
      "subjectAltName=DNS:show.example,IP:192.0.2.3",
    ]);
    const text = await ok(["cert", "show", path("c.pem")]);
    for (
      const needle of [
        "Subject: CN=show.example,O=Acme",
        "DNS:show.example, IP:192.0.2.3",
        "Basic Constraints: critical",
        "SHA-256:",
        "ecdsa-with-SHA256",
      ]
    ) {
      assert.ok(text.includes(needle), `${needle} in:\n${text}`);
    }
    const json = JSON.parse(await ok(["cert", "show", path("c.pem"), "--json"]));
    assert.equal(json.subject, "CN=show.example,O=Acme");
    assert.deepEqual(json.subjectAltName.ip, ["192.0.2.3"]);
    openssl(["x509", "-in", path("c.pem"), "-outform", "DER", "-out", path("c.der")]);
    assert.ok(
      (await ok(["cert", "show", path("c.der")])).includes("Subject: CN=show.example,O=Acme"),
    );
    openssl([
      "req",
      "-new",
      "-key",
      path("k.pem"),
      "-subj",
      "/CN=req.example",
      "-out",
      path("r.csr"),
    ]);
    assert.match(
      await ok(["cert", "show", path("r.csr")]),
      /Certificate Request:\n {4}Subject: CN=req\.example/,
    );
    const none = await runCli(["cert", "show", path("k.pem")]);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /no-certificate|no certificate/);
  });
}, { timeout: 60_000 });

test(
  name("WIRESTACK_DATA_DIR, WebTransport lifetime, encrypted keys via --passphrase-env"),
  async () => {
    await inScratch(async (dir) => {
      const data = join(dir, "from-env");
      const env = { WIRESTACK_DATA_DIR: data, WS_TEST_PW: "correct horse" };
      await ok([
        "cert",
        "new",
        "wt.localhost",
        "--lifetime",
        "webtransport",
        "--passphrase-env",
        "WS_TEST_PW",
        "--out",
        join(dir, "wt"),
      ], env);
      assert.ok(existsSync(join(data, "dev-ca", "rootCA.pem")));
      assert.match(readFileSync(join(dir, "wt-key.pem"), "utf8"), /BEGIN ENCRYPTED PRIVATE KEY/);
      openssl(["pkey", "-in", join(dir, "wt-key.pem"), "-passin", "pass:correct horse", "-noout"]);
      const dates = openssl([
        "x509",
        "-in",
        join(dir, "wt.pem"),
        "-noout",
        "-startdate",
        "-enddate",
        "-dateopt",
        "iso_8601",
      ]);
      const [start, end] = [...dates.matchAll(/=(.+)/g)].map((match) =>
        new Date(match[1].replace(" ", "T")).getTime()
      );
      assert.equal(end - start, 14 * 86_400_000);
    });
  },
  { timeout: 60_000 },
);

test(name("bad usage exits 2 with one line; failures exit 1"), async () => {
  for (
    const args of [
      ["cert"],
      ["cert", "bogus"],
      ["cert", "new"],
      ["cert", "new", "x.test", "--key-type", "dsa"],
      ["cert", "new", "x.test", "--days", "3", "--lifetime", "webrtc"],
      ["cert", "verify"],
    ]
  ) {
    const result = await runCli(args);
    assert.equal(result.code, 2, `${args.join(" ")}: ${result.stderr}`);
    assert.doesNotMatch(result.stderr, /\n\s+at /);
  }
  const missing = await runCli(["cert", "show", "/nonexistent/file.pem"]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /cannot read/);
  const help = await runCli(["cert", "--help"]);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /wirestack cert new localhost/);
});
