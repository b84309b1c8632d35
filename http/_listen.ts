// Where an HTTP server's listener comes from: the one place that opens it, so
// that TLS (`serve({ tls })`, `https.createServer`) adds a branch here and
// nothing on the request path changes.

import type { Listener, NetError, Transport } from "../adapters/mod.ts";

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
}

/** Opens the listener for `target`. */
export async function openListener(transport: Transport, target: ListenTarget): Promise<Listener> {
  if (target.listener !== undefined) return target.listener;
  if (target.path !== undefined) return await transport.listenUnix({ path: target.path });
  const port = target.port ?? 0;
  const listen = (hostname: string) =>
    transport.listen({
      port,
      hostname,
      ...(target.backlog === undefined ? {} : { backlog: target.backlog }),
      ...(target.ipv6Only ? { ipv6Only: true } : {}),
      ...(target.reusePort ? { reusePort: true } : {}),
    });
  if (target.hostname !== undefined) return await listen(target.hostname);
  try {
    return await listen("::");
  } catch (error) {
    const code = (error as NetError).code;
    if (code === "EAFNOSUPPORT" || code === "EADDRNOTAVAIL" || code === "EINVAL") {
      return await listen("0.0.0.0");
    }
    throw error;
  }
}
