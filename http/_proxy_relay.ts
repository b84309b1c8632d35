// Bytes both ways between two connections (a CONNECT tunnel, an upgraded
// connection passed through a proxy), with back-pressure: a side whose peer
// cannot take more stops reading until the peer drains. A FIN is passed on as
// a FIN (half-close); a failure or both ends close both connections.

import type { Conn, ConnHandler, NetError } from "../adapters/mod.ts";

/** A relay between `a` and `b`. `a` may already be attached elsewhere: call `side(a)`'s methods from there. */
export class Relay {
  readonly a: Conn;
  readonly b: Conn;
  #ended = 0;
  #closed = false;
  #onClose: () => void;
  readonly #sides: [RelaySide, RelaySide];

  constructor(a: Conn, b: Conn, onClose: () => void) {
    this.a = a;
    this.b = b;
    this.#onClose = onClose;
    this.#sides = [new RelaySide(this, a, b), new RelaySide(this, b, a)];
  }

  /** The handler for the reads of `conn` (`a` or `b`). */
  side(conn: Conn): RelaySide {
    return conn === this.a ? this.#sides[0] : this.#sides[1];
  }

  /** One direction reached its end. */
  ended(): void {
    if (++this.#ended === 2) this.close();
  }

  /** Closes both connections (once). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.a.close();
    this.b.close();
    this.#onClose();
  }

  get closed(): boolean {
    return this.#closed;
  }
}

/** The reads of one connection, written to the other. */
export class RelaySide implements ConnHandler {
  readonly #relay: Relay;
  readonly #from: Conn;
  readonly #to: Conn;
  #waiting = false;

  constructor(relay: Relay, from: Conn, to: Conn) {
    this.#relay = relay;
    this.#from = from;
    this.#to = to;
  }

  onData(chunk: Uint8Array): void {
    if (this.#relay.closed) return;
    if (!this.#to.send(chunk)) {
      this.#waiting = true;
      this.#from.pause();
    }
  }

  onEnd(): void {
    if (this.#relay.closed) return;
    this.#to.end();
    this.#relay.ended();
  }

  /** `#from` drained: the other side may read again. */
  onDrain(): void {
    this.#relay.side(this.#to).resumeReading();
  }

  onError(_error: NetError): void {
    this.#relay.close();
  }

  /** Reads again after the peer drained. */
  resumeReading(): void {
    if (!this.#waiting) return;
    this.#waiting = false;
    this.#from.resume();
  }
}
