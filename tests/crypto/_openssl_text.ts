// Reads what `openssl x509` prints, so tests can compare it field by field with
// wirestack's parse.

import { createHash } from "node:crypto";
import type { OpensslDir } from "./_openssl.ts";

const KEY_USAGE_NAMES: Record<string, string> = {
  "Digital Signature": "digitalSignature",
  "Non Repudiation": "nonRepudiation",
  "Key Encipherment": "keyEncipherment",
  "Data Encipherment": "dataEncipherment",
  "Key Agreement": "keyAgreement",
  "Certificate Sign": "keyCertSign",
  "CRL Sign": "cRLSign",
  "Encipher Only": "encipherOnly",
  "Decipher Only": "decipherOnly",
};

const EKU_NAMES: Record<string, string> = {
  "TLS Web Server Authentication": "serverAuth",
  "TLS Web Client Authentication": "clientAuth",
  "Code Signing": "codeSigning",
  "E-mail Protection": "emailProtection",
  "Time Stamping": "timeStamping",
  "OCSP Signing": "OCSPSigning",
  "Any Extended Key Usage": "anyExtendedKeyUsage",
};

/** IPv6 text expanded to eight 4-digit lowercase groups (IPv4 unchanged). */
export function expandIp(text: string): string {
  if (!text.includes(":")) return text;
  const [head, tail = ""] = text.toLowerCase().split("::");
  const a = head === "" ? [] : head.split(":");
  const b = tail === "" ? [] : tail.split(":");
  const groups = text.includes("::")
    ? [...a, ...Array(8 - a.length - b.length).fill("0"), ...b]
    : a;
  return groups.map((group) => group.padStart(4, "0")).join(":");
}

/** Prefix length of a dotted or colon mask (`255.255.255.0`, `FFFF:FFFF:0:...`). */
function maskBits(mask: string): number {
  const bytes = mask.includes(":")
    ? expandIp(mask).split(":").flatMap((
      group,
    ) => [parseInt(group.slice(0, 2), 16), parseInt(group.slice(2), 16)])
    : mask.split(".").map(Number);
  return bytes.reduce((sum, byte) => sum + byte.toString(2).replace(/0/g, "").length, 0);
}

/** The fields wirestack's parse must agree with, as OpenSSL prints them. */
export interface OpensslFields {
  subject: string;
  issuer: string;
  serial: string;
  notBefore: Date;
  notAfter: Date;
  sha256: string;
  sha1: string;
  version: number;
  signatureAlgorithm: string;
  publicKeyBits?: number;
  curve?: string;
  exponent?: number;
  san?: { dns: string[]; ip: string[]; email: string[]; uri: string[] };
  keyUsage?: string[];
  extendedKeyUsage?: string[];
  basicConstraints?: { ca: boolean; pathLength?: number };
  subjectKeyIdentifier?: string;
  authorityKeyIdentifier?: string;
  nameConstraints?: { permitted: string[]; excluded: string[] };
  crlDistributionPoints?: string[];
  ocsp?: string[];
  caIssuers?: string[];
  policies?: string[];
  spkiSha256: string;
}

/** The block of `-text` output under an extension heading, one string per line, trimmed. */
function extensionBlock(text: string, heading: string): string[] | undefined {
  const lines = text.split("\n");
  const start = lines.findIndex((line) => line.trim().startsWith(heading));
  if (start < 0) return undefined;
  const indent = lines[start].search(/\S/);
  const block: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.trim() === "" || line.search(/\S/) <= indent) break;
    block.push(line.trim());
  }
  return block;
}

