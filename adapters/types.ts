/**
 * The transport contract every runtime adapter implements.
 *
 * `net/`, `dgram/`, `http/`, `ws/` and `tls/` are written once against these
 * types; the adapters (`deno.ts`, `node.ts`) bind them to a runtime's socket API.
 *
 * A {@linkcode Conn} offers two ways to move bytes, and a user picks one per
 * direction:
 * - the promise way, for code that reads a little at a time: `read(into)` fills
 *   the caller's buffer, `write(bytes)` resolves once the runtime took the bytes;
 * - the handler way, for stacks that must not pay a promise per chunk:
 *   `attach(handler)` pushes every chunk to `handler.onData` until `pause()`,
 *   `send(bytes)` queues bytes and returns `false` past the high-water mark (then
 *   `handler.onDrain` says when to go on), `end()` half-closes after the queue.
 *   On Node this is `net.Socket`'s own events with nothing in between; on Deno a
 *   read loop over `conn.read(buffer)` and a write queue.
 *
 * @module
 */

import type { NetError } from "./errors.ts";

/** An IP endpoint of a TCP or UDP socket. */
export interface NetAddr {
  /** The transport the address belongs to. */
  transport: "tcp" | "udp";
  /** The IP address in its textual form (`127.0.0.1`, `::1`). */
  hostname: string;
  /** The port number. */
  port: number;
  /** The address family. */
  family: "IPv4" | "IPv6";
}

/** The path of a Unix domain socket. */
export interface UnixAddr {
  /** Always `"unix"`. */
  transport: "unix";
  /** The file-system path of the socket (empty for an unnamed client end). */
  path: string;
}

/** Any endpoint address a socket can have. */
export type Addr = NetAddr | UnixAddr;

/** A TLS protocol version wirestack speaks (TLS 1.0 and 1.1 are never offered). */
export type TlsVersion = "TLSv1.2" | "TLSv1.3";

/**
 * What a TLS connection negotiated. Fields a runtime cannot report are absent
 * (Deno's native TLS reports the ALPN protocol and the server name only).
 */
export interface TlsInfo {
  /** The ALPN protocol the peers agreed on, or `null` when none was. */
  readonly alpnProtocol: string | null;
  /** The protocol version, such as `"TLSv1.3"`, when the runtime reports it. */
  readonly protocol?: string;
  /** The cipher suite's IANA name (`"TLS_AES_128_GCM_SHA256"`), when the runtime reports it. */
  readonly cipher?: string;
  /**
   * The peer's certificates in DER form, leaf first, as the peer sent them (a
   * server's chain; a client's certificate), when the runtime reports them.
   * Empty when the peer sent none.
   */
  readonly peerCertificates?: readonly Uint8Array[];
  /** The server name the client asked for (SNI): the client's own on the client side. */
  readonly servername?: string;
  /**
   * Whether the runtime verified the peer's certificate: always `true` on a
   * client that verifies; `false` with verification off or, on a server, for a
   * client certificate that was requested, not required, and did not verify.
   */
  readonly authorized: boolean;
  /** Why `authorized` is `false` (the runtime's words), when it is. */
  readonly authorizationError?: string;
}

/** A certificate chain and its private key, PEM. */
export interface TlsCertifiedKey {
  /** The certificate chain (PEM), leaf first; every certificate in it is sent. */
  cert: string;
  /** The private key (PEM: PKCS#8, PKCS#1 or SEC1), unencrypted. */
  key: string;
}

/** Options every TLS endpoint has. */
export interface TlsCommonOptions {
  /** Application protocols (ALPN) in order of preference; absent: no ALPN. */
  alpnProtocols?: string[];
  /** The lowest version accepted (default `"TLSv1.2"`). */
  minVersion?: TlsVersion;
  /** The highest version offered (default `"TLSv1.3"`). */
  maxVersion?: TlsVersion;
  /**
   * Milliseconds a handshake may take before the connection is closed with
   * `ERR_TLS_HANDSHAKE_TIMEOUT` (default 30,000).
   */
  handshakeTimeout?: number;
}

