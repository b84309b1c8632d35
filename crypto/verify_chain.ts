/**
 * Certificate chain verification (RFC 5280 section 6, simplified to what TLS
 * needs; RFC 9525 for host names): path building from unordered extras to a
 * trust anchor, signatures, validity, basic constraints and path length, key
 * usage, name constraints, extended key usage and the host name.
 *
 * This module is browser compatible.
 *
 * @module
 */

import type { CertificateParts } from "./_certificate_parser.ts";
import { nameConstraintViolation } from "./_name_constraints.ts";
import { EKU_OIDS } from "./_oids.ts";
import { verifySignature } from "./_signatures.ts";
import { certificatePartsList } from "./_certificate_cache.ts";
import type { CertificateInput } from "./certificate_types.ts";
import type { Certificate } from "./certificate_types.ts";
import { CertificateError } from "./errors.ts";
import { matchHostName } from "./host_name.ts";

/** What the leaf certificate is for. */
export type Purpose = "server" | "client" | "any";

/** Options of {@linkcode verifyCertificateChain}. */
export interface VerifyChainOptions {
  /** The trust anchors: PEM text (bundles allowed), DER bytes or parsed certificates. */
  roots: CertificateInput | readonly CertificateInput[];
  /** The host name or IP address the leaf must be valid for (checked only when given). */
  host?: string;
  /**
   * The extended key usage the path must allow: `"server"` (serverAuth),
   * `"client"` (clientAuth) or `"any"`. Default: `"server"` when `host` is given
   * (a host name names a server), `"any"` otherwise.
   */
  purpose?: Purpose;
  /** The time to check validity at (default: now). */
  now?: Date;
  /** Lets the common name stand in for missing DNS and IP SANs (default false). */
  allowCommonName?: boolean;
  /** The most certificates a path may hold, leaf and anchor included (default 10). */
  maxDepth?: number;
  /** The smallest RSA key accepted anywhere in the path (default 2048 bits). */
  minRsaBits?: number;
  /** The most signature checks one call may make while building paths (default 64). */
  maxSignatureChecks?: number;
}

const PURPOSE_OIDS: Record<Exclude<Purpose, "any">, string> = {
  server: EKU_OIDS.serverAuth,
  client: EKU_OIDS.clientAuth,
};

function fingerprint(parts: CertificateParts): string {
  return parts.info.fingerprints.sha256;
}

function isSelfIssued(parts: CertificateParts): boolean {
  return parts.subjectCanonical === parts.issuerCanonical;
}

function flatten(input: CertificateInput | readonly CertificateInput[]): CertificateParts[] {
  const list = Array.isArray(input)
    ? input as readonly CertificateInput[]
    : [input as CertificateInput];
  return list.flatMap((item) => certificatePartsList(item));
}

function fail(
  code: CertificateError["code"],
  message: string,
  parts: CertificateParts,
  depth: number,
  reason?: string,
): CertificateError {
  return new CertificateError(code, message, { subject: parts.info.subject, depth, reason });
}

