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
  | "EUNKNOWN";

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
  if (raw !== undefined && KNOWN_CODES.has(raw)) code = raw as NetErrorCode;
  else if (raw !== undefined && ALIASES[raw]) code = ALIASES[raw];
  else if (name !== undefined && ALIASES[name]) code = ALIASES[name];
  else if (isLookupFailure(record.message)) code = "ENOTFOUND";
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
