// verifyCertificateChain against chains OpenSSL makes, one rule at a time, good
// and bad; each verdict is also compared with `openssl verify` on the same files.

import assert from "node:assert/strict";
import {
  CertificateError,
  certificateToPem,
  parseCertificate,
  verifyCertificateChain,
  type VerifyChainOptions,
} from "../../crypto/mod.ts";
import { runtimeName, test } from "../_harness.ts";
import { type DerNode, parseDer, writeDer } from "./_der_mutator.ts";
import { OpensslDir, opensslStatus } from "./_openssl.ts";

const CA = [
  "basicConstraints=critical,CA:TRUE",
  "keyUsage=critical,keyCertSign,cRLSign",
  "subjectKeyIdentifier=hash",
];
const CA0 = [
  "basicConstraints=critical,CA:TRUE,pathlen:0",
  "keyUsage=critical,keyCertSign,cRLSign",
  "subjectKeyIdentifier=hash",
  "authorityKeyIdentifier=keyid",
];
const INTER = [
  "basicConstraints=critical,CA:TRUE",
  "keyUsage=critical,keyCertSign,cRLSign",
  "subjectKeyIdentifier=hash",
  "authorityKeyIdentifier=keyid",
];
const SERVER = (san: string, eku = "serverAuth") => [
  "basicConstraints=CA:FALSE",
  "keyUsage=critical,digitalSignature",
  `extendedKeyUsage=${eku}`,
  `subjectAltName=${san}`,
  "subjectKeyIdentifier=hash",
  "authorityKeyIdentifier=keyid",
];

/** Version 1 issuers have no key identifier to point at. */
const noAki = (lines: string[]) =>
  lines.filter((line) => !line.startsWith("authorityKeyIdentifier"));

interface Fixtures {
  dir: OpensslDir;
  pem: (name: string) => string;
}

let made: Fixtures | undefined;

