/**
 * HTTPS, as the chapter's `https` module: `createServer(tlsOptions, (req,
 * res) => ...)`, `request`, `get`, an `Agent` that takes TLS options and its
 * `globalAgent`, and `serve` (the web face; give it `tls: { cert, key }` or
 * `tls: "auto"`). Everything of `wirestack/http` runs unchanged over the TLS
 * connections: keep-alive, limits, upgrades, the pool's self-healing.
 * Verification is on by default on the client (the runtime's roots, or `ca`;
 * the host name), and ALPN says `http/1.1` on both ends.
 *
 * @example An HTTPS server with a development certificate, and a client that trusts its CA
 * ```ts
 * import { createDevCa, issueDevCertificate } from "../crypto/mod.ts";
 * import { type AddressInfo, once } from "../net/mod.ts";
 * import { createServer, get } from "./mod.ts";
 *
 * const ca = await createDevCa();
 * const issued = await issueDevCertificate(ca, ["localhost", "127.0.0.1"]);
 * const server = createServer({ cert: issued.chain, key: issued.privateKey }, (req, res) => {
 *   res.end(`hello ${req.url}`);
 * });
 * server.listen(0, "127.0.0.1");
 * await once(server, "listening");
 * const { port } = server.address() as AddressInfo;
 *
 * const req = get(`https://localhost:${port}/tls`, { ca: ca.certificate, agent: false });
 * const [response] = await once(req, "response");
 * console.log(response.statusCode, await response.text()); // 200 "hello /tls"
 * server.close();
 * ```
 *
 * @module
 */

export * from "./server.ts";
export * from "./agent.ts";
export * from "./request.ts";
export {
  type DevCaInfo,
  HttpClientError,
  serve,
  type ServeOptions,
  type ServerTlsOption,
} from "../http/mod.ts";
