// One connection of the agent's pool: an adapter `Conn` in handler mode, an
// HTTP/1.1 `Connection` in the client role, and the exchange it runs.
//
// It writes the request (a known body goes with the head in one `send`), feeds
// what the socket reads to the parser and turns the parser's events into
// handler calls. After a response it goes back to the pool, unless either side
// closes, the server sent bytes nobody asked for, or the request body was cut
// short by an early response. While idle it keeps reading, so that the server's
// FIN or RST (or stray bytes) retire it before anyone reuses it.
//
// A failure on a reused connection before any response byte is the keep-alive
// race: the request is sent again on a new connection when nothing of it was
// written, or when it is idempotent with a body that can be sent again; never
// twice, and never a POST that may have reached the server.

import type { Conn, ConnHandler, NetError } from "../adapters/mod.ts";
import {
  Connection,
  type ConnectionOptions,
  type HeaderList,
  HttpError,
  type ResponseHead,
} from "../protocols/http1/mod.ts";
import { type ClientPhase, HttpClientError, toClientError } from "./client_errors.ts";
import { BODY_BYTES, BODY_STREAM, type Exchange } from "./_client_exchange.ts";
import { fieldValue } from "./_client_headers.ts";
import { TakenConn } from "./_client_taken_conn.ts";

/** What a connection needs from its pool. */
export interface ConnectionOwner {
  /** The connection finished an exchange and may serve another. */
  release(connection: ClientConnection): void;
  /** The connection closed (or left HTTP) from state `was`: it no longer counts. */
  remove(connection: ClientConnection, was: number): void;
  /** Sends `exchange` again on a new connection. */
  retry(exchange: Exchange): void;
  /** How requests are written: origin-form, or absolute-form through a forward proxy. */
  readonly absoluteForm: boolean;
  /** Fields added to every request (`Proxy-Authorization` for a forward proxy). */
  readonly extraHeaders: HeaderList | null;
}

// States of a connection.
export const BUSY = 0;
export const VERIFYING = 1;
export const IDLE = 2;
export const CLOSED = 3;
export const TAKEN = 4;

/** Network failures that mean "the server was gone", the keep-alive race. */
const GONE = new Set(["NO_RESPONSE", "ECONNRESET", "EPIPE", "ECONNABORTED", "ERR_SOCKET_CLOSED"]);

/** 1xx responses accepted before a final one. */
const MAX_INFORMATIONAL = 100;

/** A known body this large waits for the runtime to take it before the first-byte clock starts. */
const LARGE_BODY = 65536;

/** One pooled connection. */
export class ClientConnection implements ConnHandler {
  readonly owner: ConnectionOwner;
  readonly conn: Conn;
  readonly http: Connection;
  /** Milliseconds spent opening it (DNS and TCP, or the proxy tunnel). */
  readonly connectMs: number;
  /** Milliseconds of its TLS handshake. */
  readonly tlsMs: number;
  /** BUSY, VERIFYING, IDLE, CLOSED or TAKEN. */
  state = BUSY;
  /** Exchanges started on it. */
  requests = 0;
  /** When it must leave the pool (`performance.now()` time), from the idle timeout and `Keep-Alive`. */
  expiresAt = Infinity;
  /** Requests the server still allows (`Keep-Alive: max`). */
  requestsLeft = Infinity;
  /** The server's keep-alive timeout in milliseconds (`Keep-Alive: timeout`), or -1. */
  keepAliveHint = -1;
  /** The peer ended, failed or sent stray bytes while no exchange ran. */
  dead = false;
  /** The facade handed to `socket` listeners, made on demand. */
  facade: unknown = null;
  /** Listeners of the facade's `close`, `timeout` ... (the facade registers itself). */
  onClose: ((error: Error | null) => void) | null = null;

  #exchange: Exchange | null = null;
  #final = false;
  #informational = 0;
  #upgradeHead: ResponseHead | null = null;
  #processing = false;
  #readPaused = false;
  #taken: TakenConn | null = null;
  #closeError: Error | null = null;

