/**
 * The TLS socket: the `net` socket's API (events, `write`, `end`, web streams,
 * timeouts) over an encrypted connection, with what the handshake negotiated:
 * `secureConnect`, `alpnProtocol`, `getProtocol()`, `getCipher()`, and the
 * peer's certificates parsed with `crypto/`.
 *
 * @module
 */

import { type Conn, NetError, type TlsInfo } from "../adapters/mod.ts";
import { type Certificate, parseCertificate } from "../crypto/mod.ts";
import {
  Socket,
  type SocketConnectOptions,
  type SocketEvents,
  type SocketOptions,
} from "../net/mod.ts";
import type { TlsClientSecureOptions } from "./options.ts";
import { adapterClientOptions, checkClientOptions } from "./_secure_options.ts";
import { checkPeerConn, notHere, unsupportedClientOption } from "./_client_checks.ts";

/** The events of a {@linkcode TLSSocket}: the `net` socket's, and `secureConnect`. */
export interface TLSSocketEvents extends SocketEvents {
  /** The handshake is done and the server verified (client sockets). */
  secureConnect: [];
}

/** Options of a {@linkcode TLSSocket}: the `net` socket's and a TLS client's. */
export interface TLSSocketOptions extends SocketOptions, TlsClientSecureOptions {}

/** The cipher suite, as Node's `getCipher()` reports it. */
export interface CipherInfo {
  /** The suite's name (its IANA name). */
  name: string;
  /** The suite's IANA name (`TLS_AES_128_GCM_SHA256`). */
  standardName: string;
  /** The TLS version it was negotiated in, when known. */
  version: string | null;
}

/**
 * A TLS socket: Node's `tls.TLSSocket`, over wirestack's adapters. A client
 * socket comes from `connect()` or `startTls()` and emits `connect`, then
 * `secureConnect` once the handshake is done and the server verified; writes
 * made before wait for it. A server's sockets come with `secureConnection`,
 * their handshake already done.
 *
 * What a runtime does not report stays empty: Deno's native TLS tells the ALPN
 * protocol only (no version, cipher or certificates; see the README).
 *
 * @example A client that reads what it negotiated
 * ```ts ignore
 * import { connect } from "./mod.ts";
 *
 * const socket = connect({ host: "example.com", port: 443, alpnProtocols: ["http/1.1"] });
 * socket.on("secureConnect", () => {
 *   console.log(socket.getProtocol(), socket.getCipher()?.name, socket.alpnProtocol);
 *   console.log(socket.getPeerCertificate()?.subject);
 *   socket.end();
 * });
 * ```
 */
export class TLSSocket extends Socket<TLSSocketEvents> {
  /** Always `true`: what Node's `TLSSocket` says to tell it from a plain socket. */
  readonly encrypted = true;

  readonly #options: TLSSocketOptions;
  readonly #server: boolean;
  #peer: Certificate[] | null = null;
  #verifiedByCheck = false;

  /**
   * Creates a TLS socket: unconnected (call `connect`), or over an adapter
   * connection whose handshake is done (`conn` with `tls` set: how servers
   * make theirs).
   *
   * @param options see {@linkcode TLSSocketOptions}
   */
  constructor(options: TLSSocketOptions = {}) {
    checkClientOptions(options);
    super(options);
    this.#options = options;
    this.#server = options.conn !== undefined;
  }

  /** What the handshake negotiated, once it is done (`undefined` before). */
  get tlsInfo(): TlsInfo | undefined {
    return this.conn?.tls;
  }

  /**
   * Whether the peer's certificate was verified: on a client, always once
   * `secureConnect` came (unless verification was turned off); on a server,
   * whether the client's certificate verified against `ca`.
   */
  get authorized(): boolean {
    return this.#verifiedByCheck || (this.conn?.tls?.authorized ?? false);
  }

  /** Why `authorized` is false, in the runtime's words, when it said. */
  get authorizationError(): string | undefined {
    return this.authorized ? undefined : this.conn?.tls?.authorizationError;
  }

  /** The ALPN protocol agreed on; `false` when none was; `null` before the handshake. */
  get alpnProtocol(): string | false | null {
    const info = this.conn?.tls;
    if (info === undefined) return null;
    return info.alpnProtocol ?? false;
  }

  /** The server name the client asked for (SNI), where known. */
  get servername(): string | undefined {
    return this.conn?.tls?.servername;
  }

  /**
   * The negotiated TLS version (`"TLSv1.3"`), or `null` before the handshake
   * or where the runtime does not report it (Deno's native TLS).
   *
   * @returns the version
   *
   * @example
   * ```ts ignore
   * socket.on("secureConnect", () => console.log(socket.getProtocol()));
   * ```
   */
  getProtocol(): string | null {
    return this.conn?.tls?.protocol ?? null;
  }

