// What a TLS client does around the runtime's handshake, shared by `TLSSocket`
// and the HTTP agent (which runs TLS on adapter connections, without a
// socket): refusing options the runtime cannot honour before any byte is sent,
// and running `verifyPeer`/`checkPeer` on a finished handshake.

import { type Conn, NetError, type TlsInfo, type Transport } from "../adapters/mod.ts";
import { type Certificate, parseCertificate } from "../crypto/mod.ts";
import type { TlsClientSecureOptions } from "./options.ts";
import type { PeerCheck, PeerInfo } from "./peer_checks.ts";
import { peerCheckError } from "./_peer_errors.ts";
import { servernameFor } from "./_secure_options.ts";

/** The `ENOTSUP` error for what `runtime`'s TLS cannot do, naming the way round. */
export function notHere(runtime: string, what: string): NetError {
  return new NetError(
    "ENOTSUP",
    `${runtime === "deno" ? "Deno's native TLS" : "this runtime's TLS"} cannot ${what}` +
      (runtime === "deno" ? "; under Deno, transport: nodeTransport (Deno's node:tls) can" : ""),
    { syscall: "connect" },
  );
}

/** What `options` ask and `transport`'s TLS cannot do, found before connecting. */
export function unsupportedClientOption(
  options: TlsClientSecureOptions,
  transport: Transport,
): NetError | undefined {
  const features = transport.features.tls;
  if (
    (options.checkPeer !== undefined || options.verifyPeer !== undefined) &&
    !features.peerCertificates
  ) {
    return notHere(transport.name, "report the peer's certificates (checkPeer, verifyPeer)");
  }
  if (
    (options.verifyPeer !== undefined || options.dangerouslyDisableVerification === true) &&
    !features.disableVerification
  ) {
    return notHere(
      transport.name,
      "turn its own certificate verification off (verifyPeer, dangerouslyDisableVerification)",
    );
  }
  const versions = (options.minVersion ?? "TLSv1.2") !== "TLSv1.2" ||
    (options.maxVersion ?? "TLSv1.3") !== "TLSv1.3";
  if (versions && !features.versionLimits) {
    return notHere(transport.name, "limit the TLS versions (minVersion, maxVersion)");
  }
  return undefined;
}

/**
 * Runs `verifyPeer` and `checkPeer` on a finished handshake. Returns the
 * parsed peer certificates (or `null` when there is no check); a refusal
 * closes `conn` and throws the `NetError` that says why.
 */
export async function checkPeerConn(
  conn: Conn,
  options: TlsClientSecureOptions,
  host: string,
): Promise<Certificate[] | null> {
  const { verifyPeer, checkPeer } = options;
  if (verifyPeer === undefined && checkPeer === undefined) return null;
  const info = conn.tls as TlsInfo;
  const servername = servernameFor(options, host);
  const peer: PeerInfo = {
    certificates: (info.peerCertificates ?? []).map((bytes) => parseCertificate(bytes)),
    host: servername ?? host,
    ...(servername === undefined ? {} : { servername }),
    alpnProtocol: info.alpnProtocol,
    ...(info.protocol === undefined ? {} : { protocol: info.protocol }),
  };
  try {
    await runCheck(verifyPeer, peer);
    await runCheck(checkPeer, peer);
  } catch (error) {
    conn.close();
    throw peerCheckError(error, host);
  }
  return [...peer.certificates];
}

async function runCheck(check: PeerCheck | undefined, peer: PeerInfo): Promise<void> {
  if (check !== undefined) await check(peer);
}
