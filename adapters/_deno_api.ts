// The few parts of the `Deno` namespace the Deno adapter uses, typed here so that
// the npm build compiles without Deno's type library. Under Deno they are the real
// functions; under Node `deno` is undefined and nothing here is called.

/** A Deno network address. */
export interface DenoNetAddr {
  transport: "tcp" | "udp";
  hostname: string;
  port: number;
}

/** A Deno Unix socket address. */
export interface DenoUnixAddr {
  transport: "unix" | "unixpacket";
  path: string | null;
}

/** A Deno connection (`Deno.TcpConn`, `Deno.UnixConn`, `Deno.TlsConn`). */
export interface DenoConn {
  readonly localAddr: DenoNetAddr | DenoUnixAddr;
  readonly remoteAddr: DenoNetAddr | DenoUnixAddr;
  read(p: Uint8Array): Promise<number | null>;
  write(p: Uint8Array): Promise<number>;
  closeWrite(): Promise<void>;
  close(): void;
  setNoDelay?(noDelay?: boolean): void;
  setKeepAlive?(keepAlive?: boolean): void;
  ref(): void;
  unref(): void;
}

/** A Deno TLS connection (`Deno.TlsConn`). */
export interface DenoTlsConn extends DenoConn {
  handshake(): Promise<{ alpnProtocol: string | null }>;
}

/** A Deno TLS listener (`Deno.TlsListener`). */
export interface DenoTlsListener {
  readonly addr: DenoNetAddr | DenoUnixAddr;
  accept(): Promise<DenoTlsConn>;
  close(): void;
  ref(): void;
  unref(): void;
}

/** Options of `Deno.listenTls`, with the unstable SNI resolver (a registered symbol). */
export interface DenoListenTlsOptions {
  port: number;
  hostname?: string;
  transport?: "tcp";
  cert: string;
  key: string;
  alpnProtocols?: string[];
  reusePort?: boolean;
  [key: symbol]: unknown;
}

/** Options of `Deno.connectTls`, with the unstable server name (a registered symbol). */
export interface DenoConnectTlsOptions {
  port: number;
  hostname?: string;
  caCerts?: string[];
  alpnProtocols?: string[];
  cert?: string;
  key?: string;
  autoSelectFamily?: boolean;
  [key: symbol]: unknown;
}

/** Options of `Deno.startTls`. */
export interface DenoStartTlsOptions {
  hostname?: string;
  caCerts?: string[];
  alpnProtocols?: string[];
}

/** A Deno listener. */
export interface DenoListener {
  readonly addr: DenoNetAddr | DenoUnixAddr;
  accept(): Promise<DenoConn>;
  close(): void;
  ref(): void;
  unref(): void;
}

/** A joined IPv4 multicast group (`Deno.MulticastV4Membership`). */
export interface DenoMulticastV4Membership {
  leave(): Promise<void>;
  setLoopback(loopback: boolean): Promise<void>;
  setTTL(ttl: number): Promise<void>;
}

/** A joined IPv6 multicast group (`Deno.MulticastV6Membership`). */
export interface DenoMulticastV6Membership {
  leave(): Promise<void>;
  setLoopback(loopback: boolean): Promise<void>;
}

/** A Deno UDP socket (`Deno.DatagramConn`, unstable). */
export interface DenoDatagramConn {
  readonly addr: DenoNetAddr;
  receive(p?: Uint8Array): Promise<[Uint8Array, DenoNetAddr]>;
  send(p: Uint8Array, addr: DenoNetAddr): Promise<number>;
  joinMulticastV4(address: string, networkInterface: string): Promise<DenoMulticastV4Membership>;
  joinMulticastV6(address: string, networkInterface: number): Promise<DenoMulticastV6Membership>;
  close(): void;
  ref?(): void;
  unref?(): void;
}

/** The `Deno` functions the adapter calls. */
export interface DenoApi {
  listen(
    options:
      | { port: number; hostname?: string; reusePort?: boolean; transport?: "tcp" }
      | { path: string; transport: "unix" },
  ): DenoListener;
  connect(
    options:
      | { port: number; hostname?: string; transport?: "tcp"; signal?: AbortSignal }
      | { path: string; transport: "unix" },
  ): Promise<DenoConn>;
  /** Present only with `--unstable-net` (or `"unstable": ["net"]` in deno.json). */
  listenDatagram?(
    options: {
      port: number;
      hostname?: string;
      transport: "udp";
      reuseAddress?: boolean;
      loopback?: boolean;
    },
  ): DenoDatagramConn;
  listenTls(options: DenoListenTlsOptions): DenoTlsListener;
  connectTls(options: DenoConnectTlsOptions): Promise<DenoTlsConn>;
  startTls(conn: DenoConn, options?: DenoStartTlsOptions): Promise<DenoTlsConn>;
  unrefTimer(id: number): void;
  refTimer(id: number): void;
  build: { os: string };
}

/** The running Deno's namespace, or `undefined` outside Deno. */
export const deno: DenoApi | undefined = (globalThis as { Deno?: DenoApi }).Deno;