/** Options of a TLS client handshake ({@linkcode Transport.connectTls}, {@linkcode Transport.startTls}). */
export interface TlsClientOptions extends TlsCommonOptions {
  /**
   * The server name sent (SNI) and checked against the certificate. Default:
   * the host name connected to, or none (and the IP address checked) when that
   * is an IP address.
   */
  servername?: string;
  /**
   * Trust anchors (PEM; bundles allowed). On Node they replace the default
   * roots; Deno's native TLS adds them to its roots (see the README).
   */
  ca?: string[];
  /** A client certificate (mutual TLS). */
  cert?: string;
  /** The client certificate's key. */
  key?: string;
  /**
   * `"default"` (the default): the runtime verifies the chain against the
   * roots and the host name, and a failure ends the handshake. `"none"`: no
   * verification at all (the caller must verify `tls.peerCertificates` itself;
   * `tls.authorized` says what the runtime would have decided).
   */
  verify?: "default" | "none";
  /** Aborts the handshake (and closes the connection). */
  signal?: AbortSignal;
}

/** Options of {@linkcode Transport.listenTls}. */
export interface ListenTlsOptions extends ListenOptions, TlsCommonOptions, TlsCertifiedKey {
  /**
   * Chooses the certificate for the name a client asked for (SNI), per
   * handshake; `undefined` (or no callback) means the default `cert`/`key`.
   * Called with the lower-case name; not called when the client sent none.
   */
  sni?: (servername: string) => TlsCertifiedKey | undefined;
  /** Asks clients for a certificate (mutual TLS; default `false`). */
  requestCert?: boolean;
  /**
   * With `requestCert`: refuses clients without a certificate that verifies
   * against `ca` (default `true`). With `false`, such clients are accepted with
   * `tls.authorized` `false`.
   */
  rejectUnauthorized?: boolean;
  /** Trust anchors for client certificates (PEM). */
  ca?: string[];
  /** The most handshakes under way at once; further connections wait in the accept queue (default 1024). */
  maxPendingHandshakes?: number;
  /**
   * Called when a client's handshake fails (garbage, a refused certificate, no
   * common version or protocol, a timeout). The listener goes on accepting.
   */
  onHandshakeError?(error: NetError, remote: Addr): void;
}

/** A listener whose connections are TLS, handed out once their handshake is done. */
export interface TlsListener extends Listener {
  /**
   * Replaces the default certificate for handshakes from now on (no restart).
   * Throws `ENOTSUP` where the runtime cannot (`features.tls.certificateReload`).
   */
  setCertificate(certified: TlsCertifiedKey): void;
}

/** What a runtime's native TLS can do (see the README's feature table). */
export interface TlsFeatures {
  /** `tls.protocol` and `tls.cipher` are reported. */
  versionAndCipher: boolean;
  /** `tls.peerCertificates` are reported. */
  peerCertificates: boolean;
  /** `minVersion` and `maxVersion` other than TLS 1.2 to 1.3. */
  versionLimits: boolean;
  /** A server chooses its certificate by SNI (`sni`). */
  sni: boolean;
  /**
   * A listening server takes new certificates (`setCertificate`, and `sni`
   * answers that change): Deno caches the first answer per server name.
   */
  certificateReload: boolean;
  /** A server requests and verifies client certificates (`requestCert`). */
  clientCertificates: boolean;
  /** A client presents a certificate (`cert`/`key` in `connectTls`). */
  clientCertificate: boolean;
  /** `startTls` presents a client certificate too. */
  startTlsClientCertificate: boolean;
  /** A client's `verify: "none"`. */
  disableVerification: boolean;
  /** A client's `ca` replaces the default roots (`false`: it is added to them). */
  caReplacesRoots: boolean;
}

/**
 * What a {@linkcode Conn} in handler mode calls. The adapter calls these from its
 * own event loop turn, never from inside `attach`, `send`, `pause` or `resume`.
 */
export interface ConnHandler {
  /**
   * Bytes arrived (at least one). With `chunks: "owned"` (the default) the chunk
   * is the handler's to keep; with `"borrowed"` it is only valid until `onData`
   * returns (the adapter reads the next bytes into the same memory).
   */
  onData(chunk: Uint8Array): void;
  /** The peer half-closed (FIN): no more `onData`. Writing may go on. */
  onEnd(): void;
  /** The send queue emptied after `send` returned `false`. */
  onDrain(): void;
  /** A read or write failed (`ECONNRESET`, `EPIPE` ...). Nothing follows; call `close()`. */
  onError(error: NetError): void;
}

