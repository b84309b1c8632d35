/**
 * The options of TLS clients and servers, shared by `connect`, `startTls`,
 * `TLSSocket` and `createServer`.
 *
 * @module
 */

import type { TlsVersion } from "../adapters/mod.ts";
import type { CertificateInput } from "../crypto/mod.ts";
import type { PeerCheck } from "./peer_checks.ts";

/** Options both ends of a TLS connection have. */
export interface TlsCommonSecureOptions {
  /** Application protocols (ALPN), most preferred first (default: none offered). */
  alpnProtocols?: string[];
  /** Node's name for `alpnProtocols`. */
  ALPNProtocols?: string[];
  /** The lowest version accepted (default `"TLSv1.2"`; TLS 1.0 and 1.1 are never offered). */
  minVersion?: TlsVersion;
  /** The highest version offered (default `"TLSv1.3"`). */
  maxVersion?: TlsVersion;
  /** Milliseconds the handshake may take (default 30,000): then `ERR_TLS_HANDSHAKE_TIMEOUT`. */
  handshakeTimeout?: number;
}

/** What a TLS client verifies and presents. */
export interface TlsClientSecureOptions extends TlsCommonSecureOptions {
  /**
   * The server name sent (SNI) and checked against the certificate (default:
   * the host connected to; none, and the IP address checked, for an IP address).
   */
  servername?: string;
  /**
   * The trust anchors (PEM text, bundles allowed; DER; parsed certificates).
   * Default: the runtime's roots. On Node they replace the roots; Deno's native
   * TLS adds them to its roots (see the README's feature table).
   */
  ca?: CertificateInput | CertificateInput[];
  /** A client certificate chain (PEM), for servers that ask for one (mutual TLS). */
  cert?: string;
  /** The client certificate's private key (PEM). */
  key?: string;
  /**
   * An extra check after the runtime verified the server: throw (or reject) to
   * refuse it (see `pinnedKeys`, `chainVerifier`). Needs the runtime to report
   * peer certificates.
   */
  checkPeer?: PeerCheck;
  /**
   * Verifies the server in place of the runtime (whose own verification is
   * then off): the connection is refused unless this accepts. Needs the
   * runtime to report peer certificates and to turn its verification off.
   */
  verifyPeer?: PeerCheck;
  /**
   * Turns every certificate check off: any server is accepted, an attacker's
   * too. For tests against throwaway servers only; prefer `ca`, `verifyPeer`
   * with `pinnedKeys`, or the development CA.
   */
  dangerouslyDisableVerification?: boolean;
  /**
   * Node's switch. Only `true` (the default) is accepted: turning verification
   * off takes `dangerouslyDisableVerification`, so that it shows in code review.
   */
  rejectUnauthorized?: boolean;
}

/** What a TLS server presents and asks for. */
export interface TlsServerSecureOptions extends TlsCommonSecureOptions {
  /** The certificate chain (PEM, leaf first; every certificate in it is sent). */
  cert: string;
  /** Its private key (PEM). */
  key: string;
  /**
   * More certificates, chosen by the name a client asks for (SNI): exact names
   * (`"api.example.com"`) or wildcards for one label (`"*.example.com"`).
   * Clients asking for another name, or none, get `cert`.
   */
  sni?: Record<string, { cert: string; key: string }>;
  /** Asks clients for a certificate (mutual TLS; default `false`). */
  requestCert?: boolean;
  /**
   * With `requestCert`: refuses clients without a certificate that verifies
   * against `ca` (default `true`); with `false` they are let in with `authorized` false.
   */
  rejectUnauthorized?: boolean;
  /** Trust anchors for client certificates (PEM text, DER or parsed certificates). */
  ca?: CertificateInput | CertificateInput[];
}
