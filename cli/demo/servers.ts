// Starts and stops everything `wirestack demo` runs on loopback: the HTTPS
// server (a leaf issued now by the development CA), the plain HTTP server
// beside it, the TCP and UDP echo servers, and the stats they feed.

import { type HttpServer, serve } from "../../http/mod.ts";
import { showHostPort } from "../_address.ts";
import { devTls } from "../_dev_tls.ts";
import { demoHandler } from "./app.ts";
import { certChainInfo } from "./cert_info.ts";
import { type EchoServer, tcpEcho, udpEcho } from "./echo_servers.ts";
import { LiveChannel } from "./live.ts";
import { type Service, Stats } from "./stats.ts";

/** Ports: a number, or `undefined` for the default (any free port when it is taken). */
export interface DemoOptions {
  httpsPort?: number;
  httpPort?: number;
  tcpPort?: number;
  udpPort?: number;
  /** Where the development CA lives (default: the data directory). */
  dataDir?: string;
}

/** The default ports, tried first. */
export const DEFAULT_PORTS = { https: 8443, http: 8080, tcp: 7007, udp: 7007 } as const;

/** A running demo. */
export interface Demo {
  host: string;
  httpsPort: number;
  httpPort: number;
  tcpPort: number;
  udpPort: number;
  /** The development root's file. */
  caPath: string;
  /** Whether the development CA was made just now. */
  caCreated: boolean;
  /** The SPKI pin (base64 SHA-256) of the served leaf. */
  leafSpki: string;
  stats: Stats;
  /** Stops every server gracefully. */
  close(): Promise<void>;
}

const HOST = "127.0.0.1";

/** Runs `open(port)`, then `open(0)` when the default port is taken. */
async function withFallback<T>(
  asked: number | undefined,
  preferred: number,
  open: (port: number) => Promise<T>,
): Promise<T> {
  if (asked !== undefined) return await open(asked);
  try {
    return await open(preferred);
  } catch (error) {
    if ((error as { code?: string }).code !== "EADDRINUSE") throw error;
    return await open(0);
  }
}

function track(server: HttpServer, service: Service, stats: Stats): void {
  const rows = new Map<string, ReturnType<Stats["opened"]>>();
  server.on("connection", (socket) => {
    const key = `${socket.remoteAddress}:${socket.remotePort}`;
    const row = stats.opened(
      service,
      showHostPort(socket.remoteAddress ?? "?", socket.remotePort ?? 0),
    );
    rows.set(key, row);
    socket.on("close", () => {
      rows.delete(key);
      stats.closed(row);
    });
  });
  server.on("request", (_request, info) => {
    const addr = info.remoteAddr;
    stats.request(
      addr.transport === "unix" ? undefined : rows.get(`${addr.hostname}:${addr.port}`),
    );
  });
}

/** Starts the demo. */
export async function startDemo(options: DemoOptions = {}): Promise<Demo> {
  const stats = new Stats();
  const closers: Array<() => Promise<void>> = [];
  const closeAll = async () => {
    stats.stop();
    await Promise.allSettled(closers.reverse().map((close) => close()));
  };
  try {
    const tls = await devTls(["localhost", "127.0.0.1", "::1"], options.dataDir);
    const certificate = certChainInfo(tls.cert);
    const tcp: EchoServer = await withFallback(
      options.tcpPort,
      DEFAULT_PORTS.tcp,
      (port) => tcpEcho(HOST, port, stats),
    );
    closers.push(() => tcp.close());
    const udp: EchoServer = await withFallback(
      options.udpPort,
      DEFAULT_PORTS.udp,
      (port) => udpEcho(HOST, port, stats),
    );
    closers.push(() => udp.close());
    const live = new LiveChannel(stats);
    closers.push(() => live.close());
    let httpPort = 0;
    const handler = demoHandler({
      live,
      stats,
      httpPort: () => httpPort,
      tcpPort: tcp.port,
      udpPort: udp.port,
      certificate,
      caPath: tls.caPath ?? "",
    });
    const http = await withFallback(options.httpPort, DEFAULT_PORTS.http, async (port) => {
      const server = serve({ port, hostname: HOST }, handler);
      server.on("error", () => {}); // a failed listen rejects `listening`
      await server.listening;
      return server;
    });
    closers.push(() => http.shutdown());
    httpPort = http.addr.port;
    track(http, "http", stats);
    const https = await withFallback(options.httpsPort, DEFAULT_PORTS.https, async (port) => {
      const server = serve(
        { port, hostname: HOST, tls: { cert: tls.cert, key: tls.key } },
        handler,
      );
      server.on("error", () => {}); // a failed listen rejects `listening`
      await server.listening;
      return server;
    });
    closers.push(() => https.shutdown());
    track(https, "https", stats);
    stats.start();
    return {
      host: HOST,
      httpsPort: https.addr.port,
      httpPort,
      tcpPort: tcp.port,
      udpPort: udp.port,
      caPath: tls.caPath ?? "",
      caCreated: tls.caCreated === true,
      leafSpki: certificate[0].spkiSha256,
      stats,
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
