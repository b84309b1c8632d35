// A load client for the HTTP server's reliability runs: many keep-alive
// connections over node:net (Node's own sockets under Node, Deno's Node layer
// under Deno: a peer that is not wirestack), each sending requests in pipelined
// batches and counting the answers. Used in-process by the CI-sized tests
// (tests/http/load_test.ts) and in a child process by the full runs
// (scripts/reliability/http_load.ts), so that client and server do not share a
// file limit or an event loop.

import * as nodeNet from "node:net";

/** How a response ends: the load server answers every request with the body `ok`. */
const END = "\r\n\r\nok";

/** A request the load server answers with `ok`. */
export const LOAD_REQUEST = "GET /ok HTTP/1.1\r\nHost: load\r\n\r\n";

/** The handler of the load server: `ok` to everything (the body counts the answers). */
export function loadHandler(): Response {
  return new Response("ok");
}

/**
 * One keep-alive connection that sends batches of pipelined requests and counts
 * the answers (the end of each response, `\r\n\r\nok`, found across chunk cuts).
 */
export class LoadConnection {
  readonly socket: nodeNet.Socket;
  /** Answers counted so far. */
  answered = 0;
  /** Set when the connection closed or failed. */
  closed: Error | null = null;
  #carry = "";
  #want = 0;
  #waiter: { resolve: () => void; reject: (error: Error) => void } | null = null;

  private constructor(socket: nodeNet.Socket) {
    this.socket = socket;
    socket.setNoDelay(true);
    socket.on("data", (chunk: Uint8Array) => this.#data(chunk));
    socket.on("error", (error: Error) => this.#fail(error));
    socket.on("close", () => this.#fail(new Error("the server closed the connection")));
  }

  /** Opens a connection to `port` on 127.0.0.1. */
  static open(port: number): Promise<LoadConnection> {
    return new Promise((resolve, reject) => {
      const socket = nodeNet.connect({ port, host: "127.0.0.1" });
      socket.once("error", reject);
      socket.once("connect", () => {
        socket.off("error", reject);
        resolve(new LoadConnection(socket));
      });
    });
  }

  /** Sends `count` requests in one write and resolves once all were answered. */
  send(count: number, request: string = LOAD_REQUEST): Promise<void> {
    if (this.closed !== null) return Promise.reject(this.closed);
    this.#want = this.answered + count;
    const done = new Promise<void>((resolve, reject) => (this.#waiter = { resolve, reject }));
    this.socket.write(count === 1 ? request : request.repeat(count));
    return done;
  }

  /** Sends `total` requests, `pipeline` at a time. */
  async run(total: number, pipeline: number): Promise<void> {
    for (let sent = 0; sent < total; sent += pipeline) {
      await this.send(Math.min(pipeline, total - sent));
    }
  }

  /** Closes the connection (FIN). */
  close(): void {
    this.#waiter = null;
    this.socket.end();
  }

  #data(chunk: Uint8Array): void {
    const text = this.#carry + latin1(chunk);
    let at = text.indexOf(END);
    while (at >= 0) {
      this.answered++;
      at = text.indexOf(END, at + END.length);
    }
    this.#carry = text.slice(-(END.length - 1));
    if (this.#waiter !== null && this.answered >= this.#want) {
      const waiter = this.#waiter;
      this.#waiter = null;
      waiter.resolve();
    }
  }

  #fail(error: Error): void {
    this.closed ??= error;
    const waiter = this.#waiter;
    this.#waiter = null;
    waiter?.reject(error);
  }
}

function latin1(bytes: Uint8Array): string {
  let text = "";
  for (let i = 0; i < bytes.length; i += 8192) {
    text += String.fromCharCode(...bytes.subarray(i, i + 8192));
  }
  return text;
}

/** Opens `count` connections, `batch` connects in flight at a time (the accept queue is finite). */
export async function openMany(
  port: number,
  count: number,
  batch = 256,
): Promise<LoadConnection[]> {
  const connections: LoadConnection[] = [];
  try {
    while (connections.length < count) {
      const n = Math.min(batch, count - connections.length);
      const opened = await Promise.allSettled(
        Array.from({ length: n }, () => LoadConnection.open(port)),
      );
      for (const result of opened) {
        if (result.status === "fulfilled") connections.push(result.value);
      }
      const failed = opened.find((result) => result.status === "rejected");
      if (failed !== undefined) throw (failed as PromiseRejectedResult).reason;
    }
  } catch (error) {
    for (const connection of connections) connection.socket.destroy();
    throw error;
  }
  return connections;
}

/** Runs `fn` on every item, at most `parallel` at once. */
export async function eachLimited<T>(
  items: readonly T[],
  parallel: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(parallel, items.length) }, worker));
}

/** Closes every connection and resolves once all are closed. */
export async function closeAll(connections: readonly LoadConnection[]): Promise<void> {
  await Promise.all(connections.map((connection) =>
    new Promise<void>((resolve) => {
      if (connection.socket.destroyed) return resolve();
      connection.socket.once("close", () => resolve());
      connection.close();
    })
  ));
}
