/**
 * A development certificate authority, like mkcert but a library first: make a
 * root once, keep it, issue short-lived certificates for local names, and tell
 * browsers, curl, Node and Deno to trust it.
 *
 * Past mkcert: the root is name-constrained by default to development names
 * (`localhost`, `.test`, private addresses ...), so a stolen root cannot sign
 * for real sites; lifetimes have presets for browsers (398 days), WebRTC
 * (30 days) and WebTransport `serverCertificateHashes` (14 days).
 *
 * This module is I/O-free: {@linkcode loadOrCreateDevCa} takes a
 * {@linkcode DevCaStore} the caller backs with files (the CLI keeps the root in
 * the user's data directory).
 *
 * This module is browser compatible.
 *
 * @module
 */

import { dnsWithin, ipWithin } from "./_name_constraints.ts";
import { classifyName } from "./_general_names.ts";
import { certificateParts } from "./_certificate_cache.ts";
import { createCertificate } from "./create_certificate.ts";
import { CertificateError } from "./errors.ts";
import { exportPrivateKey, generateKeyPair, importPrivateKey, type KeyAlgorithm } from "./keys.ts";

/**
 * Lifetime presets, in days.
 *
 * @example
 * ```ts
 * import { LIFETIME_PRESETS } from "./dev_ca.ts";
 *
 * console.log(LIFETIME_PRESETS.webtransport); // 14
 * ```
 */
export const LIFETIME_PRESETS: Readonly<Record<"browser" | "webrtc" | "webtransport", number>> =
  Object.freeze({
    /** The longest lifetime browsers accept for a TLS server certificate (CA/Browser Forum, Apple). */
    browser: 398,
    /** A WebRTC `RTCCertificate` lasts at most 30 days by convention (`RTCPeerConnection.generateCertificate` default). */
    webrtc: 30,
    /** WebTransport `serverCertificateHashes` accepts only certificates valid for at most 14 days. */
    webtransport: 14,
  });

/** A lifetime preset name. */
export type LifetimePreset = keyof typeof LIFETIME_PRESETS;

/**
 * The names a constrained development root may sign for: loopback and
 * special-use names (RFC 6761, RFC 8375, ICANN's `.internal`), loopback,
 * private and link-local addresses.
 *
 * @example
 * ```ts
 * import { DEV_NAME_CONSTRAINTS } from "./dev_ca.ts";
 *
 * console.log(DEV_NAME_CONSTRAINTS.includes("localhost")); // true
 * ```
 */
export const DEV_NAME_CONSTRAINTS: readonly string[] = Object.freeze([
  "localhost",
  "test",
  "example",
  "invalid",
  "local",
  "internal",
  "home.arpa",
  "127.0.0.0/8",
  "10.0.0.0/8",
  "172.16.0.0/12",
  "192.168.0.0/16",
  "169.254.0.0/16",
  "::1/128",
  "fc00::/7",
  "fe80::/10",
]);

/**
 * The names a development certificate gets when none are given.
 *
 * @example
 * ```ts
 * import { DEFAULT_DEV_NAMES } from "./dev_ca.ts";
 *
 * console.log(DEFAULT_DEV_NAMES); // ["localhost", "127.0.0.1", "::1"]
 * ```
 */
export const DEFAULT_DEV_NAMES: readonly string[] = Object.freeze([
  "localhost",
  "127.0.0.1",
  "::1",
]);

/** A development CA: its root certificate and private key, both PEM (the key is PKCS#8). */
export interface DevCa {
  /** The root certificate (PEM): what clients trust. */
  certificate: string;
  /** The root's private key (PKCS#8 PEM): keep it private. */
  privateKey: string;
}

