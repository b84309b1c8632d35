// Certificates of a listening HTTPS server changed without a restart
// (setSecureContext, addContext, removeContext), and the ENOTSUP that Deno's
// native TLS gives instead (it keeps its first certificate per name).

import assert from "node:assert/strict";
import { Agent, fetch } from "../../http/mod.ts";
import { createServer } from "../../https/mod.ts";
import { type AddressInfo, once } from "../../net/mod.ts";
import { test } from "../_harness.ts";
import { rejectsWithCode } from "../http/_client_helpers.ts";
import { label, tlsTransports } from "../tls/_helpers.ts";
import { pki } from "../tls/_pki.ts";

for (const via of tlsTransports) {
  test(`https.Server (${label(via)}): setSecureContext, addContext, removeContext while listening`, async () => {
    const made = await pki();
    const server = createServer(
      { cert: made.server.chain, key: made.server.key, transport: via },
      (req, res) => {
        res.end(`hello ${req.url}`);
      },
    );
    // Before listen: changes go into the options.
    server.addContext("a.test", { cert: made.exact.chain, key: made.exact.key });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const { port } = server.address() as AddressInfo;
    // A fresh agent per request: a fresh handshake.
    const get = async (servername?: string) => {
      const agent = new Agent({ tls: { ca: made.root, ...(servername ? { servername } : {}) } });
      try {
        return await (await fetch(`https://localhost:${port}/x`, { agent })).text();
      } finally {
        agent.destroy();
      }
    };
    try {
      assert.equal(await get(), "hello /x");
      assert.equal(await get("a.test"), "hello /x", "the name added before listen is served");
      const change = () => {
        server.setSecureContext({ cert: made.untrusted.chain, key: made.untrusted.key });
        server.addContext("*.wild.test", { cert: made.wildcard.chain, key: made.wildcard.key });
      };
      if (!via.features.tls.certificateReload) {
        assert.throws(change, { code: "ENOTSUP" });
        assert.throws(() => server.removeContext("a.test"), { code: "ENOTSUP" });
        return;
      }
      change();
      const agent = new Agent({ tls: { ca: made.root } });
      await rejectsWithCode(
        fetch(`https://localhost:${port}/`, { agent }),
        "ERR_TLS_CERT_UNTRUSTED",
        { phase: "tls" },
      );
      agent.destroy();
      assert.equal(await get("b.wild.test"), "hello /x", "a wildcard added while listening");
      assert.equal(server.removeContext("a.test"), true);
      server.setSecureContext({ cert: made.server.chain, key: made.server.key });
      assert.equal(await get(), "hello /x", "the first certificate is back");
    } finally {
      const closed = once(server, "close");
      server.close();
      await closed;
    }
  });
}