  constructor(
    owner: ConnectionOwner,
    conn: Conn,
    parserOptions: ConnectionOptions,
    connectMs: number,
    tlsMs: number,
  ) {
    this.owner = owner;
    this.conn = conn;
    this.http = new Connection("client", parserOptions);
    this.connectMs = connectMs;
    this.tlsMs = tlsMs;
    conn.attach(this);
  }

  /** The exchange running on it, if any. */
  get exchange(): Exchange | null {
    return this.#exchange;
  }

  // ---- running an exchange -------------------------------------------------------

  /** Takes `exchange`, writes its request and starts reading its response. */
  start(exchange: Exchange): void {
    const reused = this.requests > 0;
    this.requests++;
    if (this.requestsLeft !== Infinity) this.requestsLeft--;
    this.state = BUSY;
    this.#exchange = exchange;
    this.#final = false;
    this.#informational = 0;
    this.#upgradeHead = null;
    exchange.attachTo(this, reused);
    if (!reused) {
      exchange.timings.connect = this.connectMs;
      exchange.timings.tls = this.tlsMs;
    }
    exchange.setCanceller(this.#canceller);
    exchange.handler.onConnection(this);
    if (this.#exchange !== exchange) return; // the handler aborted it

    const owner = this.owner;
    const target = owner.absoluteForm && exchange.requestTarget.charCodeAt(0) === 0x2f
      ? `${exchange.target.protocol}//${exchange.target.host}${exchange.requestTarget}`
      : exchange.requestTarget;
    const extra = owner.extraHeaders;
    const head = {
      method: exchange.method,
      target,
      headers: extra === null ? exchange.headers : exchange.headers.concat(extra),
    };
    let bytes: Uint8Array;
    try {
      bytes = exchange.bodyKind === BODY_BYTES
        ? this.http.sendMessage(head, exchange.body as Uint8Array)
        : exchange.bodyKind === BODY_STREAM
        ? this.http.sendHead(head)
        : this.http.sendMessage(head);
    } catch (error) {
      // Refused before anything was written: the connection is still clean.
      this.#exchange = null;
      exchange.setCanceller(null);
      exchange.fail(
        new HttpClientError(
          "INVALID_REQUEST",
          error instanceof Error ? error.message : String(error),
          { phase: "write", reused, cause: error, url: exchange.target.href },
        ),
      );
      this.requests--;
      this.owner.release(this);
      return;
    }
    exchange.headSent = true;
    if (exchange.bodyKind === BODY_STREAM) {
      this.conn.send(bytes);
      exchange.flushPending(this);
      return;
    }
    if (bytes.length >= LARGE_BODY) {
      this.conn.send(bytes, (error) => {
        if (error === undefined && this.#exchange === exchange) exchange.markSent();
      });
    } else {
      this.conn.send(bytes);
      exchange.markSent();
    }
  }

  /** A piece of a streamed body. */
  writeBody(exchange: Exchange, chunk: Uint8Array): boolean {
    if (exchange !== this.#exchange || this.http.ourState !== "SEND_BODY") return false;
    if (chunk.length === 0) return true;
    let bytes: Uint8Array;
    try {
      bytes = this.http.sendData(chunk);
    } catch (error) {
      this.#failExchange(exchange, error, "write");
      return false;
    }
    return this.conn.send(bytes);
  }

  /** The end of a streamed body. */
  endBody(exchange: Exchange, trailers?: HeaderList): void {
    if (exchange !== this.#exchange || this.http.ourState !== "SEND_BODY") return;
    let bytes: Uint8Array;
    try {
      bytes = this.http.sendEnd(trailers);
    } catch (error) {
      this.#failExchange(exchange, error, "write");
      return;
    }
    if (bytes.length > 0) this.conn.send(bytes);
    exchange.markSent();
  }

  /** Lets the process exit while the connection is open (`false`: it is free) or not. */
  setRef(ref: boolean): void {
    this.conn.setRef(ref);
  }

  /** Stops reading (the response body's reader is full). */
  pauseReading(): void {
    if (this.#readPaused || this.state !== BUSY) return;
    this.#readPaused = true;
    this.conn.pause();
  }

  /** Reads again, and goes on with what was read meanwhile. */
  resumeReading(): void {
    if (!this.#readPaused) return;
    this.#readPaused = false;
    if (this.state === BUSY) {
      this.conn.resume();
      this.#process();
    }
  }

  /**
   * The running exchange was stopped from outside (abort, timeout): the
   * connection cannot go on. One function per connection; only the running
   * exchange holds it (a finished one never calls it).
   */
  readonly #canceller = (_error: HttpClientError): void => {
    if (this.#exchange === null) return;
    this.#exchange = null;
    this.close(null);
  };

  // ---- the socket calls these ----------------------------------------------------

  onData(chunk: Uint8Array): void {
    const taken = this.#taken;
    if (taken !== null) {
      taken.deliver(chunk);
      return;
    }
    const exchange = this.#exchange;
    if (exchange === null) {
      // Bytes nobody asked for (a 408 before closing, garbage): never reuse it.
      this.dead = true;
      if (this.state !== BUSY) this.close(null);
      return;
    }
    exchange.received(chunk.length);
    this.http.receive(chunk);
    if (!this.#readPaused) this.#process();
  }

  onEnd(): void {
    const taken = this.#taken;
    if (taken !== null) {
      taken.deliverEnd();
      return;
    }
    this.dead = true;
    if (this.#exchange === null) {
      if (this.state !== BUSY) this.close(null);
      return;
    }
    this.http.receiveEnd();
    this.#readPaused = false; // the end must be seen even if the body reader paused
    this.#process();
  }

  onDrain(): void {
    const taken = this.#taken;
    if (taken !== null) {
      taken.deliverDrain();
      return;
    }
    this.#exchange?.handler.onDrain();
  }

  onError(error: NetError): void {
    const taken = this.#taken;
    if (taken !== null) {
      taken.deliverError(error);
      return;
    }
    this.dead = true;
    const exchange = this.#exchange;
    if (exchange === null) {
      this.close(error);
      return;
    }
    this.#failExchange(exchange, error, exchange.phase);
  }

  // ---- the response ------------------------------------------------------------------

  /** Turns the parser's events into handler calls until it needs bytes. */
  #process(): void {
    if (this.#processing) return;
    this.#processing = true;
    try {
      this.#loop();
    } finally {
      this.#processing = false;
    }
  }

  #loop(): void {
    const http = this.http;
    for (;;) {
      const exchange = this.#exchange;
      if (exchange === null || exchange.paused) return;
      let event;
      try {
        event = http.nextEvent();
      } catch (error) {
        this.#failExchange(exchange, error, this.#final ? "body" : "head");
        return;
      }
      switch (event.type) {
        case "data":
          exchange.handler.onData(event.data);
          break;
        case "response":
          this.#onHead(exchange, event);
          break;
        case "end":
          if (this.#upgradeHead !== null) {
            this.#takeOver(exchange, this.#upgradeHead);
            return;
          }
          if (this.#final) {
            this.#finish(exchange);
            return;
          }
          break; // the end of a 1xx
        case "trailers":
          exchange.trailers = event.trailers;
          break;
        case "need-data":
          return;
        case "paused":
          if (this.#upgradeHead !== null) this.#takeOver(exchange, this.#upgradeHead);
          return;
        case "closed":
          this.#failExchange(
            exchange,
            new HttpError("NO_RESPONSE", "the server closed the connection"),
            "head",
          );
          return;
      }
    }
  }

  #onHead(exchange: Exchange, head: ResponseHead): void {
    if (head.upgrade) {
      this.#upgradeHead = head; // 101, or 2xx to CONNECT: the end follows at once
      return;
    }
    if (head.status < 200) {
      if (++this.#informational > MAX_INFORMATIONAL) {
        this.#failExchange(
          exchange,
          new HttpClientError(
            "TOO_MANY_INFORMATIONAL",
            `more than ${MAX_INFORMATIONAL} 1xx responses before a final one`,
            { phase: "head", reused: exchange.reused },
          ),
          "head",
        );
        return;
      }
      exchange.handler.onInformation(head);
      return;
    }
    this.#final = true;
    exchange.phase = "body";
    this.#readKeepAlive(head);
    exchange.handler.onResponse(head);
  }

  /** `Keep-Alive: timeout=5, max=100` (RFC 2068 19.7.1.1): when to retire the connection. */
  #readKeepAlive(head: ResponseHead): void {
    if (!head.keepAlive) return;
    const value = fieldValue(head.headers, "keep-alive");
    if (value === null) return;
    for (const part of value.split(",")) {
      const eq = part.indexOf("=");
      if (eq < 0) continue;
      const name = part.slice(0, eq).trim().toLowerCase();
      const number = Number(part.slice(eq + 1).trim());
      if (!Number.isFinite(number) || number < 0) continue;
      if (name === "timeout") this.keepAliveHint = number * 1000;
      else if (name === "max") this.requestsLeft = Math.floor(number);
    }
  }

  #finish(exchange: Exchange): void {
    const http = this.http;
    this.#exchange = null;
    this.#final = false;
    const reusable = http.ourState === "IDLE" && http.theirState === "IDLE" &&
      http.bufferedBytes === 0 && !this.dead;
    exchange.complete();
    if (reusable) this.owner.release(this);
    else this.close(null);
    exchange.handler.onEnd(exchange.trailers);
  }

  /** The connection leaves HTTP: the exchange's handler gets the socket. */
  #takeOver(exchange: Exchange, head: ResponseHead): void {
    this.#exchange = null;
    this.#upgradeHead = null;
    const rest = this.http.takeTrailingData();
    const taken = new TakenConn(this.conn, this.dead);
    this.#taken = taken;
    this.state = TAKEN;
    if (this.#readPaused) {
      this.#readPaused = false;
      this.conn.resume();
    }
    this.conn.setRef(true);
    this.owner.remove(this, BUSY);
    exchange.complete();
    exchange.handler.onUpgrade(head, taken, rest);
  }

  // ---- failures ------------------------------------------------------------------------

  #failExchange(exchange: Exchange, error: unknown, phase: ClientPhase): void {
    if (this.#exchange !== exchange) return;
    this.#exchange = null;
    const code = (error as { code?: string }).code ?? "";
    const retry = exchange.reused && !exchange.retried && exchange.bytesIn === 0 &&
      GONE.has(code) && (!exchange.headSent || exchange.replayable);
    if (retry) {
      // Queued again before this connection goes, so that the pool never looks empty.
      exchange.requeue();
      this.owner.retry(exchange);
      this.close(error instanceof Error ? error : null);
      return;
    }
    this.close(error instanceof Error ? error : null);
    exchange.fail(toClientError(error, phase, exchange.reused));
  }

  /** Closes the socket and leaves the pool (safe to call twice). */
  close(error: Error | null): void {
    const was = this.state;
    if (was === CLOSED || was === TAKEN) return;
    this.state = CLOSED;
    this.#closeError = error;
    this.conn.close();
    this.owner.remove(this, was);
    const exchange = this.#exchange;
    if (exchange !== null) {
      this.#exchange = null;
      exchange.fail(
        toClientError(
          error ?? new HttpClientError("SOCKET_CLOSED", "the connection was closed"),
          exchange.phase,
          exchange.reused,
        ),
      );
    }
    this.onClose?.(error);
  }

  /** The error the connection closed with, if any. */
  get closeError(): Error | null {
    return this.#closeError;
  }
}
