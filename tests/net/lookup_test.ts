// The default resolver answers localhost names itself (RFC 6761 section 6.3)
// and asks the transport for every other name.

import assert from "node:assert/strict";
import { type LookupAddress, type Transport, transport } from "../../adapters/mod.ts";
import { defaultLookup, isLocalhostName } from "../../net/_lookup.ts";
import { test } from "../_harness.ts";

test("lookup: localhost names are the loopback addresses, without asking the transport", async () => {
  for (const name of ["localhost", "LocalHost", "localhost.", "api.localhost", "a.b.localhost."]) {
    assert.equal(isLocalhostName(name), true, name);
  }
  for (
    const name of ["localhost.example", "notlocalhost", "localhostx", "example.com", "127.0.0.1"]
  ) {
    assert.equal(isLocalhostName(name), false, name);
  }
  const asked: string[] = [];
  const counting = {
    ...transport,
    lookup(hostname: string): Promise<LookupAddress[]> {
      asked.push(hostname);
      return Promise.resolve([{ address: "192.0.2.1", family: 4 }]);
    },
  } as Transport;
  const lookup = defaultLookup(counting);
  assert.deepEqual(await lookup("localhost", { family: 6 }), [{ address: "::1", family: 6 }]);
  assert.deepEqual(await lookup("app.localhost", { family: 4 }), [{
    address: "127.0.0.1",
    family: 4,
  }]);
  assert.deepEqual(asked, []);
  assert.deepEqual(await lookup("example.test", { family: 4 }), [{
    address: "192.0.2.1",
    family: 4,
  }]);
  assert.deepEqual(asked, ["example.test"]);
});
