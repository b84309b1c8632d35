/**
 * The Deno adapter: binds the transport contract to `Deno.listen`,
 * `Deno.connect` (TCP and Unix), `Deno.listenTls`, `Deno.connectTls` and
 * `Deno.startTls` (TLS, see `_deno_tls.ts` for what they cannot do) and
 * `Deno.listenDatagram` (UDP, unstable net),
 * falling back to Deno's `node:dgram` when `Deno.listenDatagram` is absent
 * (a program run without `--unstable-net`). Reads go straight into the caller's
 * buffer with `conn.read(buffer)` (Deno's `readable` stream is about 3x slower).
 *
 * @module
 */

import { formatTarget } from "./_addr.ts";
import { deno, type DenoApi, type DenoListener } from "./_deno_api.ts";
import { DenoStreamConn, toAddr } from "./_deno_conn.ts";
import { DenoDatagramSocket } from "./_deno_datagram.ts";
import { connectDenoTls, denoTlsFeatures, listenDenoTls, startDenoTls } from "./_deno_tls.ts";
import { systemLookup } from "./_lookup.ts";
import { NetError, toNetError } from "./errors.ts";
import type {
  Addr,
  Conn,
  ConnectOptions,
  DatagramOptions,
  DatagramSocket,
  Listener,
  ListenOptions,
  ListenTlsOptions,
  LookupAddress,
  LookupOptions,
  TlsClientOptions,
  TlsListener,
  Transport,
  TransportFeatures,
  UnixOptions,
} from "./types.ts";

function api(): DenoApi {
  if (deno === undefined) throw new NetError("EINVAL", "the Deno adapter needs the Deno runtime");
  return deno;
}

/** A `Listener` over a Deno listener (TCP or Unix). */
class DenoListenerAdapter implements Listener {
  readonly addr: Addr;
  #listener: DenoListener;
  #closed = false;

  constructor(listener: DenoListener) {
    this.#listener = listener;
    this.addr = toAddr(listener.addr);
  }

