// Where an HTTP server's listener comes from: the one place that opens it, so
// that TLS (`serve({ tls })`, `https.createServer`) adds a branch here and
// nothing on the request path changes.

import { type Listener, type ListenTlsOptions, NetError, type Transport } from "../adapters/mod.ts";

/** The TLS part of a listener's options (see `_server_tls.ts`). */
export type ListenTls = Omit<
  ListenTlsOptions,
  "port" | "hostname" | "reusePort" | "ipv6Only" | "backlog"
>;

/** Where to listen. */
export interface ListenTarget {
  /** The port (0: any free one). */
  port?: number;
  /** The address to bind; absent: `"::"` (dual stack), falling back to `"0.0.0.0"`. */
  hostname?: string;
  /** A Unix domain socket path instead of a port. */
  path?: string;
  /** `SO_REUSEPORT`. */
  reusePort?: boolean;
  /** IPv6 only on `"::"` (Node). */
  ipv6Only?: boolean;
  /** The accept queue length hint (Node). */
  backlog?: number;
  /** An open listener to serve on instead (TLS or any other). */
  listener?: Listener;
  /** Listen with TLS: connections arrive with their handshake done. */
  tls?: ListenTls;
}

/** Opens the listener for `target`. */
export async function openListener(transport: Transport, target: ListenTarget): Promise<Listener> {
  if (target.listener !== undefined) return target.listener;
  const tls = target.tls;
  if (target.path !== undefined) {
    if (tls !== undefined) {
      throw new NetError("ENOTSUP", "wirestack's TLS servers listen on TCP only, not on a path", {
        syscall: "listen",
      });
    }
    return await transport.listenUnix({ path: target.path });
  }
  const port = target.port ?? 0;
  const listen = (hostname: string): Promise<Listener> => {
    const options = {
      port,
      hostname,
      ...(target.backlog === undefined ? {} : { backlog: target.backlog }),
      ...(target.ipv6Only ? { ipv6Only: true } : {}),
      ...(target.reusePort ? { reusePort: true } : {}),
    };
    return tls === undefined
      ? transport.listen(options)
      : transport.listenTls({ ...options, ...tls });
  };
  if (target.hostname !== undefined) return await listen(target.hostname);
  try {
    return await listen("::");
  } catch (error) {
    const code = (error as NetError).code as string;
    if (code === "EAFNOSUPPORT" || code === "EADDRNOTAVAIL" || code === "EINVAL") {
      return await listen("0.0.0.0");
    }
    throw error;
  }
}
