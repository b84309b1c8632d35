// The lean certificate reader: one pass over the DER (RFC 5280 4.1) straight into
// the plain `Certificate` object, plus the raw pieces verification needs. It is
// the hot path of `parseCertificate`; @peculiar/x509 stays the cross-check in
// tests and does the writing.

import { toBase64, toHex } from "./_bytes.ts";
import {
  checkAny,
  contentsOf,
  contextTag,
  type DerElement,
  encodingOf,
  expectElement,
  integerBytes,
  malformed,
  readBitString,
  readBoolean,
  readElement,
  readOid,
  readSmallInteger,
  readTime,
  TAG,
} from "./_der.ts";
import { formatIp, formatIpRange } from "./_ip.ts";
import { canonicalName, parseName } from "./_names.ts";
import {
  ACCESS_METHODS,
  CURVES,
  EKU,
  EXT,
  EXTENSION_NAMES,
  KEY_ALG,
  KEY_USAGES,
  SIGNATURE_NAMES,
} from "./_oids.ts";
import { sha1Hex, sha256, sha256Hex } from "./_sha.ts";
import type {
  Certificate,
  CertificateExtensions,
  ExtensionInfo,
  GeneralNameInfo,
  KeyUsage,
  NameConstraints,
  PublicKeyInfo,
  SubjectAltName,
} from "./certificate_types.ts";

/** A name-constraint subtree in the form the checker uses. */
export interface Subtree {
  type: "dns" | "ip" | "email" | "uri" | "dirName" | "other";
  /** Lowercased text for dns, email and uri; canonical name for dirName. */
  text: string;
  /** Address and mask for ip. */
  ip?: Uint8Array;
}

/** Where the extension reader puts what it finds. */
export interface ExtensionTarget {
  info: CertificateExtensions;
  /** IP SANs as bytes. */
  sanIps: Uint8Array[];
  permitted?: Subtree[];
  excluded?: Subtree[];
  /** Critical extensions wirestack does not handle. */
  unknownCritical: string[];
}

/** What verification needs beyond the plain object. */
export interface CertificateParts extends ExtensionTarget {
  info: Certificate;
  /** The tbsCertificate encoding: what the signature covers. */
  tbs: Uint8Array;
  /** The outer signatureAlgorithm encoding (parameters matter for RSA-PSS). */
  signatureAlgorithm: Uint8Array;
  /** The signature bits. */
  signature: Uint8Array;
  /** The subjectPublicKeyInfo encoding. */
  spki: Uint8Array;
  subjectDer: Uint8Array;
  issuerDer: Uint8Array;
  /** The subject in the form RFC 5280 7.1 name matching compares (computed on first use). */
  readonly subjectCanonical: string;
  /** The issuer, likewise. */
  readonly issuerCanonical: string;
  /** IP SANs as bytes. */
  sanIps: Uint8Array[];
  /** Subject emailAddress attributes (name constraints apply to them too). */
  subjectEmails: string[];
  permitted?: Subtree[];
  excluded?: Subtree[];
  /** Critical extensions wirestack does not handle. */
  unknownCritical: string[];
}

