// Opening the agent's connections, in one place: a direct TCP connection (Happy
// Eyeballs), a Unix socket, a connection to a forward proxy, or a CONNECT tunnel
// through a proxy, then TLS for https: origins (over the TCP connection or the
// tunnel), keyed with the route, so that nothing on the request path changes.

import { type Conn, NetError, type Transport } from "../adapters/mod.ts";
import { CONNECTION_ATTEMPT_DELAY, happyEyeballs } from "../net/_happy_eyeballs.ts";
import { Connection, type HeaderList } from "../protocols/http1/mod.ts";
import { checkPeerConn, unsupportedClientOption } from "../tls/_client_checks.ts";
import { adapterClientOptions, checkClientOptions } from "../tls/_secure_options.ts";
import { type ClientPhase, HttpClientError } from "./client_errors.ts";
import type { ClientTlsOptions } from "./client_tls.ts";
import type { ResolvedTimeouts } from "./client_timeouts.ts";
import { deadline } from "./_client_timers.ts";
import type { Target } from "./_client_url.ts";

/** A proxy the agent goes through. */
export interface ProxyRoute {
  /** Where the proxy listens. */
  readonly target: Target;
  /** `Proxy-Authorization` for it (from the proxy URL's credentials), or `null`. */
  readonly authorization: string | null;
  /** Fields sent to the proxy: with each request (forward) or with CONNECT (tunnel). */
  readonly headers: HeaderList;
}

/** How the connections of one pool are opened. */
export interface Route {
  /** The pool key: every request with the same key may share a connection. */
  readonly key: string;
  /**
   * `direct` (TCP to the origin), `unix` (a Unix socket), `forward` (TCP to a
   * proxy that takes absolute-form requests) or `tunnel` (CONNECT through a proxy).
   */
  readonly kind: "direct" | "unix" | "forward" | "tunnel";
  /** The origin (for `forward`, the first origin that used the pool). */
  readonly origin: Target;
  /** The proxy, for `forward` and `tunnel`. */
  readonly proxy: ProxyRoute | null;
  /** The socket path, for `unix`. */
  readonly socketPath: string | null;
  /** TLS with the origin (https: origins, but through a forward proxy), or `null`. */
  readonly tls: ClientTlsOptions | null;
}

/** What the client offers by ALPN: it speaks HTTP/1.1 only. */
const ALPN = ["http/1.1"];

/** What opening a connection needs from the agent. */
export interface OpenOptions {
  transport: Transport;
  timeouts: ResolvedTimeouts;
  /** Only this IP family (4 or 6); 0 for both. */
  family: 0 | 4 | 6;
  /** Resolves names (default: the transport's `getaddrinfo`). */
  lookup?: (hostname: string, options: { family: 4 | 6 }) => Promise<
    Array<{ address: string; family: 4 | 6 }>
  >;
  /** Limits of the parser reading the proxy's answer to CONNECT. */
  maxHeaderSize: number;
}

/** A new connection and what it took to open it. */
export interface Opened {
  conn: Conn;
  connectMs: number;
  tlsMs: number;
}

function failure(
  code: "CONNECT_TIMEOUT" | "PROXY_FAILED" | "UNSUPPORTED_PROTOCOL" | "ENOTSUP",
  message: string,
  phase: ClientPhase,
  cause?: unknown,
): HttpClientError {
  return new HttpClientError(code, message, { phase, cause });
}

/**
 * Opens a connection for `route`, within `timeouts.connect` (and `tls`);
 * `cancel` stops the attempt (the agent is being destroyed).
 */
