import assert from "node:assert/strict";
import { createCertificate, generateKeyPair, matchHostName } from "../../crypto/mod.ts";
import { dnsNameMatches } from "../../crypto/_dns_names.ts";
import { test } from "../_harness.ts";

async function certificateFor(names: string[], subject = "CN=test"): Promise<string> {
  const keys = await generateKeyPair();
  return await createCertificate({
    subject,
    publicKey: keys.publicKey,
    signingKey: keys.privateKey,
    names,
  });
}

test("host names: RFC 6125 wildcard rules, table", () => {
  const table: Array<[string, string, boolean]> = [
    ["example.com", "example.com", true],
    ["example.com.", "example.com", true],
    ["*.example.com", "www.example.com", true],
    ["*.example.com", "WWW.example.com".toLowerCase(), true],
    ["*.example.com", "example.com", false],
    ["*.example.com", "a.b.example.com", false],
    ["*.com", "example.com", false],
    ["*", "localhost", false],
    ["*.", "x", false],
    ["w*.example.com", "www.example.com", false],
    ["*w.example.com", "www.example.com", false],
    ["www.*.com", "www.example.com", false],
    ["*.*.example.com", "a.b.example.com", false],
    ["xn--*.example.com", "xn--bcher-kva.example.com", false],
    ["*.localhost", "app.localhost", false],
    ["*.app.localhost", "api.app.localhost", true],
  ];
  for (const [presented, host, expected] of table) {
    assert.equal(dnsNameMatches(presented, host), expected, `${presented} vs ${host}`);
  }
});

test("host names: IPs only against IP SANs, normalized; names only against DNS SANs", async () => {
  const pem = await certificateFor(["example.com", "192.0.2.1", "2001:db8::a", "10.0.0.1.example"]);
  assert.equal(matchHostName(pem, "192.0.2.1"), true);
  assert.equal(matchHostName(pem, " 192.0.2.1 "), true);
  assert.equal(matchHostName(pem, "[2001:DB8:0::A]"), true);
  assert.equal(matchHostName(pem, "2001:db8::b"), false);
  assert.equal(
    matchHostName(pem, "192.0.2.01"),
    false,
    "not a strict dotted quad, and not a DNS name in the SAN",
  );
  assert.equal(matchHostName(pem, "EXAMPLE.COM."), true);
  assert.equal(matchHostName(pem, "exa mple.com"), false);
  assert.equal(matchHostName(pem, ""), false);
  const dnsLooksLikeIp = await certificateFor(["127.0.0.1.nip.io"]);
  assert.equal(matchHostName(dnsLooksLikeIp, "127.0.0.1"), false);
  const idn = await certificateFor(["b\u00fccher.example"]);
  assert.equal(matchHostName(idn, "B\u00dcCHER.example"), true);
  assert.equal(matchHostName(idn, "xn--bcher-kva.example"), true);
});

test("host names: the common name counts only by option, and only without SANs", async () => {
  const keys = await generateKeyPair();
  const cnOnly = await createCertificate({
    subject: "CN=legacy.example",
    publicKey: keys.publicKey,
    signingKey: keys.privateKey,
  });
  assert.equal(matchHostName(cnOnly, "legacy.example"), false);
  assert.equal(matchHostName(cnOnly, "legacy.example", { allowCommonName: true }), true);
  const withSan = await certificateFor(["other.example"], "CN=legacy.example");
  assert.equal(matchHostName(withSan, "legacy.example", { allowCommonName: true }), false);
  const wildcardCn = await createCertificate({
    subject: "CN=*.example",
    publicKey: keys.publicKey,
    signingKey: keys.privateKey,
  });
  assert.equal(matchHostName(wildcardCn, "a.example", { allowCommonName: true }), false);
});
