// parseCertificate against OpenSSL: certificates OpenSSL makes parse to the
// fields `openssl x509` prints, and agree with node:crypto's X509Certificate and
// with @peculiar/x509 (the schema-driven parser wirestack's lean reader replaces).

import assert from "node:assert/strict";
import {
  type Certificate,
  CertificateError,
  parseCertificate,
  parseCertificateBundle,
  spkiSha256,
} from "../../crypto/mod.ts";
import {
  asOpensslPrints,
  assertMatchesOpenssl,
  assertMatchesOtherParsers,
} from "./_compare_parsers.ts";
import { runtimeName, test } from "../_harness.ts";
import { type DerNode, parseDer, writeDer } from "./_der_mutator.ts";
import { type CertSpec, OpensslDir, opensslStatus } from "./_openssl.ts";

const name = (text: string) => `parseCertificate vs openssl (${runtimeName}): ${text}`;

function check(dir: OpensslDir, spec: CertSpec, extraArgs?: (pem: string) => void): Certificate {
  const pem = dir.cert(spec);
  const certificate = parseCertificate(pem);
  assertMatchesOpenssl(dir, `${spec.name}.pem`, certificate);
  assertMatchesOtherParsers(certificate);
  // The DER form parses to the same object.
  const derFile = `${spec.name}.der`;
  dir.run(["x509", "-in", `${spec.name}.pem`, "-outform", "DER", "-out", derFile]);
  const fromDer = parseCertificate(dir.readBytes(derFile));
  assert.deepEqual(fromDer, certificate);
  extraArgs?.(pem);
  return certificate;
}

const RICH = [
  "basicConstraints=CA:FALSE",
  "keyUsage=critical,digitalSignature,keyEncipherment,keyAgreement",
  "extendedKeyUsage=serverAuth,clientAuth,codeSigning,1.3.6.1.4.1.99999.3.1",
  "subjectAltName=@alt",
  "subjectKeyIdentifier=hash",
  "authorityKeyIdentifier=keyid",
  "crlDistributionPoints=URI:http://crl.example.com/ca.crl,URI:ldap://crl.example.com/ca",
  "authorityInfoAccess=OCSP;URI:http://ocsp.example.com/,caIssuers;URI:http://ca.example.com/ca.der",
  "certificatePolicies=2.23.140.1.2.1,1.3.6.1.4.1.44947.1.1.1",
  "[alt]",
  "DNS.1=www.example.com",
  "DNS.2=*.example.com",
  "IP.1=192.0.2.1",
  "IP.2=2001:db8::1",
  "IP.3=::",
  "IP.4=fe80::1:0:0:1",
  "email.1=admin@example.com",
  "URI.1=https://example.com/path?q=1",
  "otherName.1=1.3.6.1.4.1.311.20.2.3;UTF8:user@example.com",
  "dirName.1=dir_sect",
  "[dir_sect]",
  "CN=Directory Name",
  "O=Example",
];

test(name("an ECDSA server certificate with every common extension"), () => {
  const dir = new OpensslDir();
  try {
    dir.cert({
      name: "ca",
      subject: "/C=US/O=Example/CN=Example CA",
      ext: [
        "basicConstraints=critical,CA:TRUE,pathlen:1",
        "keyUsage=critical,keyCertSign,cRLSign",
        "subjectKeyIdentifier=hash",
      ],
    });
    const certificate = check(dir, {
      name: "rich",
      subject: "/C=US/ST=California/L=San Francisco/O=Example/OU=Web/CN=www.example.com",
      issuer: "ca",
      ext: RICH,
    });
    assert.deepEqual(certificate.subjectAltName?.dirName, ["O=Example,CN=Directory Name"]);
    assert.deepEqual(certificate.subjectAttributes.map((a) => a.type), [
      "CN",
      "OU",
      "O",
      "L",
      "ST",
      "C",
    ]);
    assert.equal(certificate.subjectAttributes[0].oid, "2.5.4.3");
    assert.deepEqual(certificate.extensions.map((e) => [e.name, e.critical]).slice(0, 2), [[
      "basicConstraints",
      false,
    ], ["keyUsage", true]]);
    check(dir, {
      name: "ca2",
      subject: "/CN=again",
      keyOf: "ca",
      ext: ["basicConstraints=critical,CA:TRUE,pathlen:1"],
    });
  } finally {
    dir.close();
  }
});

