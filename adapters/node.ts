/**
 * The Node adapter: binds the transport contract to `node:net` (TCP and Unix
 * sockets), `node:dgram` (UDP) and `node:tls` (TLS, loaded on first use).
 *
 * In handler mode a connection is Node's own socket events with one call in
 * between; the promise way (`read(into)`) keeps a short queue of chunks, pausing
 * the socket while more than 64 KiB wait. Writes go
 * out with one `socket.write` each and wait for `drain` only when Node reports
 * back-pressure.
 *
 * @module
 */

import * as net from "node:net";
import { formatTarget } from "./_addr.ts";
import { systemLookup } from "./_lookup.ts";
import { NodeConn, onSocketRead } from "./_node_conn.ts";
import { NodeListener } from "./_node_listener.ts";
import { bindNodeDatagram } from "./_node_datagram.ts";
import { NetError, toNetError } from "./errors.ts";
import type {
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
  UnixOptions,
} from "./types.ts";

type NodeTls = typeof import("./_node_tls.ts");
let nodeTls: Promise<NodeTls> | undefined;

/** `node:tls` is loaded on first use: programs without TLS never load it. */
function loadTls(): Promise<NodeTls> {
  return nodeTls ??= import("./_node_tls.ts");
}

function aborted(target: string, signal: AbortSignal): NetError {
  return new NetError("ERR_ABORTED", `connect ${target} aborted`, {
    cause: signal.reason,
    syscall: "connect",
  });
}

function listenServer(
  listen: (server: net.Server, done: () => void) => void,
  target: string,
  unixPath?: string,
): Promise<Listener> {
  return new Promise((resolve, reject) => {
    const server = net.createServer({ allowHalfOpen: true, noDelay: true });
    const onError = (error: Error) => reject(toNetError(error, "listen", target));
    server.once("error", onError);
    listen(server, () => {
      server.off("error", onError);
      resolve(
        new NodeListener(
          server,
          "connection",
          (socket) =>
            unixPath === undefined
              ? new NodeConn(socket)
              : new NodeConn(socket, { local: unixPath, remote: "" }),
          unixPath,
        ),
      );
    });
  });
}

function connectSocket(
  options: net.NetConnectOpts,
  target: string,
  signal: AbortSignal | undefined,
  unix?: { local: string; remote: string },
  readBuffer?: Uint8Array,
): Promise<Conn> {
  if (signal?.aborted) return Promise.reject(aborted(target, signal));
  return new Promise((resolve, reject) => {
    const socket = net.connect(options);
    const onAbort = () => {
      cleanup();
      socket.destroy();
      reject(aborted(target, signal as AbortSignal));
    };
    const onError = (error: Error) => {
      cleanup();
      socket.destroy();
      reject(toNetError(error, "connect", target));
    };
    const onConnect = () => {
      cleanup();
      resolve(new NodeConn(socket, unix, readBuffer));
    };
    const cleanup = () => {
      socket.off("error", onError);
      socket.off("connect", onConnect);
      signal?.removeEventListener("abort", onAbort);
    };
    socket.once("error", onError);
    socket.once("connect", onConnect);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * The transport for Node (and for Deno's Node compatibility layer).
 *
 * @example Connect, send, read the answer
 * ```ts ignore
 * import { nodeTransport } from "./node.ts";
 *
 * const conn = await nodeTransport.connect({ hostname: "127.0.0.1", port: 7 });
 * await conn.write(new TextEncoder().encode("hello"));
 * const buffer = new Uint8Array(64);
 * const n = await conn.read(buffer);
 * conn.close();
 * ```
 */
export const nodeTransport: Transport = {
  name: "node",
  features: {
    unix: true,
    udp: true,
    udpImplementation: "Deno" in globalThis ? "node:dgram" : "node",
    udpBroadcastControl: true,
    multicast: true,
    multicastInterface: true,
    ipv6Only: true,
    keepAliveDelay: true,
    tls: {
      versionAndCipher: true,
      peerCertificates: true,
      versionLimits: true,
      sni: true,
      certificateReload: true,
      clientCertificates: true,
      clientCertificate: true,
      startTlsClientCertificate: true,
      disableVerification: true,
      caReplacesRoots: true,
    },
  },

  listen(options: ListenOptions): Promise<Listener> {
    const hostname = options.hostname ?? "0.0.0.0";
    return listenServer(
      (server, done) =>
        server.listen({
          port: options.port,
          host: hostname,
          ipv6Only: options.ipv6Only ?? false,
          ...(options.backlog === undefined ? {} : { backlog: options.backlog }),
          // SO_REUSEPORT from Node 22.12 on; older versions ignore it.
          ...(options.reusePort ? { reusePort: true } : {}),
        }, done),
      formatTarget(hostname, options.port),
    );
  },

  connect(options: ConnectOptions): Promise<Conn> {
    const hostname = options.hostname ?? "127.0.0.1";
    const readBuffer = options.readBuffer;
    return connectSocket(
      {
        port: options.port,
        host: hostname,
        allowHalfOpen: true,
        noDelay: true,
        // Node reads straight into the caller's buffer (no memory taken per read).
        ...(readBuffer === undefined
          ? {}
          : { onread: { buffer: readBuffer, callback: onSocketRead } }),
      },
      formatTarget(hostname, options.port),
      options.signal,
      undefined,
      readBuffer,
    );
  },

  listenUnix(options: UnixOptions): Promise<Listener> {
    return listenServer(
      (server, done) => server.listen({ path: options.path }, done),
      options.path,
      options.path,
    );
  },

  connectUnix(options: UnixOptions): Promise<Conn> {
    return connectSocket(
      { path: options.path, allowHalfOpen: true },
      options.path,
      options.signal,
      { local: "", remote: options.path },
    );
  },

  lookup(hostname: string, options?: LookupOptions): Promise<LookupAddress[]> {
    return systemLookup(hostname, options);
  },

  bindDatagram(options: DatagramOptions): Promise<DatagramSocket> {
    return bindNodeDatagram(options);
  },

  async listenTls(options: ListenTlsOptions): Promise<TlsListener> {
    return (await loadTls()).listenNodeTls(options);
  },

  async connectTls(options: ConnectOptions & TlsClientOptions): Promise<Conn> {
    return (await loadTls()).connectNodeTls(options);
  },

  async startTls(conn: Conn, options: TlsClientOptions & { unread?: Uint8Array[] }): Promise<Conn> {
    return (await loadTls()).startNodeTls(conn, options);
  },
};
