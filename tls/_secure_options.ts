// Turning the public TLS options into the adapter's: trust anchors as PEM,
// Node's aliases, and the rule that verification is turned off by one loudly
// named option only.

import {
  type ListenTlsOptions,
  NetError,
  type TlsCertifiedKey,
  type TlsClientOptions,
} from "../adapters/mod.ts";
import { type CertificateInput, certificateToPem } from "../crypto/mod.ts";
import { isIP } from "../net/mod.ts";
import type {
  TlsClientSecureOptions,
  TlsCommonSecureOptions,
  TlsServerSecureOptions,
} from "./options.ts";

/** Trust anchors as the adapters want them: PEM strings (bundles allowed). */
export function pemList(
  ca: CertificateInput | CertificateInput[] | undefined,
): string[] | undefined {
  if (ca === undefined) return undefined;
  const list = Array.isArray(ca) ? ca : [ca];
  return list.map((item) => {
    if (typeof item === "string") return item;
    if (item instanceof ArrayBuffer) return certificateToPem(new Uint8Array(item));
    return certificateToPem(item);
  });
}

/** The ALPN list under either name. */
export function alpnOf(options: TlsCommonSecureOptions): string[] | undefined {
  return options.alpnProtocols ?? options.ALPNProtocols;
}

/** Throws for option combinations that must not pass silently. */
export function checkClientOptions(options: TlsClientSecureOptions): void {
  if (options.rejectUnauthorized === false && options.dangerouslyDisableVerification !== true) {
    throw new NetError(
      "EINVAL",
      "rejectUnauthorized: false is not accepted: to turn certificate verification off, say " +
        "dangerouslyDisableVerification: true (or trust the server with ca, or verifyPeer: pinnedKeys([...]))",
    );
  }
  if ((options.cert === undefined) !== (options.key === undefined)) {
    throw new NetError("EINVAL", "a client certificate needs both cert and key");
  }
}

/** The server name sent for a host: the option, else the host unless it is an IP address. */
export function servernameFor(options: TlsClientSecureOptions, host: string): string | undefined {
  if (options.servername !== undefined && options.servername !== "") return options.servername;
  return isIP(host) === 0 ? host : undefined;
}

/** The adapter's client options. */
export function adapterClientOptions(
  options: TlsClientSecureOptions,
  host: string,
  signal: AbortSignal | undefined,
): TlsClientOptions {
  const servername = servernameFor(options, host);
  const ca = pemList(options.ca);
  const alpn = alpnOf(options);
  const verifyOff = options.dangerouslyDisableVerification === true ||
    options.verifyPeer !== undefined;
  return {
    ...(servername === undefined ? {} : { servername }),
    ...(ca === undefined ? {} : { ca }),
    ...(options.cert === undefined ? {} : { cert: options.cert, key: options.key }),
    ...(alpn === undefined ? {} : { alpnProtocols: alpn }),
    ...(options.minVersion === undefined ? {} : { minVersion: options.minVersion }),
    ...(options.maxVersion === undefined ? {} : { maxVersion: options.maxVersion }),
    ...(options.handshakeTimeout === undefined
      ? {}
      : { handshakeTimeout: options.handshakeTimeout }),
    ...(verifyOff ? { verify: "none" as const } : {}),
    ...(signal === undefined ? {} : { signal }),
  };
}

/** The TLS part of the adapter's listen options (no address, no SNI callback). */
export type AdapterServerTls = Omit<
  ListenTlsOptions,
  "port" | "hostname" | "reusePort" | "ipv6Only" | "backlog"
>;

/** The adapter's TLS server options for `options`, serving `certified` by default. */
export function adapterServerOptions(
  options: TlsServerSecureOptions,
  certified: TlsCertifiedKey,
): AdapterServerTls {
  const alpn = alpnOf(options);
  const ca = pemList(options.ca);
  return {
    ...certified,
    ...(alpn === undefined ? {} : { alpnProtocols: alpn }),
    ...(options.minVersion === undefined ? {} : { minVersion: options.minVersion }),
    ...(options.maxVersion === undefined ? {} : { maxVersion: options.maxVersion }),
    ...(options.handshakeTimeout === undefined
      ? {}
      : { handshakeTimeout: options.handshakeTimeout }),
    ...(options.requestCert ? { requestCert: true } : {}),
    ...(options.rejectUnauthorized === undefined
      ? {}
      : { rejectUnauthorized: options.rejectUnauthorized }),
    ...(ca === undefined ? {} : { ca }),
  };
}
