/**
 * The TLS server: Node's `tls.Server` over wirestack's adapters, with
 * certificates chosen by SNI (exact and wildcard names), ALPN, client
 * certificates (mutual TLS), certificates reloaded without a restart, and TLS
 * 1.2 as the lowest version by default.
 *
 * @module
 */

import {
  type Conn,
  type Listener,
  type ListenOptions,
  NetError,
  type TlsCertifiedKey,
  type UnixOptions,
} from "../adapters/mod.ts";
import { Server as NetServer, type ServerEvents, type ServerOptions } from "../net/mod.ts";
import type { TlsServerSecureOptions } from "./options.ts";
import { SniTable } from "./_sni.ts";
import { adapterServerOptions } from "./_secure_options.ts";
import { TLSSocket } from "./tls_socket.ts";

/** Where a failed handshake came from. */
export interface TlsClientErrorInfo {
  /** The client's IP address, when known. */
  remoteAddress?: string;
  /** The client's port, when known. */
  remotePort?: number;
  /** The client's address family, when known. */
  remoteFamily?: "IPv4" | "IPv6";
}

/** The events of a TLS {@linkcode Server}: the `net` server's and TLS's own. */
export interface TlsServerEvents extends Omit<ServerEvents, "connection"> {
  /** A client connected and its handshake is done (also announced as `secureConnection`). */
  connection: [socket: TLSSocket];
  /** A client connected, its handshake is done and, with `requestCert`, its certificate checked. */
  secureConnection: [socket: TLSSocket];
  /**
   * A client's handshake failed (bytes that are not TLS, no common version or
   * protocol, a refused or missing client certificate, a timeout). The server
   * goes on serving.
   */
  tlsClientError: [error: NetError, client: TlsClientErrorInfo];
}

/** Options of {@linkcode createServer}: the `net` server's and TLS's. */
export interface TlsServerOptions extends ServerOptions, TlsServerSecureOptions {}

/**
 * A TLS server. Every accepted connection is a {@linkcode TLSSocket} whose
 * handshake is done, emitted as `secureConnection` (and `connection`).
 *
 * @example A server with two certificates chosen by SNI
 * ```ts ignore
 * import { createServer } from "./mod.ts";
 *
 * const server = createServer({
 *   cert: defaultChain,
 *   key: defaultKey,
 *   sni: { "api.example.test": { cert: apiChain, key: apiKey }, "*.example.test": wildcard },
 *   alpnProtocols: ["http/1.1"],
 * }, (socket) => socket.end(`you asked for ${socket.servername}\n`));
 * server.listen(8443);
 * ```
 */
export class Server extends NetServer<TlsServerEvents> {
  readonly #tlsOptions: TlsServerOptions;
  readonly #sni = new SniTable();
  #certified: TlsCertifiedKey;

  /**
   * Creates a TLS server; call `listen` to start it.
   *
   * @param options the certificate, key and TLS options (see {@linkcode TlsServerOptions})
   * @param onSecureConnection added as a `secureConnection` listener
   */
  constructor(options: TlsServerOptions, onSecureConnection?: (socket: TLSSocket) => void) {
    super(options);
    if (typeof options?.cert !== "string" || typeof options.key !== "string") {
      throw new NetError("EINVAL", "a TLS server needs cert and key (PEM text)");
    }
    if (options.rejectUnauthorized === false && !options.requestCert) {
      throw new NetError("EINVAL", "rejectUnauthorized only applies with requestCert");
    }
    this.#tlsOptions = options;
    this.#certified = { cert: options.cert, key: options.key };
    for (const [name, certified] of Object.entries(options.sni ?? {})) {
      this.#sni.set(name, certified);
    }
    if (onSecureConnection !== undefined) this.on("secureConnection", onSecureConnection);
  }

  /**
   * Adds (or replaces) the certificate served to clients asking for
   * `hostname`, at once, for the next handshakes (Node's `addContext`).
   *
   * @param hostname an exact name, or `*.` and a name (one label matches the star)
   * @param context the certificate chain and key (PEM)
   *
   * @example
   * ```ts ignore
   * server.addContext("*.example.test", { cert: chain, key });
   * ```
   */
  addContext(hostname: string, context: { cert: string; key: string }): void {
    this.#checkReload("addContext");
    this.#sni.set(hostname, context);
  }