/** Checks one complete path (leaf first, anchor last); returns the first problem found. */
function checkPath(
  path: CertificateParts[],
  options: VerifyChainOptions,
  purpose: Purpose,
): CertificateError | undefined {
  const now = new Date(options.now === undefined ? Date.now() : options.now.valueOf());
  if (Number.isNaN(now.getTime())) {
    throw new CertificateError("bad-option", "now is not a valid date");
  }
  const last = path.length - 1;
  for (const [depth, parts] of path.entries()) {
    const { info } = parts;
    if (now.getTime() < info.notBefore.getTime()) {
      return fail(
        "not-yet-valid",
        `${info.subject} is not valid before ${info.notBefore.toISOString()}`,
        parts,
        depth,
      );
    }
    if (now.getTime() > info.notAfter.getTime()) {
      return fail(
        "expired",
        `${info.subject} expired on ${info.notAfter.toISOString()}`,
        parts,
        depth,
      );
    }
  }
  for (const [depth, parts] of path.entries()) {
    if (parts.unknownCritical.length > 0) {
      return fail(
        "critical-extension",
        `${parts.info.subject} has a critical extension wirestack does not process (${
          parts.unknownCritical.join(", ")
        })`,
        parts,
        depth,
      );
    }
  }
  for (let depth = 1; depth <= last; depth++) {
    const parts = path[depth];
    const { info } = parts;
    const legacyRoot = depth === last && info.version === 1 && isSelfIssued(parts);
    if (info.basicConstraints?.ca !== true && !legacyRoot) {
      return fail(
        "not-a-ca",
        `${info.subject} issued ${path[depth - 1].info.subject} but is not a CA`,
        parts,
        depth,
      );
    }
    if (info.keyUsage !== undefined && !info.keyUsage.includes("keyCertSign")) {
      return fail("key-usage", `${info.subject} lacks the keyCertSign key usage`, parts, depth);
    }
    const pathLength = info.basicConstraints?.pathLength;
    if (pathLength !== undefined) {
      let below = 0;
      for (let i = 1; i < depth; i++) if (!isSelfIssued(path[i])) below++;
      if (below > pathLength) {
        return fail(
          "path-length",
          `${info.subject} allows ${pathLength} intermediate CA(s) below it, the path has ${below}`,
          parts,
          depth,
        );
      }
    }
  }
  for (let depth = 1; depth <= last; depth++) {
    const ca = path[depth];
    if (ca.permitted === undefined && ca.excluded === undefined) continue;
    for (let below = 0; below < depth; below++) {
      if (below > 0 && isSelfIssued(path[below])) continue;
      const violation = nameConstraintViolation(ca, path[below]);
      if (violation !== undefined) {
        return fail(
          "name-constraints",
          `${path[below].info.subject}: ${violation} of ${ca.info.subject}`,
          path[below],
          below,
        );
      }
    }
  }
  if (purpose !== "any") {
    const wanted = PURPOSE_OIDS[purpose];
    for (const [depth, parts] of path.entries()) {
      const usages = parts.info.extendedKeyUsage;
      if (usages === undefined) continue; // RFC 5280 4.2.1.12: no extension, any purpose
      const oids = usages.map((usage) => EKU_OIDS[usage] ?? usage);
      if (!oids.includes(wanted) && !oids.includes(EKU_OIDS.anyExtendedKeyUsage)) {
        return fail(
          "eku",
          `${parts.info.subject} is not for ${purpose} use (extended key usage: ${
            usages.join(", ")
          })`,
          parts,
          depth,
        );
      }
    }
    const leafUsage = path[0].info.keyUsage;
    const fits = purpose === "server"
      ? ["digitalSignature", "keyEncipherment", "keyAgreement"]
      : ["digitalSignature", "keyAgreement"];
    if (leafUsage !== undefined && !leafUsage.some((usage) => fits.includes(usage))) {
      return fail(
        "key-usage",
        `${path[0].info.subject}'s key usage does not allow TLS ${purpose} use`,
        path[0],
        0,
      );
    }
  }
  if (options.host !== undefined) {
    if (!matchHostName(path[0].info, options.host, { allowCommonName: options.allowCommonName })) {
      const san = path[0].info.subjectAltName;
      const names = san === undefined
        ? "no subject alternative names"
        : [...san.dns, ...san.ip].join(", ");
      return fail(
        "host-mismatch",
        `${path[0].info.subject} is not valid for ${options.host} (${names})`,
        path[0],
        0,
      );
    }
  }
  return undefined;
}