/** Runs openssl on `NAME.pem` in `dir` and collects its view of the certificate. */
export function opensslFields(
  dir: OpensslDir,
  file: string,
  options: { der?: boolean } = {},
): OpensslFields {
  const inform = options.der === true ? ["-inform", "DER"] : [];
  const x509 = (...args: string[]) => dir.run(["x509", ...inform, "-in", file, "-noout", ...args]);
  const value = (output: string, key: string) => {
    const line = output.split("\n").find((candidate) => candidate.startsWith(key + "="));
    if (line === undefined) throw new Error(`openssl printed no ${key}: ${output}`);
    // a trailing space may be the end of an escaped value ("CN=\\ "): keep it
    return line.slice(key.length + 1).trimStart().replace(/\r$/, "");
  };
  const names = x509("-subject", "-issuer", "-nameopt", "RFC2253,-esc_msb");
  const dates = x509("-startdate", "-enddate", "-dateopt", "iso_8601");
  const text = x509("-text", "-certopt", "no_sigdump");
  const fields: OpensslFields = {
    subject: value(names, "subject"),
    issuer: value(names, "issuer"),
    serial: value(x509("-serial"), "serial").toLowerCase(),
    notBefore: new Date(value(dates, "notBefore").replace(" ", "T")),
    notAfter: new Date(value(dates, "notAfter").replace(" ", "T")),
    sha256: value(x509("-fingerprint", "-sha256"), "sha256 Fingerprint").replace(/:/g, "")
      .toLowerCase(),
    sha1: value(x509("-fingerprint", "-sha1"), "sha1 Fingerprint").replace(/:/g, "").toLowerCase(),
    version: Number(/Version: (\d)/.exec(text)?.[1]),
    signatureAlgorithm: /Signature Algorithm: (\S+)/.exec(text)![1],
    spkiSha256: "",
  };
  const bits = /Public-Key: \((\d+) bit\)/.exec(text);
  if (bits !== null) fields.publicKeyBits = Number(bits[1]);
  const curve = /NIST CURVE: (\S+)/.exec(text);
  if (curve !== null) fields.curve = curve[1];
  const exponent = /Exponent: (\d+)/.exec(text);
  if (exponent !== null) fields.exponent = Number(exponent[1]);

  const san = extensionBlock(text, "X509v3 Subject Alternative Name");
  if (san !== undefined) {
    const entries = san.join(", ").split(", ");
    const pick = (prefix: string) =>
      entries.filter((entry) => entry.startsWith(prefix)).map((entry) =>
        entry.slice(prefix.length)
      );
    fields.san = {
      dns: pick("DNS:"),
      ip: pick("IP Address:").map(expandIp),
      email: pick("email:"),
      uri: pick("URI:"),
    };
  }
  const ku = extensionBlock(text, "X509v3 Key Usage");
  if (ku !== undefined) {
    fields.keyUsage = ku.join(", ").split(", ").map((name) => KEY_USAGE_NAMES[name] ?? name);
  }
  const eku = extensionBlock(text, "X509v3 Extended Key Usage");
  if (eku !== undefined) {
    fields.extendedKeyUsage = eku.join(", ").split(", ").map((name) => EKU_NAMES[name] ?? name);
  }
  const bc = extensionBlock(text, "X509v3 Basic Constraints");
  if (bc !== undefined) {
    const line = bc.join(", ");
    const pathLength = /pathlen:(\d+)/.exec(line);
    fields.basicConstraints = {
      ca: line.includes("CA:TRUE"),
      ...(pathLength ? { pathLength: Number(pathLength[1]) } : {}),
    };
  }
  const ski = extensionBlock(text, "X509v3 Subject Key Identifier");
  if (ski !== undefined) fields.subjectKeyIdentifier = ski[0].replace(/:/g, "").toLowerCase();
  const aki = extensionBlock(text, "X509v3 Authority Key Identifier");
  if (aki !== undefined) {
    const keyLine = aki.find((line) => /^(keyid:)?([0-9A-F]{2}:)+[0-9A-F]{2}$/.test(line));
    if (keyLine !== undefined) {
      fields.authorityKeyIdentifier = keyLine.replace(/^keyid:/, "").replace(/:/g, "")
        .toLowerCase();
    }
  }
  const nc = extensionBlock(text, "X509v3 Name Constraints");
  if (nc !== undefined) {
    const permitted: string[] = [];
    const excluded: string[] = [];
    let list = permitted;
    for (const line of nc) {
      if (line === "Permitted:") list = permitted;
      else if (line === "Excluded:") list = excluded;
      else if (line.startsWith("IP:")) {
        const [address, mask] = line.slice(3).split("/");
        list.push(`ip:${expandIp(address)}/${maskBits(mask)}`);
      } else list.push(line);
    }
    fields.nameConstraints = { permitted, excluded };
  }
  const crl = extensionBlock(text, "X509v3 CRL Distribution Points");
  if (crl !== undefined) {
    fields.crlDistributionPoints = crl.filter((line) => line.startsWith("URI:")).map((line) =>
      line.slice(4)
    );
  }
  const aia = extensionBlock(text, "Authority Information Access");
  if (aia !== undefined) {
    fields.ocsp = aia.filter((line) => line.startsWith("OCSP - URI:")).map((line) =>
      line.slice(11)
    );
    fields.caIssuers = aia.filter((line) => line.startsWith("CA Issuers - URI:")).map((line) =>
      line.slice(17)
    );
  }
  const policies = extensionBlock(text, "X509v3 Certificate Policies");
  if (policies !== undefined) {
    fields.policies = policies.filter((line) => line.startsWith("Policy: ")).map((line) =>
      line.slice(8)
    );
  }
  const spki = dir.run(["x509", ...inform, "-in", file, "-noout", "-pubkey"]);
  const spkiDer = dir.runBytes(["pkey", "-pubin", "-outform", "DER"], spki);
  fields.spkiSha256 = createHash("sha256").update(spkiDer).digest("base64");
  return fields;
}
