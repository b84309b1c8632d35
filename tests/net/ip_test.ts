import assert from "node:assert/strict";
import * as nodeNet from "node:net";
import { isIP, isIPv4, isIPv6 } from "../../net/mod.ts";
import { runtimeName, test } from "../_harness.ts";

const CASES = [
  "127.0.0.1",
  "0.0.0.0",
  "255.255.255.255",
  "256.0.0.1",
  "1.2.3",
  "1.2.3.4.5",
  "01.2.3.4",
  "1.2.3.04",
  "::",
  "::1",
  "1::",
  "1:2:3:4:5:6:7:8",
  "1:2:3:4:5:6:7::",
  "1:2:3:4:5:6:7:8:9",
  "1::2::3",
  "::ffff:127.0.0.1",
  "::ffff:127.0.0.256",
  "1:2:3:4:5:6:1.2.3.4",
  "1:2:3:4:5:6:7:1.2.3.4",
  "fe80::1%eth0",
  "fe80::1%",
  "12345::",
  "g::1",
  ":1",
  "1:",
  "",
  "localhost",
  "example.com",
];

test(`ip (${runtimeName}): isIP agrees with node:net on every case`, () => {
  for (const input of CASES) {
    assert.equal(isIP(input), nodeNet.isIP(input), input);
    assert.equal(isIPv4(input), nodeNet.isIPv4(input), input);
    assert.equal(isIPv6(input), nodeNet.isIPv6(input), input);
  }
});