test(
  name("CA certificates with path length and name constraints (DNS, IP, email, directory)"),
  () => {
    const dir = new OpensslDir();
    try {
      const certificate = check(dir, {
        name: "nc",
        subject: "/CN=Constrained",
        ext: [
          "basicConstraints=critical,CA:TRUE,pathlen:0",
          "keyUsage=critical,keyCertSign",
          "nameConstraints=critical,permitted;DNS:example.com,permitted;DNS:.example.org,permitted;IP:10.0.0.0/255.0.0.0,permitted;IP:fd00::/ff00::,permitted;email:example.com,excluded;DNS:secret.example.com,excluded;IP:10.9.0.0/255.255.0.0,excluded;dirName:nc_dir",
          "[nc_dir]",
          "O=Evil",
        ],
      });
      assert.deepEqual(certificate.nameConstraints?.permitted.map((n) => n.value), [
        "example.com",
        ".example.org",
        "10.0.0.0/8",
        "fd00::/8",
        "example.com",
      ]);
      assert.deepEqual(certificate.nameConstraints?.excluded.at(-1), {
        type: "dirName",
        value: "O=Evil",
      });
    } finally {
      dir.close();
    }
  },
);

test(name("RSA, RSA-PSS, Ed25519, P-384 and version 1 certificates"), () => {
  const dir = new OpensslDir();
  try {
    const rsa = check(dir, {
      name: "rsa",
      subject: "/CN=RSA",
      key: "rsa",
      ext: ["basicConstraints=critical,CA:TRUE", "subjectKeyIdentifier=hash"],
    });
    assert.deepEqual([rsa.publicKey.algorithm, rsa.publicKey.bits, rsa.publicKey.exponent], [
      "RSA",
      2048,
      65537,
    ]);
    const pss = check(dir, {
      name: "pss",
      subject: "/CN=PSS",
      issuer: "rsa",
      ext: ["subjectAltName=DNS:pss.example"],
      sigopt: ["rsa_padding_mode:pss"],
    });
    assert.equal(pss.signatureAlgorithm, "rsassaPss");
    const ed = check(dir, {
      name: "ed",
      subject: "/CN=Ed25519",
      key: "ed25519",
      ext: ["subjectAltName=DNS:ed.example"],
    });
    assert.deepEqual([ed.publicKey.algorithm, ed.signatureAlgorithm], ["Ed25519", "ED25519"]);
    const p384 = check(dir, { name: "p384", subject: "/CN=P-384", key: "p384", md: "sha384" });
    assert.deepEqual([p384.publicKey.curve, p384.signatureAlgorithm], [
      "P-384",
      "ecdsa-with-SHA384",
    ]);
    const v1 = check(dir, { name: "v1", subject: "/CN=Version One", issuer: "rsa" });
    assert.equal(v1.version, 1);
    assert.deepEqual(v1.extensions, []);
  } finally {
    dir.close();
  }
});

test(name("names: escaping, multi-valued RDNs, UTF-8, DC, UID, emailAddress"), () => {
  const dir = new OpensslDir();
  try {
    check(dir, {
      name: "escape",
      subject: '/CN=a, b+c;d/O=x"y<z>\\\\w/OU= lead/OU=#hash/L=trail ',
    });
    dir.key("utf");
    dir.write("utf.cnf", "[req]\ndistinguished_name=dn\n[dn]\n[ext]\n");
    dir.run([
      "req",
      "-x509",
      "-new",
      "-utf8",
      "-key",
      "utf.key",
      "-subj",
      "/CN=M\u00fcller Stra\u00dfe \u65e5\u672c/O=\u00dcn\u00efc\u00f6d\u00e9",
      "-days",
      "2",
      "-config",
      "utf.cnf",
      "-out",
      "utf.pem",
    ]);
    const utf8 = parseCertificate(dir.read("utf.pem"));
    assertMatchesOpenssl(dir, "utf.pem", utf8);
    assert.equal(
      utf8.subject,
      "O=\u00dcn\u00efc\u00f6d\u00e9,CN=M\u00fcller Stra\u00dfe \u65e5\u672c",
    );
    dir.key("multi");
    dir.write("multi.cnf", "[req]\ndistinguished_name=dn\n[dn]\n[ext]\n");
    dir.run([
      "req",
      "-x509",
      "-new",
      "-multivalue-rdn",
      "-key",
      "multi.key",
      "-subj",
      "/DC=com/DC=example/UID=jdoe+CN=J Doe/emailAddress=j@example.com/serialNumber=1234",
      "-days",
      "2",
      "-config",
      "multi.cnf",
      "-out",
      "multi.pem",
    ]);
    const multi = parseCertificate(dir.read("multi.pem"));
    assertMatchesOpenssl(dir, "multi.pem", multi);
    assert.match(multi.subject, /\+/);
  } finally {
    dir.close();
  }
});