  /**
   * Stops serving a name added with `addContext` or the `sni` option.
   *
   * @param hostname the name, as added
   * @returns whether it was there
   *
   * @example
   * ```ts ignore
   * server.removeContext("old.example.test");
   * ```
   */
  removeContext(hostname: string): boolean {
    this.#checkReload("removeContext");
    return this.#sni.delete(hostname);
  }

  /**
   * Replaces the default certificate without a restart (Node's
   * `setSecureContext`): handshakes from now on get the new one, open
   * connections keep theirs.
   *
   * @param context the new certificate chain and key (PEM)
   *
   * @example Reload a renewed certificate
   * ```ts ignore
   * server.setSecureContext({ cert: await readFile("cert.pem", "utf8"), key: await readFile("key.pem", "utf8") });
   * ```
   */
  setSecureContext(context: { cert: string; key: string }): void {
    if (typeof context?.cert !== "string" || typeof context.key !== "string") {
      throw new NetError("EINVAL", "setSecureContext needs cert and key (PEM text)");
    }
    this.#checkReload("setSecureContext");
    this.#certified = { cert: context.cert, key: context.key };
    const listener = this.listener as { setCertificate?(certified: TlsCertifiedKey): void } | null;
    listener?.setCertificate?.(this.#certified);
  }

  /** Certificates change under a listening server only where the runtime takes them. */
  #checkReload(method: string): void {
    if (this.listener === null || this.transport.features.tls.certificateReload) return;
    throw new NetError(
      "ENOTSUP",
      `${method}: Deno's native TLS keeps the certificate it first chose for each server name ` +
        "while listening; set certificates before listen(), or use transport: nodeTransport " +
        "(Deno's node:tls), which reloads",
      { syscall: method },
    );
  }

  /** Listens with TLS: connections arrive with their handshake done. */
  protected override openListener(options: ListenOptions | UnixOptions): Promise<Listener> {
    if ("path" in options) {
      return Promise.reject(
        new NetError("ENOTSUP", "wirestack's TLS server listens on TCP only", {
          syscall: "listen",
        }),
      );
    }
    const sni = this.#sni;
    return this.transport.listenTls({
      ...options,
      ...adapterServerOptions(this.#tlsOptions, this.#certified),
      // Where certificates cannot change while listening, an empty table needs no callback.
      ...(sni.size === 0 && !this.transport.features.tls.certificateReload
        ? {}
        : { sni: (servername: string) => sni.size === 0 ? undefined : sni.lookup(servername) }),
      onHandshakeError: (error, remote) => {
        this.emit(
          "tlsClientError",
          error,
          remote.transport === "unix" || remote.hostname === "" ? {} : {
            remoteAddress: remote.hostname,
            remotePort: remote.port,
            remoteFamily: remote.family,
          },
        );
      },
    });
  }

  /** Wraps an accepted TLS connection in a {@linkcode TLSSocket}. */
  protected override createSocket(conn: Conn, options: ServerOptions): TLSSocket {
    return new TLSSocket({
      conn,
      allowHalfOpen: options.allowHalfOpen ?? false,
      noDelay: options.noDelay ?? true,
      keepAlive: options.keepAlive ?? false,
      keepAliveInitialDelay: options.keepAliveInitialDelay ?? 0,
      transport: this.transport,
    });
  }

  /** Emits `secureConnection` beside the base server's `connection`. */
  protected override accepted(socket: TLSSocket): void {
    super.accepted(socket);
    this.emit("secureConnection", socket);
  }
}

/**
 * Creates a TLS server, as Node's `tls.createServer`.
 *
 * @param options the certificate chain and key, and the TLS and `net` options
 * @param onSecureConnection called with each connection once its handshake is done
 * @returns the server (call `listen`)
 *
 * @example An echo server over TLS
 * ```ts
 * import { createDevCa, issueDevCertificate } from "../crypto/mod.ts";
 * import { once } from "../net/mod.ts";
 * import { createServer } from "./mod.ts";
 *
 * const issued = await issueDevCertificate(await createDevCa());
 * const server = createServer({ cert: issued.chain, key: issued.privateKey }, (socket) => {
 *   socket.on("data", (bytes) => socket.write(bytes));
 * });
 * server.listen(0, "127.0.0.1");
 * await once(server, "listening");
 * server.close();
 * ```
 */
export function createServer(
  options: TlsServerOptions,
  onSecureConnection?: (socket: TLSSocket) => void,
): Server {
  return new Server(options, onSecureConnection);
}
