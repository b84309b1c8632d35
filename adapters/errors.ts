/**
 * The error every adapter raises for a socket failure, with a code that is the
 * same on every runtime.
 *
 * @module
 */

/** The stable codes a {@linkcode NetError} carries, named as POSIX names them. */
export type NetErrorCode =
  | "ECONNREFUSED"
  | "ECONNRESET"
  | "ECONNABORTED"
  | "EADDRINUSE"
  | "EADDRNOTAVAIL"
  | "EACCES"
  | "ETIMEDOUT"
  | "EPIPE"
  | "ENOTFOUND"
  | "EHOSTUNREACH"
  | "ENETUNREACH"
  | "EMSGSIZE"
  | "EINVAL"
  | "ENOTCONN"
  | "ENOENT"
  | "ENOTSUP"
  | "EAFNOSUPPORT"
  | "ERR_SOCKET_CLOSED"
  | "ERR_SERVER_NOT_RUNNING"
  | "ERR_ABORTED"
  | TlsErrorCode
  | "EUNKNOWN";

/**
 * The stable codes of TLS failures, the same on every runtime (the runtime's own
 * error is the `cause`):
 * - `ERR_TLS_CERT_HOSTNAME`: the certificate is not valid for the name asked for;
 * - `ERR_TLS_CERT_EXPIRED`, `ERR_TLS_CERT_NOT_YET_VALID`: outside its validity;
 * - `ERR_TLS_CERT_UNTRUSTED`: no path to a trusted root (unknown issuer, a
 *   self-signed certificate, a missing intermediate);
 * - `ERR_TLS_CERT_INVALID`: any other reason the peer's certificate was refused;
 * - `ERR_TLS_CERT_REQUIRED`: the server requires a client certificate and got none;
 * - `ERR_TLS_CERT_REJECTED`: the peer refused this side's certificate (an alert);
 * - `ERR_TLS_ALPN`: no application protocol in common;
 * - `ERR_TLS_PROTOCOL_VERSION`: no TLS version in common;
 * - `ERR_TLS_HANDSHAKE_TIMEOUT`: the handshake took too long;
 * - `ERR_TLS_HANDSHAKE`: any other handshake failure (bytes that are not TLS ...);
 * - `ERR_TLS_PROTOCOL`: a TLS failure after the handshake (a bad record, an alert).
 */
export type TlsErrorCode =
  | "ERR_TLS_CERT_HOSTNAME"
  | "ERR_TLS_CERT_EXPIRED"
  | "ERR_TLS_CERT_NOT_YET_VALID"
  | "ERR_TLS_CERT_UNTRUSTED"
  | "ERR_TLS_CERT_INVALID"
  | "ERR_TLS_CERT_REQUIRED"
  | "ERR_TLS_CERT_REJECTED"
  | "ERR_TLS_ALPN"
  | "ERR_TLS_PROTOCOL_VERSION"
  | "ERR_TLS_HANDSHAKE_TIMEOUT"
  | "ERR_TLS_HANDSHAKE"
  | "ERR_TLS_PROTOCOL";

/**
 * A socket failure. `code` is stable across runtimes and releases; `message`
 * says what happened and to which address.
 *
 * @example Telling a refused connection apart
 * ```ts
 * import { NetError } from "./errors.ts";
 *
 * const error = new NetError("ECONNREFUSED", "connect 127.0.0.1:1 refused");
 * if (error.code === "ECONNREFUSED") console.log("nobody listens there");
 * ```
 */
export class NetError extends Error {
  /** The stable error code. */
  readonly code: NetErrorCode;
  /** The system call or step that failed (`"connect"`, `"listen"`, `"read"` ...). */
  readonly syscall?: string;

  /**
   * Creates a socket error.
   *
   * @param code the stable code
   * @param message what happened, naming the address where there is one
   * @param options the `cause` (the runtime's own error) and the `syscall`
   */
  constructor(
    code: NetErrorCode,
    message: string,
    options: { cause?: unknown; syscall?: string } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "NetError";
    this.code = code;
    if (options.syscall !== undefined) this.syscall = options.syscall;
  }
}