/** Every chain the tests use, made once per run (about a second of openssl). */
function fixtures(): Fixtures {
  if (made !== undefined) return made;
  const dir = new OpensslDir();
  const c = (spec: Parameters<OpensslDir["cert"]>[0]) => dir.cert(spec);
  c({ name: "root", subject: "/C=US/O=Test/CN=Test Root", ext: CA, days: 3650 });
  c({
    name: "inter",
    subject: "/O=Test/CN=Test Intermediate",
    issuer: "root",
    ext: [...CA0],
    days: 365,
  });
  c({
    name: "leaf",
    subject: "/CN=www.example.com",
    issuer: "inter",
    ext: SERVER("DNS:www.example.com,DNS:example.com,IP:192.0.2.10,IP:2001:db8::1"),
  });
  c({ name: "wild", subject: "/CN=wildcard", issuer: "inter", ext: SERVER("DNS:*.example.com") });
  c({
    name: "badwild",
    subject: "/CN=bad wildcards",
    issuer: "inter",
    ext: SERVER("DNS:*.com,DNS:f*.example.org,DNS:*.*.example.net,DNS:w*w.example.io,DNS:*"),
  });
  c({
    name: "clientonly",
    subject: "/CN=client",
    issuer: "inter",
    ext: SERVER("DNS:client.example.com", "clientAuth"),
  });
  c({
    name: "noeku",
    subject: "/CN=noeku.example.com",
    issuer: "inter",
    ext: [
      "basicConstraints=CA:FALSE",
      "subjectAltName=DNS:noeku.example.com",
      "authorityKeyIdentifier=keyid",
    ],
  });
  c({
    name: "cnonly",
    subject: "/CN=cn.example.com",
    issuer: "inter",
    ext: [
      "basicConstraints=CA:FALSE",
      "extendedKeyUsage=serverAuth",
      "authorityKeyIdentifier=keyid",
    ],
  });
  c({ name: "ipasdns", subject: "/CN=ip", issuer: "inter", ext: SERVER("DNS:192.0.2.77") });
  c({
    name: "kuwrong",
    subject: "/CN=ku.example.com",
    issuer: "inter",
    ext: [
      "keyUsage=critical,keyCertSign",
      "subjectAltName=DNS:ku.example.com",
      "authorityKeyIdentifier=keyid",
    ],
  });
  // An intermediate that is not a CA, and one that is a CA but may not sign certificates.
  c({
    name: "notca",
    subject: "/CN=Not A CA",
    issuer: "root",
    ext: [
      "basicConstraints=critical,CA:FALSE",
      "subjectKeyIdentifier=hash",
      "authorityKeyIdentifier=keyid",
    ],
  });
  c({
    name: "undernotca",
    subject: "/CN=under.example.com",
    issuer: "notca",
    ext: SERVER("DNS:under.example.com"),
  });
  c({ name: "v1inter", subject: "/CN=V1 Intermediate", issuer: "root" });
  c({
    name: "underv1",
    subject: "/CN=v1.example.com",
    issuer: "v1inter",
    ext: noAki(SERVER("DNS:v1.example.com")),
  });
  c({
    name: "nosign",
    subject: "/CN=No CertSign CA",
    issuer: "root",
    ext: [
      "basicConstraints=critical,CA:TRUE",
      "keyUsage=critical,digitalSignature,cRLSign",
      "subjectKeyIdentifier=hash",
      "authorityKeyIdentifier=keyid",
    ],
  });
  c({
    name: "undernosign",
    subject: "/CN=nosign.example.com",
    issuer: "nosign",
    ext: SERVER("DNS:nosign.example.com"),
  });
  // Path length: inter has pathlen 0, so inter2 below it may not issue.
  c({ name: "inter2", subject: "/CN=Second Intermediate", issuer: "inter", ext: INTER });
  c({
    name: "deep",
    subject: "/CN=deep.example.com",
    issuer: "inter2",
    ext: SERVER("DNS:deep.example.com"),
  });
  c({
    name: "root0",
    subject: "/CN=Root Pathlen 0",
    ext: [
      "basicConstraints=critical,CA:TRUE,pathlen:0",
      "keyUsage=critical,keyCertSign",
      "subjectKeyIdentifier=hash",
    ],
    days: 3650,
  });
  c({ name: "inter0", subject: "/CN=Under Root0", issuer: "root0", ext: INTER });
  c({
    name: "leaf0",
    subject: "/CN=p.example.com",
    issuer: "inter0",
    ext: SERVER("DNS:p.example.com"),
  });
  c({
    name: "direct0",
    subject: "/CN=d.example.com",
    issuer: "root0",
    ext: SERVER("DNS:d.example.com"),
  });
  // Dates.
  c({
    name: "expired",
    subject: "/CN=old.example.com",
    issuer: "inter",
    ext: SERVER("DNS:old.example.com"),
    startDate: "20200101000000Z",
    endDate: "20210101000000Z",
  });
  c({
    name: "future",
    subject: "/CN=new.example.com",
    issuer: "inter",
    ext: SERVER("DNS:new.example.com"),
    startDate: "20990101000000Z",
    endDate: "20991231000000Z",
  });
  c({
    name: "oldroot",
    subject: "/CN=Old Root",
    ext: CA,
    startDate: "20190101000000Z",
    endDate: "20310101000000Z",
  });
  c({
    name: "oldleaf",
    subject: "/CN=old.example.com",
    issuer: "oldroot",
    ext: SERVER("DNS:old.example.com"),
    startDate: "20200101000000Z",
    endDate: "20210101000000Z",
  });
  c({
    name: "oldinter",
    subject: "/CN=Expired Intermediate",
    issuer: "root",
    ext: INTER,
    startDate: "20200101000000Z",
    endDate: "20210101000000Z",
  });
  c({
    name: "underold",
    subject: "/CN=underold.example.com",
    issuer: "oldinter",
    ext: SERVER("DNS:underold.example.com"),
  });
  // Untrusted roots: another root, and an impostor with the trusted root's very name.
  c({ name: "other", subject: "/CN=Other Root", ext: CA, days: 3650 });
  c({
    name: "otherleaf",
    subject: "/CN=www.example.com",
    issuer: "other",
    ext: SERVER("DNS:www.example.com"),
  });
  c({ name: "impostor", subject: "/C=US/O=Test/CN=Test Root", ext: CA, days: 3650 });
  c({
    name: "impostorleaf",
    subject: "/CN=www.example.com",
    issuer: "impostor",
    ext: SERVER("DNS:www.example.com"),
  });
  // Name constraints on a root.
  c({
    name: "ncroot",
    subject: "/CN=Constrained Root",
    ext: [
      ...CA,
      "nameConstraints=critical,permitted;DNS:example.com,permitted;IP:192.0.2.0/255.255.255.0,permitted;IP:2001:db8::/ffff:ffff::,excluded;DNS:bad.example.com,excluded;IP:192.0.2.128/255.255.255.128",
    ],
    days: 3650,
  });
  c({
    name: "ncgood",
    subject: "/CN=ok",
    issuer: "ncroot",
    ext: SERVER("DNS:a.example.com,DNS:example.com,IP:192.0.2.5,IP:2001:db8::5"),
  });
  c({
    name: "ncdns",
    subject: "/CN=evil",
    issuer: "ncroot",
    ext: SERVER("DNS:a.example.com,DNS:www.evil.com"),
  });
  c({
    name: "ncsuffix",
    subject: "/CN=suffix",
    issuer: "ncroot",
    ext: SERVER("DNS:notexample.com"),
  });
  c({
    name: "ncexcluded",
    subject: "/CN=excluded",
    issuer: "ncroot",
    ext: SERVER("DNS:x.bad.example.com"),
  });
  c({ name: "ncip", subject: "/CN=ip", issuer: "ncroot", ext: SERVER("IP:198.51.100.1") });
  c({ name: "ncipexcluded", subject: "/CN=ipx", issuer: "ncroot", ext: SERVER("IP:192.0.2.200") });
  c({ name: "ncip6", subject: "/CN=ip6", issuer: "ncroot", ext: SERVER("IP:2001:db9::1") });
  c({
    name: "nccn",
    subject: "/CN=www.evil.com",
    issuer: "ncroot",
    ext: ["basicConstraints=CA:FALSE", "subjectAltName=IP:192.0.2.6"],
  });
  c({
    name: "nccnplain",
    subject: "/CN=Evil Corp",
    issuer: "ncroot",
    ext: ["basicConstraints=CA:FALSE"],
  });
  // Name constraints on an intermediate.
  c({
    name: "ncinter",
    subject: "/CN=Constrained Intermediate",
    issuer: "root",
    ext: [...INTER, "nameConstraints=critical,permitted;DNS:.corp.example"],
  });
  c({
    name: "ncinterok",
    subject: "/CN=host",
    issuer: "ncinter",
    ext: SERVER("DNS:host.corp.example"),
  });
  c({
    name: "ncinterapex",
    subject: "/CN=apex",
    issuer: "ncinter",
    ext: SERVER("DNS:corp.example"),
  });
  // Other algorithms.
  c({ name: "rsaroot", subject: "/CN=RSA Root", key: "rsa", ext: CA, days: 3650 });
  c({
    name: "rsaleaf",
    subject: "/CN=rsa",
    issuer: "rsaroot",
    key: "rsa",
    ext: SERVER("DNS:rsa.example.com"),
  });
  c({
    name: "pssleaf",
    subject: "/CN=pss",
    issuer: "rsaroot",
    ext: SERVER("DNS:pss.example.com"),
    sigopt: ["rsa_padding_mode:pss", "rsa_pss_saltlen:32"],
  });
  c({ name: "edroot", subject: "/CN=Ed25519 Root", key: "ed25519", ext: CA, days: 3650 });
  c({
    name: "edleaf",
    subject: "/CN=ed",
    issuer: "edroot",
    key: "ed25519",
    ext: SERVER("DNS:ed.example.com"),
  });
  c({
    name: "p384root",
    subject: "/CN=P-384 Root",
    key: "p384",
    ext: CA,
    days: 3650,
    md: "sha384",
  });
  c({
    name: "p384leaf",
    subject: "/CN=p384",
    issuer: "p384root",
    key: "p384",
    ext: SERVER("DNS:p384.example.com"),
    md: "sha384",
  });
  c({
    name: "sha1leaf",
    subject: "/CN=sha1",
    issuer: "root",
    ext: SERVER("DNS:sha1.example.com"),
    md: "sha1",
  });
  c({ name: "weakroot", subject: "/CN=Weak Root", key: "rsa1024", ext: CA, days: 3650 });
  c({
    name: "weakleaf",
    subject: "/CN=weak",
    issuer: "weakroot",
    ext: SERVER("DNS:weak.example.com"),
  });
  c({
    name: "critical",
    subject: "/CN=critical",
    issuer: "inter",
    ext: [...SERVER("DNS:critical.example.com"), "1.3.6.1.4.1.99999.1=critical,ASN1:NULL"],
  });
  c({ name: "v1root", subject: "/CN=V1 Root" });
  c({
    name: "underv1root",
    subject: "/CN=v1root.example.com",
    issuer: "v1root",
    ext: noAki(SERVER("DNS:v1root.example.com")),
  });
  c({
    name: "clientca",
    subject: "/CN=Client-only CA",
    issuer: "root",
    ext: [...INTER, "extendedKeyUsage=clientAuth"],
  });
  c({
    name: "underclientca",
    subject: "/CN=s.example.com",
    issuer: "clientca",
    ext: SERVER("DNS:s.example.com"),
  });
  made = { dir, pem: (name) => dir.read(`${name}.pem`) };
  return made;
}

