// Random certificates for the differential test against OpenSSL: names (every
// attribute type wirestack writes, multi-valued RDNs, characters RFC 4514 must
// escape, non-ASCII text), subject alternative names (DNS with wildcards, IPv4,
// IPv6, emails, URIs), key usage, extended key usage (names and OIDs), basic
// constraints with path lengths, name constraints, serials, and validity from
// 1950 to 2100 (UTCTime and GeneralizedTime), on P-256, P-384, Ed25519 and RSA
// keys, self-signed or issued by a CA; made by wirestack or by OpenSSL.

import {
  createCertificate,
  generateKeyPair,
  type KeyAlgorithm,
  type KeyUsage,
} from "../../crypto/mod.ts";
import { fc } from "../_fuzz.ts";
import type { OpensslDir, TestKeyType } from "./_openssl.ts";

const ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

const chars = (alphabet: string, minLength: number, maxLength: number) =>
  fc.string({ unit: fc.constantFrom(...alphabet), minLength, maxLength });

/** Escapes a value for RFC 4514 text. */
function escape(value: string): string {
  let out = value.replace(/[\\,+"<>;=]/g, (c) => "\\" + c);
  if (out.startsWith(" ") || out.startsWith("#")) out = "\\" + out;
  if (out.endsWith(" ") && !out.endsWith("\\ ")) out = out.slice(0, -1) + "\\ ";
  return out;
}

/** A value for a UTF8String attribute: letters, the characters RFC 4514 escapes, and non-ASCII text. */
const textValue = fc.oneof(
  { weight: 3, arbitrary: chars(ALNUM + " -._", 1, 20) },
  { weight: 1, arbitrary: chars(ALNUM + ',+"\\<>;=# ', 1, 12) },
  {
    weight: 1,
    arbitrary: fc.string({ unit: "grapheme-composite", minLength: 1, maxLength: 8 }).filter((s) =>
      // deno-lint-ignore no-control-regex
      !/[\u0000-\u001f\u007f-\u009f]/.test(s)
    ),
  },
);

const attribute = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.tuple(fc.constantFrom("CN", "O", "OU", "L", "ST", "title"), textValue),
  },
  { weight: 1, arbitrary: fc.tuple(fc.constant("C"), chars("ABCDEFGHIJKLMNOPQRSTUVWXYZ", 2, 2)) },
  { weight: 1, arbitrary: fc.tuple(fc.constant("serialNumber"), chars(ALNUM + " -", 1, 12)) },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.constantFrom("emailAddress", "DC"), chars(ALNUM + "-.@", 1, 16)),
  },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom("UID", "GN", "SN"), chars(ALNUM, 1, 10)) },
);

/** A random name: 1 to 5 RDNs (most specific first), some of them multi-valued. */
const rdnList = fc.array(fc.array(attribute, { minLength: 1, maxLength: 2 }), {
  minLength: 1,
  maxLength: 5,
});

/** RFC 4514 text of RDNs. */
function nameText(rdns: Array<Array<[string, string]>>): string {
  return rdns.map((rdn) => rdn.map(([type, value]) => `${type}=${escape(value)}`).join("+"))
    .join(",");
}

/**
 * OpenSSL's `-subj` form of RDNs, for what OpenSSL makes without options:
 * one attribute per RDN, ASCII, "/" and "+" and "\" escaped.
 */
function opensslSubject(rdns: Array<Array<[string, string]>>): string {
  const flat = rdns.flat().filter(([, value]) => /^[\x20-\x7e]+$/.test(value.trim()));
  return flat.reverse().map(([type, value]) =>
    `/${type}=${value.trim().replace(/[\\/+=]/g, (c) => "\\" + c)}`
  ).join("") || "/CN=fallback";
}

const label = chars(ALNUM + "-", 1, 12).filter((l) => !l.startsWith("-") && !l.endsWith("-"));
const dnsName = fc.tuple(fc.boolean(), fc.array(label, { minLength: 2, maxLength: 4 })).map((
  [wild, labels],
) => (wild ? "*." : "") + labels.join(".").toLowerCase());
const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((o) => o.join("."));
const ipv6 = fc.array(fc.nat(0xffff), { minLength: 8, maxLength: 8 }).map((groups) =>
  groups.map((g) => g.toString(16)).join(":")
);
const email = fc.tuple(chars(ALNUM, 1, 8), dnsName).map(([user, domain]) =>
  `${user}@${domain.replace("*.", "")}`
);
// (wirestack takes a name for a URI when it has "://": no urn: names here)
const uri = fc.tuple(fc.constantFrom("https", "ldap", "spiffe"), chars(ALNUM + "/-._~", 1, 20))
  .map(([scheme, rest]) => `${scheme}://${rest}`);
