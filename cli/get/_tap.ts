// A transport that shows what crosses the wire: every connection it opens is
// wrapped so that the bytes sent and received reach an observer, as they are
// (for `wirestack get -v` and `-i`: heads as sent and received, not as the
// client's objects describe them). Everything else goes to the real transport.

import type { Conn, ConnHandler, Transport } from "../../adapters/mod.ts";

/** Hears a tapped connection's traffic. */
export interface TapObserver {
  /** A connection opened (TLS connections once their handshake is done). */
  onOpen(conn: Conn): void;
  /** Bytes handed to the connection to send. */
  onSend(bytes: Uint8Array): void;
  /** Bytes the connection read. */
  onReceive(bytes: Uint8Array): void;
}

const originals = new WeakMap<Conn, Conn>();

function tapConn(conn: Conn, observer: TapObserver): Conn {
  observer.onOpen(conn);
  const tapped = new Proxy(conn, {
    get(target, property) {
      switch (property) {
        case "send":
          return (bytes: Uint8Array, callback?: Parameters<Conn["send"]>[1]) => {
            observer.onSend(bytes);
            return target.send(bytes, callback);
          };
        case "write":
          return (bytes: Uint8Array) => {
            observer.onSend(bytes);
            return target.write(bytes);
          };
        case "read":
          return async (into: Uint8Array) => {
            const n = await target.read(into);
            if (n !== null) observer.onReceive(into.subarray(0, n));
            return n;
          };
        case "attach":
          return (handler: ConnHandler, options?: Parameters<Conn["attach"]>[1]) => {
            target.attach({
              onData(chunk) {
                observer.onReceive(chunk);
                handler.onData(chunk);
              },
              onEnd: () => handler.onEnd(),
              onDrain: () => handler.onDrain(),
              onError: (error) => handler.onError(error),
            }, options);
          };
      }
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  originals.set(tapped, conn);
  return tapped;
}

/** `base` with every connection it opens tapped by `observer`. */
export function tapTransport(base: Transport, observer: TapObserver): Transport {
  return new Proxy(base, {
    get(target, property) {
      switch (property) {
        case "connect":
          return async (options: Parameters<Transport["connect"]>[0]) =>
            tapConn(await target.connect(options), observer);
        case "connectTls":
          return async (options: Parameters<Transport["connectTls"]>[0]) =>
            tapConn(await target.connectTls(options), observer);
        case "startTls":
          return async (conn: Conn, ...rest: unknown[]) => {
            const start = target.startTls as (conn: Conn, ...rest: unknown[]) => Promise<Conn>;
            return tapConn(
              await start.call(target, originals.get(conn) ?? conn, ...rest),
              observer,
            );
          };
      }
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
