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
import { NetError } from "../adapters/mod.ts";
import type { TlsServerSecureOptions } from "../tls/mod.ts";
import { tlsControlOf } from "../http/_server_tls.ts";

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

function splitOptions(options: ServerOptions): HttpServerOptions {
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
  /** The TLS options used when `listen` is called (changed by the methods below until then). */
  readonly #tls: TlsServerSecureOptions | "auto";

  /**
   * Creates an HTTPS server; call `listen` to start it. A missing `cert` or
   * `key` is reported by `listen` (`error`, `EINVAL`).
   *
   * @param options certificate, key, TLS and HTTP options
   * @param onRequest added as a `request` listener
   */
  constructor(options: ServerOptions, onRequest?: RequestListener) {
    const split = splitOptions(options ?? {});
    super(split, onRequest);
    this.#tls = split.tls as TlsServerSecureOptions | "auto";
  }

  /**
   * Replaces the default certificate without a restart (Node's
   * `setSecureContext`): handshakes from now on get the new one, open
   * connections keep theirs. `ENOTSUP` while listening on Deno's native TLS.
   *
   * @param context the new certificate chain and key (PEM)
   *
   * @example Reload a renewed certificate
   * ```ts ignore
   * server.setSecureContext({ cert: await readFile("cert.pem", "utf8"), key: await readFile("key.pem", "utf8") });
   * ```
   */
  setSecureContext(context: { cert: string; key: string }): void {
    const control = tlsControlOf(this);
    if (control !== undefined) return control.setCertificate(context);
    if (typeof context?.cert !== "string" || typeof context.key !== "string") {
      throw new NetError("EINVAL", "setSecureContext needs cert and key (PEM text)");
    }
    const tls = this.#options("setSecureContext");
    tls.cert = context.cert;
    tls.key = context.key;
  }

  /**
   * Adds (or replaces) the certificate served to clients asking for
   * `hostname` by SNI (Node's `addContext`).
   *
   * @param hostname an exact name, or `*.` and a name (one label matches the star)
   * @param context the certificate chain and key (PEM)
   *
   * @example
   * ```ts ignore
   * server.addContext("*.example.test", { cert: chain, key });
   * ```
   */
  addContext(hostname: string, context: { cert: string; key: string }): void {
    const control = tlsControlOf(this);
    if (control !== undefined) return control.addContext(hostname, context);
    const tls = this.#options("addContext");
    tls.sni = { ...tls.sni, [hostname]: { cert: context.cert, key: context.key } };
  }

  /**
   * Stops serving the certificate added for `hostname`.
   *
   * @param hostname the name, as added
   * @returns whether it was there
   *
   * @example
   * ```ts ignore
   * server.removeContext("old.example.test");
   * ```
   */
  removeContext(hostname: string): boolean {
    const control = tlsControlOf(this);
    if (control !== undefined) return control.removeContext(hostname);
    const tls = this.#options("removeContext");
    if (tls.sni === undefined || !(hostname in tls.sni)) return false;
    const { [hostname]: _removed, ...rest } = tls.sni;
    tls.sni = rest;
    return true;
  }

  #options(method: string): TlsServerSecureOptions {
    if (this.#tls === "auto") {
      throw new NetError(
        "EINVAL",
        `${method}: a server with tls: "auto" has no certificates to change`,
      );
    }
    return this.#tls;
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