/** Parses the public key algorithm and size out of a SubjectPublicKeyInfo. */
export function readPublicKeyInfo(bytes: Uint8Array, spki: DerElement): PublicKeyInfo {
  const algorithm = expectElement(bytes, spki.start, spki.end, TAG.SEQUENCE, "AlgorithmIdentifier");
  const keyBits = expectElement(bytes, algorithm.end, spki.end, TAG.BIT_STRING, "subjectPublicKey");
  if (keyBits.end !== spki.end) malformed("extra data in SubjectPublicKeyInfo");
  const algorithmOid = readOid(
    bytes,
    expectElement(bytes, algorithm.start, algorithm.end, TAG.OID, "algorithm"),
  );
  const key = readBitString(bytes, keyBits).bits;
  const afterOid = readElement(bytes, algorithm.start, algorithm.end).end;
  checkParameters(bytes, afterOid, algorithm.end);
  switch (algorithmOid) {
    case KEY_ALG.rsaEncryption:
    case KEY_ALG.rsassaPss: {
      const rsa = expectElement(key, 0, key.length, TAG.SEQUENCE, "RSAPublicKey");
      const modulusElement = expectElement(key, rsa.start, rsa.end, TAG.INTEGER, "modulus");
      const modulus = integerBytes(key, modulusElement);
      const exponentElement = expectElement(
        key,
        modulusElement.end,
        rsa.end,
        TAG.INTEGER,
        "exponent",
      );
      if (exponentElement.end !== rsa.end || rsa.end !== key.length) {
        malformed("extra data in RSAPublicKey");
      }
      const exponent = integerBytes(key, exponentElement);
      let exponentValue = 0;
      for (const byte of exponent) exponentValue = exponentValue * 256 + byte;
      let bits = modulus.length * 8;
      for (let top = modulus[0]; bits > 0 && (top & 0x80) === 0; top <<= 1) bits--;
      return {
        algorithm: algorithmOid === KEY_ALG.rsassaPss ? "RSA-PSS" : "RSA",
        oid: algorithmOid,
        bits,
        exponent: exponentValue,
      };
    }
    case KEY_ALG.ecPublicKey: {
      if (afterOid >= algorithm.end) malformed("EC key without curve parameters");
      const parameters = readElement(bytes, afterOid, algorithm.end);
      if (parameters.tag !== TAG.OID) {
        // ECParameters (RFC 5480 2.1.1): a named curve, specified (SEQUENCE) or implicit (NULL)
        const implicit = parameters.tag === TAG.NULL && parameters.end === parameters.start;
        if (parameters.tag !== TAG.SEQUENCE && !implicit) {
          malformed("EC key parameters that are no curve");
        }
        return { algorithm: "EC", oid: algorithmOid, bits: 0, curve: "explicit" };
      }
      const curveOid = readOid(bytes, parameters);
      const curve = CURVES[curveOid];
      return {
        algorithm: "EC",
        oid: algorithmOid,
        bits: curve?.[2] ?? 0,
        curve: curve?.[0] ?? curveOid,
      };
    }
    case KEY_ALG.ed25519:
      return { algorithm: "Ed25519", oid: algorithmOid, bits: 256 };
    case KEY_ALG.ed448:
      return { algorithm: "Ed448", oid: algorithmOid, bits: 456 };
    case KEY_ALG.x25519:
      return { algorithm: "X25519", oid: algorithmOid, bits: 253 };
    case KEY_ALG.x448:
      return { algorithm: "X448", oid: algorithmOid, bits: 448 };
    case KEY_ALG.dsa:
      return { algorithm: "DSA", oid: algorithmOid, bits: 0 };
    default:
      return { algorithm: algorithmOid, oid: algorithmOid, bits: 0 };
  }
}

/**
 * The serial as `openssl x509 -serial` prints it: hex without leading zero
 * octets, and for a negative serial (RFC 5280 4.1.2.2 wants them positive,
 * yet some certificates have them) "-" and the magnitude, so that no two
 * different serials print alike.
 */
function serialHex(der: Uint8Array, element: DerElement): string {
  const bytes = integerBytes(der, element);
  if ((der[element.start] & 0x80) === 0) return toHex(bytes);
  const magnitude = new Uint8Array(bytes.length);
  let carry = 1;
  for (let i = bytes.length - 1; i >= 0; i--) {
    const value = (~bytes[i] & 0xff) + carry;
    magnitude[i] = value & 0xff;
    carry = value >> 8;
  }
  let start = 0;
  while (start < magnitude.length - 1 && magnitude[start] === 0) start++;
  return "-" + toHex(magnitude, start);
}

/**
 * AlgorithmIdentifier ::= SEQUENCE { algorithm OID, parameters ANY OPTIONAL }
 * (RFC 5280 4.1.1.2): after the OID at most one element.
 */
function checkParameters(bytes: Uint8Array, afterOid: number, end: number): void {
  if (afterOid >= end) return;
  const parameters = readElement(bytes, afterOid, end);
  if (parameters.end !== end) malformed("extra data in an AlgorithmIdentifier");
  checkAny(bytes, parameters);
}

