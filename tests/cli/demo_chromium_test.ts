// `wirestack demo` in headless Chromium: the page over HTTPS with the leaf
// trusted by its SPKI pin, the connection table, the echo form through TCP
// and UDP, the certificate panel, the chart, and the live channel. Saves a
// screenshot to tests/artifacts/demo.png.

import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { isDeno, runtimeName, test } from "../_harness.ts";
import { run } from "../http/_run.ts";
import { startCli } from "./_process.ts";

const rt = runtimeName;
const PEER = fileURLToPath(new URL("../fixtures/demo_chromium_peer.mjs", import.meta.url));

test(
  `cli (${rt}): wirestack demo in Chromium: connections, echo form, certificate, live channel`,
  async () => {
    const data = mkdtempSync(join(tmpdir(), "wirestack-demo-"));
    const demo = startCli(
      ["demo", "--port", "0", "--http-port", "0", "--tcp-port", "0", "--udp-port", "0"],
      { WIRESTACK_DATA_DIR: data },
    );
    try {
      const url = (await demo.waitFor(/page +(https:\/\/localhost:\d+\/)/, 30_000))[1];
      const spki = (await demo.waitFor(/spki-list=(\S+)/))[1];
      const screenshot = join(process.cwd(), "tests", "artifacts", `demo-${rt}.png`);
      const result = await run("node", [PEER, url, spki, screenshot], { timeout: 80_000 });
      const seen = JSON.parse(result.stdout || `{"error": ${JSON.stringify(result.stderr)}}`);
      assert.equal(seen.error, undefined, seen.error);
      assert.equal(seen.status, 200);
      assert.match(seen.protocol, /^TLS 1\.[23]$/);
      assert.equal(seen.subject, "localhost");
      assert.ok(
        seen.rows.some((row: string[]) => row[1] === "https" && /^127\.0\.0\.1:\d+$/.test(row[2])),
      );
      assert.match(seen.cert, /CN=localhost,O=wirestack development certificate/);
      assert.match(seen.cert, /CN=wirestack development CA/);
      assert.match(seen.cert, new RegExp(spki.replace(/[+/=]/g, "\\$&")));
      for (const service of ["tcp", "udp"]) {
        const shown = seen.echo[service] as string;
        assert.match(shown, new RegExp(`POST /relay/${service} HTTP/1\\.1`));
        assert.match(shown, /HTTP\/1\.1 200 OK/);
        assert.match(shown, new RegExp(`echoed\\s+hello ${service} from chromium`));
      }
      assert.match(seen.rps, /^\d+ req\/s$/);
      assert.equal(seen.websocketServed, true);
      assert.equal(seen.wsStatus, "open");
      assert.match(seen.chat, /peer \d+: ping over wss/);
      assert.ok(seen.rows.some((row: string[]) => row[1] === "ws"), JSON.stringify(seen.rows));
      assert.deepEqual(seen.consoleErrors, []);
    } finally {
      await demo.stop();
      rmSync(data, { recursive: true, force: true });
    }
    assert.match(demo.stdout, /stopped/);
    if (!isDeno) assert.equal(await demo.exited, 0, demo.stderr);
  },
  { timeout: 120_000 },
);