/**
 * Verifies a certificate chain and returns the path it found, leaf first and
 * trust anchor last.
 *
 * `chain` is the leaf followed by any intermediates, in any order (extras that
 * do not belong are ignored); `roots` are the trust anchors. The path is built
 * by issuer name and key identifier, trying every candidate (so cross-signed
 * intermediates work), and each candidate path is checked: signatures (MD5,
 * SHA-1 and RSA below 2048 bits refused), validity at `now` for every
 * certificate, unrecognised critical extensions, basic constraints and path
 * length, keyCertSign on issuers, name constraints (DNS, IP, email, URI,
 * directory name), the extended key usage for `purpose` (a certificate without
 * the extension serves any purpose), and the host name (subject alternative
 * names only; wildcards as a whole left-most label, never over one label; IP
 * addresses only against IP entries).
 *
 * @param chain PEM text (leaf first), or a list of certificates (PEM, DER or parsed)
 * @param options the trust anchors, host, purpose and time
 * @returns the verified path, leaf first, anchor last
 * @throws {CertificateError} with `code` `expired`, `not-yet-valid`,
 * `unknown-issuer` (`reason` `missing-issuer` or `untrusted-root`),
 * `bad-signature`, `not-a-ca`, `path-length`, `key-usage`, `eku`,
 * `host-mismatch`, `name-constraints`, `critical-extension`, `weak-key`,
 * `unsupported-algorithm`, `chain-too-long`, `no-certificate` or `malformed`
 *
 * @example Verifying a server's chain
 * ```ts
 * import { createDevCa, issueDevCertificate, verifyCertificateChain } from "./mod.ts";
 *
 * const ca = await createDevCa();
 * const server = await issueDevCertificate(ca, ["localhost", "127.0.0.1"]);
 * const path = await verifyCertificateChain(server.certificate, { roots: [ca.certificate], host: "localhost" });
 * console.log(path.map((certificate) => certificate.subject));
 * ```
 *
 * @example Telling failures apart
 * ```ts
 * import { CertificateError, createDevCa, issueDevCertificate, verifyCertificateChain } from "./mod.ts";
 *
 * const ca = await createDevCa();
 * const server = await issueDevCertificate(ca, ["localhost"]);
 * try {
 *   await verifyCertificateChain(server.certificate, { roots: [ca.certificate], host: "example.com" });
 * } catch (error) {
 *   if (error instanceof CertificateError) console.log(error.code); // "host-mismatch"
 * }
 * ```
 */
