// What the demo page shows live: the open connections of every demo service,
// and counts per second (HTTP requests, echoed bytes, datagrams) over the last
// minute. One ticker rolls the per-second buckets.

/** The demo's services. */
export type Service = "https" | "http" | "tcp" | "udp" | "ws";

/** One open connection (or, for UDP, one recent peer). */
export interface ConnectionRow {
  id: number;
  service: Service;
  remote: string;
  since: number;
  requests: number;
  bytes: number;
}

/** What one second counted. */
export interface Bucket {
  /** Seconds since the epoch. */
  t: number;
  requests: number;
  bytes: number;
  datagrams: number;
}

/** The JSON the page gets (over the WebSocket, or from /api/stats). */
export interface StatsSnapshot {
  now: number;
  startedAt: number;
  connections: ConnectionRow[];
  /** The last 60 full seconds, oldest first. */
  history: Bucket[];
  /** Requests per second over the last full second. */
  requestsPerSecond: number;
  totals: { requests: number; bytes: number; datagrams: number; connections: number };
  /** Whether the live WebSocket channel is served. */
  websocket: boolean;
}

const HISTORY = 60;

/** The counters. */
export class Stats {
  readonly startedAt = Date.now();
  readonly #open = new Map<number, ConnectionRow>();
  readonly #history: Bucket[] = [];
  #current: Bucket = { t: Math.floor(Date.now() / 1000), requests: 0, bytes: 0, datagrams: 0 };
  #nextId = 1;
  #totals = { requests: 0, bytes: 0, datagrams: 0, connections: 0 };
  #timer: ReturnType<typeof setInterval> | undefined;
  websocket = false;

  /** Starts the per-second ticker. */
  start(): void {
    this.#timer ??= setInterval(() => this.#roll(), 250);
  }

  /** Stops the ticker. */
  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #roll(): void {
    const second = Math.floor(Date.now() / 1000);
    while (this.#current.t < second) {
      this.#history.push(this.#current);
      if (this.#history.length > HISTORY) this.#history.shift();
      this.#current = { t: this.#current.t + 1, requests: 0, bytes: 0, datagrams: 0 };
    }
  }

  /**
   * A connection opened; returns its row (update it, then call `closed`). A
   * WebSocket replaces the HTTP row of the connection it took over (the HTTP
   * server hands the connection over without closing it).
   */
  opened(service: Service, remote: string): ConnectionRow {
    if (service === "ws") {
      for (const [id, row] of this.#open) {
        if (row.remote === remote && (row.service === "http" || row.service === "https")) {
          this.#open.delete(id);
        }
      }
    }
    const row: ConnectionRow = {
      id: this.#nextId++,
      service,
      remote,
      since: Date.now(),
      requests: 0,
      bytes: 0,
    };
    this.#open.set(row.id, row);
    this.#totals.connections++;
    return row;
  }

  /** A connection closed. */
  closed(row: ConnectionRow): void {
    this.#open.delete(row.id);
  }

  /** A request (HTTP request, WebSocket message) on `row`. */
  request(row?: ConnectionRow): void {
    this.#roll();
    if (row !== undefined) row.requests++;
    this.#current.requests++;
    this.#totals.requests++;
  }

  /** Bytes echoed (TCP) on `row`. */
  bytes(n: number, row?: ConnectionRow): void {
    this.#roll();
    if (row !== undefined) row.bytes += n;
    this.#current.bytes += n;
    this.#totals.bytes += n;
  }

  /** A datagram echoed (UDP). */
  datagram(n: number): void {
    this.#roll();
    this.#current.datagrams++;
    this.#current.bytes += n;
    this.#totals.datagrams++;
    this.#totals.bytes += n;
  }

  /** The state as JSON-able data. */
  snapshot(): StatsSnapshot {
    this.#roll();
    const last = this.#history[this.#history.length - 1];
    return {
      now: Date.now(),
      startedAt: this.startedAt,
      connections: [...this.#open.values()].map((row) => ({ ...row })),
      history: this.#history.map((bucket) => ({ ...bucket })),
      requestsPerSecond: last?.requests ?? 0,
      totals: { ...this.#totals },
      websocket: this.websocket,
    };
  }
}