/** Reads one GeneralName (RFC 5280 4.2.1.6). */
function readGeneralName(bytes: Uint8Array, element: DerElement): GeneralNameInfo {
  switch (element.tag) {
    case 0x81:
      return { type: "email", value: asciiOf(bytes, element) };
    case 0x82:
      return { type: "dns", value: asciiOf(bytes, element) };
    case 0x86:
      return { type: "uri", value: asciiOf(bytes, element) };
    case 0x87: {
      const length = element.end - element.start;
      if (length !== 4 && length !== 16) malformed("iPAddress is neither 4 nor 16 bytes");
      return { type: "ip", value: formatIp(contentsOf(bytes, element)) };
    }
    case 0xa4: {
      const name = readElement(bytes, element.start, element.end);
      if (name.end !== element.end) malformed("extra data in a directoryName");
      return { type: "dirName", value: parseName(bytes, name).text };
    }
    default:
      return { type: "other", value: toHex(bytes, element.offset, element.end) };
  }
}

function asciiOf(bytes: Uint8Array, element: DerElement): string {
  let text = "";
  for (let i = element.start; i < element.end; i++) {
    if (bytes[i] > 0x7e || bytes[i] < 0x20) {
      malformed("non-printable character in an IA5String name");
    }
    text += String.fromCharCode(bytes[i]);
  }
  return text;
}

function readSubtrees(
  bytes: Uint8Array,
  list: DerElement,
): { info: GeneralNameInfo[]; subtrees: Subtree[] } {
  const info: GeneralNameInfo[] = [];
  const subtrees: Subtree[] = [];
  for (let offset = list.start; offset < list.end;) {
    const subtree = expectElement(bytes, offset, list.end, TAG.SEQUENCE, "GeneralSubtree");
    offset = subtree.end;
    const base = readElement(bytes, subtree.start, subtree.end);
    if (base.end !== subtree.end) {
      // minimum must be 0 and maximum absent (RFC 5280 4.2.1.10); anything else is unsupported.
      const rest = readElement(bytes, base.end, subtree.end);
      if (
        rest.tag !== contextTag(0, false) || rest.end !== subtree.end || bytes[rest.start] !== 0
      ) {
        malformed("name constraint with minimum or maximum");
      }
    }
    if (base.tag === 0x87) {
      const length = base.end - base.start;
      if (length !== 8 && length !== 32) {
        malformed("iPAddress constraint is neither 8 nor 32 bytes");
      }
      const range = contentsOf(bytes, base);
      info.push({ type: "ip", value: formatIpRange(range) });
      subtrees.push({ type: "ip", text: "", ip: range });
      continue;
    }
    const name = readGeneralName(bytes, base);
    info.push(name);
    if (name.type === "dirName") {
      const dn = readElement(bytes, base.start, base.end);
      subtrees.push({ type: "dirName", text: canonicalName(encodingOf(bytes, dn)) });
    } else {
      subtrees.push({ type: name.type, text: name.value.toLowerCase() });
    }
  }
  return { info, subtrees };
}