  /**
   * The negotiated cipher suite, or `null` before the handshake or where the
   * runtime does not report it (Deno's native TLS).
   *
   * @returns the suite's names and version
   *
   * @example
   * ```ts ignore
   * console.log(socket.getCipher()?.standardName); // "TLS_AES_256_GCM_SHA384"
   * ```
   */
  getCipher(): CipherInfo | null {
    const info = this.conn?.tls;
    if (info?.cipher === undefined) return null;
    return { name: info.cipher, standardName: info.cipher, version: info.protocol ?? null };
  }

  /**
   * The peer's certificate, parsed with `crypto`'s `parseCertificate`: the
   * fields `openssl x509 -text` shows, as plain data. `null` when the peer sent
   * none, before the handshake, or where the runtime does not report it.
   *
   * @returns the certificate
   *
   * @example
   * ```ts ignore
   * const certificate = socket.getPeerCertificate();
   * console.log(certificate?.subject, certificate?.notAfter, certificate?.subjectAltName?.dns);
   * ```
   */
  getPeerCertificate(): Certificate | null {
    return this.getPeerCertificates()[0] ?? null;
  }

  /**
   * The peer's certificates, parsed, leaf first (as the runtime reports them:
   * Node adds the trust anchor it verified against). Empty when unknown.
   *
   * @returns the certificates
   *
   * @example
   * ```ts ignore
   * for (const certificate of socket.getPeerCertificates()) console.log(certificate.subject);
   * ```
   */
  getPeerCertificates(): Certificate[] {
    if (this.#peer !== null) return this.#peer;
    const der = this.conn?.tls?.peerCertificates;
    if (der === undefined) return [];
    return this.#peer = der.map((bytes) => parseCertificate(bytes));
  }

  /**
   * Whether this is the server's end of the connection.
   *
   * @returns `true` for sockets a TLS server made
   *
   * @example
   * ```ts ignore
   * if (socket.isServer()) console.log("accepted");
   * ```
   */
  isServer(): boolean {
    return this.#server;
  }

  // ---- connecting -----------------------------------------------------------------

  /** Opens the TCP connection, then runs the TLS handshake over it. */
  protected override openConn(options: SocketConnectOptions, signal: AbortSignal): Promise<Conn> {
    const tlsOptions = this.#options;
    const transport = this.transport;
    const host = options.host ?? "localhost";
    const features = transport.features.tls;
    const refused = this.#unsupported();
    if (refused !== undefined) return Promise.reject(refused);
    const adapterOptions = adapterClientOptions(tlsOptions, host, signal);
    const clientCert = tlsOptions.cert !== undefined;
    if (clientCert && !features.startTlsClientCertificate && options.path === undefined) {
      // The runtime presents a client certificate only when it connects itself.
      const port = options.port ?? 0;
      return transport.connectTls({ ...adapterOptions, hostname: host, port })
        .then((conn) => this.#checkPeer(conn, host, signal));
    }
    return super.openConn(options, signal, { direct: false })
      .then((tcp) =>
        transport.startTls(tcp, adapterOptions).catch((error: unknown) => {
          tcp.close();
          throw error;
        })
      )
      .then((conn) => this.#checkPeer(conn, host, signal));
  }

  /** What this socket's options ask and its runtime cannot do, found before connecting. */
  #unsupported(): NetError | undefined {
    return unsupportedClientOption(this.#options, this.transport);
  }

  /** Runs `verifyPeer` and `checkPeer` on a finished handshake; closes the connection if refused. */
  async #checkPeer(conn: Conn, host: string, signal: AbortSignal): Promise<Conn> {
    const certificates = await checkPeerConn(conn, this.#options, host);
    if (certificates === null) return conn;
    if (signal.aborted) {
      conn.close();
      throw signal.reason instanceof Error ? signal.reason : new NetError("ERR_ABORTED", "aborted");
    }
    this.#peer = certificates;
    if (this.#options.verifyPeer !== undefined) this.#verifiedByCheck = true;
    return conn;
  }

  /** Emits `secureConnect` after the base socket's `connect`. */
  protected override connected(): void {
    super.connected();
    (this as unknown as TLSSocket).emit("secureConnect");
  }

  /**
   * Upgrades a connection this socket has taken from a plain socket (see
   * `startTls` in `./connect.ts`).
   *
   * @param conn the plain connection, released by its socket
   * @param unread bytes read from it and not delivered
   * @param host the peer's name or address, checked against its certificate
   */
  upgrade(conn: Conn, unread: Uint8Array[], host: string): void {
    const options = this.#options;
    const features = this.transport.features.tls;
    const needsPeer = options.checkPeer !== undefined || options.verifyPeer !== undefined;
    this.establish((signal) => {
      if (needsPeer && !features.peerCertificates) {
        conn.close();
        return Promise.reject(
          notHere(this.transport.name, "report the peer's certificates (checkPeer, verifyPeer)"),
        );
      }
      return this.transport.startTls(conn, {
        ...adapterClientOptions(options, host, signal),
        unread,
      })
        .then((secure) => this.#checkPeer(secure, host, signal), (error: unknown) => {
          conn.close();
          throw error;
        });
    }, host);
  }
}