const KNOWN_CODES: ReadonlySet<string> = new Set<NetErrorCode>([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "EADDRINUSE",
  "EADDRNOTAVAIL",
  "EACCES",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EMSGSIZE",
  "EINVAL",
  "ENOTCONN",
  "ENOENT",
  "ENOTSUP",
  "EAFNOSUPPORT",
]);

/** Runtime error names and codes that mean the same as one of ours. */
const ALIASES: Readonly<Record<string, NetErrorCode>> = {
  ConnectionRefused: "ECONNREFUSED",
  ConnectionReset: "ECONNRESET",
  ConnectionAborted: "ECONNABORTED",
  AddrInUse: "EADDRINUSE",
  AddrNotAvailable: "EADDRNOTAVAIL",
  PermissionDenied: "EACCES",
  TimedOut: "ETIMEDOUT",
  BrokenPipe: "EPIPE",
  NotConnected: "ENOTCONN",
  NotFound: "ENOENT",
  NotSupported: "ENOTSUP",
  EOPNOTSUPP: "ENOTSUP",
  Interrupted: "ERR_SOCKET_CLOSED",
  ERR_SOCKET_DGRAM_NOT_RUNNING: "ERR_SOCKET_CLOSED",
  ERR_SERVER_NOT_RUNNING: "ERR_SERVER_NOT_RUNNING",
  ENODATA: "ENOTFOUND",
  EAI_AGAIN: "ENOTFOUND",
  EAI_NONAME: "ENOTFOUND",
  EAI_FAIL: "ENOTFOUND",
  ERR_STREAM_DESTROYED: "ERR_SOCKET_CLOSED",
  ERR_SOCKET_CLOSED: "ERR_SOCKET_CLOSED",
  ERR_STREAM_WRITE_AFTER_END: "EPIPE",
  AbortError: "ERR_ABORTED",
  ABORT_ERR: "ERR_ABORTED",
  BadResource: "ERR_SOCKET_CLOSED",
};

/**
 * Turns whatever a runtime threw into a {@linkcode NetError} with a stable code.
 *
 * @param error the runtime's error
 * @param syscall the step that failed
 * @param target the address involved, for the message
 * @returns a `NetError` (the same object when it already is one)
 *
 * @example
 * ```ts
 * import { toNetError } from "./errors.ts";
 *
 * const error = toNetError({ code: "ECONNRESET", message: "read ECONNRESET" }, "read");
 * console.assert(error.code === "ECONNRESET");
 * ```
 */
export function toNetError(error: unknown, syscall: string, target?: string): NetError {
  if (error instanceof NetError) return error;
  const record = (typeof error === "object" && error !== null ? error : {}) as {
    code?: unknown;
    name?: unknown;
    message?: unknown;
  };
  const raw = typeof record.code === "string" ? record.code : undefined;
  const name = typeof record.name === "string" ? record.name : undefined;
  let code: NetErrorCode = "EUNKNOWN";
  const tls = tlsCode(raw, typeof record.message === "string" ? record.message : "", syscall);
  if (tls !== undefined) code = tls;
  else if (raw !== undefined && KNOWN_CODES.has(raw)) code = raw as NetErrorCode;
  else if (raw !== undefined && ALIASES[raw]) code = ALIASES[raw];
  else if (name !== undefined && ALIASES[name]) code = ALIASES[name];
  else if (isLookupFailure(record.message)) code = "ENOTFOUND";
  else if (syscall === "handshake" && name === "InvalidData") code = "ERR_TLS_HANDSHAKE";
  const where = target === undefined ? "" : ` ${target}`;
  const detail = typeof record.message === "string" ? `: ${record.message}` : "";
  return new NetError(code, `${syscall}${where} failed (${code})${detail}`, {
    cause: error,
    syscall,
  });
}

function isLookupFailure(message: unknown): boolean {
  return typeof message === "string" &&
    /failed to lookup address|Name or service not known/i.test(message);
}

/** Node's (OpenSSL's) verification codes for a chain that reaches no trusted root. */
const UNTRUSTED = new Set([
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "CERT_UNTRUSTED",
]);