export async function verifyCertificateChain(
  chain: string | Uint8Array | readonly CertificateInput[],
  options: VerifyChainOptions,
): Promise<Certificate[]> {
  const given = flatten(chain as CertificateInput | readonly CertificateInput[]);
  if (given.length === 0) {
    throw new CertificateError("no-certificate", "the chain holds no certificate");
  }
  if (options === undefined || options.roots === undefined) {
    throw new CertificateError(
      "bad-option",
      "verifyCertificateChain needs roots (the trust anchors)",
    );
  }
  // The EKU names are accepted as aliases ("serverAuth" for "server").
  const aliases: Record<string, Purpose> = { serverAuth: "server", clientAuth: "client" };
  const requested = options.purpose as string | undefined;
  const purpose =
    (requested === undefined ? undefined : aliases[requested] ?? requested) as Purpose ??
      (options.host !== undefined ? "server" : "any");
  if (purpose !== "server" && purpose !== "client" && purpose !== "any") {
    throw new CertificateError(
      "bad-option",
      `purpose must be "server", "client" or "any", not "${purpose as string}"`,
    );
  }
  if (options.now !== undefined && Number.isNaN(new Date(options.now.valueOf()).getTime())) {
    throw new CertificateError("bad-option", "now is not a valid date");
  }
  const maxDepth = options.maxDepth ?? 10;
  let budget = options.maxSignatureChecks ?? 64;
  // Paths through already-checked pairs cost no signature but can still multiply:
  // bound the search itself too.
  let steps = 16 * budget;

  const anchors = new Map<string, CertificateParts>();
  for (const parts of flatten(options.roots)) anchors.set(fingerprint(parts), parts);
  const leaf = given[0];
  const extras = new Map<string, CertificateParts>();
  for (const parts of given.slice(1)) {
    const key = fingerprint(parts);
    if (!anchors.has(key) && key !== fingerprint(leaf)) extras.set(key, parts);
  }

  const signatureResults = new Map<string, Promise<boolean>>();
  let validationError: CertificateError | undefined;
  let signatureError: CertificateError | undefined;
  let deadEnd: CertificateError | undefined;

  const checkSignature = (child: CertificateParts, issuer: CertificateParts): Promise<boolean> => {
    const key = fingerprint(child) + fingerprint(issuer);
    let result = signatureResults.get(key);
    if (result === undefined) {
      budget--;
      result = verifySignature(issuer.spki, child.signatureAlgorithm, child.signature, child.tbs, {
        minRsaBits: options.minRsaBits,
      });
      signatureResults.set(key, result);
    }
    return result;
  };

  const candidatesFor = (child: CertificateParts, path: CertificateParts[]): CertificateParts[] => {
    const inPath = new Set(path.map(fingerprint));
    const keyId = child.info.authorityKeyIdentifier;
    const fits = (candidate: CertificateParts) =>
      !inPath.has(fingerprint(candidate)) &&
      candidate.subjectCanonical === child.issuerCanonical &&
      (keyId === undefined || candidate.info.subjectKeyIdentifier === undefined ||
        candidate.info.subjectKeyIdentifier === keyId);
    return [...[...anchors.values()].filter(fits), ...[...extras.values()].filter(fits)];
  };

  const search = async (path: CertificateParts[]): Promise<CertificateParts[] | undefined> => {
    if (--steps < 0) return undefined;
    const current = path[path.length - 1];
    const depth = path.length - 1;
    if (anchors.has(fingerprint(current))) {
      const problem = checkPath(path, options, purpose);
      if (problem === undefined) return path;
      validationError ??= problem;
      return undefined;
    }
    if (path.length >= maxDepth) {
      deadEnd ??= fail(
        "chain-too-long",
        `no trust anchor within ${maxDepth} certificates`,
        current,
        depth,
      );
      return undefined;
    }
    const candidates = candidatesFor(current, path);
    const deadEndHere = () => {
      const error = isSelfIssued(current)
        ? fail(
          "unknown-issuer",
          `${current.info.subject} is a self-signed certificate that is not trusted`,
          current,
          depth,
          "untrusted-root",
        )
        : fail(
          "unknown-issuer",
          `the issuer of ${current.info.subject} (${current.info.issuer}) is not in the chain or the roots`,
          current,
          depth,
          "missing-issuer",
        );
      if (deadEnd === undefined || (deadEnd.depth ?? 0) < depth) deadEnd = error;
      return undefined;
    };
    let verified = false;
    for (const candidate of candidates) {
      if (budget <= 0) break;
      let good: boolean;
      try {
        good = await checkSignature(current, candidate);
      } catch (error) {
        if (!(error instanceof CertificateError)) throw error;
        signatureError ??= new CertificateError(
          error.code,
          `${current.info.subject}: ${error.message}`,
          {
            subject: current.info.subject,
            depth,
            cause: error,
          },
        );
        continue;
      }
      if (!good) {
        // A self-issued certificate another key does not verify is a root of its own,
        // not a forgery of the anchor that shares its name.
        if (isSelfIssued(current)) continue;
        signatureError ??= fail(
          "bad-signature",
          `the signature on ${current.info.subject} does not verify with the key of ${candidate.info.subject}`,
          current,
          depth,
        );
        continue;
      }
      verified = true;
      const found = await search([...path, candidate]);
      if (found !== undefined) return found;
    }
    // Nobody issued it: a missing intermediate, or a root nobody trusts.
    if (!verified && (candidates.length === 0 || isSelfIssued(current))) return deadEndHere();
    return undefined;
  };

  const found = await search([leaf]);
  if (found !== undefined) return found.map((parts) => parts.info);
  throw validationError ?? signatureError ?? deadEnd ??
    fail(
      "unknown-issuer",
      `no path from ${leaf.info.subject} to a trust anchor`,
      leaf,
      0,
      "missing-issuer",
    );
}