/** Options of {@linkcode Conn.attach}. */
export interface AttachOptions {
  /**
   * `"owned"` (default): every chunk passed to `onData` is a fresh view the
   * handler may keep. `"borrowed"`: chunks may share memory that the next read
   * reuses, which saves a copy on Deno for handlers that parse and forget.
   */
  chunks?: "owned" | "borrowed";
  /** Start with reading paused (default `false`): nothing is read until `resume()`. */
  paused?: boolean;
  /**
   * Read into this caller's buffer: every chunk is a view of it (borrowed, valid
   * until `onData` returns). No memory is taken per read. On Node, bytes are
   * copied into it unless the connection was opened with the same buffer as
   * `ConnectOptions.readBuffer` (then Node reads into it itself).
   */
  buffer?: Uint8Array;
}

/**
 * A connected, bidirectional byte stream (TCP, Unix or TLS).
 *
 * A TLS connection is the same object with `tls` set: bytes in and out are the
 * plaintext, so code above the adapters works on both.
 */
export interface Conn {
  /** The local end of the connection. */
  readonly localAddr: Addr;
  /** The remote end of the connection. */
  readonly remoteAddr: Addr;
  /** The negotiated TLS parameters, or `undefined` for a plain connection. */
  readonly tls?: TlsInfo;
  /** Bytes queued by `send` (or `write`) that the runtime has not taken yet. */
  readonly writableLength: number;

  /**
   * Reads up to `into.length` bytes into `into`.
   *
   * @returns the number of bytes read (at least 1), or `null` at the end of the
   * stream (the peer half-closed or closed). Rejects with a `NetError` on a reset.
   * Not for a connection in handler mode.
   */
  read(into: Uint8Array): Promise<number | null>;
  /**
   * Writes all of `bytes`, after anything queued before. Resolves once the runtime
   * has accepted every byte into its send buffer (not when the peer received them);
   * waits under back-pressure. The runtime may hold on to `bytes` until they are
   * sent (Node does), so the caller must not modify them after the call.
   */
  write(bytes: Uint8Array): Promise<void>;
  /** Sends FIN once queued bytes are out: no more writes, reads go on (half-close). */
  closeWrite(): Promise<void>;
  /** Closes both directions at once and releases the socket. Safe to call twice. */
  close(): void;

  /**
   * Switches reading to handler mode: from now on every chunk goes to
   * `handler.onData`, then `onEnd` or `onError`. Bytes already read by `read()` and
   * not returned yet are delivered first. Call once.
   */
  attach(handler: ConnHandler, options?: AttachOptions): void;
  /**
   * Stops reading (handler mode). Called from inside `onData`, no further read is
   * started, so a protocol upgrade can take the connection over.
   */
  pause(): void;
  /** Goes on reading (handler mode). */
  resume(): void;
  /**
   * Queues `bytes` for sending, in order, without waiting, and takes ownership of
   * them. Returns `false` once more than the high-water mark (16 KiB) waits: the
   * caller should stop until `onDrain`. `callback` runs once the bytes are handed
   * to the runtime, or with the error that prevented it. Errors also go to
   * `onError` in handler mode.
   */
  send(bytes: Uint8Array, callback?: (error?: NetError) => void): boolean;
  /** Holds `send`s back until `uncork()`, so that several go out in one system call. */
  cork(): void;
  /** Sends what `cork()` held back. */
  uncork(): void;
  /** Half-closes (FIN) once everything queued is sent; `callback` runs then. */
  end(callback?: (error?: NetError) => void): void;

  /** Turns Nagle's algorithm off (`true`, the default) or on. No-op on Unix sockets. */
  setNoDelay(noDelay?: boolean): void;
  /**
   * Turns TCP keep-alive probes on or off, with the idle delay before the first
   * (Node only: Deno has no setting for it). No-op on Unix sockets.
   */
  setKeepAlive(enable?: boolean, initialDelayMs?: number): void;
  /** Lets the process exit while this connection is open (`false`) or not (`true`). */
  setRef(ref: boolean): void;
}

