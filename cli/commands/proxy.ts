// `wirestack proxy`: an HTTP forward proxy (absolute-form requests and CONNECT
// tunnels) on loopback, logging one line per request.

import { createProxy } from "../../http/mod.ts";
import { type Command, portOption, stringOption, UsageError } from "../_command.ts";

/** `wirestack proxy`. */
export const proxy: Command = {
  name: "proxy",
  summary: "run an HTTP forward proxy (absolute-form requests and CONNECT tunnels)",
  help: `usage: wirestack proxy [--port N] [--host ADDRESS] [--auth USER:PASSWORD] [--quiet]

Runs an HTTP/1.1 forward proxy: requests in absolute form are sent on (pooled,
keep-alive), CONNECT opens tunnels; hop-by-hop fields are removed, Via is added,
loops are refused (508). One line per request is printed. Ctrl-C stops it.

options:
  --port N              the port to listen on (default 8080; 0: any free port)
  --host ADDRESS        the address to bind (default 127.0.0.1)
  --auth USER:PASSWORD  require Basic proxy authentication
  --quiet               print no request lines

examples:
  wirestack proxy --port 8080
  curl -x http://127.0.0.1:8080 http://example.com/
  curl -p -x http://127.0.0.1:8080 http://example.com/   (through a CONNECT tunnel)`,
  options: {
    port: { type: "string" },
    host: { type: "string" },
    auth: { type: "string" },
    quiet: { type: "boolean" },
  },
  async run(input) {
    const port = portOption(input, "port", 8080);
    const host = stringOption(input, "host") ?? "127.0.0.1";
    const auth = stringOption(input, "auth");
    if (auth !== undefined && !auth.includes(":")) {
      throw new UsageError("--auth needs USER:PASSWORD");
    }
    const expected = auth === undefined
      ? undefined
      : `Basic ${btoa(unescape(encodeURIComponent(auth)))}`;
    const server = createProxy(
      expected === undefined ? {} : { authenticate: (value) => value === expected },
    );
    if (input.values.quiet !== true) {
      server.on("log", (entry) => {
        console.log(
          `${entry.client} ${entry.method} ${entry.target} ${entry.status} ${
            entry.ms.toFixed(1)
          } ms`,
        );
      });
    }
    const listening = new Promise<void>((resolve, reject) => {
      server.once("listening", () => resolve());
      server.once("error", reject);
    });
    server.listen(port, host);
    await listening;
    const addr = server.address();
    const shown = addr?.family === "IPv6" ? `[${addr.hostname}]` : addr?.hostname;
    console.log(`wirestack proxy listening on http://${shown}:${addr?.port}`);
    console.log("Ctrl-C stops it.");
    await new Promise<void>((resolve) => {
      if (input.signal.aborted) resolve();
      else input.signal.addEventListener("abort", () => resolve(), { once: true });
    });
    await server.close();
    console.log("stopped");
    return 0;
  },
};
