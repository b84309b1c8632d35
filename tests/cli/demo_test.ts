// `wirestack demo` as a process, asked by curl: the addresses and trust hints
// it prints, the page and its API over HTTPS (trusting the development root)
// and plain HTTP, the echo services, and a graceful stop on SIGINT.

import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../_cli.ts";
import { isDeno, runtimeName, test } from "../_harness.ts";
import { run } from "../http/_run.ts";
import { startCli } from "./_process.ts";

const rt = runtimeName;

test(
  `cli (${rt}): wirestack demo serves the page and API over HTTPS and HTTP, echoes, stops on SIGINT`,
  async () => {
    const data = mkdtempSync(join(tmpdir(), "wirestack-demo-"));
    const demo = startCli(
      ["demo", "--port", "0", "--http-port", "0", "--tcp-port", "0", "--udp-port", "0"],
      { WIRESTACK_DATA_DIR: data },
    );
    try {
      const https = (await demo.waitFor(/page +(https:\/\/localhost:\d+)\//, 30_000))[1];
      const http = (await demo.waitFor(/plain HTTP +(http:\/\/localhost:\d+)\//))[1];
      const tcp = (await demo.waitFor(/TCP echo +(127\.0\.0\.1:\d+)/))[1];
      const udp = (await demo.waitFor(/UDP echo +(127\.0\.0\.1:\d+)/))[1];
      const root = join(data, "dev-ca", "rootCA.pem");
      assert.match(demo.stdout, new RegExp(`curl --cacert ${root.replace(/[.]/g, "\\.")} `));
      assert.match(demo.stdout, /\(created now\)/);
      const curl = async (...args: string[]) => {
        const result = await run("curl", ["-sS", "--max-time", "15", "--cacert", root, ...args]);
        assert.equal(result.code, 0, result.stderr);
        return result.stdout;
      };
      assert.match(await curl(`${https}/`), /<title>wirestack demo<\/title>/);
      assert.match(await curl(`${http}/`), /<title>wirestack demo<\/title>/);
      assert.match(await curl("-I", `${https}/app.js`), /content-type: text\/javascript/i);
      const info = JSON.parse(await curl(`${https}/api/info`));
      assert.equal(info.certificate[0].subject, "CN=localhost,O=wirestack development certificate");
      assert.deepEqual(info.certificate[0].names, ["localhost", "127.0.0.1", "::1"]);
      assert.equal(info.services.tcp, tcp);
      for (const service of ["tcp", "udp"]) {
        const answer = JSON.parse(
          await curl(
            "-d",
            JSON.stringify({ service, message: `via ${service}` }),
            `${https}/api/echo`,
          ),
        );
        assert.equal(answer.echo.received, `via ${service}`);
        assert.equal(answer.echo.server, service === "tcp" ? tcp : udp);
        assert.match(answer.http.requestHead, new RegExp(`^POST /relay/${service} HTTP/1\\.1\r\n`));
      }
      const bad = await run("curl", [
        "-sS",
        "--cacert",
        root,
        "-d",
        "{}",
        "-w",
        "%{http_code}",
        `${https}/api/echo`,
      ]);
      assert.match(bad.stdout, /400$/);
      const stats = JSON.parse(await curl(`${https}/api/stats`));
      assert.ok(stats.totals.requests >= 8, JSON.stringify(stats.totals));
      assert.ok(stats.totals.datagrams >= 1);
      assert.ok(stats.totals.bytes >= "via tcp".length + "via udp".length);
      const nc = await runCli(["tcp", tcp], { stdin: "straight to the echo\n" });
      assert.equal(nc.stdout, "straight to the echo\n");
      const nu = await runCli(["udp", udp, "--wait", "0.5"], { stdin: "datagram\n" });
      assert.equal(nu.stdout, "datagram\n");
    } finally {
      await demo.stop("SIGINT");
      rmSync(data, { recursive: true, force: true });
    }
    assert.match(demo.stdout, /stopping\.\.\.\nstopped/);
    if (!isDeno) assert.equal(await demo.exited, 0, demo.stderr);
  },
  { timeout: 60_000 },
);

test(`cli (${rt}): wirestack demo --help, a bad port`, async () => {
  const help = await runCli(["demo", "--help"]);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /usage: wirestack demo/);
  const bad = await runCli(["demo", "--tcp-port", "x"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--tcp-port needs a port number/);
});
