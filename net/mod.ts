/**
 * TCP for the chapter's programs, on Deno and on Node: `createServer`,
 * `connect`, `Server` and `Socket` with Node's events and methods (delivered
 * both through `on`/`once`/`off` and through `EventTarget`), web streams on
 * every socket (`a.readable.pipeTo(b.writable)` is the chapter's pipe), Happy
 * Eyeballs for names with IPv6 and IPv4 addresses, and errors with stable codes
 * (`NetError`).
 *
 * @example An echo server and a client
 * ```ts
 * import { type AddressInfo, connect, createServer, once } from "./mod.ts";
 *
 * const server = createServer((socket) => socket.readable.pipeTo(socket.writable));
 * server.listen(0, "127.0.0.1");
 * await once(server, "listening");
 *
 * const { port } = server.address() as AddressInfo;
 * const client = connect({ port, host: "127.0.0.1" });
 * client.end("ping");
 * const [echoed] = await once(client, "data");
 * console.log(new TextDecoder().decode(echoed)); // "ping"
 * await once(client, "close");
 * server.close();
 * ```
 *
 * @module
 */

export * from "./emitter.ts";
export * from "./socket.ts";
export * from "./server.ts";
export * from "./connect.ts";
export * from "./ip.ts";
export { NetError, type NetErrorCode } from "../adapters/errors.ts";
