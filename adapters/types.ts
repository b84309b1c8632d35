/**
 * The transport contract every runtime adapter implements.
 *
 * `net/`, `http/`, `ws/` and `tls/` are written once against these types; the
 * adapters (`deno.ts`, `node.ts`) bind them to a runtime's socket API. The hot
 * path is pull-based: a reader hands in its own buffer and gets a byte count back,
 * so a server can read every request of a connection into one reused buffer.
 *
 * @module
 */

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
  /** The file-system path of the socket. */
  path: string;
}

/** Any endpoint address a socket can have. */
export type Addr = NetAddr | UnixAddr;

/** What a TLS connection negotiated. Fields a runtime cannot report are absent. */
export interface TlsInfo {
  /** The ALPN protocol the peers agreed on, or `null` when none was. */
  alpnProtocol: string | null;
  /** The protocol version, such as `"TLSv1.3"`, when the runtime reports it. */
  protocol?: string;
  /** The cipher suite name, when the runtime reports it. */
  cipher?: string;
  /** The peer's certificate chain in DER form, leaf first, when the runtime reports it. */
  peerCertificates?: Uint8Array[];
  /** The server name the client asked for (SNI), when known. */
  servername?: string;
}

/** A connected, bidirectional byte stream (TCP, Unix or TLS). */
export interface Conn {
  /** The local end of the connection. */
  readonly localAddr: Addr;
  /** The remote end of the connection. */
  readonly remoteAddr: Addr;
  /** The negotiated TLS parameters, or `undefined` for a plain connection. */
  readonly tls?: TlsInfo;
  /**
   * Reads up to `into.length` bytes into `into`.
   *
   * @returns the number of bytes read (at least 1), or `null` at the end of the
   * stream (the peer half-closed or closed). Rejects with a `NetError` on a reset.
   */
  read(into: Uint8Array): Promise<number | null>;
  /**
   * Writes all of `bytes`. Resolves once the runtime has accepted every byte into
   * its send buffer (not when the peer received them); waits under back-pressure.
   * The runtime may hold on to `bytes` until they are sent (Node does), so the
   * caller must not modify them after the call: hand over a fresh buffer.
   */
  write(bytes: Uint8Array): Promise<void>;
  /** Sends FIN: no more writes, reads go on (half-close). */
  closeWrite(): Promise<void>;
  /** Closes both directions and releases the socket. Safe to call twice. */
  close(): void;
  /** Turns Nagle's algorithm off (`true`, the default) or on. */
  setNoDelay(noDelay?: boolean): void;
  /** Turns TCP keep-alive probes on or off, with the idle delay before the first. */
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
  /** The address to bind; defaults to `"0.0.0.0"`. */
  hostname?: string;
  /** Lets several processes bind the same port (Linux `SO_REUSEPORT`), where supported. */
  reusePort?: boolean;
}

/** Options for {@linkcode Transport.connect}. */
export interface ConnectOptions {
  /** The remote port. */
  port: number;
  /** The remote IP address or name; defaults to `"127.0.0.1"`. */
  hostname?: string;
  /** Aborts the connection attempt. */
  signal?: AbortSignal;
}

/** Options for {@linkcode Transport.listenUnix} and {@linkcode Transport.connectUnix}. */
export interface UnixOptions {
  /** The socket's file-system path. */
  path: string;
}

/** A runtime's socket API behind one shape. */
export interface Transport {
  /** The runtime this transport binds: `"deno"` or `"node"`. */
  readonly name: "deno" | "node";
  /** Opens a TCP listener. Rejects with a `NetError` (`EADDRINUSE`, `EACCES` ...). */
  listen(options: ListenOptions): Promise<Listener>;
  /** Opens a TCP connection. Rejects with a `NetError` (`ECONNREFUSED` ...). */
  connect(options: ConnectOptions): Promise<Conn>;
}
