/**
 * HTTP/1.1 for Deno and Node, written once over wirestack's adapters and its
 * sans-I/O core (`protocols/http1`).
 *
 * The server has two faces on one core:
 * - the chapter's {@linkcode createServer}`((req, res) => ...)`, with Node's
 *   `request`, `connection`, `close`, `checkContinue`, `checkExpectation`,
 *   `connect`, `upgrade` and `clientError` events;
 * - the web {@linkcode serve}`(options, handler)`, in the shape of
 *   `Deno.serve`: `Request` in, `Response` out.
 *
 * Both have timeouts and limits with safe defaults (server_options.ts),
 * keep-alive and pipelining, back-pressure both ways, `Expect: 100-continue`,
 * and hand connections over after a 101 or a 2xx to CONNECT (takeover.ts).
 *
 * @example The chapter's server
 * ```ts
 * import { createServer } from "./mod.ts";
 * import { once } from "../net/mod.ts";
 *
 * const server = createServer((req, res) => {
 *   res.setHeader("Content-Type", "text/plain");
 *   res.end(`you asked for ${req.url}`);
 * });
 * server.listen(0, "127.0.0.1");
 * await once(server, "listening");
 * const { port } = server.address() as { port: number };
 * console.log(await (await fetch(`http://127.0.0.1:${port}/x`)).text());
 * server.close();
 * ```
 *
 * @example The web server
 * ```ts
 * import { serve } from "./mod.ts";
 *
 * const server = serve({ port: 0, hostname: "127.0.0.1" }, (request) => new Response(request.url));
 * const { port } = await server.listening;
 * console.log(await (await fetch(`http://127.0.0.1:${port}/y`)).text());
 * await server.shutdown();
 * ```
 *
 * @module
 */

// The server (issue 6).
export * from "./server.ts";
export * from "./incoming_message.ts";
export * from "./server_response.ts";
export * from "./server_socket.ts";
export * from "./serve.ts";
export * from "./server_request.ts";
export { installLightResponse, LightResponse } from "./light_response.ts";
export * from "./server_options.ts";
export * from "./takeover.ts";