/** A socket that accepts incoming connections. */
export interface Listener extends AsyncIterable<Conn> {
  /** The bound address (with the real port when 0 was asked for). */
  readonly addr: Addr;
  /** Waits for the next connection; `null` once the listener is closed. */
  accept(): Promise<Conn | null>;
  /** Stops listening. Pending and future `accept()` calls return `null`. */
  close(): void;
  /** Lets the process exit while listening (`false`) or not (`true`). */
  setRef(ref: boolean): void;
}

/** Options for {@linkcode Transport.listen}. */
export interface ListenOptions {
  /** The port to bind; 0 picks a free one. */
  port: number;
  /** The address to bind; defaults to `"0.0.0.0"`. `"::"` also takes IPv4 (dual stack). */
  hostname?: string;
  /** Lets several processes bind the same port (Linux `SO_REUSEPORT`), where supported. */
  reusePort?: boolean;
  /** On `"::"`, takes IPv6 only (Node only; Deno rejects it with `ENOTSUP`). */
  ipv6Only?: boolean;
  /** The accept queue length hint (Node only; Deno picks its own). */
  backlog?: number;
}

/** Options for {@linkcode Transport.connect}. */
export interface ConnectOptions {
  /** The remote port. */
  port: number;
  /** The remote IP address (or name, resolved by the runtime); defaults to `"127.0.0.1"`. */
  hostname?: string;
  /** Aborts the connection attempt. */
  signal?: AbortSignal;
  /**
   * The buffer handler-mode reads will go to (see `AttachOptions.buffer`). Node
   * reads into it itself when given here (its `onread` option), which saves the
   * memory Node otherwise takes per read.
   */
  readBuffer?: Uint8Array;
}

/** Options for {@linkcode Transport.listenUnix} and {@linkcode Transport.connectUnix}. */
export interface UnixOptions {
  /** The socket's file-system path. */
  path: string;
  /** Aborts the connection attempt (connect only). */
  signal?: AbortSignal;
}

/** One address a name resolved to. */
export interface LookupAddress {
  /** The IP address in its textual form. */
  address: string;
  /** 4 or 6. */
  family: 4 | 6;
}

/** Options for {@linkcode Transport.lookup}. */
export interface LookupOptions {
  /** Only addresses of this family (`4` or `6`); `0` (default) for both. */
  family?: 0 | 4 | 6;
}

/** Options for {@linkcode Transport.bindDatagram}. */
export interface DatagramOptions {
  /** `"udp4"` or `"udp6"`. */
  type: "udp4" | "udp6";
  /** The port to bind; 0 (default) picks a free one. */
  port?: number;
  /** The address to bind; defaults to `"0.0.0.0"` (udp4) or `"::"` (udp6). */
  hostname?: string;
  /** Sets `SO_REUSEADDR` so several sockets can bind the same port (multicast receivers). */
  reuseAddress?: boolean;
  /** On `"::"`, takes IPv6 only (Node only; Deno rejects it with `ENOTSUP`). */
  ipv6Only?: boolean;
}

/** What a {@linkcode DatagramSocket} in handler mode calls. */
export interface DatagramHandler {
  /** A datagram arrived; `bytes` is the handler's to keep. */
  onMessage(bytes: Uint8Array, from: NetAddr): void;
  /** Receiving failed; the socket goes on unless it was closed. */
  onError(error: NetError): void;
}

/** A bound UDP socket. */
export interface DatagramSocket {
  /** The bound address (with the real port when 0 was asked for). */
  readonly addr: NetAddr;
  /**
   * Sends one datagram. Resolves to the number of bytes sent; rejects with
   * `EMSGSIZE` when it cannot fit one datagram, and other `NetError`s.
   */
  send(bytes: Uint8Array, to: { hostname: string; port: number }): Promise<number>;
  /** Waits for the next datagram; `null` once the socket is closed. Not in handler mode. */
  receive(): Promise<[Uint8Array, NetAddr] | null>;
  /** Pushes every datagram to `handler` from now on (handler mode). Call once. */
  attach(handler: DatagramHandler): void;
  /** Closes the socket. Safe to call twice. */
  close(): void;
  /** Lets the process exit while the socket is open (`false`) or not (`true`). */
  setRef(ref: boolean): void;
  /** Allows sending to broadcast addresses (always on under Deno, which cannot turn it off). */
  setBroadcast(flag: boolean): Promise<void>;
  /** Sets the unicast time-to-live (Node only). */
  setTTL(ttl: number): Promise<void>;
  /** Sets the multicast time-to-live (under Deno, applied through the joined groups). */
  setMulticastTTL(ttl: number): Promise<void>;
  /** Loops sent multicast datagrams back to local receivers (on by default). */
  setMulticastLoopback(flag: boolean): Promise<void>;
  /** Chooses the interface multicast datagrams leave by (Node only). */
  setMulticastInterface(interfaceAddress: string): Promise<void>;
  /** Joins a multicast group on the interface with that address (default: any). */
  addMembership(group: string, interfaceAddress?: string): Promise<void>;
  /** Leaves a multicast group joined with `addMembership`. */
  dropMembership(group: string, interfaceAddress?: string): Promise<void>;
}

