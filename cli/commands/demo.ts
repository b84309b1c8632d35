// `wirestack demo`: what `npm start` runs. HTTPS and HTTP servers with the
// live page, TCP and UDP echo servers, all on loopback (cli/demo/).

import { type Command, portOption, stringOption } from "../_command.ts";
import { startDemo } from "../demo/servers.ts";

function optionalPort(input: Parameters<Command["run"]>[0], name: string): number | undefined {
  return stringOption(input, name) === undefined ? undefined : portOption(input, name, 0);
}

/** `wirestack demo`. */
export const demo: Command = {
  name: "demo",
  summary: "the live demo on loopback: HTTPS page, WebSocket, TCP and UDP echo",
  help:
    `usage: wirestack demo [--port N] [--http-port N] [--tcp-port N] [--udp-port N] [--data-dir DIR]

Starts on 127.0.0.1, with wirestack only:
  - an HTTPS server with a certificate issued now by the development CA (made on
    first use), and a plain HTTP server beside it, both serving the demo page:
    a WebSocket channel, the open connections and requests per second, a chart
    of traffic, an echo form that goes through wirestack's HTTP client to the
    echo services, and the served certificate's details;
  - a TCP echo server and a UDP echo server.
It prints their addresses and how to trust the development CA. Ctrl-C stops
everything gracefully.

options:
  --port N         the HTTPS port (default 8443, or any free port if taken)
  --http-port N    the plain HTTP port (default 8080, or any free port)
  --tcp-port N     the TCP echo port (default 7007, or any free port)
  --udp-port N     the UDP echo port (default 7007, or any free port)
  --data-dir DIR   where the development CA lives (default: WIRESTACK_DATA_DIR
                   or the platform's data directory)`,
  options: {
    port: { type: "string" },
    "http-port": { type: "string" },
    "tcp-port": { type: "string" },
    "udp-port": { type: "string" },
    "data-dir": { type: "string" },
  },
  async run(input) {
    const running = await startDemo({
      httpsPort: optionalPort(input, "port"),
      httpPort: optionalPort(input, "http-port"),
      tcpPort: optionalPort(input, "tcp-port"),
      udpPort: optionalPort(input, "udp-port"),
      dataDir: stringOption(input, "data-dir"),
    });
    const { httpsPort, httpPort, tcpPort, udpPort } = running;
    console.log(`wirestack demo is running on loopback:

  page        https://localhost:${httpsPort}/
  plain HTTP  http://localhost:${httpPort}/
  TCP echo    127.0.0.1:${tcpPort}    try: wirestack tcp 127.0.0.1:${tcpPort}
  UDP echo    127.0.0.1:${udpPort}    try: echo hi | wirestack udp 127.0.0.1:${udpPort}
  WebSocket   wss://localhost:${httpsPort}/ws (ws:// on the plain port)
              try: wirestack ws ws://127.0.0.1:${httpPort}/ws

The page's certificate was issued now by the development CA
  ${running.caPath}${running.caCreated ? "  (created now)" : ""}
Trust it to open the page without a warning:
  curl       curl --cacert ${running.caPath} https://localhost:${httpsPort}/
  wirestack  wirestack get --cacert ${running.caPath} https://localhost:${httpsPort}/
  Chromium   --ignore-certificate-errors-spki-list=${running.leafSpki}  (this leaf only)
  browsers, the system store: wirestack cert ca

Ctrl-C stops everything.`);
    await new Promise<void>((resolve) => {
      if (input.signal.aborted) resolve();
      else input.signal.addEventListener("abort", () => resolve(), { once: true });
    });
    console.log("stopping...");
    await running.close();
    console.log("stopped");
    return 0;
  },
};
