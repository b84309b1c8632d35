// One client connection of the proxy server (requests read in turn, each
// forwarded through the agent, or a CONNECT tunnel), and one forwarded request.

import type { Conn, ConnHandler, NetError, Transport } from "../adapters/mod.ts";
import { happyEyeballs } from "../net/_happy_eyeballs.ts";
import { defaultLookup } from "../net/_lookup.ts";
import { type Timer, unrefTimeout } from "../net/_timers.ts";
import {
  Connection,
  type HeaderList,
  HttpError,
  type RequestHead,
  type ResponseHead,
} from "../protocols/http1/mod.ts";
import { type Agent, coreOf } from "./agent.ts";
import type { HttpClientError } from "./client_errors.ts";
import { fieldValue } from "./_client_headers.ts";
import { Exchange, type ExchangeHandler } from "./_client_exchange.ts";
import { type Target, targetOf } from "./_client_url.ts";
import type { ClientConnection } from "./_client_connection.ts";
import { forwardFields, viaNames } from "./_proxy_headers.ts";
import { Relay } from "./_proxy_relay.ts";
import type { ProxyLogEntry, ProxyServerOptions } from "./proxy.ts";

/** What a client connection needs from its proxy server. */
export interface ProxyContext {
  readonly options: ProxyServerOptions;
  readonly agent: Agent;
  readonly transport: Transport;
  /** This proxy's name in `Via`. */
  readonly pseudonym: string;
  /** The connection ended. */
  forget(connection: ProxyConnection): void;
  /** Whether `host:port` is the proxy itself. */
  isSelf(hostname: string, port: number): boolean;
  /** Reports a finished request or tunnel. */
  log(entry: ProxyLogEntry): void;
}

const STATUS_TEXT: Record<number, string> = {
  400: "Bad Request",
  403: "Forbidden",
  407: "Proxy Authentication Required",
  502: "Bad Gateway",
  504: "Gateway Timeout",
  508: "Loop Detected",
};

/** One client of the proxy: requests read in turn, each forwarded, or a tunnel. */
export class ProxyConnection implements ConnHandler {
  readonly #proxy: ProxyContext;
  readonly #conn: Conn;
  readonly #http: Connection;
  readonly #client: string;
  #forward: Forward | null = null;
  #relay: Relay | null = null;
  #readPaused = false;
  #closed = false;
  #idle: Timer | undefined;

  constructor(proxy: ProxyContext, conn: Conn) {
    this.#proxy = proxy;
    this.#conn = conn;
    this.#http = new Connection("server", proxy.options.limits ?? {});
    const addr = conn.remoteAddr;
    this.#client = addr.transport === "unix" ? "unix" : `${addr.hostname}:${addr.port}`;
    conn.attach(this);
    this.#armIdle();
  }

  #armIdle(): void {
    clearTimeout(this.#idle);
    const ms = this.#proxy.options.idleTimeout ?? 60_000;
    if (ms > 0 && ms < Infinity) this.#idle = unrefTimeout(() => this.close(), ms);
  }

  // ---- the client's socket --------------------------------------------------------------