/** Parses one certificate from DER. `der` is kept (not copied). */
export function parseCertificateParts(der: Uint8Array): CertificateParts {
  const certificate = readElement(der, 0, der.length);
  if (certificate.tag !== TAG.SEQUENCE) malformed("a certificate is not a SEQUENCE");
  if (certificate.end !== der.length) malformed("extra data after the certificate");
  const tbs = expectElement(
    der,
    certificate.start,
    certificate.end,
    TAG.SEQUENCE,
    "tbsCertificate",
  );
  const outerAlgorithm = expectElement(
    der,
    tbs.end,
    certificate.end,
    TAG.SEQUENCE,
    "signatureAlgorithm",
  );
  const signatureValue = expectElement(
    der,
    outerAlgorithm.end,
    certificate.end,
    TAG.BIT_STRING,
    "signatureValue",
  );
  if (signatureValue.end !== certificate.end) malformed("extra data in the certificate");

  let at = tbs.start;
  let element = readElement(der, at, tbs.end);
  let version = 1;
  if (element.tag === contextTag(0, true)) {
    const inner = expectElement(der, element.start, element.end, TAG.INTEGER, "version");
    if (inner.end !== element.end) malformed("extra data after the version");
    version = readSmallInteger(der, inner) + 1;
    if (version < 2 || version > 3) malformed(`unknown certificate version ${version}`);
    at = element.end;
    element = readElement(der, at, tbs.end);
  }
  if (element.tag !== TAG.INTEGER) malformed("serialNumber is not an INTEGER");
  const serialNumber = serialHex(der, element);
  const innerAlgorithm = expectElement(der, element.end, tbs.end, TAG.SEQUENCE, "signature");
  const issuer = expectElement(der, innerAlgorithm.end, tbs.end, TAG.SEQUENCE, "issuer");
  const validity = expectElement(der, issuer.end, tbs.end, TAG.SEQUENCE, "validity");
  const subject = expectElement(der, validity.end, tbs.end, TAG.SEQUENCE, "subject");
  const spki = expectElement(der, subject.end, tbs.end, TAG.SEQUENCE, "subjectPublicKeyInfo");

  if (!sameBytes(der, innerAlgorithm, outerAlgorithm)) {
    malformed("the two signature algorithm fields differ");
  }
  const notBeforeElement = readElement(der, validity.start, validity.end);
  const notAfterElement = readElement(der, notBeforeElement.end, validity.end);
  if (notAfterElement.end !== validity.end) malformed("extra data in validity");
  const notBefore = readTime(der, notBeforeElement);
  const notAfter = readTime(der, notAfterElement);

  const issuerName = parseName(der, issuer);
  const subjectName = parseName(der, subject);
  const signatureOidElement = expectElement(
    der,
    outerAlgorithm.start,
    outerAlgorithm.end,
    TAG.OID,
    "signature algorithm",
  );
  checkParameters(der, signatureOidElement.end, outerAlgorithm.end);
  const signatureOid = readOid(der, signatureOidElement);
  const publicKey = readPublicKeyInfo(der, spki);

  const extensions: ExtensionInfo[] = [];
  const info: Certificate = {
    der,
    version,
    serialNumber,
    subject: subjectName.text,
    subjectAttributes: subjectName.attributes,
    issuer: issuerName.text,
    issuerAttributes: issuerName.attributes,
    notBefore,
    notAfter,
    signatureAlgorithm: SIGNATURE_NAMES[signatureOid] ?? signatureOid,
    signatureAlgorithmOid: signatureOid,
    publicKey,
    extensions,
    fingerprints: { sha256: sha256Hex(der), sha1: sha1Hex(der) },
    spkiSha256: toBase64(sha256(encodingOf(der, spki))),
  };
  let subjectCanonical: string | undefined;
  let issuerCanonical: string | undefined;
  const parts: CertificateParts = {
    info,
    tbs: encodingOf(der, tbs),
    signatureAlgorithm: encodingOf(der, outerAlgorithm),
    signature: signatureBits(der, signatureValue),
    spki: encodingOf(der, spki),
    subjectDer: encodingOf(der, subject),
    issuerDer: encodingOf(der, issuer),
    get subjectCanonical() {
      return subjectCanonical ??= canonicalName(this.subjectDer);
    },
    get issuerCanonical() {
      return issuerCanonical ??= canonicalName(this.issuerDer);
    },
    sanIps: [],
    subjectEmails: subjectName.attributes.filter((a) => a.type === "emailAddress").map((a) =>
      a.value
    ),
    unknownCritical: [],
  };

  at = spki.end;
  let lastUniqueId = 0;
  while (at < tbs.end) {
    element = readElement(der, at, tbs.end);
    at = element.end;
    if (element.tag === contextTag(1, false) || element.tag === contextTag(2, false)) {
      // issuerUniqueID [1], then subjectUniqueID [2], each at most once: IMPLICIT BIT STRINGs
      if (version < 2) malformed("unique identifiers in a v1 certificate");
      const number = element.tag & 0x1f;
      if (number <= lastUniqueId) malformed("unique identifiers repeated or out of order");
      lastUniqueId = number;
      readBitString(der, { ...element, tag: TAG.BIT_STRING });
      continue;
    }
    if (element.tag !== contextTag(3, true)) malformed("unexpected field in tbsCertificate");
    if (version !== 3) malformed("extensions in a certificate that is not v3");
    if (at !== tbs.end) malformed("data after the extensions");
    const list = expectElement(der, element.start, element.end, TAG.SEQUENCE, "extensions");
    if (list.end !== element.end || list.start === list.end) malformed("bad extensions list");
    readExtensions(der, list, parts);
  }
  return parts;
}