/** What a transport can do on the running runtime (see the README's feature table). */
export interface TransportFeatures {
  /** Unix domain sockets (`listenUnix`, `connectUnix`). */
  unix: boolean;
  /** UDP at all (`bindDatagram`). */
  udp: boolean;
  /** Where UDP comes from: the runtime's own API or Deno's `node:dgram`. */
  udpImplementation: "deno" | "node:dgram" | "node";
  /** `setBroadcast(false)` works (Deno's native UDP always allows broadcast). */
  udpBroadcastControl: boolean;
  /** Multicast group membership (`addMembership`, `dropMembership`). */
  multicast: boolean;
  /** `setMulticastInterface` and the unicast `setTTL`. */
  multicastInterface: boolean;
  /** `ipv6Only` on listeners and datagram sockets. */
  ipv6Only: boolean;
  /** The delay before the first keep-alive probe can be set. */
  keepAliveDelay: boolean;
  /** What TLS can do here. */
  tls: TlsFeatures;
}

/** A runtime's socket API behind one shape. */
export interface Transport {
  /** The runtime this transport binds: `"deno"` or `"node"`. */
  readonly name: "deno" | "node";
  /** What works on this runtime. */
  readonly features: TransportFeatures;
  /** Opens a TCP listener. Rejects with a `NetError` (`EADDRINUSE`, `EACCES` ...). */
  listen(options: ListenOptions): Promise<Listener>;
  /** Opens a TCP connection. Rejects with a `NetError` (`ECONNREFUSED` ...). */
  connect(options: ConnectOptions): Promise<Conn>;
  /** Opens a Unix domain socket listener. Rejects with `ENOTSUP` where there are none. */
  listenUnix(options: UnixOptions): Promise<Listener>;
  /** Connects to a Unix domain socket. Rejects with `ENOENT`, `ECONNREFUSED` ... */
  connectUnix(options: UnixOptions): Promise<Conn>;
  /**
   * Resolves a host name with the system resolver (`getaddrinfo`, so `/etc/hosts`
   * counts), in the resolver's order. Rejects with `ENOTFOUND` when there is no
   * address of the family asked for.
   */
  lookup(hostname: string, options?: LookupOptions): Promise<LookupAddress[]>;
  /** Binds a UDP socket. Rejects with a `NetError` (`EADDRINUSE` ...). */
  bindDatagram(options: DatagramOptions): Promise<DatagramSocket>;
  /**
   * Opens a TLS listener. Rejects with a `NetError` (`EADDRINUSE`, `ENOTSUP` for
   * an option the runtime's TLS cannot honour, `EINVAL` for a bad certificate or key).
   */
  listenTls(options: ListenTlsOptions): Promise<TlsListener>;
  /**
   * Opens a TCP connection and runs a TLS client handshake over it; resolves
   * once the handshake is done (with `tls` set). Rejects with a `NetError`
   * (`ECONNREFUSED`, `ERR_TLS_CERT_UNTRUSTED`, `ENOTSUP` ...).
   */
  connectTls(options: ConnectOptions & TlsClientOptions): Promise<Conn>;
  /**
   * Runs a TLS client handshake over a connection of this transport and
   * resolves to the TLS connection that replaces it. `conn` must not be read
   * (never attached, or paused from inside `onData`); writes queued on it are
   * sent first. `unread` are bytes already read from `conn` that belong to the
   * TLS stream (Node takes them; Deno cannot: `ENOTSUP`).
   */
  startTls(conn: Conn, options: TlsClientOptions & { unread?: Uint8Array[] }): Promise<Conn>;
}