  onData(chunk: Uint8Array): void {
    const relay = this.#relay;
    if (relay !== null) {
      relay.side(this.#conn).onData(chunk);
      return;
    }
    this.#http.receive(chunk);
    this.#process();
  }

  onEnd(): void {
    const relay = this.#relay;
    if (relay !== null) {
      relay.side(this.#conn).onEnd();
      return;
    }
    this.#http.receiveEnd();
    this.#process();
  }

  onDrain(): void {
    const relay = this.#relay;
    if (relay !== null) {
      relay.side(this.#conn).onDrain();
      return;
    }
    this.#forward?.clientDrained();
  }

  onError(_error: NetError): void {
    this.close();
  }

  /** Stops reading the client (its request body waits for the origin). */
  pauseReading(): void {
    if (this.#readPaused) return;
    this.#readPaused = true;
    this.#conn.pause();
  }

  /** Reads the client again. */
  resumeReading(): void {
    if (!this.#readPaused) return;
    this.#readPaused = false;
    this.#conn.resume();
    this.#process();
  }

  // ---- requests -----------------------------------------------------------------------------

  #process(): void {
    if (this.#closed) return;
    for (;;) {
      if (this.#readPaused || this.#relay !== null || this.#closed) return;
      let event;
      try {
        event = this.#http.nextEvent();
      } catch (error) {
        const status = error instanceof HttpError ? error.status : 400;
        this.#answer(status, error instanceof Error ? error.message : String(error), true);
        return;
      }
      switch (event.type) {
        case "request":
          clearTimeout(this.#idle);
          this.#onRequest(event);
          break;
        case "data":
          if (this.#forward !== null && !this.#forward.exchange.write(event.data)) {
            this.pauseReading();
          }
          break;
        case "end":
          this.#forward?.requestEnded();
          break;
        case "closed":
          if (this.#forward === null) this.close();
          return;
        case "need-data":
        case "paused":
          return;
        default:
          break;
      }
    }
  }

  #onRequest(head: RequestHead): void {
    const proxy = this.#proxy;
    const authenticate = proxy.options.authenticate;
    if (
      authenticate !== undefined && !authenticate(fieldValue(head.headers, "proxy-authorization"))
    ) {
      this.#answer(407, "proxy authentication required", false, [
        ["Proxy-Authenticate", 'Basic realm="wirestack"'],
      ], head);
      return;
    }
    if (viaNames(head.headers, proxy.pseudonym)) {
      this.#answer(508, `the request came back to ${proxy.pseudonym}`, true, [], head);
      return;
    }
    if (head.method === "CONNECT") {
      this.#tunnel(head);
      return;
    }
    let target: Target;
    try {
      if (!/^https?:\/\//i.test(head.target)) throw new Error("not absolute");
      target = targetOf(head.target);
    } catch {
      this.#answer(
        400,
        "a proxy takes absolute URLs (http://host/path) or CONNECT",
        false,
        [],
        head,
      );
      return;
    }
    if (proxy.isSelf(target.hostname, target.port)) {
      this.#answer(508, "the request targets the proxy itself", true, [], head);
      return;
    }
    const forward = new Forward(this, head, target);
    if (!forward.exchange.settled) this.#forward = forward; // else it already answered (502)
  }

  /** Answers with a small text response; `close` ends the connection after it. */
  #answer(
    status: number,
    message: string,
    close: boolean,
    extra: HeaderList = [],
    head?: RequestHead,
  ): void {
    if (this.#closed) return;
    const http = this.#http;
    const body = new TextEncoder().encode(`${message}\n`);
    const headers: HeaderList = [["Content-Type", "text/plain; charset=utf-8"], ...extra];
    if (close) headers.push(["Connection", "close"]);
    try {
      this.#conn.send(http.sendMessage({ status, reason: STATUS_TEXT[status], headers }, body));
    } catch {
      this.close();
      return;
    }
    if (head !== undefined) this.log(head.method, head.target, status, performance.now());
    if (close || http.ourState === "MUST_CLOSE") this.#endSoon();
    else this.#afterResponse();
  }

  /** The response to the current request went out: on to the next one. */
  #afterResponse(): void {
    this.#forward = null;
    if (this.#http.ourState === "MUST_CLOSE" || this.#http.ourState === "CLOSED") {
      this.#endSoon();
      return;
    }
    this.#armIdle();
    this.resumeReading();
    this.#process();
  }

  /** Ends the client connection once what was queued is sent. */
  #endSoon(): void {
    this.#forward = null;
    this.#conn.end(() => this.close());
  }

  // ---- for Forward -------------------------------------------------------------------------

  get http(): Connection {
    return this.#http;
  }

  get conn(): Conn {
    return this.#conn;
  }

  get proxy(): ProxyContext {
    return this.#proxy;
  }

  log(method: string, target: string, status: number, started: number): void {
    this.#proxy.log({
      method,
      target,
      status,
      client: this.#client,
      ms: performance.now() - started,
    });
  }

  /** The forwarded response is complete. */
  forwardDone(): void {
    this.#afterResponse();
  }

  /** The forwarded exchange failed before its response began: answer for it. */
  forwardFailed(head: RequestHead, error: HttpClientError): void {
    this.#forward = null;
    const timeout = error.code.endsWith("_TIMEOUT");
    this.#answer(
      timeout ? 504 : 502,
      `${timeout ? "timeout" : "bad gateway"}: ${error.message}`,
      true,
      [],
      head,
    );
  }

