/**
 * Runtime adapters: the only code in wirestack that opens sockets. Everything
 * above them is written against {@linkcode Transport}.
 *
 * @example Open a listener on a free loopback port
 * ```ts
 * import { transport } from "./mod.ts";
 *
 * const listener = await transport.listen({ port: 0, hostname: "127.0.0.1" });
 * console.log(listener.addr);
 * listener.close();
 * ```
 *
 * @module
 */

export * from "./types.ts";
export * from "./errors.ts";
export { transport } from "./runtime.ts";
export { denoTransport } from "./deno.ts";
export { nodeTransport } from "./node.ts";