/**
 * The signature's bytes: every signature algorithm makes whole bytes, so bits
 * left over would make a second encoding of the same signature (and a second
 * certificate, with another fingerprint); OpenSSL refuses them too.
 */
export function signatureBits(der: Uint8Array, element: DerElement): Uint8Array {
  const { bits, unused } = readBitString(der, element);
  if (unused !== 0) malformed("a signature with bits left over in its BIT STRING");
  return bits;
}

function sameBytes(bytes: Uint8Array, a: DerElement, b: DerElement): boolean {
  if (a.end - a.offset !== b.end - b.offset) return false;
  for (let i = 0; i < a.end - a.offset; i++) {
    if (bytes[a.offset + i] !== bytes[b.offset + i]) return false;
  }
  return true;
}

const HANDLED = new Set<string>(Object.values(EXT));

/** Reads an Extensions SEQUENCE into `parts`. */
export function readExtensions(der: Uint8Array, list: DerElement, parts: ExtensionTarget): void {
  const info = parts.info;
  const seen = new Set<string>();
  for (let offset = list.start; offset < list.end;) {
    const extension = expectElement(der, offset, list.end, TAG.SEQUENCE, "Extension");
    offset = extension.end;
    const idElement = expectElement(der, extension.start, extension.end, TAG.OID, "extnID");
    const extnId = readOid(der, idElement);
    let next = readElement(der, idElement.end, extension.end);
    let critical = false;
    if (next.tag === TAG.BOOLEAN) {
      critical = readBoolean(der, next);
      if (!critical) malformed("DER forbids encoding critical FALSE");
      next = readElement(der, next.end, extension.end);
    }
    if (next.tag !== TAG.OCTET_STRING || next.end !== extension.end) malformed("bad extnValue");
    if (seen.has(extnId)) malformed(`extension ${extnId} appears twice`);
    seen.add(extnId);
    info.extensions.push({ oid: extnId, name: EXTENSION_NAMES[extnId] ?? extnId, critical });
    if (critical && !HANDLED.has(extnId)) parts.unknownCritical.push(extnId);
    const value = readElement(der, next.start, next.end);
    if (value.end !== next.end) malformed(`extra data in extension ${extnId}`);
    readExtension(der, extnId, value, parts);
  }
}