// Found by x509/openssl-differential: OpenSSL prints a value that is exactly
// "#" unescaped; RFC 4514 2.4 escapes a leading "#" (asOpensslPrints).
test(name('a value that is exactly "#" is escaped, as RFC 4514 asks and OpenSSL does not'), () => {
  const dir = new OpensslDir();
  try {
    const lone = check(dir, { name: "lone", subject: "/CN=#/O=#a" });
    assert.equal(lone.subject, "O=\\#a,CN=\\#");
    assert.equal(asOpensslPrints(lone.subject), "O=\\#a,CN=#");
  } finally {
    dir.close();
  }
});

test(name("serials: zero, high bit set, 20 bytes; GeneralizedTime after 2049"), () => {
  const dir = new OpensslDir();
  try {
    dir.key("s");
    dir.write("s.cnf", "[req]\ndistinguished_name=dn\n[dn]\n[ext]\n");
    for (const serial of ["0", "0x80", "0x7fffffffffffffffffffffffffffffffffffffff", "0xff00"]) {
      dir.run([
        "req",
        "-x509",
        "-new",
        "-key",
        "s.key",
        "-subj",
        "/CN=serial",
        "-set_serial",
        serial,
        "-days",
        "2",
        "-config",
        "s.cnf",
        "-out",
        "s.pem",
      ]);
      const certificate = parseCertificate(dir.read("s.pem"));
      assertMatchesOpenssl(dir, "s.pem", certificate);
      assertMatchesOtherParsers(certificate);
    }
    dir.cert({ name: "ca", subject: "/CN=CA", ext: ["basicConstraints=critical,CA:TRUE"] });
    const late = check(dir, {
      name: "late",
      subject: "/CN=late",
      issuer: "ca",
      startDate: "20491231235959Z",
      endDate: "20600229120000Z",
    });
    assert.equal(late.notAfter.toISOString(), "2060-02-29T12:00:00.000Z");
  } finally {
    dir.close();
  }
});

test(name("bundles: every certificate, in order, skipping keys and text"), () => {
  const dir = new OpensslDir();
  try {
    const a = dir.cert({ name: "a", subject: "/CN=a" });
    const b = dir.cert({ name: "b", subject: "/CN=b" });
    const text = dir.run(["x509", "-in", "a.pem", "-text"]) + dir.read("a.key") + b;
    assert.deepEqual(parseCertificateBundle(text).map((c) => c.subject), ["CN=a", "CN=b"]);
    assert.deepEqual(parseCertificateBundle("no certificates here"), []);
    assert.equal(parseCertificate(text).subject, "CN=a");
    assert.equal(spkiSha256(a), parseCertificate(a).spkiSha256);
    assert.equal(
      spkiSha256(dir.run(["x509", "-in", "b.pem", "-noout", "-pubkey"])),
      parseCertificate(b).spkiSha256,
    );
  } finally {
    dir.close();
  }
});