function chain(...names: string[]): string {
  const { pem } = fixtures();
  return names.map(pem).join("");
}

async function expectCode(
  promise: Promise<unknown>,
  code: string,
  reason?: string,
): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof CertificateError, `expected a CertificateError, got ${error}`);
    assert.equal(error.code, code, error.message);
    if (reason !== undefined) assert.equal(error.reason, reason);
    return true;
  });
}

/** What `openssl verify` says about the same files (leaf, untrusted extras, one root). */
function opensslAgrees(
  expectOk: boolean,
  leaf: string,
  extras: string[],
  root: string,
  options: { host?: string; ip?: string; purpose?: string; partial?: boolean } = {},
): void {
  const { dir } = fixtures();
  const untrusted = extras.length > 0
    ? dir.write(`untrusted-${leaf}.pem`, chain(...extras))
    : undefined;
  const args = ["verify", "-CAfile", dir.path(`${root}.pem`)];
  if (untrusted !== undefined) args.push("-untrusted", untrusted);
  if (options.host !== undefined) args.push("-verify_hostname", options.host);
  if (options.ip !== undefined) args.push("-verify_ip", options.ip);
  if (options.purpose !== undefined) args.push("-purpose", options.purpose);
  args.push(dir.path(`${leaf}.pem`));
  const result = opensslStatus(args);
  assert.equal(result.ok, expectOk, `openssl verify disagrees: ${result.output}`);
}

