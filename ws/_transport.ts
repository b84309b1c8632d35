// The byte stream under a WebSocket: either an adapter `Conn` (what `serve()`
// hands over after a 101) or a `net` `Socket` (what the `upgrade` events of
// `createServer` and `request()` give). The session sees one small shape.

import type { Conn, NetError } from "../adapters/mod.ts";
import type { Socket } from "../net/socket.ts";

/** What a transport reports to its session. */
export interface TransportSink {
  /** Bytes arrived; only borrowed (valid until the call returns). */
  onData(chunk: Uint8Array): void;
  /** The peer half-closed. */
  onEnd(): void;
  /** The send queue drained after `send` returned false. */
  onDrain(): void;
  /** The connection failed (nothing follows but `onClosed`). */
  onError(error: Error): void;
  /** The connection is gone, for whatever reason (called once). */
  onClosed(): void;
}

/** The byte stream a WebSocket session writes to and reads from. */
export interface Transport {
  /** Starts reading into `sink`; `head` are bytes already read. */
  start(sink: TransportSink): void;
  /** Queues bytes; false once the queue is above the high-water mark. */
  send(bytes: Uint8Array): boolean;
  cork(): void;
  uncork(): void;
  pause(): void;
  resume(): void;
  /** Half-closes once the queue is written. */
  end(): void;
  /** Closes at once. */
  close(): void;
  /** Bytes queued and not yet taken by the runtime. */
  readonly writableLength: number;
}

/** A transport over an adapter connection. */
export function connTransport(conn: Conn): Transport {
  let sink: TransportSink | null = null;
  let closed = false;
  const closeOnce = () => {
    if (closed) return;
    closed = true;
    conn.close();
    sink?.onClosed();
  };
  return {
    start(s) {
      sink = s;
      conn.attach({
        onData: (chunk) => s.onData(chunk),
        onEnd: () => s.onEnd(),
        onDrain: () => s.onDrain(),
        onError: (error: NetError) => {
          s.onError(error);
          closeOnce();
        },
      }, { chunks: "borrowed" });
    },
    send: (bytes) => closed ? false : conn.send(bytes),
    cork: () => conn.cork(),
    uncork: () => conn.uncork(),
    pause: () => conn.pause(),
    resume: () => conn.resume(),
    end() {
      if (closed) return;
      conn.end(() => closeOnce());
    },
    close: closeOnce,
    get writableLength() {
      return closed ? 0 : conn.writableLength;
    },
  };
}

/** A transport over a `net` socket. */
export function socketTransport(socket: Socket): Transport {
  let closed = false;
  return {
    start(s) {
      socket.on("data", (chunk) => s.onData(chunk));
      socket.on("end", () => s.onEnd());
      socket.on("drain", () => s.onDrain());
      socket.on("error", (error) => s.onError(error));
      socket.on("close", () => {
        if (closed) return;
        closed = true;
        s.onClosed();
      });
      socket.setNoDelay(true);
    },
    send: (bytes) => socket.write(bytes),
    cork: () => {},
    uncork: () => {},
    pause: () => void socket.pause(),
    resume: () => void socket.resume(),
    end: () => void socket.end(),
    close: () => void socket.destroy(),
    get writableLength() {
      return socket.writableLength;
    },
  };
}