test(
  name("broken input throws CertificateError, never anything else (mutation and truncation)"),
  () => {
    const dir = new OpensslDir();
    try {
      dir.cert({
        name: "m",
        subject: "/CN=mutate",
        ext: RICH.filter((line) => !line.startsWith("authorityKeyIdentifier")),
      });
      const der = parseCertificate(dir.read("m.pem")).der;
      for (let length = 0; length < der.length; length++) {
        assert.throws(() => parseCertificate(der.subarray(0, length)), CertificateError);
      }
      let seed = 12345;
      const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x80000000;
      let parsed = 0;
      for (let round = 0; round < 3000; round++) {
        const mutated = der.slice();
        for (let flips = 1 + Math.floor(random() * 3); flips > 0; flips--) {
          mutated[Math.floor(random() * mutated.length)] = Math.floor(random() * 256);
        }
        try {
          parseCertificate(mutated);
          parsed++;
        } catch (error) {
          if (!(error instanceof CertificateError)) throw error;
        }
      }
      assert.ok(parsed > 0, "some mutations (in names, keys, signatures) still parse");
      assert.throws(
        () => parseCertificate("-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----\n"),
        CertificateError,
      );
      assert.throws(
        () => parseCertificate("-----BEGIN CERTIFICATE-----\nMAA=\n"),
        CertificateError,
      );
      assert.throws(
        () => parseCertificate(""),
        (error: unknown) => (error as CertificateError).code === "no-certificate",
      );
    } finally {
      dir.close();
    }
  },
  { timeout: 60_000 },
);

/** Parses `bytes` (changed from a good certificate) and compares the verdict with `openssl x509`. */
function sameVerdictAsOpenssl(dir: OpensslDir, bytes: Uint8Array, what: string): void {
  dir.write("variant.der", bytes);
  const openssl = opensslStatus([
    "x509",
    "-inform",
    "DER",
    "-in",
    dir.path("variant.der"),
    "-noout",
    "-text",
  ]);
  let ours = true;
  try {
    parseCertificate(bytes);
  } catch (error) {
    assert.ok(error instanceof CertificateError && error.code === "malformed", String(error));
    ours = false;
  }
  assert.equal(ours, openssl.ok, `${what}: wirestack ${ours}, openssl ${openssl.ok}`);
}

// Found by fuzzing (tests/crypto/_fuzz.ts, x509/certificate): the unique
// identifiers of a version 2 or 3 certificate ([1] issuerUniqueID, [2]
// subjectUniqueID, RFC 5280 4.1) were skipped unread, so a certificate with
// two of them, with them out of order, or with one that is no BIT STRING
// parsed where OpenSSL refuses it.
test(name("unique identifiers: once each, in order, BIT STRINGs, as OpenSSL reads them"), () => {
  const dir = new OpensslDir();
  try {
    const der = parseCertificate(
      dir.cert({ name: "u", subject: "/CN=unique", ext: ["basicConstraints=CA:FALSE"] }),
    ).der;
    const [certificate] = parseDer(der)!;
    const tbs = certificate.children![0];
    const at = tbs.children!.findIndex((node) => node.tag === 0xa3);
    const id = (tag: number, ...contents: number[]) => ({
      tag,
      contents: new Uint8Array(contents),
    });
    const cases: Array<[string, DerNode[]]> = [
      ["both, in order", [id(0x81, 0x00, 0xaa), id(0x82, 0x00, 0xbb)]],
      ["a subject ID with unused bits", [id(0x82, 0x04, 0xf0)]],
      ["an empty issuer ID", [id(0x81)]],
      ["an ID with 8 unused bits", [id(0x82, 0x08, 0xff)]],
      ["two subject IDs", [id(0x82, 0x00, 0xaa), id(0x82, 0x00, 0xbb)]],
      ["subject before issuer", [id(0x82, 0x00, 0xaa), id(0x81, 0x00, 0xbb)]],
    ];
    for (const [what, ids] of cases) {
      const changed = structuredClone(certificate);
      changed.children![0].children!.splice(at, 0, ...ids);
      sameVerdictAsOpenssl(dir, writeDer([changed]), what);
    }
    // Also found by fuzzing (x509/certificate, on Node): a second INTEGER in
    // the [0] that wraps the version was not noticed.
    const twice = structuredClone(certificate);
    const version = twice.children![0].children![0];
    version.children!.push(structuredClone(version.children![0]));
    sameVerdictAsOpenssl(dir, writeDer([twice]), "two versions");
    // And (on Node): an AlgorithmIdentifier with a second OID, in the key or
    // in the signature algorithm (inner and outer alike).
    const keyAlgorithm = structuredClone(certificate);
    const spki = keyAlgorithm.children![0].children!.find((n) => n.children?.[1]?.tag === 0x03)!;
    spki.children![0].children!.splice(1, 0, structuredClone(spki.children![0].children![0]));
    sameVerdictAsOpenssl(dir, writeDer([keyAlgorithm]), "a key algorithm with two OIDs");
    const signatureAlgorithm = structuredClone(certificate);
    for (
      const algorithm of [
        signatureAlgorithm.children![0].children![2],
        signatureAlgorithm.children![1],
      ]
    ) {
      algorithm.children!.push(structuredClone(algorithm.children![0]));
    }
    sameVerdictAsOpenssl(
      dir,
      writeDer([signatureAlgorithm]),
      "a signature algorithm with two OIDs",
    );
    // And: values of type ANY holding a malformed universal value (a BOOLEAN
    // of two octets as a name's value, an odd BMPString of an unknown type, a
    // NULL with contents as key parameters).
    const badValue = structuredClone(certificate);
    const issuerName = badValue.children![0].children![3];
    issuerName.children!.at(-1)!.children![0].children![1] = id(0x01, 0x52, 0x33);
    sameVerdictAsOpenssl(dir, writeDer([badValue]), "a BOOLEAN of two octets in a name");
    const unknownType = structuredClone(certificate);
    unknownType.children![0].children![3].children!.push({
      tag: 0x31,
      children: [{ tag: 0x30, children: [id(0x06, 0x2a, 0x03), id(0x1e, 0x00, 0x41, 0x00)] }],
    });
    sameVerdictAsOpenssl(dir, writeDer([unknownType]), "an odd BMPString of an unknown type");
    const badUtf8 = structuredClone(unknownType);
    badUtf8.children![0].children![3].children!.at(-1)!.children![0].children![1] = id(
      0x0c,
      0x80,
      0x41,
    );
    sameVerdictAsOpenssl(dir, writeDer([badUtf8]), "bad UTF-8 in a value of an unknown type");
    const nullParameters = structuredClone(certificate);
    const spkiNode = nullParameters.children![0].children!.find((n) =>
      n.children?.[1]?.tag === 0x03
    )!;
    spkiNode.children![0].children![1] = id(0x05, 0x00);
    sameVerdictAsOpenssl(dir, writeDer([nullParameters]), "key parameters: a NULL with contents");
  } finally {
    dir.close();
  }
});

