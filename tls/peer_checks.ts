/**
 * Checks of a TLS peer's certificates that run after the handshake, in
 * wirestack itself: `checkPeer` (on top of the runtime's verification) and
 * `verifyPeer` (in its place) take a {@linkcode PeerCheck}. Two are ready
 * made: {@linkcode pinnedKeys} (SPKI pinning) and {@linkcode chainVerifier}
 * (`crypto/`'s `verifyCertificateChain`, which checks what RFC 5280 asks of a
 * path, name constraints included).
 *
 * @module
 */

import { NetError } from "../adapters/mod.ts";
import {
  type Certificate,
  type CertificateInput,
  type Purpose,
  spkiSha256,
  verifyCertificateChain,
} from "../crypto/mod.ts";

/** What a peer check sees: the peer's certificates and the session. */
export interface PeerInfo {
  /** The peer's certificates, parsed, leaf first, as the runtime reports them. */
  readonly certificates: readonly Certificate[];
  /** The name the peer's certificate must be valid for (a server's name or IP address). */
  readonly host: string;
  /** The server name sent (SNI), if one was. */
  readonly servername?: string;
  /** The ALPN protocol agreed on, or `null`. */
  readonly alpnProtocol: string | null;
  /** The TLS version, when the runtime reports it. */
  readonly protocol?: string;
}

/**
 * A check of a peer's certificates: returns (or resolves) to accept the peer,
 * throws (or rejects) to refuse it. A `CertificateError` or `NetError` keeps
 * its meaning; anything else refuses with `ERR_TLS_CERT_INVALID`.
 */
export type PeerCheck = (peer: PeerInfo) => void | Promise<void>;

/**
 * A check that accepts a peer whose leaf certificate's key is one of `pins`
 * (base64 SHA-256 of the SubjectPublicKeyInfo, as `crypto`'s `spkiSha256` and
 * Chromium's `--ignore-certificate-errors-spki-list` make them). Only the leaf
 * counts: as a `verifyPeer`, the peer's certificate is then trusted for its key
 * alone; to pin a CA, verify the chain with {@linkcode chainVerifier}.
 *
 * @param pins the accepted pins
 * @returns the check
 * @throws {NetError} `EINVAL` when a pin is not 44 characters of base64
 *
 * @example Trust a self-signed server by its key
 * ```ts ignore
 * import { connect, pinnedKeys } from "./mod.ts";
 *
 * const socket = connect({
 *   host: "127.0.0.1",
 *   port: 8443,
 *   verifyPeer: pinnedKeys(["0nSTRuQZzMkxjzN5Xq6TbxVBWUEbz+ZO5TzMVVqZFQ0="]),
 * });
 * ```
 */
export function pinnedKeys(pins: readonly string[]): PeerCheck {
  for (const pin of pins) {
    if (!/^[A-Za-z0-9+/]{43}=$/.test(pin)) {
      throw new NetError("EINVAL", `"${pin}" is not an SPKI pin (44 characters of base64)`);
    }
  }
  const accepted = new Set(pins);
  return (peer) => {
    const leaf = peer.certificates[0];
    if (leaf === undefined) {
      throw new NetError(
        "ERR_TLS_CERT_UNTRUSTED",
        "the peer sent no certificate to check pins on",
        {
          syscall: "handshake",
        },
      );
    }
    const pin = spkiSha256(leaf);
    if (!accepted.has(pin)) {
      throw new NetError(
        "ERR_TLS_CERT_UNTRUSTED",
        `the key of ${leaf.subject} (sha256/${pin}) is none of the ${accepted.size} pinned keys`,
        { syscall: "handshake" },
      );
    }
  };
}

/** Options of {@linkcode chainVerifier}. */
export interface ChainVerifierOptions {
  /** The trust anchors (PEM text, DER or parsed certificates). */
  roots: CertificateInput | readonly CertificateInput[];
  /** What the peer's certificate must be for (default: `"server"`, checked with the host name). */
  purpose?: Purpose;
  /** Checks the host name (default `true`; a client-certificate check sets it `false`). */
  checkHost?: boolean;
  /** The time validity is checked at (default: now). */
  now?: () => Date;
}

/**
 * A check that verifies the peer's chain with `crypto`'s
 * `verifyCertificateChain`: path to one of `roots`, signatures, validity,
 * basic constraints, key usage, name constraints, extended key usage, and the
 * host name. As a `checkPeer` it adds those rules to the runtime's; as a
 * `verifyPeer` it replaces the runtime's verification, trusting `roots` only.
 *
 * @param options the roots and what to check
 * @returns the check
 *
 * @example Trust only the development CA, with wirestack's own verification
 * ```ts ignore
 * import { chainVerifier, connect } from "./mod.ts";
 *
 * const socket = connect({ host: "localhost", port: 8443, verifyPeer: chainVerifier({ roots: devRootPem }) });
 * ```
 */
export function chainVerifier(options: ChainVerifierOptions): PeerCheck {
  const purpose = options.purpose ?? "server";
  const checkHost = options.checkHost ?? true;
  return async (peer) => {
    await verifyCertificateChain([...peer.certificates], {
      roots: options.roots,
      purpose,
      ...(checkHost ? { host: peer.host } : {}),
      ...(options.now === undefined ? {} : { now: options.now() }),
    });
  };
}
