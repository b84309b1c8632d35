// Small helpers for the TLS tests: start a wirestack TLS server, wait for a
// socket's outcome, and name the transports a test runs on.

import { nodeTransport, type Transport, transport } from "../../adapters/mod.ts";
import { type AddressInfo, once } from "../../net/mod.ts";
import { createServer, type Server, type TlsServerOptions, type TLSSocket } from "../../tls/mod.ts";
import { isDeno } from "../_harness.ts";

/** The transports TLS tests run on: the runtime's, and under Deno also Deno's node:tls. */
export const tlsTransports: Transport[] = isDeno ? [transport, nodeTransport] : [transport];

/** "deno, deno" / "deno, node" / "node, node": the runtime and the transport. */
export function label(via: Transport): string {
  return `${isDeno ? "deno" : "node"}, ${via.name} transport`;
}

/** Starts a TLS server on 127.0.0.1 and returns it with its port. */
export async function listening(
  options: TlsServerOptions,
  onSecure?: (socket: TLSSocket) => void,
  beforeListen?: (server: Server) => void,
): Promise<{ server: Server; port: number; close(): Promise<void> }> {
  const server = createServer(options, onSecure);
  beforeListen?.(server);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    server,
    port,
    async close() {
      const closed = once(server, "close");
      server.close();
      await closed;
    },
  };
}

/** How a client socket ended up: `secure` (then destroyed by the caller) or the error. */
export function outcome(
  socket: TLSSocket,
): Promise<{ secure: boolean; error?: Error & { code?: string } }> {
  return new Promise((resolve) => {
    socket.once("secureConnect", () => resolve({ secure: true }));
    socket.once(
      "error",
      (error) => resolve({ secure: false, error: error as Error & { code?: string } }),
    );
    socket.once("close", () => resolve({ secure: false }));
  });
}

/** Waits until `socket` emitted `close`. */
export async function closed(socket: TLSSocket): Promise<void> {
  if (socket.closed) return;
  await new Promise<void>((resolve) => socket.once("close", () => resolve()));
}