// Met by fuzzing (x509/certificate, on Node), and kept: an attribute value may
// be of any type (RFC 5280 4.1.2.4: AttributeValue is ANY), which wirestack
// prints as "#" and the hex of its DER (RFC 4514 2.4); OpenSSL decodes only the
// string types, BIT STRING and SEQUENCE, and refuses the certificate otherwise.
test(name("name attribute values of any type parse as #hex; OpenSSL takes fewer"), () => {
  const dir = new OpensslDir();
  try {
    const der = parseCertificate(dir.cert({ name: "n", subject: "/O=Types/CN=value" })).der;
    const [certificate] = parseDer(der)!;
    const tbs = certificate.children![0].children!;
    const subject = tbs[tbs[0].tag === 0xa0 ? 5 : 4]; // version 1: no [0]
    const value = subject.children!.at(-1)!.children![0].children![1];
    const cases: Array<[number, number[], boolean]> = [
      [0x04, [0x61, 0x62, 0x63], false], // OCTET STRING
      [0x02, [0x01], false], // INTEGER
      [0x17, [...new TextEncoder().encode("250101000000Z")], false], // UTCTime
      [0x12, [0x31, 0x32, 0x33], true], // NumericString
      [0x16, [0x61, 0x62, 0x63], true], // IA5String
    ];
    for (const [tag, contents, opensslReads] of cases) {
      value.tag = tag;
      value.contents = new Uint8Array(contents);
      const variant = writeDer([certificate]);
      dir.write("variant.der", variant);
      const openssl = opensslStatus(["x509", "-inform", "DER", "-in", dir.path("variant.der")]);
      assert.equal(openssl.ok, opensslReads, `openssl on a value of type 0x${tag.toString(16)}`);
      const parsed = parseCertificate(variant);
      if (tag !== 0x16) {
        const hex = [tag, contents.length, ...contents].map((b) => b.toString(16).padStart(2, "0"));
        assert.equal(parsed.subjectAttributes[0].value, "#" + hex.join(""));
      }
    }
  } finally {
    dir.close();
  }
});