const roots = (name: string): VerifyChainOptions => ({ roots: [fixtures().pem(name)] });
const name = (text: string) => `verifyCertificateChain vs openssl (${runtimeName}): ${text}`;

test(name("a good three-certificate chain returns the path, leaf first"), async () => {
  const path = await verifyCertificateChain(chain("leaf", "inter"), {
    ...roots("root"),
    host: "www.example.com",
  });
  assert.deepEqual(path.map((c) => c.subject), [
    "CN=www.example.com",
    "CN=Test Intermediate,O=Test",
    "CN=Test Root,O=Test,C=US",
  ]);
  opensslAgrees(true, "leaf", ["inter"], "root", { host: "www.example.com", purpose: "sslserver" });
}, { timeout: 60_000 });

test(
  name("extras in any order, with strangers and the root itself, still build the path"),
  async () => {
    const path = await verifyCertificateChain(
      chain("leaf", "other", "root", "inter2", "inter"),
      roots("root"),
    );
    assert.equal(path.length, 3);
    const list = [fixtures().pem("leaf"), fixtures().pem("root"), fixtures().pem("inter")];
    assert.equal((await verifyCertificateChain(list, roots("root"))).length, 3);
    opensslAgrees(true, "leaf", ["other", "root", "inter2", "inter"], "root");
  },
);

