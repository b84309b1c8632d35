// Network failures in plain words, for the CLI's one-line error messages.

const PLAIN_WORDS: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ENOTFOUND: "host name not found",
  EAI_AGAIN: "host name lookup failed (temporary)",
  ETIMEDOUT: "timed out",
  ECONNRESET: "connection reset by the peer",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  EPIPE: "connection closed by the peer",
  EADDRINUSE: "address already in use",
  EACCES: "permission denied",
  EADDRNOTAVAIL: "address not available",
  ERR_TLS_CERT_UNTRUSTED: "the server's certificate is not trusted (--cacert FILE trusts a CA)",
  ERR_TLS_CERT_HOSTNAME: "the server's certificate is not for this host name",
  ERR_TLS_CERT_EXPIRED: "the server's certificate has expired",
  ERR_TLS_HANDSHAKE_TIMEOUT: "the TLS handshake timed out",
};

/** A failure said in one line (exit code 1), with the code it came with. */
export class CliNetError extends Error {
  /** The code of the underlying error (`ECONNREFUSED` ...), when it had one. */
  readonly code?: string;

  /**
   * @param what what was being done (`cannot connect to 127.0.0.1:1`)
   * @param error the failure, whose innermost coded cause is described
   */
  constructor(what: string, error: unknown) {
    let cause: unknown = error;
    while (cause instanceof Error && cause.cause !== undefined && !("code" in cause)) {
      cause = cause.cause;
    }
    const rawCode = (cause as { code?: unknown } | null)?.code;
    const code = typeof rawCode === "string" ? rawCode : undefined;
    const words = code === undefined ? undefined : PLAIN_WORDS[code];
    super(`${what}: ${words ?? (cause instanceof Error ? cause.message : String(cause))}`, {
      cause: error,
    });
    this.name = "CliNetError";
    if (code !== undefined) this.code = code;
  }
}
