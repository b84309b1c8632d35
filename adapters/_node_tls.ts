// TLS on `node:tls` (OpenSSL under Node; rustls under Deno's Node compatibility
// layer, which offers the same API): servers with SNI, ALPN, client
// certificates and certificate reloading; clients with verification, client
// certificates and `startTls` over a connected socket. Everything Node reports
// about a session is in `Conn.tls`; peer certificates are read when asked for.

import * as tls from "node:tls";
import type * as net from "node:net";
import { formatTarget, isIpLiteral } from "./_addr.ts";
import { NodeConn } from "./_node_conn.ts";
import { NodeListener } from "./_node_listener.ts";
import { NetError, toNetError } from "./errors.ts";
import type {
  Addr,
  Conn,
  ConnectOptions,
  ListenTlsOptions,
  TlsCertifiedKey,
  TlsClientOptions,
  TlsInfo,
  TlsListener,
} from "./types.ts";

/** The default handshake deadline (milliseconds). */
export const HANDSHAKE_TIMEOUT = 30_000;

interface PeerCertificate {
  raw?: Uint8Array;
  issuerCertificate?: PeerCertificate;
}

/** The peer's chain as Node reports it: leaf first, each certificate once. */
function peerChain(socket: tls.TLSSocket): Uint8Array[] {
  const chain: Uint8Array[] = [];
  let cert = socket.getPeerCertificate(true) as PeerCertificate | null;
  const seen = new Set<PeerCertificate>();
  while (cert && cert.raw !== undefined && !seen.has(cert)) {
    seen.add(cert);
    chain.push(new Uint8Array(cert.raw.buffer, cert.raw.byteOffset, cert.raw.byteLength));
    cert = cert.issuerCertificate ?? null;
  }
  return chain;
}

/**
 * What a Node TLS socket negotiated, read from the socket on first use (most
 * connections never ask) and kept: ask before the socket closes.
 */
class NodeTlsInfo implements TlsInfo {
  readonly alpnProtocol: string | null;
  readonly authorized: boolean;
  declare readonly authorizationError?: string;
  #socket: tls.TLSSocket;
  #protocol: string | null | undefined;
  #cipher: string | null | undefined;
  #peer: Uint8Array[] | null = null;

  constructor(socket: tls.TLSSocket, authorized: boolean, authorizationError?: string) {
    this.#socket = socket;
    this.alpnProtocol = typeof socket.alpnProtocol === "string" ? socket.alpnProtocol : null;
    this.authorized = authorized;
    if (authorizationError !== undefined) this.authorizationError = authorizationError;
  }

