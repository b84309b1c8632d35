/**
 * wirestack: a portable network stack in TypeScript for Deno and Node.
 *
 * Each area is also a subpath of its own (`wirestack/adapters`, `wirestack/crypto`, ...).
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
export * from "./crypto/mod.ts";