/** Options of {@linkcode createDevCa}. */
export interface CreateDevCaOptions {
  /** The root's common name (default `"wirestack development CA"`). */
  name?: string;
  /** An organizational unit, such as `user@host` (mkcert's habit), to tell roots apart. */
  unit?: string;
  /**
   * Constrains the root to development names (default true). With `false` the
   * root can sign for any name: a stolen key then threatens every site.
   */
  constrained?: boolean;
  /** Extra permitted names for a constrained root (DNS names or CIDR ranges). */
  extraNames?: string[];
  /** Root lifetime in days (default 3650). */
  lifetimeDays?: number;
  /** The root's key type (default `"P-256"`). */
  algorithm?: KeyAlgorithm;
}

/**
 * Creates a development root CA: self-signed, a CA for end-entity certificates
 * only (path length 0), name-constrained to development names unless told
 * otherwise.
 *
 * @param options name, constraints, lifetime, key type
 * @returns the root certificate and private key (PEM)
 *
 * @example
 * ```ts
 * import { createDevCa, parseCertificate } from "./mod.ts";
 *
 * const ca = await createDevCa();
 * const root = parseCertificate(ca.certificate);
 * console.log(root.basicConstraints); // { ca: true, pathLength: 0 }
 * console.log(root.nameConstraints?.permitted.map((name) => name.value));
 * ```
 */
