// The client side of the WebSocket load runs: many `ws` clients (the npm
// package, a peer that is not wirestack), each exchanging messages with an echo
// server and checking every echo. Used in-process by the CI-sized test and in a
// child process by scripts/reliability/ws_load.ts.

import WebSocket from "ws";

/** Opens `count` clients to `ws://127.0.0.1:port/`, `batch` handshakes at a time. */
export async function openWsClients(
  port: number,
  count: number,
  options: { deflate?: boolean; batch?: number } = {},
): Promise<WebSocket[]> {
  const clients: WebSocket[] = [];
  const batch = options.batch ?? 256;
  try {
    while (clients.length < count) {
      const n = Math.min(batch, count - clients.length);
      const opened = await Promise.allSettled(
        Array.from({ length: n }, () =>
          new Promise<WebSocket>((resolve, reject) => {
            const client = new WebSocket(`ws://127.0.0.1:${port}/`, {
              perMessageDeflate: options.deflate ?? false,
            });
            client.once("open", () => {
              client.off("error", reject);
              client.on("error", () => {});
              resolve(client);
            });
            client.once("error", reject);
          })),
      );
      for (const result of opened) if (result.status === "fulfilled") clients.push(result.value);
      const failed = opened.find((result) => result.status === "rejected");
      if (failed !== undefined) throw (failed as PromiseRejectedResult).reason;
    }
  } catch (error) {
    for (const client of clients) client.terminate();
    throw error;
  }
  return clients;
}

/** The `i`-th message of a client: text or binary, short or over the 1 KiB compression threshold. */
function message(client: number, i: number): string | Uint8Array {
  const text = `client ${client} message ${i} `;
  if (i % 2 === 0) return i % 4 === 0 ? text : text.repeat(80);
  const bytes = new Uint8Array(i % 3 === 0 ? 3000 : 64);
  for (let k = 0; k < bytes.length; k++) bytes[k] = (client + i + k) & 0xff;
  return bytes;
}

function same(a: string | Uint8Array, data: Uint8Array, isBinary: boolean): boolean {
  if (typeof a === "string") return !isBinary && new TextDecoder().decode(data) === a;
  return isBinary && a.length === data.length && a.every((byte, k) => byte === data[k]);
}

/** Sends `count` messages one after the other, each checked when it comes back; resolves with the echoes. */
export async function exchange(client: WebSocket, id: number, count: number): Promise<number> {
  let echoed = 0;
  for (let i = 0; i < count; i++) {
    const sent = message(id, i);
    await new Promise<void>((resolve, reject) => {
      const onClose = (code: number) =>
        reject(new Error(`closed (${code}) after ${echoed} echoes`));
      client.once("close", onClose);
      client.once("message", (data: Uint8Array, isBinary: boolean) => {
        client.off("close", onClose);
        if (same(sent, data, isBinary)) resolve();
        else reject(new Error(`client ${id}: echo ${i} differs`));
      });
      client.send(sent);
    });
    echoed++;
  }
  return echoed;
}

/** Closes every client with 1000 and resolves with the close codes seen, counted. */
export async function closeWsClients(
  clients: readonly WebSocket[],
): Promise<Record<number, number>> {
  const codes: Record<number, number> = {};
  await Promise.all(clients.map((client) =>
    new Promise<void>((resolve) => {
      if (client.readyState === WebSocket.CLOSED) return resolve();
      client.once("close", (code: number) => {
        codes[code] = (codes[code] ?? 0) + 1;
        resolve();
      });
      client.close(1000);
    })
  ));
  return codes;
}
