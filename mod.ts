/**
 * wirestack: a portable network stack in TypeScript for Deno and Node.
 *
 * Each area is also a subpath of its own (`wirestack/adapters`, ...).
 *
 * @example
 * ```ts
 * import { transport } from "./mod.ts";
 *
 * const listener = await transport.listen({ port: 0, hostname: "127.0.0.1" });
 * listener.close();
 * ```
 *
 * @module
 */

export * from "./adapters/mod.ts";
/** The HTTP/1.1 core (sans-I/O), also the subpath `wirestack/protocols/http1`. */
export * as http1 from "./protocols/http1/mod.ts";