export async function createDevCa(options: CreateDevCaOptions = {}): Promise<DevCa> {
  const keys = await generateKeyPair({ algorithm: options.algorithm ?? "P-256" });
  const escape = (text: string) => text.replace(/([\\,+"<>;=])/g, "\\$1");
  const subject = [
    `CN=${escape(options.name ?? "wirestack development CA")}`,
    ...(options.unit === undefined ? [] : [`OU=${escape(options.unit)}`]),
    "O=wirestack development CA",
  ].join(",");
  const constrained = options.constrained ?? true;
  const certificate = await createCertificate({
    subject,
    publicKey: keys.publicKey,
    signingKey: keys.privateKey,
    ca: { pathLength: 0 },
    lifetimeDays: options.lifetimeDays ?? 3650,
    nameConstraints: constrained
      ? { permitted: [...DEV_NAME_CONSTRAINTS, ...(options.extraNames ?? [])] }
      : undefined,
  });
  return { certificate, privateKey: await exportPrivateKey(keys.privateKey) };
}

/** Options of {@linkcode issueDevCertificate}. */
export interface IssueDevCertificateOptions {
  /** A preset or a number of days (default `"browser"`: 398 days). */
  lifetime?: LifetimePreset | number;
  /** The key type (default `"P-256"`; WebTransport hashes need ECDSA). */
  algorithm?: KeyAlgorithm;
}

/** A certificate issued by the development CA. */
export interface DevCertificate {
  /** The certificate (PEM). */
  certificate: string;
  /** Its private key (PKCS#8 PEM). */
  privateKey: string;
  /** Certificate then root (PEM): what a server sends. */
  chain: string;
  /** Start of validity. */
  notBefore: Date;
  /** End of validity. */
  notAfter: Date;
}

/** The first of `names` a constrained root may not sign for, or undefined. */
function outsideConstraints(caPem: string, names: readonly string[]): string | undefined {
  const ca = certificateParts(caPem);
  const permitted = ca.permitted;
  if (permitted === undefined) return undefined;
  for (const name of names) {
    const entry = classifyName(name);
    if (entry.type === "dns") {
      const subtrees = permitted.filter((subtree) => subtree.type === "dns");
      if (
        subtrees.length > 0 && !subtrees.some((subtree) => dnsWithin(entry.value, subtree.text))
      ) return name;
    } else if (entry.type === "ip") {
      const subtrees = permitted.filter((subtree) => subtree.type === "ip");
      if (subtrees.length > 0 && !subtrees.some((subtree) => ipWithin(entry.value, subtree.ip!))) {
        return name;
      }
    }
  }
  return undefined;
}

/**
 * Issues a server-and-client certificate for local names from a development
 * CA: `serverAuth` and `clientAuth`, the names as subject alternative names
 * (the first one as common name).
 *
 * @param ca the development CA (from {@linkcode createDevCa} or {@linkcode loadOrCreateDevCa})
 * @param names DNS names and IP addresses (default `localhost`, `127.0.0.1`, `::1`)
 * @param options lifetime preset or days, key type
 * @returns the certificate, its key and the chain (PEM)
 * @throws {CertificateError} `name-constraints` for a name the constrained root may not sign
 *
 * @example A certificate for WebTransport's serverCertificateHashes
 * ```ts
 * import { createDevCa, issueDevCertificate, parseCertificate } from "./mod.ts";
 *
 * const ca = await createDevCa();
 * const issued = await issueDevCertificate(ca, ["localhost"], { lifetime: "webtransport" });
 * const hash = parseCertificate(issued.certificate).fingerprints.sha256;
 * console.log(hash, issued.notAfter);
 * ```
 */
export async function issueDevCertificate(
  ca: DevCa,
  names: readonly string[] = DEFAULT_DEV_NAMES,
  options: IssueDevCertificateOptions = {},
): Promise<DevCertificate> {
  if (names.length === 0) {
    throw new CertificateError("bad-option", "a development certificate needs at least one name");
  }
  const lifetime = options.lifetime ?? "browser";
  const days = typeof lifetime === "number" ? lifetime : LIFETIME_PRESETS[lifetime];
  if (days === undefined || !(days > 0) || days > LIFETIME_PRESETS.browser) {
    throw new CertificateError(
      "bad-option",
      `lifetime must be a preset or 1 to 398 days, not ${String(lifetime)}`,
    );
  }
  if (lifetime === "webtransport" && options.algorithm === "RSA") {
    throw new CertificateError(
      "bad-option",
      "WebTransport certificate hashes require an ECDSA key, not RSA",
    );
  }
  const outside = outsideConstraints(ca.certificate, names);
  if (outside !== undefined) {
    throw new CertificateError(
      "name-constraints",
      `the development root may not sign for "${outside}" (it is name-constrained to development names)`,
    );
  }
  const caKey = await importPrivateKey(ca.privateKey);
  const keys = await generateKeyPair({ algorithm: options.algorithm ?? "P-256" });
  const notBefore = new Date(Math.floor((Date.now() - 60_000) / 1000) * 1000);
  const notAfter = new Date(notBefore.getTime() + days * 86_400_000);
  const first = classifyName(names[0]);
  const commonName = first.type === "dns" ? first.value : names[0].trim();
  const certificate = await createCertificate({
    subject: `CN=${
      commonName.replace(/([\\,+"<>;=])/g, "\\$1")
    },O=wirestack development certificate`,
    publicKey: keys.publicKey,
    signingKey: caKey,
    issuer: ca.certificate,
    names: [...names],
    notBefore,
    notAfter,
    ca: false,
    extendedKeyUsage: ["serverAuth", "clientAuth"],
  });
  return {
    certificate,
    privateKey: await exportPrivateKey(keys.privateKey),
    chain: certificate + ca.certificate,
    notBefore,
    notAfter,
  };
}

/** Where a development CA is kept: the caller decides (files, a keychain, memory). */
export interface DevCaStore {
  /** Reads a stored text by name; undefined when absent. */
  read(name: string): Promise<string | undefined>;
  /** Stores a text by name; `secret` texts (the private key) must be readable by the owner only. */
  write(name: string, text: string, options: { secret: boolean }): Promise<void>;
}

/**
 * The names a {@linkcode DevCaStore} holds the root under (mkcert's, so tools find them).
 *
 * @example
 * ```ts
 * import { DEV_CA_FILES } from "./dev_ca.ts";
 *
 * console.log(DEV_CA_FILES.certificate); // "rootCA.pem"
 * ```
 */
export const DEV_CA_FILES: Readonly<{ certificate: string; privateKey: string }> = Object.freeze({
  certificate: "rootCA.pem",
  privateKey: "rootCA-key.pem",
});

/**
 * Loads the development CA from `store`, creating and storing it on first use.
 * A stored root that no longer parses, or whose key does not match, is an
 * error, never silently replaced (browsers may trust it).
 *
 * @param store where the root lives
 * @param options how to create it when absent
 * @returns the CA and whether it was just created
 *
 * @example With an in-memory store
 * ```ts
 * import { type DevCaStore, loadOrCreateDevCa } from "./mod.ts";
 *
 * const files = new Map<string, string>();
 * const store: DevCaStore = {
 *   read: (name) => Promise.resolve(files.get(name)),
 *   write: (name, text) => Promise.resolve(void files.set(name, text)),
 * };
 * const first = await loadOrCreateDevCa(store);
 * const again = await loadOrCreateDevCa(store);
 * console.log(first.created, again.created, first.ca.certificate === again.ca.certificate); // true false true
 * ```
 */
export async function loadOrCreateDevCa(
  store: DevCaStore,
  options: CreateDevCaOptions = {},
): Promise<{ ca: DevCa; created: boolean }> {
  const certificate = await store.read(DEV_CA_FILES.certificate);
  const privateKey = await store.read(DEV_CA_FILES.privateKey);
  if (certificate !== undefined && privateKey !== undefined) {
    const root = certificateParts(certificate);
    if (root.info.basicConstraints?.ca !== true) {
      throw new CertificateError(
        "not-a-ca",
        `the stored development root ${root.info.subject} is not a CA`,
      );
    }
    await importPrivateKey(privateKey);
    return { ca: { certificate, privateKey }, created: false };
  }
  if (certificate !== undefined || privateKey !== undefined) {
    throw new CertificateError(
      "bad-key",
      `the development CA store holds only one of ${DEV_CA_FILES.certificate} and ${DEV_CA_FILES.privateKey}`,
    );
  }
  const ca = await createDevCa(options);
  await store.write(DEV_CA_FILES.privateKey, ca.privateKey, { secret: true });
  await store.write(DEV_CA_FILES.certificate, ca.certificate, { secret: false });
  return { ca, created: true };
}

/**
 * How to trust a development root stored at `rootPath`: browsers, the system
 * store, curl, Node and Deno, as text to print.
 *
 * @param rootPath the path of the root certificate file
 * @returns several lines of instructions
 *
 * @example
 * ```ts
 * import { devCaTrustInstructions } from "./mod.ts";
 *
 * console.log(devCaTrustInstructions("/home/me/.local/share/wirestack/dev-ca/rootCA.pem"));
 * ```
 */
export function devCaTrustInstructions(rootPath: string): string {
  const quoted = /[\s"'$`\\]/.test(rootPath)
    ? `"${rootPath.replace(/(["$`\\])/g, "\\$1")}"`
    : rootPath;
  return [
    `The development root CA is ${quoted}`,
    "",
    "Trust it:",
    `  curl:     curl --cacert ${quoted} https://localhost:8443/`,
    `  Node:     NODE_EXTRA_CA_CERTS=${quoted} node app.js`,
    `  Deno:     DENO_CERT=${quoted} deno run --allow-net app.ts`,
    "  wirestack: pass the root as a trust anchor (verifyCertificateChain roots, the TLS clients' ca option).",
    "  Chrome, Edge: Settings > Privacy and security > Security > Manage certificates >",
    "                Authorities (Trusted Root Certification Authorities) > Import, tick 'websites'",
    "  Firefox:  Settings > Privacy & Security > Certificates > View Certificates > Authorities > Import",
    `  Linux (system, Debian/Ubuntu): sudo cp ${quoted} /usr/local/share/ca-certificates/wirestack-dev.crt && sudo update-ca-certificates`,
    `  macOS (system):   sudo security add-trusted-cert -d -r trustRoot -k /Library/Keychains/System.keychain ${quoted}`,
    `  Windows (user):   certutil -user -addstore Root ${quoted}`,
    "",
    "The root is name-constrained to development names unless it was made with constrained: false;",
    "keep its private key (rootCA-key.pem) private all the same.",
  ].join("\n");
}
