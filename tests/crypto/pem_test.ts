import assert from "node:assert/strict";
import { CertificateError, pemBlocks, pemDecode, pemEncode } from "../../crypto/mod.ts";
import { canonicalName, encodeName, parseName } from "../../crypto/_names.ts";
import { readElement } from "../../crypto/_der.ts";
import { test } from "../_harness.ts";

test("PEM: round trip at every length, 64-column lines, CRLF and headers", () => {
  for (let length = 1; length < 200; length++) {
    const der = new Uint8Array(length).map((_, i) => (i * 37) & 255);
    const pem = pemEncode("TEST", der);
    assert.ok(pem.split("\n").every((line) => line.length <= 64));
    assert.deepEqual(pemDecode(pem, "TEST"), der);
    assert.deepEqual(pemDecode(pem.replace(/\n/g, "\r\n"), "TEST"), der);
  }
  const legacy =
    "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,00\n\nMAA=\n-----END RSA PRIVATE KEY-----\n";
  assert.deepEqual(pemBlocks(legacy)[0].headers, {
    "Proc-Type": "4,ENCRYPTED",
    "DEK-Info": "AES-256-CBC,00",
  });
});

test("PEM: broken armour is malformed; a missing label is no-certificate", () => {
  const code = (fn: () => unknown, expected: string) =>
    assert.throws(
      fn,
      (error: unknown) => error instanceof CertificateError && error.code === expected,
    );
  code(() => pemBlocks("-----BEGIN X-----\nMAA=\n"), "malformed");
  code(() => pemBlocks("-----BEGIN X-----\nMAA=\n-----END Y-----\n"), "malformed");
  code(() => pemBlocks("-----BEGIN X-----\nMA*A=\n-----END X-----\n"), "malformed");
  code(() => pemBlocks("-----BEGIN X-----\nMAA=MAA=\n-----END X-----\n"), "malformed");
  code(() => pemBlocks("-----BEGIN X-----\n-----END X-----\n"), "malformed");
  code(() => pemDecode(pemEncode("A", new Uint8Array([1])), "B"), "no-certificate");
});

test("names: text to DER and back, RFC 4514 escaping, slash form, multi-valued RDNs", () => {
  const round = (text: string) => {
    const der = encodeName(text);
    return parseName(der, readElement(der, 0));
  };
  assert.equal(round("CN=a,O=b,C=US").text, "CN=a,O=b,C=US");
  assert.equal(round("/C=US/O=b/CN=a").text, "CN=a,O=b,C=US");
  assert.equal(round('CN=a\\,b\\+c\\;d\\\\e\\"f\\<g\\>').text, 'CN=a\\,b\\+c\\;d\\\\e\\"f\\<g\\>');
  assert.equal(round("CN=\\ lead,O=\\#hash").text, "CN=\\ lead,O=\\#hash");
  assert.equal(round("CN=caf\\C3\\A9").text, "CN=caf\u00e9");
  assert.equal(round('CN="quoted, text"').text, "CN=quoted\\, text");
  assert.equal(round("CN=a+OU=b,O=c").attributes.length, 3);
  assert.equal(round("1.2.3.4=#0403616263").text, "1.2.3.4=#0403616263");
  assert.equal(
    round("emailAddress=a@b.c,DC=example,DC=com").text,
    "emailAddress=a@b.c,DC=example,DC=com",
  );
  assert.equal(canonicalName(encodeName("CN=  a  b ")), canonicalName(encodeName("cn=A B")));
  assert.equal(canonicalName(encodeName("O=Acme Corp")), canonicalName(encodeName("O=ACME  corp")));
  assert.notEqual(canonicalName(encodeName("CN=a,O=b")), canonicalName(encodeName("CN=a,O=c")));
  assert.throws(() => encodeName("CN=x\\"), CertificateError);
  assert.throws(() => encodeName("nonsense"), CertificateError);
});

// Found by fuzzing (tests/crypto/_fuzz.ts, x509/openssl-differential): a value
// ending in a space is written "\ " (RFC 4514 2.4), and reading such text back
// trimmed the escaped space too, leaving a dangling backslash, so the subject a
// parsed certificate printed could not be used to make another.
test("names: escaped spaces at either end of a value survive, and round-trip", () => {
  const round = (text: string) => {
    const der = encodeName(text);
    return parseName(der, readElement(der, 0)).text;
  };
  assert.equal(round("CN=trailing\\ "), "CN=trailing\\ ");
  assert.equal(round("CN=\\ "), "CN=\\ ");
  assert.equal(round("CN=\\  \\ ,O=x"), "CN=\\  \\ ,O=x");
  assert.equal(round("CN=a\\\\ "), "CN=a\\\\"); // an escaped backslash, then a space to trim
  for (const value of [" ", "  ", "a ", " a", " a ", "a  b"]) {
    const der = encodeName(`CN=${value.replace(/^ | $/g, "\\ ")}`);
    const text = parseName(der, readElement(der, 0)).text;
    assert.deepEqual(encodeName(text), der, JSON.stringify(value));
  }
});