function readExtension(
  der: Uint8Array,
  extnId: string,
  value: DerElement,
  parts: ExtensionTarget,
): void {
  const info = parts.info;
  switch (extnId) {
    case EXT.basicConstraints: {
      if (value.tag !== TAG.SEQUENCE) malformed("basicConstraints is not a SEQUENCE");
      let ca = false;
      let pathLength: number | undefined;
      let at = value.start;
      if (at < value.end && der[at] === TAG.BOOLEAN) {
        const element = readElement(der, at, value.end);
        ca = readBoolean(der, element);
        if (!ca) malformed("DER forbids encoding cA FALSE");
        at = element.end;
      }
      if (at < value.end) {
        const element = expectElement(der, at, value.end, TAG.INTEGER, "pathLenConstraint");
        pathLength = readSmallInteger(der, element);
        at = element.end;
      }
      if (at !== value.end) malformed("extra data in basicConstraints");
      info.basicConstraints = pathLength === undefined ? { ca } : { ca, pathLength };
      return;
    }
    case EXT.keyUsage: {
      const { bits } = readBitString(der, value);
      const usages: KeyUsage[] = [];
      KEY_USAGES.forEach((usage, bit) => {
        const byte = bits[bit >> 3] ?? 0;
        if (byte & (0x80 >> (bit & 7))) usages.push(usage);
      });
      info.keyUsage = usages;
      return;
    }
    case EXT.extKeyUsage: {
      if (value.tag !== TAG.SEQUENCE) malformed("extKeyUsage is not a SEQUENCE");
      const purposes: string[] = [];
      for (let at = value.start; at < value.end;) {
        const element = expectElement(der, at, value.end, TAG.OID, "KeyPurposeId");
        at = element.end;
        const purpose = readOid(der, element);
        purposes.push(EKU[purpose] ?? purpose);
      }
      if (purposes.length === 0) malformed("empty extKeyUsage");
      info.extendedKeyUsage = purposes;
      return;
    }
    case EXT.subjectAltName: {
      if (value.tag !== TAG.SEQUENCE || value.start === value.end) malformed("bad subjectAltName");
      const san: SubjectAltName = { dns: [], ip: [], email: [], uri: [], dirName: [] };
      for (let at = value.start; at < value.end;) {
        const element = readElement(der, at, value.end);
        at = element.end;
        const name = readGeneralName(der, element);
        if (name.type === "other") continue;
        san[name.type].push(name.value);
        if (name.type === "ip") parts.sanIps.push(contentsOf(der, element));
      }
      info.subjectAltName = san;
      return;
    }
    case EXT.subjectKeyIdentifier:
      if (value.tag !== TAG.OCTET_STRING) malformed("bad subjectKeyIdentifier");
      info.subjectKeyIdentifier = toHex(der, value.start, value.end);
      return;
    case EXT.authorityKeyIdentifier: {
      if (value.tag !== TAG.SEQUENCE) malformed("bad authorityKeyIdentifier");
      if (value.start < value.end && der[value.start] === contextTag(0, false)) {
        const keyId = readElement(der, value.start, value.end);
        info.authorityKeyIdentifier = toHex(der, keyId.start, keyId.end);
      }
      return;
    }
    case EXT.nameConstraints: {
      if (value.tag !== TAG.SEQUENCE) malformed("bad nameConstraints");
      const constraints: NameConstraints = { permitted: [], excluded: [] };
      for (let at = value.start; at < value.end;) {
        const element = readElement(der, at, value.end);
        at = element.end;
        const { info: names, subtrees } = readSubtrees(der, element);
        if (element.tag === contextTag(0, true)) {
          constraints.permitted = names;
          parts.permitted = subtrees;
        } else if (element.tag === contextTag(1, true)) {
          constraints.excluded = names;
          parts.excluded = subtrees;
        } else {
          malformed("bad nameConstraints field");
        }
      }
      info.nameConstraints = constraints;
      return;
    }
    case EXT.crlDistributionPoints: {
      const uris: string[] = [];
      collectUris(der, value, uris, 0);
      info.crlDistributionPoints = uris;
      return;
    }
    case EXT.authorityInfoAccess: {
      if (value.tag !== TAG.SEQUENCE) malformed("bad authorityInfoAccess");
      const access = { ocsp: [] as string[], caIssuers: [] as string[] };
      for (let at = value.start; at < value.end;) {
        const description = expectElement(der, at, value.end, TAG.SEQUENCE, "AccessDescription");
        at = description.end;
        const method = expectElement(
          der,
          description.start,
          description.end,
          TAG.OID,
          "accessMethod",
        );
        const location = readGeneralName(der, readElement(der, method.end, description.end));
        if (location.type !== "uri") continue;
        const methodOid = readOid(der, method);
        if (methodOid === ACCESS_METHODS.ocsp) access.ocsp.push(location.value);
        else if (methodOid === ACCESS_METHODS.caIssuers) access.caIssuers.push(location.value);
      }
      info.authorityInfoAccess = access;
      return;
    }
    case EXT.certificatePolicies: {
      if (value.tag !== TAG.SEQUENCE) malformed("bad certificatePolicies");
      const policies: string[] = [];
      for (let at = value.start; at < value.end;) {
        const policy = expectElement(der, at, value.end, TAG.SEQUENCE, "PolicyInformation");
        at = policy.end;
        policies.push(
          readOid(der, expectElement(der, policy.start, policy.end, TAG.OID, "policyIdentifier")),
        );
      }
      info.certificatePolicies = policies;
      return;
    }
  }
}

/** Collects URI GeneralNames anywhere inside a CRL distribution points value. */
function collectUris(der: Uint8Array, element: DerElement, uris: string[], depth: number): void {
  if (depth > 6) malformed("crlDistributionPoints nested too deep");
  for (let at = element.start; at < element.end;) {
    const child = readElement(der, at, element.end);
    at = child.end;
    if (child.tag === 0x86) uris.push(asciiOf(der, child));
    else if (child.tag & 0x20) collectUris(der, child, uris, depth + 1);
  }
}