  /** The client's connection becomes one end of a relay. */
  relayTo(
    upstream: Conn,
    fromClient: Uint8Array,
    fromUpstream: Uint8Array,
    onClose: () => void,
  ): void {
    const relay = new Relay(this.#conn, upstream, () => {
      onClose();
      this.close();
    });
    this.#relay = relay;
    clearTimeout(this.#idle);
    if (fromClient.length > 0) upstream.send(fromClient);
    if (fromUpstream.length > 0) this.#conn.send(fromUpstream);
    upstream.attach(relay.side(upstream));
    if (this.#readPaused) {
      this.#readPaused = false;
      this.#conn.resume();
    }
  }

  // ---- CONNECT ------------------------------------------------------------------------------

  #tunnel(head: RequestHead): void {
    const started = performance.now();
    const proxy = this.#proxy;
    const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:\[\]]+)):(\d{1,5})$/.exec(head.target);
    const port = match === null ? NaN : Number(match[3]);
    if (match === null || !(port > 0 && port < 65536)) {
      this.#answer(400, "CONNECT needs host:port", true, [], head);
      return;
    }
    const hostname = match[1] ?? match[2];
    if (proxy.isSelf(hostname, port)) {
      this.#answer(508, "the tunnel targets the proxy itself", true, [], head);
      return;
    }
    if (proxy.options.allowTunnel !== undefined && !proxy.options.allowTunnel(hostname, port)) {
      this.#answer(403, `tunnels to ${head.target} are not allowed`, true, [], head);
      return;
    }
    this.pauseReading();
    const controller = new AbortController();
    const ms = proxy.options.connectTimeout ?? 10_000;
    const timer = unrefTimeout(() => controller.abort(), ms);
    const transport = proxy.transport;
    happyEyeballs({
      hostname,
      family: 0,
      lookup: defaultLookup(transport),
      connect: (address, _family, signal) => transport.connect({ hostname: address, port, signal }),
      attemptDelay: 250,
      signal: controller.signal,
    }).then((upstream) => {
      clearTimeout(timer);
      if (this.#closed) {
        upstream.close();
        return;
      }
      this.#conn.send(this.#http.sendHead({ status: 200, reason: "Connection Established" }));
      const rest = this.#http.takeTrailingData();
      this.relayTo(upstream, rest, new Uint8Array(0), () => {
        this.log("CONNECT", head.target, 200, started);
      });
    }, (error: Error) => {
      clearTimeout(timer);
      const timedOut = controller.signal.aborted;
      this.#answer(
        timedOut ? 504 : 502,
        `cannot reach ${head.target}: ${error.message}`,
        true,
        [],
        head,
      );
    });
  }

  /** Closes the client connection, its tunnel and its exchange. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#idle);
    this.#forward?.abort();
    this.#forward = null;
    this.#relay?.close();
    this.#conn.close();
    this.#proxy.forget(this);
  }
}

// ---- one forwarded request --------------------------------------------------------------------

/** A request sent on to its origin through the agent, and its response sent back. */
class Forward implements ExchangeHandler {
  readonly exchange: Exchange;
  readonly #client: ProxyConnection;
  readonly #head: RequestHead;
  readonly #started = performance.now();
  #responded = false;
  #status = 0;
  #upstreamPaused = false;