/** Runtime codes (OpenSSL through Node, rustls through Deno) and their TLS code. */
const TLS_CODES: Readonly<Record<string, TlsErrorCode>> = {
  ERR_TLS_CERT_ALTNAME_INVALID: "ERR_TLS_CERT_HOSTNAME",
  CERT_HAS_EXPIRED: "ERR_TLS_CERT_EXPIRED",
  CERT_NOT_YET_VALID: "ERR_TLS_CERT_NOT_YET_VALID",
  ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED: "ERR_TLS_CERT_REQUIRED",
  ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE: "ERR_TLS_CERT_REQUIRED",
  ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL: "ERR_TLS_ALPN",
  ERR_SSL_NO_APPLICATION_PROTOCOL: "ERR_TLS_ALPN",
  ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION: "ERR_TLS_PROTOCOL_VERSION",
  ERR_SSL_UNSUPPORTED_PROTOCOL: "ERR_TLS_PROTOCOL_VERSION",
  ERR_SSL_NO_PROTOCOLS_AVAILABLE: "ERR_TLS_PROTOCOL_VERSION",
  ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE: "ERR_TLS_CERT_REJECTED",
  ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED: "ERR_TLS_CERT_REJECTED",
  ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN: "ERR_TLS_CERT_REJECTED",
  ERR_SSL_SSLV3_ALERT_CERTIFICATE_REVOKED: "ERR_TLS_CERT_REJECTED",
  ERR_SSL_SSLV3_ALERT_UNSUPPORTED_CERTIFICATE: "ERR_TLS_CERT_REJECTED",
  ERR_SSL_TLSV1_ALERT_UNKNOWN_CA: "ERR_TLS_CERT_REJECTED",
  ERR_SSL_TLSV1_ALERT_ACCESS_DENIED: "ERR_TLS_CERT_REJECTED",
  ERR_TLS_HANDSHAKE_TIMEOUT: "ERR_TLS_HANDSHAKE_TIMEOUT",
};

/** rustls's words (Deno), in order: the first that matches gives the code. */
const TLS_MESSAGES: ReadonlyArray<[RegExp, TlsErrorCode]> = [
  [/TLS handshake timeout/i, "ERR_TLS_HANDSHAKE_TIMEOUT"],
  [/not valid for name|NotValidForName/, "ERR_TLS_CERT_HOSTNAME"],
  [/certificate expired|\bExpired\b/, "ERR_TLS_CERT_EXPIRED"],
  [/not valid yet|NotValidYet/, "ERR_TLS_CERT_NOT_YET_VALID"],
  [/UnknownIssuer|self-signed/, "ERR_TLS_CERT_UNTRUSTED"],
  [/invalid peer certificate/, "ERR_TLS_CERT_INVALID"],
  [/alert: CertificateRequired|peer sent no certificates/, "ERR_TLS_CERT_REQUIRED"],
  [/NoApplicationProtocol|doesn't support any known protocol/, "ERR_TLS_ALPN"],
  [/alert: ProtocolVersion|peer is incompatible|NotOfferedOrEnabled/, "ERR_TLS_PROTOCOL_VERSION"],
  [
    /alert: (?:BadCertificate|CertificateExpired|CertificateUnknown|CertificateRevoked|UnsupportedCertificate|UnknownCA|AccessDenied)/,
    "ERR_TLS_CERT_REJECTED",
  ],
];

/** The TLS code of a runtime error, or `undefined` when it is not a TLS failure. */
function tlsCode(
  raw: string | undefined,
  message: string,
  syscall: string,
): TlsErrorCode | undefined {
  if (raw !== undefined) {
    const known = TLS_CODES[raw];
    if (known !== undefined) return known;
    if (UNTRUSTED.has(raw)) return "ERR_TLS_CERT_UNTRUSTED";
    if (/^(?:CERT_|INVALID_CA|PATH_LENGTH|INVALID_PURPOSE|HOSTNAME_MISMATCH)/.test(raw)) {
      return "ERR_TLS_CERT_INVALID";
    }
  }
  for (const [pattern, code] of TLS_MESSAGES) if (pattern.test(message)) return code;
  const isTls = (raw !== undefined && /^ERR_(?:SSL|TLS)_/.test(raw)) ||
    /received corrupt message|received fatal alert|peer misbehaved|decrypt error/i.test(message);
  if (!isTls) return undefined;
  return syscall === "handshake" ? "ERR_TLS_HANDSHAKE" : "ERR_TLS_PROTOCOL";
}
