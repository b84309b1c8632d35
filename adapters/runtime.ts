/**
 * The transport of the runtime this code runs on.
 *
 * Source imports (Deno) choose with a runtime check. The npm build replaces this
 * file with one that imports `#transport`, which package.json `imports` resolves
 * by condition (`deno` or `node`), so Node never loads the Deno adapter.
 *
 * @module
 */

import { denoTransport } from "./deno.ts";
import { nodeTransport } from "./node.ts";
import type { Transport } from "./types.ts";

/**
 * The transport for the running runtime: Deno's own sockets under Deno,
 * `node:net` under Node.
 *
 * @example
 * ```ts
 * import { transport } from "./runtime.ts";
 *
 * console.log(`sockets come from ${transport.name}`);
 * ```
 */
export const transport: Transport = "Deno" in globalThis ? denoTransport : nodeTransport;
