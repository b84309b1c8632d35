// wirestack's HTTPS client against Deno.serve with cert and key (a deno
// child process, on either runtime).

import assert from "node:assert/strict";
import { Agent, fetch, request } from "../../http/mod.ts";
import { once } from "../../net/mod.ts";
import { runtimeName, test } from "../_harness.ts";
import { denoExecutable } from "../_peers.ts";
import { PEER, pkiFiles, startPeerServer } from "./_https.ts";

const rt = runtimeName;

test(
  `fetch, request -> Deno.serve with TLS (${rt}): GET, POST, 20 at once over a pool`,
  async () => {
    const files = await pkiFiles();
    const peer = await startPeerServer(denoExecutable(), [
      "run",
      "-A",
      "--no-config",
      PEER,
      "deno-serve",
      files.cert,
      files.key,
    ]);
    const agent = new Agent({ tls: { ca: files.pki.root }, maxSockets: 4 });
    try {
      const origin = `https://localhost:${peer.port}`;
      const response = await fetch(`${origin}/x`, { agent });
      assert.equal(response.status, 200);
      assert.equal(await response.text(), "GET /x from a runtime server");
      const texts = await Promise.all(
        Array.from(
          { length: 20 },
          (_, i) => fetch(`${origin}/n${i}`, { agent }).then((r) => r.text()),
        ),
      );
      assert.deepEqual(
        texts,
        Array.from({ length: 20 }, (_, i) => `GET /n${i} from a runtime server`),
      );
      assert.ok(agent.stats().created <= 4, "at most maxSockets connections");
      const req = request(`${origin}/echo`, { method: "POST", agent });
      req.end("q".repeat(100_000));
      const [res] = await once(req, "response");
      assert.equal((await res.text()).length, 100_000);
    } finally {
      agent.destroy();
      await peer.stop();
      files.remove();
    }
  },
  { timeout: 40_000 },
);