test(name("a missing intermediate is unknown-issuer (missing-issuer)"), async () => {
  await expectCode(
    verifyCertificateChain(chain("leaf"), roots("root")),
    "unknown-issuer",
    "missing-issuer",
  );
  opensslAgrees(false, "leaf", [], "root");
});

test(
  name("an untrusted root is unknown-issuer (untrusted-root), even with the trusted root's name"),
  async () => {
    await expectCode(
      verifyCertificateChain(chain("otherleaf", "other"), roots("root")),
      "unknown-issuer",
      "untrusted-root",
    );
    await expectCode(
      verifyCertificateChain(chain("otherleaf"), roots("root")),
      "unknown-issuer",
      "missing-issuer",
    );
    await expectCode(
      verifyCertificateChain(chain("impostorleaf", "impostor"), roots("root")),
      "unknown-issuer",
      "untrusted-root",
    );
    await expectCode(
      verifyCertificateChain(chain("impostorleaf"), roots("root")),
      "unknown-issuer",
      "missing-issuer",
    );
    opensslAgrees(false, "otherleaf", ["other"], "root");
    opensslAgrees(false, "impostorleaf", ["impostor"], "root");
  },
);

test(
  name("a self-signed certificate trusted directly verifies; untrusted it does not"),
  async () => {
    const path = await verifyCertificateChain(chain("other"), roots("other"));
    assert.equal(path.length, 1);
    await expectCode(
      verifyCertificateChain(chain("other"), roots("root")),
      "unknown-issuer",
      "untrusted-root",
    );
  },
);

test(
  name("expired and not-yet-valid leaves and intermediates; `now` moves the clock"),
  async () => {
    await expectCode(verifyCertificateChain(chain("expired", "inter"), roots("root")), "expired");
    await expectCode(
      verifyCertificateChain(chain("future", "inter"), roots("root")),
      "not-yet-valid",
    );
    await expectCode(
      verifyCertificateChain(chain("underold", "oldinter"), roots("root")),
      "expired",
    );
    const then = { now: new Date("2020-06-01T00:00:00Z") };
    assert.equal(
      (await verifyCertificateChain(chain("oldleaf"), { ...roots("oldroot"), ...then })).length,
      2,
    );
    await expectCode(verifyCertificateChain(chain("oldleaf"), roots("oldroot")), "expired");
    await expectCode(
      verifyCertificateChain(chain("expired", "inter"), { ...roots("root"), ...then }),
      "not-yet-valid",
    );
    await expectCode(
      verifyCertificateChain(chain("leaf", "inter"), {
        ...roots("root"),
        now: new Date(Date.now() + 400 * 86_400_000),
      }),
      "expired",
    );
    await expectCode(
      verifyCertificateChain(chain("leaf", "inter"), {
        ...roots("root"),
        now: new Date(Date.now() - 2 * 86_400_000),
      }),
      "not-yet-valid",
    );
    opensslAgrees(false, "expired", ["inter"], "root");
    opensslAgrees(false, "future", ["inter"], "root");
    opensslAgrees(false, "underold", ["oldinter"], "root");
  },
);

test(
  name("host names: SAN DNS exact, case-insensitive, trailing dot; no CN fallback by default"),
  async () => {
    for (const host of ["www.example.com", "WWW.Example.COM", "example.com", "www.example.com."]) {
      await verifyCertificateChain(chain("leaf", "inter"), { ...roots("root"), host });
    }
    for (const host of ["example.org", "a.www.example.com", "ww.example.com", "localhost"]) {
      await expectCode(
        verifyCertificateChain(chain("leaf", "inter"), { ...roots("root"), host }),
        "host-mismatch",
      );
    }
    await expectCode(
      verifyCertificateChain(chain("cnonly", "inter"), {
        ...roots("root"),
        host: "cn.example.com",
      }),
      "host-mismatch",
    );
    await verifyCertificateChain(chain("cnonly", "inter"), {
      ...roots("root"),
      host: "cn.example.com",
      allowCommonName: true,
    });
    opensslAgrees(false, "leaf", ["inter"], "root", { host: "example.org" });
  },
);

