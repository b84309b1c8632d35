/**
 * TLS options of the HTTP client, for `https://` through an `Agent`: given to
 * the agent (`new Agent({ tls })`, or `https.Agent`'s flat options) for every
 * connection it opens, or to one request (`request(url, { tls })`,
 * `fetch(url, { tls })`), which then gets a pool of its own: connections are
 * pooled per origin and TLS options, so a connection made with one set of
 * trust anchors or one client certificate never serves a request that asked
 * for another.
 *
 * Verification is on by default (the runtime's roots, or `ca`; the host
 * name); ALPN offers `http/1.1`. Failures are `HttpClientError`s in phase
 * `tls` carrying the TLS code (`ERR_TLS_CERT_UNTRUSTED`,
 * `ERR_TLS_CERT_HOSTNAME`, `ERR_TLS_CERT_EXPIRED` ...), the `NetError` as cause.
 *
 * @example Trust a development CA for one request
 * ```ts ignore
 * import { fetch } from "./mod.ts";
 *
 * const response = await fetch("https://localhost:8443/", { tls: { ca: rootPem } });
 * ```
 *
 * @module
 */

import type { TlsClientSecureOptions } from "../tls/mod.ts";

/**
 * What an HTTPS connection trusts and presents: `ca`, `servername`, `cert`
 * and `key` (mutual TLS), `checkPeer`, `verifyPeer`,
 * `dangerouslyDisableVerification`, `minVersion`, `maxVersion` (see
 * `wirestack/tls`). ALPN is the client's (`http/1.1`); the handshake's
 * deadline is `timeouts.tls`.
 */
export type ClientTlsOptions = Omit<
  TlsClientSecureOptions,
  "alpnProtocols" | "ALPNProtocols" | "handshakeTimeout"
>;
