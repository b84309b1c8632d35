/**
 * The HTTPS server of the chapter, as Node's `https.createServer(options,
 * (req, res) => ...)`: the HTTP server (every event, limit and protection of
 * `wirestack/http`'s `createServer`) listening with TLS. The options hold the
 * HTTP server's and the TLS server's side by side (`cert`, `key`, `sni`,
 * `requestCert`, `ca`, `minVersion` ...); ALPN announces `http/1.1`.
 *
 * @module
 */

import {
  type RequestListener,
  Server as HttpServer,
  type ServerOptions as HttpServerOptions,
} from "../http/mod.ts";
import type { TlsServerSecureOptions } from "../tls/mod.ts";

/** Options of {@linkcode createServer}: the HTTP server's and the TLS server's. */
export interface ServerOptions
  extends Omit<HttpServerOptions, "tls">, Partial<TlsServerSecureOptions> {
  /**
   * `"auto"`: a development certificate for localhost from the development
   * CA (see `serve`'s `tls` option), instead of `cert` and `key`.
   */
  tls?: "auto";
}

const TLS_FIELDS = [
  "cert",
  "key",
  "sni",
  "requestCert",
  "rejectUnauthorized",
  "ca",
  "alpnProtocols",
  "ALPNProtocols",
  "minVersion",
  "maxVersion",
  "handshakeTimeout",
] as const;

function split(options: ServerOptions): HttpServerOptions {
  if (options.tls === "auto") return { ...options, tls: "auto" };
  const tls: Record<string, unknown> = {};
  for (const field of TLS_FIELDS) {
    if (options[field] !== undefined) tls[field] = options[field];
  }
  return { ...options, tls: tls as unknown as TlsServerSecureOptions };
}

/**
 * An HTTPS server (Node's `https.Server`): `http.Server` with TLS. Clients
 * whose handshake fails are reported as `tlsClientError`; the server serves on.
 *
 * @example
 * ```ts ignore
 * import { Server } from "./mod.ts";
 *
 * const server = new Server({ cert, key }, (req, res) => res.end("hello over TLS"));
 * server.listen(8443);
 * ```
 */
export class Server extends HttpServer {
  /**
   * Creates an HTTPS server; call `listen` to start it. A missing `cert` or
   * `key` is reported by `listen` (`error`, `EINVAL`).
   *
   * @param options certificate, key, TLS and HTTP options
   * @param onRequest added as a `request` listener
   */
  constructor(options: ServerOptions, onRequest?: RequestListener) {
    super(split(options ?? {}), onRequest);
  }
}

/**
 * Creates an HTTPS server, as Node's `https.createServer`.
 *
 * @param options certificate chain and key (PEM), TLS options, HTTP options
 * @param onRequest called with each request
 * @returns the server (call `listen`)
 *
 * @example Hello over HTTPS with a development certificate
 * ```ts
 * import { createDevCa, issueDevCertificate } from "../crypto/mod.ts";
 * import { once } from "../net/mod.ts";
 * import { createServer } from "./mod.ts";
 *
 * const issued = await issueDevCertificate(await createDevCa());
 * const server = createServer({ cert: issued.chain, key: issued.privateKey }, (req, res) => {
 *   res.end(`hello ${req.url} over TLS`);
 * });
 * server.listen(0, "127.0.0.1");
 * await once(server, "listening");
 * server.close();
 * ```
 */
export function createServer(options: ServerOptions, onRequest?: RequestListener): Server {
  return new Server(options, onRequest);
}