test(
  name("wildcards: one whole left-most label, never over a single label, never partial"),
  async () => {
    const wild = chain("wild", "inter");
    await verifyCertificateChain(wild, { ...roots("root"), host: "www.example.com" });
    await verifyCertificateChain(wild, { ...roots("root"), host: "xn--bcher-kva.example.com" });
    for (const host of ["example.com", "a.b.example.com", ".example.com", "example.com.evil"]) {
      await expectCode(verifyCertificateChain(wild, { ...roots("root"), host }), "host-mismatch");
    }
    const bad = chain("badwild", "inter");
    for (
      const host of [
        "foo.com",
        "foo.example.org",
        "f.example.org",
        "a.b.example.net",
        "www.example.io",
        "wxw.example.io",
        "localhost",
      ]
    ) {
      await expectCode(verifyCertificateChain(bad, { ...roots("root"), host }), "host-mismatch");
    }
    opensslAgrees(true, "wild", ["inter"], "root", { host: "www.example.com" });
    opensslAgrees(false, "wild", ["inter"], "root", { host: "a.b.example.com" });
  },
);

test(name("IPv4 and IPv6 hosts match IP SANs only, in any textual form"), async () => {
  const leaf = chain("leaf", "inter");
  for (const host of ["192.0.2.10", "2001:db8::1", "[2001:db8::1]", "2001:0DB8:0:0:0:0:0:1"]) {
    await verifyCertificateChain(leaf, { ...roots("root"), host });
  }
  for (const host of ["192.0.2.11", "2001:db8::2", "::ffff:192.0.2.10"]) {
    await expectCode(verifyCertificateChain(leaf, { ...roots("root"), host }), "host-mismatch");
  }
  // An IP address written as a DNS SAN matches neither way.
  await expectCode(
    verifyCertificateChain(chain("ipasdns", "inter"), { ...roots("root"), host: "192.0.2.77" }),
    "host-mismatch",
  );
  opensslAgrees(true, "leaf", ["inter"], "root", { ip: "2001:db8::1" });
  opensslAgrees(false, "ipasdns", ["inter"], "root", { ip: "192.0.2.77" });
});

test(name("an issuer that is not a CA (CA:FALSE, or a v1 intermediate) is not-a-ca"), async () => {
  await expectCode(verifyCertificateChain(chain("undernotca", "notca"), roots("root")), "not-a-ca");
  await expectCode(verifyCertificateChain(chain("underv1", "v1inter"), roots("root")), "not-a-ca");
  // A version 1 self-signed root is still a trust anchor, as in OpenSSL.
  await verifyCertificateChain(chain("underv1root"), roots("v1root"));
  opensslAgrees(false, "undernotca", ["notca"], "root");
  opensslAgrees(false, "underv1", ["v1inter"], "root");
  opensslAgrees(true, "underv1root", [], "v1root");
});

test(
  name("an issuer without keyCertSign is key-usage; a leaf key usage unfit for TLS too"),
  async () => {
    await expectCode(
      verifyCertificateChain(chain("undernosign", "nosign"), roots("root")),
      "key-usage",
    );
    await expectCode(
      verifyCertificateChain(chain("kuwrong", "inter"), { ...roots("root"), purpose: "server" }),
      "key-usage",
    );
    await verifyCertificateChain(chain("kuwrong", "inter"), roots("root"));
    opensslAgrees(false, "undernosign", ["nosign"], "root");
    opensslAgrees(false, "kuwrong", ["inter"], "root", { purpose: "sslserver" });
  },
);

