import assert from "node:assert/strict";
import { formatIp, formatIpRange, parseCidr, parseIp } from "../../crypto/_ip.ts";
import { test } from "../_harness.ts";

test("IP: strict dotted quads", () => {
  assert.deepEqual(parseIp("192.0.2.1"), new Uint8Array([192, 0, 2, 1]));
  for (
    const bad of [
      "192.0.2",
      "192.0.2.1.5",
      "256.0.0.1",
      "01.2.3.4",
      "1.2.3.4 ",
      "0x7f.0.0.1",
      "1..2.3",
      "",
    ]
  ) {
    assert.equal(parseIp(bad), undefined, bad);
  }
});

test("IP: IPv6 text forms and RFC 5952 output", () => {
  const cases: Array<[string, string]> = [
    ["::1", "::1"],
    ["::", "::"],
    ["[2001:DB8::1]", "2001:db8::1"],
    ["2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"],
    ["2001:0db8:0000:0000:0000:0000:0002:0001", "2001:db8::2:1"],
    ["::ffff:192.0.2.1", "::ffff:c000:201"],
    ["2001:db8:1:2:3:4:5:6", "2001:db8:1:2:3:4:5:6"],
    ["2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"],
    ["fe80::", "fe80::"],
  ];
  for (const [input, output] of cases) assert.equal(formatIp(parseIp(input)!), output, input);
  for (
    const bad of [
      ":::",
      "1::2::3",
      "12345::",
      "1:2:3:4:5:6:7:8:9",
      "1:2:3:4:5:6:7",
      "::1%eth0",
      "g::1",
      "1.2.3.4::",
    ]
  ) {
    assert.equal(parseIp(bad), undefined, bad);
  }
});

test("IP: CIDR ranges for name constraints", () => {
  assert.equal(formatIpRange(parseCidr("10.1.2.3/8")!), "10.0.0.0/8");
  assert.equal(formatIpRange(parseCidr("fd00::/8")!), "fd00::/8");
  assert.equal(formatIpRange(parseCidr("::1/128")!), "::1/128");
  assert.equal(formatIpRange(parseCidr("0.0.0.0/0")!), "0.0.0.0/0");
  assert.equal(
    formatIpRange(new Uint8Array([10, 0, 0, 0, 255, 0, 255, 0])),
    "10.0.0.0/255.0.255.0",
  );
  for (const bad of ["10.0.0.0", "10.0.0.0/33", "::/129", "x/8", "10.0.0.0/-1"]) {
    assert.equal(parseCidr(bad), undefined, bad);
  }
});