  get protocol(): string | undefined {
    if (this.#protocol === undefined) this.#protocol = this.#socket.getProtocol();
    return this.#protocol ?? undefined;
  }

  get cipher(): string | undefined {
    if (this.#cipher === undefined) {
      const cipher = this.#socket.getCipher() as
        | { name: string; standardName?: string }
        | undefined;
      this.#cipher = cipher ? cipher.standardName ?? cipher.name : null;
    }
    return this.#cipher ?? undefined;
  }

  get servername(): string | undefined {
    const servername = (this.#socket as { servername?: unknown }).servername;
    return typeof servername === "string" && servername !== "" ? servername : undefined;
  }

  get peerCertificates(): readonly Uint8Array[] {
    if (this.#peer === null) {
      const socket = this.#socket;
      this.#peer = socket.destroyed ? [] : peerChain(socket);
    }
    return this.#peer;
  }
}

function authorizationErrorOf(socket: tls.TLSSocket): string | undefined {
  const error = socket.authorizationError as unknown;
  if (error === null || error === undefined) return undefined;
  return typeof error === "string" ? error : String((error as Error).message ?? error);
}

/** A `Conn` over a `tls.TLSSocket` whose handshake is done. */
export class NodeTlsConn extends NodeConn {
  readonly tls: TlsInfo;

  constructor(socket: tls.TLSSocket, info: TlsInfo) {
    super(socket);
    this.tls = info;
  }
}

function versionOptions(options: { minVersion?: string; maxVersion?: string }) {
  return {
    minVersion: (options.minVersion ?? "TLSv1.2") as tls.SecureVersion,
    maxVersion: (options.maxVersion ?? "TLSv1.3") as tls.SecureVersion,
  };
}

/** The context options of a certificate (the trust anchors for client certificates go along). */
function contextOptions(certified: TlsCertifiedKey, options: ListenTlsOptions) {
  return {
    cert: certified.cert,
    key: certified.key,
    ...(options.ca === undefined ? {} : { ca: options.ca }),
    ...versionOptions(options),
  };
}

/** A TLS listener over `tls.Server`. */
class NodeTlsListener extends NodeListener implements TlsListener {
  readonly #options: ListenTlsOptions;

  constructor(server: tls.Server, options: ListenTlsOptions) {
    const requestCert = options.requestCert ?? false;
    super(server, "secureConnection", (socket) => {
      const secure = socket as tls.TLSSocket;
      // Without requestCert no client certificate was verified (Deno's
      // node:tls says authorized all the same).
      return new NodeTlsConn(
        secure,
        new NodeTlsInfo(
          secure,
          requestCert && secure.authorized,
          requestCert ? authorizationErrorOf(secure) : undefined,
        ),
      );
    });
    this.#options = options;
  }

  setCertificate(certified: TlsCertifiedKey): void {
    (this.server as tls.Server).setSecureContext(contextOptions(certified, this.#options));
  }
}

function remoteOf(socket: tls.TLSSocket | undefined): Addr {
  const hostname = socket?.remoteAddress ?? "";
  return {
    transport: "tcp",
    hostname,
    port: socket?.remotePort ?? 0,
    family: hostname.includes(":") ? "IPv6" : "IPv4",
  };
}

/** The error a failed server handshake is reported with. */
function serverHandshakeError(error: Error, socket: tls.TLSSocket | undefined): NetError {
  // A refused client certificate: Node closes the socket after the handshake
  // and reports a hang-up; the reason is on the socket.
  const reason = socket === undefined ? undefined : authorizationErrorOf(socket);
  if (reason !== undefined && !(socket as tls.TLSSocket).authorized) {
    const mapped = toNetError({ code: reason, message: reason }, "handshake");
    if (mapped.code !== "EUNKNOWN") {
      return new NetError(mapped.code, `client certificate refused: ${reason}`, {
        cause: error,
        syscall: "handshake",
      });
    }
  }
  return toNetError(error, "handshake");
}

/** `Transport.listenTls` on `node:tls`. */
export function listenNodeTls(options: ListenTlsOptions): Promise<TlsListener> {
  const hostname = options.hostname ?? "0.0.0.0";
  const target = formatTarget(hostname, options.port);
  const contexts = new WeakMap<TlsCertifiedKey, tls.SecureContext>();
  const sni = options.sni;
  let server: tls.Server;
  try {
    server = tls.createServer({
      ...contextOptions(options, options),
      allowHalfOpen: true,
      noDelay: true,
      requestCert: options.requestCert ?? false,
      rejectUnauthorized: options.requestCert ? (options.rejectUnauthorized ?? true) : false,
      handshakeTimeout: options.handshakeTimeout ?? HANDSHAKE_TIMEOUT,
      ...(options.alpnProtocols === undefined ? {} : { ALPNProtocols: options.alpnProtocols }),
      ...(sni === undefined ? {} : {
        SNICallback(
          servername: string,
          callback: (error: Error | null, context?: tls.SecureContext) => void,
        ) {
          let context: tls.SecureContext | undefined;
          try {
            const chosen = sni(servername.toLowerCase());
            if (chosen !== undefined) {
              context = contexts.get(chosen);
              if (context === undefined) {
                context = tls.createSecureContext(contextOptions(chosen, options));
                contexts.set(chosen, context);
              }
            }
          } catch (error) {
            callback(error as Error);
            return;
          }
          callback(null, context);
        },
      }),
    });
  } catch (error) {
    return Promise.reject(
      new NetError("EINVAL", `listen ${target}: bad TLS options: ${(error as Error).message}`, {
        cause: error,
        syscall: "listen",
      }),
    );
  }
  server.on("tlsClientError", (error: Error, socket: tls.TLSSocket) => {
    // With a listener here, Node leaves the socket open: close it.
    const remote = remoteOf(socket);
    socket.destroy();
    options.onHandshakeError?.(serverHandshakeError(error, socket), remote);
  });
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(toNetError(error, "listen", target));
    server.once("error", onError);
    server.listen({
      port: options.port,
      host: hostname,
      ipv6Only: options.ipv6Only ?? false,
      ...(options.backlog === undefined ? {} : { backlog: options.backlog }),
      ...(options.reusePort ? { reusePort: true } : {}),
    }, () => {
      server.off("error", onError);
      resolve(new NodeTlsListener(server, options));
    });
  });
}

/** Client secure contexts, by their options; the oldest goes past CLIENT_CONTEXTS. */
const clientContexts = new Map<string, tls.SecureContext>();
const CLIENT_CONTEXTS = 32;
/** Deno's `node:tls` takes the options themselves (its contexts are not OpenSSL's). */
const reusesContexts = !("Deno" in globalThis);

/**
 * The secure context of a client's trust anchors, certificate and versions,
 * made once and reused: `tls.connect({ ca })` builds a new context per
 * connection, parsing every CA certificate again (about half a millisecond
 * per handshake here). A context holds no session (a client resumes only
 * when given one), so sharing it changes nothing else.
 */
function clientContext(options: TlsClientOptions): tls.SecureContext {
  const contextOptions = {
    ...(options.ca === undefined ? {} : { ca: options.ca }),
    ...(options.cert === undefined ? {} : { cert: options.cert, key: options.key }),
    ...versionOptions(options),
  };
  const key = JSON.stringify(contextOptions);
  let context = clientContexts.get(key);
  if (context === undefined) {
    context = tls.createSecureContext(contextOptions);
    if (clientContexts.size >= CLIENT_CONTEXTS) {
      clientContexts.delete(clientContexts.keys().next().value as string);
    }
  } else {
    clientContexts.delete(key); // most recently used goes last
  }
  clientContexts.set(key, context);
  return context;
}

/** The options of `tls.connect` for a client handshake. */
function clientOptions(options: TlsClientOptions, verifiedName: string): tls.ConnectionOptions {
  const servername = options.servername ? options.servername : verifiedName;
  return {
    // Node checks the certificate against `servername`, or `host` without one.
    host: verifiedName,
    ...(isIpLiteral(servername) ? {} : { servername }),
    ...(reusesContexts ? { secureContext: clientContext(options) } : {
      ...(options.ca === undefined ? {} : { ca: options.ca }),
      ...(options.cert === undefined ? {} : { cert: options.cert, key: options.key }),
      ...versionOptions(options),
    }),
    ...(options.alpnProtocols === undefined ? {} : { ALPNProtocols: options.alpnProtocols }),
    rejectUnauthorized: options.verify !== "none",
  };
}

/** Waits for a client socket's handshake, with a deadline and an abort signal. */
function secured(
  socket: tls.TLSSocket,
  options: TlsClientOptions,
  target: string,
): Promise<NodeTlsConn> {
  return new Promise((resolve, reject) => {
    const signal = options.signal;
    const timeoutMs = options.handshakeTimeout ?? HANDSHAKE_TIMEOUT;
    const fail = (error: NetError) => {
      cleanup();
      socket.destroy();
      reject(error);
    };
    const onError = (error: Error) => fail(toNetError(error, "handshake", target));
    const onClose = () =>
      fail(
        new NetError("ECONNRESET", `${target} closed the connection during the TLS handshake`, {
          syscall: "handshake",
        }),
      );
    const onAbort = () =>
      fail(
        new NetError("ERR_ABORTED", `TLS handshake with ${target} aborted`, {
          cause: signal?.reason,
          syscall: "handshake",
        }),
      );
    const onSecure = () => {
      cleanup();
      resolve(
        new NodeTlsConn(
          socket,
          new NodeTlsInfo(socket, socket.authorized, authorizationErrorOf(socket)),
        ),
      );
    };
    const timer = setTimeout(() => {
      fail(
        new NetError(
          "ERR_TLS_HANDSHAKE_TIMEOUT",
          `TLS handshake with ${target} took more than ${timeoutMs} ms`,
          { syscall: "handshake" },
        ),
      );
    }, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      socket.off("error", onError);
      socket.off("close", onClose);
      socket.off("secureConnect", onSecure);
      signal?.removeEventListener("abort", onAbort);
    };
    socket.once("error", onError);
    socket.once("close", onClose);
    socket.once("secureConnect", onSecure);
    if (signal?.aborted) onAbort();
    else signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** `Transport.connectTls` on `node:tls`. */
export function connectNodeTls(options: ConnectOptions & TlsClientOptions): Promise<Conn> {
  const hostname = options.hostname ?? "127.0.0.1";
  const target = formatTarget(hostname, options.port);
  const signal = options.signal;
  if (signal?.aborted) {
    return Promise.reject(
      new NetError("ERR_ABORTED", `connect ${target} aborted`, {
        cause: signal.reason,
        syscall: "connect",
      }),
    );
  }
  let socket: tls.TLSSocket;
  try {
    // allowHalfOpen reaches the TLS socket (Node's typings leave it out).
    socket = tls.connect({
      ...clientOptions(options, options.servername ? options.servername : hostname),
      host: hostname,
      port: options.port,
      allowHalfOpen: true,
    } as tls.ConnectionOptions);
  } catch (error) {
    return Promise.reject(
      new NetError("EINVAL", `connect ${target}: bad TLS options: ${(error as Error).message}`, {
        cause: error,
        syscall: "connect",
      }),
    );
  }
  socket.setNoDelay(true);
  return secured(socket, options, target);
}

/** `Transport.startTls` on `node:tls`. */
export async function startNodeTls(
  conn: Conn,
  options: TlsClientOptions & { unread?: Uint8Array[] },
): Promise<Conn> {
  if (!(conn instanceof NodeConn) || conn instanceof NodeTlsConn) {
    throw new NetError("EINVAL", "startTls needs a plain connection of the Node transport", {
      syscall: "starttls",
    });
  }
  const remote = conn.remoteAddr;
  const hostname = remote.transport === "unix" ? "localhost" : remote.hostname;
  const target = remote.transport === "unix" ? remote.path : formatTarget(hostname, remote.port);
  const { socket, unread } = await conn.release();
  const pending = [...unread, ...(options.unread ?? [])];
  // Bytes already read go back in front; tls.connect feeds them to the handshake.
  for (let i = pending.length - 1; i >= 0; i--) {
    if (pending[i].length > 0) socket.unshift(pending[i]);
  }
  let secure: tls.TLSSocket;
  try {
    secure = tls.connect({
      ...clientOptions(options, options.servername ? options.servername : hostname),
      socket: socket as net.Socket,
    });
  } catch (error) {
    socket.destroy();
    throw new NetError(
      "EINVAL",
      `starttls ${target}: bad TLS options: ${(error as Error).message}`,
      {
        cause: error,
        syscall: "starttls",
      },
    );
  }
  return await secured(secure, options, target);
}