  async accept(): Promise<Conn | null> {
    while (!this.#closed) {
      try {
        return new DenoStreamConn(await this.#listener.accept());
      } catch (error) {
        if (this.#closed) return null;
        const netError = toNetError(error, "accept");
        // A connection reset before it was accepted concerns that peer only.
        if (netError.code === "ECONNRESET" || netError.code === "ECONNABORTED") continue;
        if (netError.code === "ERR_SOCKET_CLOSED") return null;
        throw netError;
      }
    }
    return null;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#listener.close();
    } catch {
      // Already closed.
    }
  }

  setRef(ref: boolean): void {
    if (ref) this.#listener.ref();
    else this.#listener.unref();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Conn> {
    for (let conn = await this.accept(); conn !== null; conn = await this.accept()) yield conn;
  }
}

function aborted(target: string, signal: AbortSignal): NetError {
  return new NetError("ERR_ABORTED", `connect ${target} aborted`, {
    cause: signal.reason,
    syscall: "connect",
  });
}

function unixSupported(): boolean {
  return deno !== undefined && deno.build.os !== "windows";
}

const features: TransportFeatures = {
  unix: unixSupported(),
  udp: true,
  get udpImplementation() {
    return typeof deno?.listenDatagram === "function" ? "deno" : "node:dgram";
  },
  get udpBroadcastControl() {
    return typeof deno?.listenDatagram !== "function";
  },
  multicast: true,
  get multicastInterface() {
    return typeof deno?.listenDatagram !== "function";
  },
  ipv6Only: false,
  keepAliveDelay: false,
  tls: denoTlsFeatures,
};

/**
 * The transport for the Deno runtime.
 *
 * @example Echo one connection
 * ```ts ignore
 * import { denoTransport } from "./deno.ts";
 *
 * const listener = await denoTransport.listen({ port: 0, hostname: "127.0.0.1" });
 * for await (const conn of listener) {
 *   const buffer = new Uint8Array(16384);
 *   for (let n = await conn.read(buffer); n !== null; n = await conn.read(buffer)) {
 *     await conn.write(buffer.slice(0, n));
 *   }
 *   conn.close();
 * }
 * ```
 */
export const denoTransport: Transport = {
  name: "deno",
  features,

  listen(options: ListenOptions): Promise<Listener> {
    const hostname = options.hostname ?? "0.0.0.0";
    const target = formatTarget(hostname, options.port);
    if (options.ipv6Only) {
      return Promise.reject(
        new NetError("ENOTSUP", `listen ${target}: Deno has no ipv6Only option`, {
          syscall: "listen",
        }),
      );
    }
    try {
      const listener = api().listen({
        port: options.port,
        hostname,
        transport: "tcp",
        ...(options.reusePort ? { reusePort: true } : {}),
      });
      return Promise.resolve(new DenoListenerAdapter(listener));
    } catch (error) {
      return Promise.reject(toNetError(error, "listen", target));
    }
  },

  async connect(options: ConnectOptions): Promise<Conn> {
    const hostname = options.hostname ?? "127.0.0.1";
    const target = formatTarget(hostname, options.port);
    const signal = options.signal;
    if (signal?.aborted) throw aborted(target, signal);
    try {
      const conn = await api().connect({
        port: options.port,
        hostname,
        transport: "tcp",
        ...(signal ? { signal } : {}),
      });
      return new DenoStreamConn(conn, options.readBuffer);
    } catch (error) {
      if (signal?.aborted) throw aborted(target, signal);
      throw toNetError(error, "connect", target);
    }
  },

  listenUnix(options: UnixOptions): Promise<Listener> {
    if (!unixSupported()) {
      return Promise.reject(
        new NetError("ENOTSUP", "Unix sockets are not supported here", { syscall: "listen" }),
      );
    }
    try {
      const listener = api().listen({ path: options.path, transport: "unix" });
      return Promise.resolve(new DenoListenerAdapter(listener));
    } catch (error) {
      return Promise.reject(toNetError(error, "listen", options.path));
    }
  },

  async connectUnix(options: UnixOptions): Promise<Conn> {
    if (!unixSupported()) {
      throw new NetError("ENOTSUP", "Unix sockets are not supported here", { syscall: "connect" });
    }
    const signal = options.signal;
    if (signal?.aborted) throw aborted(options.path, signal);
    try {
      // Deno.connect has no signal for Unix sockets; a local connect does not hang.
      return new DenoStreamConn(await api().connect({ path: options.path, transport: "unix" }));
    } catch (error) {
      throw toNetError(error, "connect", options.path);
    }
  },

  lookup(hostname: string, options?: LookupOptions): Promise<LookupAddress[]> {
    return systemLookup(hostname, options);
  },

  async bindDatagram(options: DatagramOptions): Promise<DatagramSocket> {
    const listenDatagram = api().listenDatagram;
    if (typeof listenDatagram !== "function") {
      const { bindNodeDatagram } = await import("./_node_datagram.ts");
      return bindNodeDatagram(options);
    }
    const hostname = options.hostname ?? (options.type === "udp6" ? "::" : "0.0.0.0");
    const target = formatTarget(hostname, options.port ?? 0);
    if (options.ipv6Only) {
      throw new NetError("ENOTSUP", `bind ${target}: Deno has no ipv6Only option`, {
        syscall: "bind",
      });
    }
    try {
      const socket = listenDatagram.call(deno, {
        port: options.port ?? 0,
        hostname,
        transport: "udp",
        // Multicast datagrams loop back to local receivers, as they do on Node.
        loopback: true,
        ...(options.reuseAddress ? { reuseAddress: true } : {}),
      });
      return new DenoDatagramSocket(socket);
    } catch (error) {
      throw toNetError(error, "bind", target);
    }
  },

  listenTls(options: ListenTlsOptions): Promise<TlsListener> {
    return listenDenoTls(options);
  },

  connectTls(options: ConnectOptions & TlsClientOptions): Promise<Conn> {
    return connectDenoTls(options);
  },

  startTls(conn: Conn, options: TlsClientOptions & { unread?: Uint8Array[] }): Promise<Conn> {
    return startDenoTls(conn, options);
  },
};