const san = fc.array(fc.oneof(dnsName, ipv4, ipv6, email, uri), { maxLength: 6 });

const KEY_USAGES: KeyUsage[] = [
  "digitalSignature",
  "nonRepudiation",
  "keyEncipherment",
  "dataEncipherment",
  "keyAgreement",
  "keyCertSign",
  "cRLSign",
  "encipherOnly",
  "decipherOnly",
];
const oidText = fc.array(fc.nat(100_000), { minLength: 2, maxLength: 5 }).map((arcs) =>
  `1.3.6.1.4.1.${arcs.join(".")}`
);

/** One certificate to make, and by whom. */
export interface CertificatePlan {
  maker: "wirestack" | "openssl";
  key: KeyAlgorithm;
  /** The name, most specific RDN first. */
  rdns: Array<Array<[string, string]>>;
  /** RFC 4514 text of `rdns`. */
  subject: string;
  names: string[];
  keyUsage: KeyUsage[] | null;
  extendedKeyUsage: string[] | null;
  ca: null | { pathLength?: number };
  constraints: { permitted: string[]; excluded: string[] } | null;
  notBefore: Date;
  notAfter: Date;
  serialNumber: string;
  issued: boolean;
}

const date = fc.integer({ min: Date.UTC(1950, 0, 1) / 1000, max: Date.UTC(2100, 0, 1) / 1000 })
  .map((seconds) => new Date(seconds * 1000));
const edgeDate = fc.constantFrom(
  new Date("1950-01-01T00:00:00Z"),
  new Date("2049-12-31T23:59:59Z"),
  new Date("2050-01-01T00:00:00Z"),
  new Date("2038-01-19T03:14:08Z"),
  new Date("2000-02-29T12:00:00Z"),
);

export const certificatePlan: fc.Arbitrary<CertificatePlan> = fc.record({
  maker: fc.constantFrom("wirestack" as const, "openssl" as const),
  key: fc.constantFrom<KeyAlgorithm>("P-256", "P-384", "Ed25519", "RSA"),
  rdns: rdnList,
  names: san,
  keyUsage: fc.option(fc.subarray(KEY_USAGES, { minLength: 1 }), { nil: null }),
  extendedKeyUsage: fc.option(
    fc.array(
      fc.oneof(
        fc.constantFrom(
          "serverAuth",
          "clientAuth",
          "codeSigning",
          "emailProtection",
          "timeStamping",
        ),
        oidText,
      ),
      { minLength: 1, maxLength: 4 },
    ).map((list) => [...new Set(list)]),
    { nil: null },
  ),
  ca: fc.option(fc.record({ pathLength: fc.option(fc.nat(5), { nil: undefined }) }), { nil: null }),
  constraints: fc.option(
    fc.record({
      permitted: fc.array(
        fc.oneof(dnsName.map((d) => d.replace("*.", "")), fc.constant("10.0.0.0/8")),
        {
          maxLength: 3,
        },
      ),
      excluded: fc.array(
        fc.oneof(dnsName.map((d) => d.replace("*.", "")), fc.constant("fd00::/8")),
        {
          maxLength: 2,
        },
      ),
    }).filter((c) => c.permitted.length + c.excluded.length > 0),
    { nil: null },
  ),
  validity: fc.tuple(fc.oneof(date, edgeDate), fc.oneof(date, edgeDate)),
  serial: fc.uint8Array({ minLength: 1, maxLength: 20 }),
  issued: fc.boolean(),
}).map((r) => {
  const [a, c] = r.validity[0] <= r.validity[1] ? r.validity : [r.validity[1], r.validity[0]];
  const b = c.getTime() > a.getTime() ? c : new Date(a.getTime() + 1000);
  const serial = r.serial.slice();
  serial[0] = (serial[0] & 0x7f) | 0x01; // positive, no leading zero octet
  return {
    maker: r.maker,
    key: r.key,
    rdns: r.rdns,
    subject: nameText(r.rdns),
    names: r.names,
    keyUsage: r.keyUsage,
    extendedKeyUsage: r.extendedKeyUsage,
    ca: r.ca,
    constraints: r.ca === null ? null : r.constraints,
    notBefore: a,
    notAfter: b,
    serialNumber: [...serial].map((x) => x.toString(16).padStart(2, "0")).join(""),
    issued: r.issued,
  };
});