  constructor(client: ProxyConnection, head: RequestHead, target: Target) {
    this.#client = client;
    this.#head = head;
    const via = `${head.version} ${client.proxy.pseudonym}`;
    const upgrade = head.upgrade;
    const headers = forwardFields(head.headers, via, target.host, upgrade);
    const hasBody = head.chunked || (head.contentLength ?? 0) > 0;
    if (head.chunked) headers.push(["Transfer-Encoding", "chunked"]);
    const agent = client.proxy.agent;
    this.exchange = new Exchange(
      head.method,
      target,
      headers,
      hasBody ? "stream" : null,
      this,
      agent.timeouts,
      upgrade,
    );
    this.exchange.requestTarget = target.path;
    this.exchange.begin(null);
    coreOf(agent).dispatch(this.exchange, { target, upgrade });
  }

  /** The client sent the whole request body. */
  requestEnded(): void {
    if (this.exchange.bodyKind !== 0) this.exchange.end();
  }

  /** The client's socket drained: the origin's response may flow again. */
  clientDrained(): void {
    if (this.#upstreamPaused) {
      this.#upstreamPaused = false;
      this.exchange.resume();
    }
  }

  abort(): void {
    this.exchange.cancelBody();
  }

  // ---- ExchangeHandler ---------------------------------------------------------------------

  onConnection(_connection: ClientConnection): void {}

  onInformation(head: ResponseHead): void {
    if (head.status === 101) return;
    const client = this.#client;
    try {
      client.conn.send(client.http.sendHead({
        status: head.status,
        reason: head.reason,
        headers: forwardFields(
          head.headers,
          `${head.version} ${client.proxy.pseudonym}`,
          null,
          false,
        ),
      }));
    } catch {
      // the client's side cannot take a 1xx now: skip it
    }
  }

  onResponse(head: ResponseHead): void {
    const client = this.#client;
    this.#responded = true;
    this.#status = head.status;
    const headers = forwardFields(
      head.headers,
      `${head.version} ${client.proxy.pseudonym}`,
      null,
      false,
    );
    if (head.chunked || head.contentLength === null) {
      for (let i = headers.length - 1; i >= 0; i--) {
        if (headers[i][0].toLowerCase() === "content-length") headers.splice(i, 1);
      }
    }
    try {
      client.conn.send(client.http.sendHead({ status: head.status, reason: head.reason, headers }));
    } catch {
      client.close();
    }
  }

  onData(chunk: Uint8Array): void {
    const client = this.#client;
    let bytes: Uint8Array;
    try {
      bytes = client.http.sendData(chunk);
    } catch {
      client.close();
      return;
    }
    if (!client.conn.send(bytes)) {
      this.#upstreamPaused = true;
      this.exchange.pause();
    }
  }

  onEnd(_trailers: HeaderList | null): void {
    const client = this.#client;
    try {
      const end = client.http.sendEnd();
      if (end.length > 0) client.conn.send(end);
    } catch {
      client.close();
      return;
    }
    client.log(this.#head.method, this.#head.target, this.#status, this.#started);
    client.forwardDone();
  }

  onUpgrade(head: ResponseHead, conn: Conn, rest: Uint8Array): void {
    const client = this.#client;
    const headers = forwardFields(
      head.headers,
      `${head.version} ${client.proxy.pseudonym}`,
      null,
      true,
    );
    client.conn.send(client.http.sendHead({ status: 101, reason: head.reason, headers }));
    const fromClient = client.http.takeTrailingData();
    client.relayTo(conn, fromClient, rest, () => {
      client.log(this.#head.method, this.#head.target, 101, this.#started);
    });
  }

  onError(error: HttpClientError): void {
    const client = this.#client;
    if (!this.#responded) client.forwardFailed(this.#head, error);
    else client.close(); // a response cut short: the client must see it cut short too
  }

  onDrain(): void {
    this.#client.resumeReading();
  }

  onSent(): void {}
}