test(name("path length: intermediates past pathlen are path-length"), async () => {
  await expectCode(
    verifyCertificateChain(chain("deep", "inter2", "inter"), roots("root")),
    "path-length",
  );
  await expectCode(verifyCertificateChain(chain("leaf0", "inter0"), roots("root0")), "path-length");
  await verifyCertificateChain(chain("direct0"), roots("root0"));
  opensslAgrees(false, "deep", ["inter2", "inter"], "root");
  opensslAgrees(false, "leaf0", ["inter0"], "root0");
  opensslAgrees(true, "direct0", [], "root0");
});

test(
  name("EKU: purpose must be listed; no EKU serves any purpose; host implies server"),
  async () => {
    await expectCode(
      verifyCertificateChain(chain("clientonly", "inter"), { ...roots("root"), purpose: "server" }),
      "eku",
    );
    await expectCode(
      verifyCertificateChain(chain("clientonly", "inter"), {
        ...roots("root"),
        host: "client.example.com",
      }),
      "eku",
    );
    await verifyCertificateChain(chain("clientonly", "inter"), {
      ...roots("root"),
      purpose: "client",
    });
    await expectCode(
      verifyCertificateChain(chain("leaf", "inter"), { ...roots("root"), purpose: "client" }),
      "eku",
    );
    await verifyCertificateChain(chain("leaf", "inter"), roots("root"));
    for (const purpose of ["server", "client"] as const) {
      await verifyCertificateChain(chain("noeku", "inter"), { ...roots("root"), purpose });
    }
    opensslAgrees(false, "clientonly", ["inter"], "root", { purpose: "sslserver" });
    opensslAgrees(true, "clientonly", ["inter"], "root", { purpose: "sslclient" });
    opensslAgrees(true, "noeku", ["inter"], "root", { purpose: "sslserver" });
    // An intermediate's EKU limits the leaves below it.
    await expectCode(
      verifyCertificateChain(chain("underclientca", "clientca"), {
        ...roots("root"),
        purpose: "server",
      }),
      "eku",
    );
    await verifyCertificateChain(chain("underclientca", "clientca"), roots("root"));
    opensslAgrees(false, "underclientca", ["clientca"], "root", { purpose: "sslserver" });
  },
);

test(
  name("name constraints: DNS and IP, permitted and excluded, on roots and intermediates"),
  async () => {
    const nc = roots("ncroot");
    await verifyCertificateChain(chain("ncgood"), nc);
    for (
      const leaf of ["ncdns", "ncsuffix", "ncexcluded", "ncip", "ncipexcluded", "ncip6", "nccn"]
    ) {
      await expectCode(verifyCertificateChain(chain(leaf), nc), "name-constraints");
      opensslAgrees(false, leaf, [], "ncroot");
    }
    opensslAgrees(true, "ncgood", [], "ncroot");
    await verifyCertificateChain(chain("nccnplain"), nc);
    opensslAgrees(true, "nccnplain", [], "ncroot");
    await verifyCertificateChain(chain("ncinterok", "ncinter"), roots("root"));
    await expectCode(
      verifyCertificateChain(chain("ncinterapex", "ncinter"), roots("root")),
      "name-constraints",
    );
    opensslAgrees(true, "ncinterok", ["ncinter"], "root");
    opensslAgrees(false, "ncinterapex", ["ncinter"], "root");
  },
);

test(name("RSA PKCS#1, RSA-PSS, Ed25519 and P-384 chains verify"), async () => {
  await verifyCertificateChain(chain("rsaleaf"), { ...roots("rsaroot"), host: "rsa.example.com" });
  await verifyCertificateChain(chain("pssleaf"), { ...roots("rsaroot"), host: "pss.example.com" });
  await verifyCertificateChain(chain("edleaf"), { ...roots("edroot"), host: "ed.example.com" });
  await verifyCertificateChain(chain("p384leaf"), {
    ...roots("p384root"),
    host: "p384.example.com",
  });
  opensslAgrees(true, "pssleaf", [], "rsaroot");
  opensslAgrees(true, "edleaf", [], "edroot");
}, { timeout: 60_000 });