export async function openConnection(
  route: Route,
  options: OpenOptions,
  cancel: AbortController,
): Promise<Opened> {
  const tls = route.kind === "forward" ? null : route.tls;
  if (tls !== null) checkTlsOptions(tls, options.transport);
  // Where the runtime presents a client certificate only when it connects
  // itself (Deno's native TLS), a direct connection is opened with connectTls.
  const connectTls = tls !== null && tls.cert !== undefined &&
    !options.transport.features.tls.startTlsClientCertificate;
  if (connectTls && route.kind !== "direct") {
    throw failure(
      "ENOTSUP",
      "Deno's native TLS presents a client certificate only on connections it opens itself, " +
        "not through a proxy tunnel; under Deno, transport: nodeTransport (Deno's node:tls) can",
      "tls",
    );
  }
  const started = performance.now();
  const controller = cancel;
  const ms = options.timeouts.connect;
  const where = route.proxy !== null
    ? `${route.proxy.target.host} (proxy)`
    : route.socketPath ?? route.origin.host;
  const timer = deadline(ms, () => {
    controller.abort(
      new NetError("ETIMEDOUT", `connect ${where} timed out after ${ms} ms`, {
        syscall: "connect",
      }),
    );
  });
  let conn: Conn | null = null;
  try {
    if (route.kind === "unix") {
      conn = await options.transport.connectUnix({
        path: route.socketPath as string,
        signal: controller.signal,
      });
    } else {
      const to = route.proxy !== null ? route.proxy.target : route.origin;
      if (route.proxy !== null && route.proxy.target.protocol === "https:") {
        throw failure(
          "UNSUPPORTED_PROTOCOL",
          "https: proxies (TLS to the proxy itself) are not supported; use an http: proxy " +
            "(https origins are reached through its CONNECT tunnel, encrypted end to end)",
          "connect",
        );
      }
      conn = await tcp(to, options, controller.signal, connectTls ? tls : null, route);
      if (route.kind === "tunnel") await tunnel(conn, route, options, controller.signal);
    }
  } catch (error) {
    conn?.close();
    timer?.clear();
    if (
      controller.signal.aborted && !(error instanceof HttpClientError) &&
      controller.signal.reason instanceof NetError && controller.signal.reason.code === "ETIMEDOUT"
    ) {
      throw failure(
        "CONNECT_TIMEOUT",
        `connecting to ${where} took longer than ${ms} ms`,
        "connect",
        error,
      );
    }
    throw error instanceof HttpClientError ? error : new HttpClientError(
      (error as NetError).code ?? "SOCKET_CLOSED",
      error instanceof Error ? error.message : String(error),
      { phase: (error as NetError).code === "ENOTFOUND" ? "dns" : "connect", cause: error },
    );
  }
  timer?.clear();
  const connected = performance.now();
  if (tls === null || connectTls) {
    if (connectTls) await checked(conn, tls as ClientTlsOptions, route);
    return { conn, connectMs: connected - started, tlsMs: 0 };
  }
  conn = await handshake(conn, tls, route, options, cancel);
  return { conn, connectMs: connected - started, tlsMs: performance.now() - connected };
}

/** Refuses TLS options that must not pass silently, or that the runtime cannot honour. */
function checkTlsOptions(tls: ClientTlsOptions, transport: Transport): void {
  try {
    checkClientOptions(tls);
  } catch (error) {
    throw new HttpClientError("INVALID_REQUEST", (error as Error).message, {
      phase: "tls",
      cause: error,
    });
  }
  const refused = unsupportedClientOption(tls, transport);
  if (refused !== undefined) {
    throw new HttpClientError("ENOTSUP", refused.message, { phase: "tls", cause: refused });
  }
}

/** A TLS failure as the client reports it: the TLS code, phase `tls`, the `NetError` as cause. */
function tlsFailure(error: unknown, route: Route): HttpClientError {
  if (error instanceof HttpClientError) return error;
  const code = (error as NetError).code ?? "ERR_TLS_HANDSHAKE";
  const message = error instanceof Error ? error.message : String(error);
  return new HttpClientError(code, `TLS with ${route.origin.host}: ${message}`, {
    phase: "tls",
    cause: error,
  });
}

/** Runs `checkPeer`/`verifyPeer` on a connection whose handshake is done. */
async function checked(conn: Conn, tls: ClientTlsOptions, route: Route): Promise<void> {
  try {
    await checkPeerConn(conn, tls, route.origin.hostname);
  } catch (error) {
    throw tlsFailure(error, route);
  }
}