// Found by fuzzing (x509/certificate, on Node): a validity time at second 60
// (a leap second) parsed, as the next minute; OpenSSL calls it a "Bad time
// value" and will not verify the certificate.
test(name("validity times stop at second 59, as OpenSSL's do"), () => {
  const dir = new OpensslDir();
  try {
    const der = parseCertificate(dir.cert({ name: "t", subject: "/CN=time" })).der;
    const [certificate] = parseDer(der)!;
    const tbs = certificate.children![0].children!;
    const notAfter = tbs[tbs[0].tag === 0xa0 ? 4 : 3].children![1];
    for (const [text, ok] of [["991231235960Z", false], ["991231235959Z", true]] as const) {
      notAfter.tag = 0x17;
      notAfter.contents = new TextEncoder().encode(text);
      const variant = writeDer([certificate]);
      dir.write("time.der", variant);
      const printed = dir.run(["x509", "-inform", "DER", "-in", "time.der", "-noout", "-enddate"]);
      assert.equal(!printed.includes("Bad time value"), ok, printed);
      if (ok) {
        assert.equal(parseCertificate(variant).notAfter.toISOString(), "1999-12-31T23:59:59.000Z");
      } else assert.throws(() => parseCertificate(variant), CertificateError);
    }
  } finally {
    dir.close();
  }
});

// Found by fuzzing (x509/certificate, on Node): a negative serial (RFC 5280
// wants them positive; some certificates have them) printed as its two's
// complement bytes, the same text as a positive serial with those bytes,
// where OpenSSL prints "-" and the magnitude; and a negative INTEGER with a
// needless 0xff octet (not DER) parsed.
test(name("negative serials read as OpenSSL reads them; non-minimal ones are refused"), () => {
  const dir = new OpensslDir();
  try {
    const der = parseCertificate(dir.cert({ name: "s", subject: "/CN=serial" })).der;
    const [certificate] = parseDer(der)!;
    const serial = certificate.children![0].children![1];
    for (const bytes of [[0x80], [0xff], [0x80, 0x00], [0x81, 0x02, 0x03], [0xfe, 0xdc]]) {
      serial.contents = new Uint8Array(bytes);
      const variant = writeDer([certificate]);
      dir.write("neg.der", variant);
      const printed = dir.run(["x509", "-inform", "DER", "-in", "neg.der", "-noout", "-serial"]);
      assert.equal(
        parseCertificate(variant).serialNumber,
        printed.trim().slice("serial=".length).toLowerCase(),
      );
    }
    serial.contents = new Uint8Array([0xff, 0x80]);
    sameVerdictAsOpenssl(dir, writeDer([certificate]), "a negative serial with a needless 0xff");
  } finally {
    dir.close();
  }
});

// Found by fuzzing (x509/certificate): EC key parameters that were neither a
// named curve nor specified or implicit parameters (RFC 5480 2.1.1) parsed as
// "explicit", even a BOOLEAN eight bytes long that OpenSSL cannot load at all.
// OpenSSL loads the other shapes but not their key ("Unable to load Public
// Key"); wirestack refuses the certificate, as it can do nothing with it.
test(name("EC key parameters: a named curve, specified or implicit, nothing else"), () => {
  const dir = new OpensslDir();
  try {
    const der = parseCertificate(dir.cert({ name: "ec", subject: "/CN=ec" })).der;
    const [certificate] = parseDer(der)!;
    const spki = certificate.children![0].children!.find((node) =>
      node.tag === 0x30 && node.children?.[1]?.tag === 0x03
    )!;
    const parameters = spki.children![0].children![1];
    for (const tag of [0x01, 0x02, 0x04, 0x05, 0x0c, 0x31]) {
      parameters.tag = tag;
      const variant = writeDer([certificate]);
      parameters.tag = 0x06;
      assert.throws(() => parseCertificate(variant), CertificateError, `tag ${tag}`);
      dir.write("variant.der", variant);
      const openssl = opensslStatus([
        "x509",
        "-inform",
        "DER",
        "-in",
        dir.path("variant.der"),
        "-noout",
        "-text",
      ]);
      assert.ok(
        !openssl.ok || openssl.output.includes("Unable to load Public Key"),
        `openssl loads a key with parameters of tag ${tag}`,
      );
    }
    assert.equal(parseCertificate(writeDer([certificate])).publicKey.curve, "P-256");
  } finally {
    dir.close();
  }
});
