// What a refused peer check becomes: a `NetError` with the TLS code that says
// why, the check's own error kept as the cause.

import { NetError, type TlsErrorCode } from "../adapters/mod.ts";
import { CertificateError, type CertificateErrorCode } from "../crypto/mod.ts";

const BY_CERTIFICATE_CODE: Partial<Record<CertificateErrorCode, TlsErrorCode>> = {
  "expired": "ERR_TLS_CERT_EXPIRED",
  "not-yet-valid": "ERR_TLS_CERT_NOT_YET_VALID",
  "unknown-issuer": "ERR_TLS_CERT_UNTRUSTED",
  "host-mismatch": "ERR_TLS_CERT_HOSTNAME",
  "no-certificate": "ERR_TLS_CERT_UNTRUSTED",
};

/** The `NetError` a peer check's failure is reported with. */
export function peerCheckError(error: unknown, target: string): NetError {
  if (error instanceof NetError) return error;
  if (error instanceof CertificateError) {
    const code = BY_CERTIFICATE_CODE[error.code] ?? "ERR_TLS_CERT_INVALID";
    return new NetError(code, `${target}: certificate refused (${error.code}): ${error.message}`, {
      cause: error,
      syscall: "handshake",
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new NetError("ERR_TLS_CERT_INVALID", `${target}: certificate refused: ${message}`, {
    cause: error,
    syscall: "handshake",
  });
}