test(
  name("bad signatures: a flipped signature bit or a changed field is bad-signature"),
  async () => {
    const leaf = parseCertificate(fixtures().pem("leaf"));
    const flipped = leaf.der.slice();
    flipped[flipped.length - 5] ^= 0x01;
    await expectCode(
      verifyCertificateChain([flipped, fixtures().pem("inter")], roots("root")),
      "bad-signature",
    );
    const edited = leaf.der.slice();
    const at = indexOf(edited, new TextEncoder().encode("www.example.com"));
    edited[at] = "v".charCodeAt(0);
    await expectCode(
      verifyCertificateChain([certificateToPem(edited), fixtures().pem("inter")], roots("root")),
      "bad-signature",
    );
  },
);

function indexOf(haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  throw new Error("needle not found");
}

test(
  name("SHA-1 signatures, RSA keys under 2048 bits and unknown critical extensions are refused"),
  async () => {
    await expectCode(
      verifyCertificateChain(chain("sha1leaf"), roots("root")),
      "unsupported-algorithm",
    );
    await expectCode(verifyCertificateChain(chain("weakleaf"), roots("weakroot")), "weak-key");
    await verifyCertificateChain(chain("weakleaf"), { ...roots("weakroot"), minRsaBits: 1024 });
    await expectCode(
      verifyCertificateChain(chain("critical", "inter"), roots("root")),
      "critical-extension",
    );
    opensslAgrees(false, "critical", ["inter"], "root");
  },
);

test(name("bad input: no certificate, garbage, no roots"), async () => {
  await expectCode(verifyCertificateChain("", roots("root")), "no-certificate");
  await expectCode(
    verifyCertificateChain(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x00]), roots("root")),
    "malformed",
  );
  await expectCode(verifyCertificateChain(chain("leaf", "inter"), { roots: [] }), "unknown-issuer");
});

// Found by fuzzing (tests/crypto/_fuzz.ts, x509/chain): two re-encodings of a
// signature still verified, each making a second certificate (another
// fingerprint) out of a signed one: bits left over in the signature BIT STRING,
// and an ECDSA number written as a negative INTEGER (its 0x00 dropped). OpenSSL
// refuses both; so does wirestack now.
test(name("a re-encoded signature makes no second valid certificate"), async () => {
  const { dir, pem } = fixtures();
  const leafDer = parseCertificate(pem("leaf")).der;
  const variant = (change: (signature: DerNode) => boolean): Uint8Array | null => {
    const [certificate] = parseDer(leafDer)!;
    return change(certificate.children![2]) ? writeDer([certificate]) : null;
  };
  const bitsLeft = variant((signature) => {
    signature.prefix = new Uint8Array([0x01]);
    return true;
  })!;
  const negative = variant((signature) => {
    const numbers = signature.children![0].children!;
    const padded = numbers.find((n) => n.contents![0] === 0x00);
    if (padded === undefined) return false;
    padded.contents = padded.contents!.subarray(1);
    return true;
  });
  for (
    const [what, der] of [["bits left over", bitsLeft], [
      "a negative ECDSA number",
      negative,
    ]] as const
  ) {
    if (der === null) continue; // this run's signature has no number to make negative
    dir.write(`resigned.pem`, certificateToPem(der));
    const result = opensslStatus([
      "verify",
      "-CAfile",
      dir.path("root.pem"),
      "-untrusted",
      dir.path("inter.pem"),
      dir.path("resigned.pem"),
    ]);
    assert.equal(result.ok, false, `openssl verify accepts ${what}`);
    await assert.rejects(
      verifyCertificateChain([der, pem("inter")], roots("root")),
      (error: unknown) =>
        error instanceof CertificateError &&
        (error.code === "bad-signature" || error.code === "malformed"),
      what,
    );
  }
  // the original still verifies
  await verifyCertificateChain([leafDer, pem("inter")], roots("root"));
});

test(name("cleanup"), () => {
  made?.dir.close();
  made = undefined;
});