const keyPool = new Map<KeyAlgorithm, Promise<CryptoKeyPair>>();

/** One key pair per type, made once (the keys are not what is tested). */
export function keyPair(algorithm: KeyAlgorithm): Promise<CryptoKeyPair> {
  let keys = keyPool.get(algorithm);
  if (keys === undefined) keyPool.set(algorithm, keys = generateKeyPair({ algorithm }));
  return keys;
}

let issuer: Promise<{ certificate: string; keys: CryptoKeyPair }> | null = null;

/** The CA that issues the certificates that are not self-signed. */
export function testIssuer(): Promise<{ certificate: string; keys: CryptoKeyPair }> {
  return issuer ??= keyPair("P-384").then(async (keys) => ({
    keys,
    certificate: await createCertificate({
      subject: "O=Differential,CN=Differential CA",
      publicKey: keys.publicKey,
      signingKey: keys.privateKey,
      ca: true,
    }),
  }));
}

/** Makes the planned certificate with wirestack; returns its PEM. */
export async function makeWithWirestack(plan: CertificatePlan): Promise<string> {
  const keys = await keyPair(plan.key);
  const ca = await testIssuer();
  return await createCertificate({
    subject: plan.subject,
    publicKey: keys.publicKey,
    signingKey: plan.issued ? ca.keys.privateKey : keys.privateKey,
    issuer: plan.issued ? ca.certificate : undefined,
    names: plan.names,
    keyUsage: plan.keyUsage ?? undefined,
    extendedKeyUsage: plan.extendedKeyUsage ?? undefined,
    ca: plan.ca === null ? undefined : plan.ca,
    nameConstraints: plan.constraints ?? undefined,
    notBefore: plan.notBefore,
    notAfter: plan.notAfter,
    serialNumber: plan.serialNumber,
  });
}

const OPENSSL_KEYS: Record<KeyAlgorithm, TestKeyType> = {
  "P-256": "ec",
  "P-384": "p384",
  "Ed25519": "ed25519",
  "RSA": "rsa",
};

function opensslDate(date: Date): string {
  return date.toISOString().replace(/[-:T]/g, "").replace(/\.\d+Z$/, "Z");
}

/**
 * Makes the planned certificate with OpenSSL (`openssl ca`, which sets any
 * dates) in a fresh directory; returns its PEM.
 */
export function makeWithOpenssl(dir: OpensslDir, plan: CertificatePlan, name: string): string {
  if (plan.issued) {
    dir.cert({
      name: "dca",
      subject: "/O=Differential/CN=OpenSSL Differential CA",
      ext: ["basicConstraints=critical,CA:TRUE", "keyUsage=critical,keyCertSign,cRLSign"],
    });
  }
  const ext: string[] = [];
  if (plan.ca !== null) {
    ext.push(
      `basicConstraints=critical,CA:TRUE${
        plan.ca.pathLength === undefined ? "" : `,pathlen:${plan.ca.pathLength}`
      }`,
    );
  } else ext.push("basicConstraints=CA:FALSE");
  if (plan.keyUsage !== null) ext.push(`keyUsage=${plan.keyUsage.join(",")}`);
  if (plan.extendedKeyUsage !== null) {
    ext.push(`extendedKeyUsage=${plan.extendedKeyUsage.join(",")}`);
  }
  if (plan.names.length > 0) {
    ext.push(
      "subjectAltName=" +
        plan.names.map((n) =>
          /^[\d.]+$/.test(n) || n.includes(":") && !n.includes("/")
            ? `IP:${n}`
            : n.includes("@")
            ? `email:${n}`
            : n.includes(":")
            ? `URI:${n}`
            : `DNS:${n}`
        ).join(","),
    );
  }
  if (plan.constraints !== null) {
    const entry = (kind: string, n: string) =>
      n.includes("/")
        ? `${kind};IP:${n.startsWith("10.") ? "10.0.0.0/255.0.0.0" : "fd00::/ff00::"}`
        : `${kind};DNS:${n}`;
    ext.push(
      "nameConstraints=critical," + [
        ...plan.constraints.permitted.map((n) => entry("permitted", n)),
        ...plan.constraints.excluded.map((n) => entry("excluded", n)),
      ].join(","),
    );
  }
  ext.push("subjectKeyIdentifier=hash");
  return dir.cert({
    name,
    subject: opensslSubject(plan.rdns),
    issuer: plan.issued ? "dca" : undefined,
    key: OPENSSL_KEYS[plan.key],
    ext,
    startDate: opensslDate(plan.notBefore),
    endDate: opensslDate(plan.notAfter),
  });
}