/** The TLS handshake over `conn` (TCP or a tunnel), within `timeouts.tls`. */
async function handshake(
  conn: Conn,
  tls: ClientTlsOptions,
  route: Route,
  options: OpenOptions,
  cancel: AbortController,
): Promise<Conn> {
  const ms = options.timeouts.tls;
  const controller = new AbortController();
  const signal = controller.signal;
  const onCancel = () => controller.abort(cancel.signal.reason);
  if (cancel.signal.aborted) onCancel();
  else cancel.signal.addEventListener("abort", onCancel, { once: true });
  let timedOut = false;
  const timer = deadline(ms, () => {
    timedOut = true;
    controller.abort(
      new NetError("ERR_TLS_HANDSHAKE_TIMEOUT", `TLS handshake took longer than ${ms} ms`, {
        syscall: "handshake",
      }),
    );
  });
  // Settles when the handshake is given up, even if the runtime's own call does not.
  const aborted = new Promise<never>((_, reject) => {
    const fail = () => reject(signal.reason);
    if (signal.aborted) fail();
    else signal.addEventListener("abort", fail, { once: true });
  });
  aborted.catch(() => {});
  let secured: Conn | null = null;
  try {
    const host = route.origin.hostname;
    const starting = options.transport.startTls(conn, {
      ...adapterClientOptions(tls, host, signal),
      alpnProtocols: ALPN,
    });
    starting.then((late) => {
      if (secured === null && signal.aborted) late.close();
    }, () => {});
    secured = await Promise.race([starting, aborted]);
    await Promise.race([checkPeerConn(secured, tls, host), aborted]);
    return secured;
  } catch (error) {
    secured?.close();
    conn.close();
    if (timedOut) {
      throw new HttpClientError(
        "TLS_TIMEOUT",
        `the TLS handshake with ${route.origin.host} took longer than ${ms} ms`,
        { phase: "tls", cause: error },
      );
    }
    throw tlsFailure(error, route);
  } finally {
    timer?.clear();
    cancel.signal.removeEventListener("abort", onCancel);
  }
}

function tcp(
  to: Target,
  options: OpenOptions,
  signal: AbortSignal,
  tls: ClientTlsOptions | null,
  route: Route,
): Promise<Conn> {
  const transport = options.transport;
  const port = to.port;
  return happyEyeballs({
    hostname: to.hostname,
    family: options.family,
    lookup: options.lookup ?? ((hostname, { family }) => transport.lookup(hostname, { family })),
    connect: (address, _family, attemptSignal) =>
      tls === null
        ? transport.connect({ hostname: address, port, signal: attemptSignal })
        : transport.connectTls({
          ...adapterClientOptions(tls, route.origin.hostname, attemptSignal),
          alpnProtocols: ALPN,
          hostname: address,
          port,
        }).catch((error: unknown) => {
          throw isTlsError(error) ? tlsFailure(error, route) : error;
        }),
    attemptDelay: CONNECTION_ATTEMPT_DELAY,
    signal,
  });
}

function isTlsError(error: unknown): boolean {
  const code = (error as NetError | null)?.code;
  return typeof code === "string" && code.startsWith("ERR_TLS");
}

/** Asks the proxy on `conn` for a tunnel to the route's origin (RFC 9110 9.3.6). */
async function tunnel(
  conn: Conn,
  route: Route,
  options: OpenOptions,
  signal: AbortSignal,
): Promise<void> {
  const proxy = route.proxy as ProxyRoute;
  const authority = `${
    route.origin.hostname.includes(":") ? `[${route.origin.hostname}]` : route.origin.hostname
  }:${route.origin.port}`;
  const headers: HeaderList = [["Host", authority]];
  if (proxy.authorization !== null) headers.push(["Proxy-Authorization", proxy.authorization]);
  for (const field of proxy.headers) headers.push(field);
  const http = new Connection("client", { maxHeaderSize: options.maxHeaderSize });
  await conn.write(http.sendMessage({ method: "CONNECT", target: authority, headers }));
  const buffer = new Uint8Array(4096);
  const onAbort = () => conn.close();
  signal.addEventListener("abort", onAbort, { once: true });
  try {
    for (;;) {
      const n = await conn.read(buffer);
      if (signal.aborted) throw signal.reason;
      if (n === null) http.receiveEnd();
      else http.receive(buffer.subarray(0, n));
      for (let event = http.nextEvent(); event.type !== "need-data"; event = http.nextEvent()) {
        if (event.type === "response" && event.status >= 200) {
          if (!event.upgrade) {
            throw failure(
              "PROXY_FAILED",
              `the proxy ${proxy.target.host} refused the tunnel to ${authority}: ${event.status} ${event.reason}`,
              "connect",
            );
          }
        }
        if (event.type === "paused") {
          if (http.takeTrailingData().length > 0) {
            throw failure(
              "PROXY_FAILED",
              "the proxy sent bytes before the tunnel was used",
              "connect",
            );
          }
          return;
        }
        if (event.type === "closed") {
          throw failure("PROXY_FAILED", "the proxy closed the connection", "connect");
        }
      }
      if (n === null) {
        throw failure("PROXY_FAILED", "the proxy closed the connection", "connect");
      }
    }
  } catch (error) {
    if (error instanceof HttpClientError) throw error;
    if (signal.aborted) throw error;
    throw failure(
      "PROXY_FAILED",
      `bad answer from the proxy ${proxy.target.host}: ${
        error instanceof Error ? error.message : error
      }`,
      "connect",
      error,
    );
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
}
