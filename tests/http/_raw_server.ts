// Raw TCP servers (node:net, on both runtimes) for client tests: each scenario
// writes exactly the bytes it wants, misbehaving on purpose. A small request
// reader hands each request (head and Content-Length or chunked body) to the
// scenario.

import * as net from "node:net";

/** A request as the raw server read it. */
export interface RawRequest {
  method: string;
  path: string;
  /** Header fields, names lowercased (last value wins). */
  headers: Record<string, string>;
  /** The head as received. */
  head: string;
  body: Uint8Array;
  /** Which connection it came on (1, 2 ...). */
  connection: number;
  /** Which request of that connection it is (1, 2 ...). */
  index: number;
}

/** A running raw server. */
export interface RawServer {
  port: number;
  /** `http://127.0.0.1:port` */
  origin: string;
  /** Connections accepted so far. */
  accepted: number;
  /** Connections open now. */
  open: number;
  /** The most connections open at once. */
  maxOpen: number;
  /** Every request read so far. */
  requests: RawRequest[];
  /** Closes every connection and the server. */
  close(): Promise<void>;
}

/** What a scenario gets for each connection. */
export interface RawConnection {
  socket: net.Socket;
  /** 1 for the first connection of the server. */
  number: number;
  /** Writes text as Latin-1 bytes. */
  write(text: string | Uint8Array): void;
  /** Runs `fn` after `ms` (cancelled when the server closes). */
  later(ms: number, fn: () => void): void;
  /** Runs `fn` every `ms` until the server closes. */
  every(ms: number, fn: () => void): void;
}

export type Scenario = (request: RawRequest, connection: RawConnection) => void;

const latin1 = (text: string) => {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
};

/**
 * Starts a server on `host` (127.0.0.1) that calls `scenario` for each request read.
 * With `onConnection`, the scenario also hears about each new connection.
 */
export async function rawServer(
  scenario: Scenario,
  onConnection?: (connection: RawConnection) => void,
  host = "127.0.0.1",
): Promise<RawServer> {
  const sockets = new Set<net.Socket>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const intervals = new Set<ReturnType<typeof setInterval>>();
  const state: RawServer = {
    port: 0,
    origin: "",
    accepted: 0,
    open: 0,
    maxOpen: 0,
    requests: [],
    close: async () => {},
  };
  const server = net.createServer({ allowHalfOpen: true }, (socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    state.accepted++;
    state.open++;
    state.maxOpen = Math.max(state.maxOpen, state.open);
    const number = state.accepted;
    socket.on("error", () => {});
    socket.on("close", () => {
      sockets.delete(socket);
      state.open--;
    });
    socket.on("end", () => {
      if (!socket.destroyed) socket.end();
    });
    const connection: RawConnection = {
      socket,
      number,
      write: (text) => {
        if (!socket.destroyed && socket.writable) {
          socket.write(typeof text === "string" ? latin1(text) : text);
        }
      },
      later: (ms, fn) => {
        const timer = setTimeout(() => {
          timers.delete(timer);
          fn();
        }, ms);
        timers.add(timer);
      },
      every: (ms, fn) => {
        intervals.add(setInterval(fn, ms));
      },
    };
    onConnection?.(connection);
    readRequests(socket, number, (request) => {
      state.requests.push(request);
      scenario(request, connection);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  state.port = (server.address() as net.AddressInfo).port;
  state.origin = `http://${host.includes(":") ? `[${host}]` : host}:${state.port}`;
  state.close = () =>
    new Promise<void>((resolve) => {
      for (const timer of timers) clearTimeout(timer);
      for (const interval of intervals) clearInterval(interval);
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
  return state;
}

/** Reads requests (Content-Length or chunked bodies) off `socket`. */
function readRequests(
  socket: net.Socket,
  connection: number,
  onRequest: (request: RawRequest) => void,
): void {
  let buffer = "";
  let index = 0;
  socket.on("data", (chunk: Uint8Array) => {
    for (let i = 0; i < chunk.length; i++) buffer += String.fromCharCode(chunk[i]);
    for (;;) {
      const end = buffer.indexOf("\r\n\r\n");
      if (end < 0) return;
      const head = buffer.slice(0, end + 4);
      const lines = head.split("\r\n");
      const [method, path] = lines[0].split(" ");
      const headers: Record<string, string> = {};
      for (const line of lines.slice(1)) {
        const colon = line.indexOf(":");
        if (colon > 0) headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
      }
      let rest = buffer.slice(end + 4);
      let body = "";
      if (headers["transfer-encoding"]?.toLowerCase() === "chunked") {
        let at = 0;
        let complete = false;
        for (;;) {
          const lineEnd = rest.indexOf("\r\n", at);
          if (lineEnd < 0) break;
          const size = parseInt(rest.slice(at, lineEnd), 16);
          if (size === 0) {
            const trailerEnd = rest.indexOf("\r\n\r\n", lineEnd);
            const simpleEnd = rest.startsWith("\r\n", lineEnd + 2) ? lineEnd + 4 : -1;
            const stop = simpleEnd >= 0 ? simpleEnd : trailerEnd >= 0 ? trailerEnd + 4 : -1;
            if (stop < 0) break;
            at = stop;
            complete = true;
            break;
          }
          if (rest.length < lineEnd + 2 + size + 2) break;
          body += rest.slice(lineEnd + 2, lineEnd + 2 + size);
          at = lineEnd + 2 + size + 2;
        }
        if (!complete) return;
        rest = rest.slice(at);
      } else {
        const length = Number(headers["content-length"] ?? 0);
        if (rest.length < length) return;
        body = rest.slice(0, length);
        rest = rest.slice(length);
      }
      buffer = rest;
      onRequest({
        method,
        path,
        headers,
        head,
        body: latin1(body),
        connection,
        index: ++index,
      });
    }
  });
}

/** A response with a Content-Length body. */
export function respond(
  status: number,
  body = "",
  headers: Record<string, string> = {},
  reason = "OK",
): string {
  let head = `HTTP/1.1 ${status} ${reason}\r\n`;
  for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}\r\n`;
  if (!Object.keys(headers).some((name) => name.toLowerCase() === "content-length")) {
    head += `Content-Length: ${body.length}\r\n`;
  }
  return `${head}\r\n${body}`;
}
