// The proxy environment variables, by curl's rules.

import assert from "node:assert/strict";
import { bypassesProxy, proxyFromEnv } from "../../http/mod.ts";
import { test } from "../_harness.ts";

test("proxyFromEnv: which variable serves which scheme", () => {
  const env = {
    http_proxy: "http://plain:1",
    HTTP_PROXY: "http://ignored:1",
    https_proxy: "secure:2",
    ALL_PROXY: "http://all:3",
  };
  assert.equal(proxyFromEnv("http://a.test/", env), "http://plain:1");
  assert.equal(proxyFromEnv("ws://a.test/", env), "http://plain:1");
  assert.equal(proxyFromEnv("https://a.test/", env), "http://secure:2");
  assert.equal(proxyFromEnv("wss://a.test/", env), "http://secure:2");
  assert.equal(proxyFromEnv("http://a.test/", { HTTP_PROXY: "http://x:1" }), null, "httpoxy");
  assert.equal(proxyFromEnv("http://a.test/", { ALL_PROXY: "http://all:3" }), "http://all:3");
  assert.equal(proxyFromEnv("https://a.test/", { HTTPS_PROXY: "http://up:4" }), "http://up:4");
  assert.equal(proxyFromEnv("ftp://a.test/", env), null);
  assert.equal(proxyFromEnv("http://a.test/", { http_proxy: "  " }), null);
});

test("no_proxy: names, suffixes, dots, IPs, CIDR, brackets, star", () => {
  const list = "localhost, .internal example.com,10.0.0.0/8 ,192.168.1.7,[::1],fd00::/8";
  const cases: Array<[string, boolean]> = [
    ["localhost", true],
    ["LOCALHOST", true],
    ["api.internal", true],
    ["internal", true],
    ["example.com", true],
    ["www.example.com", true],
    ["badexample.com", false],
    ["example.com.evil.test", false],
    ["10.1.2.3", true],
    ["11.1.2.3", false],
    ["192.168.1.7", true],
    ["192.168.1.8", false],
    ["::1", true],
    ["[::1]", true],
    ["0:0:0:0:0:0:0:1", true],
    ["fd12::5", true],
    ["fe80::1", false],
    ["other.test", false],
  ];
  for (const [host, expected] of cases) assert.equal(bypassesProxy(host, list), expected, host);
  assert.equal(bypassesProxy("anything.test", "*"), true);
  assert.equal(bypassesProxy("a.test", ""), false);
  assert.equal(bypassesProxy("a.test.", "a.test"), true, "a trailing dot is the same name");
  const env = { https_proxy: "http://p:1", no_proxy: "corp.test" };
  assert.equal(proxyFromEnv("https://build.corp.test:8443/x", env), null);
  assert.equal(proxyFromEnv("https://corp.testing/x", env), "http://p:1");
  assert.equal(
    proxyFromEnv("https://a.test/", { ...env, NO_PROXY: "a.test", no_proxy: undefined }),
    null,
  );
});
