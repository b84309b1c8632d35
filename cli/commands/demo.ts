// `wirestack demo`: what `npm start` runs. For now a TCP echo server on loopback;
// the full demo (HTTPS page, WebSocket, TCP and UDP echo) comes with the CLI issue.

import { type Conn, transport } from "../../adapters/mod.ts";
import { type Command, portOption } from "../_command.ts";

async function echo(conn: Conn): Promise<void> {
  const buffer = new Uint8Array(16384);
  try {
    for (let n = await conn.read(buffer); n !== null; n = await conn.read(buffer)) {
      await conn.write(buffer.slice(0, n));
    }
  } catch {
    // A peer that resets ends its own session only.
  } finally {
    conn.close();
  }
}

/** `wirestack demo`. */
export const demo: Command = {
  name: "demo",
  summary: "start the demo servers on loopback (for now: a TCP echo server)",
  help: `usage: wirestack demo [--port N]

Starts a TCP echo server on 127.0.0.1 and prints its address. Ctrl-C stops it.

options:
  --port N   the port to listen on (default 0: any free port)`,
  options: { port: { type: "string" } },
  async run(input) {
    const port = portOption(input, "port", 0);
    const listener = await transport.listen({ port, hostname: "127.0.0.1" });
    const addr = listener.addr;
    const shown = addr.transport === "unix" ? addr.path : `${addr.hostname}:${addr.port}`;
    console.log(`wirestack demo (${transport.name}): TCP echo server on ${shown}`);
    if (addr.transport !== "unix") console.log(`try: echo hello | nc 127.0.0.1 ${addr.port}`);
    console.log("Ctrl-C stops it.");
    input.signal.addEventListener("abort", () => listener.close(), { once: true });
    const sessions = new Set<Promise<void>>();
    for await (const conn of listener) {
      const session = echo(conn).finally(() => sessions.delete(session));
      sessions.add(session);
    }
    await Promise.all(sessions);
    console.log("stopped");
    return 0;
  },
};
