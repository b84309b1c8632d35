/**
 * wirestack: a portable network stack in TypeScript for Deno and Node.
 *
 * Each area is also a subpath of its own (`wirestack/adapters`, `wirestack/net`,
 * `wirestack/dgram`, ...). Here the areas with Node's module names are namespaces
 * (`net.createServer`, `dgram.createSocket`), as `node:net` and `node:dgram` are.
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
export * as net from "./net/mod.ts";
export * as dgram from "./dgram/mod.ts";
