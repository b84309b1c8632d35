// TLS on Deno's native API: `Deno.listenTls`, `Deno.connectTls`, `Deno.startTls`
// (rustls underneath). What Deno 2.9 offers, checked against its sources:
// - the ALPN protocol (`conn.handshake()`), nothing else about the session: no
//   version, no cipher suite, no peer certificate in the public API;
// - a client certificate in `connectTls` (not in `startTls`);
// - a server certificate chosen by an async resolver, passed under the
//   registered symbol `Symbol.for("unstableSniResolver")` (Deno's own
//   `node:tls` uses it for `SNICallback`): SNI, but Deno keeps the first answer
//   for each server name (and for "no name") as long as the listener lives, so
//   certificates cannot be reloaded;
// - the server name apart from the address connected to, under
//   `Symbol.for("unstableServerName")`;
// - `caCerts` that are added to the default roots, not put in their place;
// - no way to turn chain verification off per connection, to limit versions,
//   or to request client certificates on a server.
// Options that need what is missing fail with `ENOTSUP`, naming the way round:
// under Deno, `nodeTransport` runs Deno's `node:tls`, which has them.

import { deno, type DenoApi, type DenoConn, type DenoTlsConn } from "./_deno_api.ts";
import { DenoStreamConn, toAddr } from "./_deno_conn.ts";
import { formatAddr, formatTarget, isIpLiteral } from "./_addr.ts";
import { deadline } from "./_deadlines.ts";
import { NetError, toNetError } from "./errors.ts";
import type {
  Addr,
  Conn,
  ConnectOptions,
  ListenTlsOptions,
  TlsCertifiedKey,
  TlsClientOptions,
  TlsFeatures,
  TlsInfo,
  TlsListener,
} from "./types.ts";

const SNI_RESOLVER = Symbol.for("unstableSniResolver");
const SERVER_NAME = Symbol.for("unstableServerName");

/** The default handshake deadline (milliseconds). */
export const HANDSHAKE_TIMEOUT = 30_000;
/** Handshakes a listener runs at once; more connections wait in the kernel's accept queue. */
export const MAX_PENDING_HANDSHAKES = 1024;
/** Connections handed out by nobody's `accept()` yet, before the listener stops accepting. */
const MAX_READY = 64;

/** What Deno's native TLS can do. */
export const denoTlsFeatures: TlsFeatures = {
  versionAndCipher: false,
  peerCertificates: false,
  versionLimits: false,
  sni: true,
  certificateReload: false,
  clientCertificates: false,
  clientCertificate: true,
  startTlsClientCertificate: false,
  disableVerification: false,
  caReplacesRoots: false,
};

const WAY_ROUND = "under Deno, nodeTransport (Deno's node:tls) can";

function api(): DenoApi {
  if (deno === undefined) throw new NetError("EINVAL", "the Deno adapter needs the Deno runtime");
  return deno;
}

function unsupported(what: string, syscall: string): NetError {
  return new NetError("ENOTSUP", `Deno's native TLS cannot ${what}; ${WAY_ROUND}`, { syscall });
}

/** The first option Deno's native TLS cannot honour, as an `ENOTSUP` error. */
function checkVersions(
  options: { minVersion?: string; maxVersion?: string },
  syscall: string,
): NetError | undefined {
  if (
    (options.minVersion ?? "TLSv1.2") !== "TLSv1.2" ||
    (options.maxVersion ?? "TLSv1.3") !== "TLSv1.3"
  ) {
    return unsupported("limit the TLS versions (it always offers TLS 1.2 and 1.3)", syscall);
  }
  return undefined;
}

function checkClient(options: TlsClientOptions, startTls: boolean): NetError | undefined {
  const syscall = startTls ? "starttls" : "connect";
  if (options.verify === "none") return unsupported("turn certificate verification off", syscall);
  if (startTls && (options.cert !== undefined || options.key !== undefined)) {
    return unsupported("present a client certificate in startTls (connectTls can)", syscall);
  }
  return checkVersions(options, syscall);
}

/**
 * What Deno tells about a session: the ALPN protocol. A client verified the
 * server (`authorized`); a server never asks for client certificates here.
 */
class DenoTlsInfo implements TlsInfo {
  readonly alpnProtocol: string | null;
  declare readonly servername?: string;
  readonly authorized: boolean;

  constructor(alpnProtocol: string | null, servername: string | undefined, client: boolean) {
    this.alpnProtocol = alpnProtocol;
    if (servername !== undefined && servername !== "") this.servername = servername;
    this.authorized = client;
  }
}

/** A `Conn` over a `Deno.TlsConn` whose handshake is done. */
export class DenoTlsConnAdapter extends DenoStreamConn {
  readonly tls: TlsInfo;

  constructor(conn: DenoConn, tls: TlsInfo, readBuffer?: Uint8Array) {
    super(conn, readBuffer);
    this.tls = tls;
  }
}

/**
 * Runs `conn.handshake()` with a deadline and an abort signal; closes the
 * connection when either ends it first.
 */
function handshake(
  conn: DenoTlsConn,
  timeoutMs: number,
  signal: AbortSignal | undefined,
  target: () => string,
): Promise<{ alpnProtocol: string | null }> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (error: NetError | null, info?: { alpnProtocol: string | null }) => {
      if (settled) return;
      settled = true;
      timer.clear();
      signal?.removeEventListener("abort", onAbort);
      if (error === null) resolve(info as { alpnProtocol: string | null });
      else {
        try {
          conn.close();
        } catch {
          // Already closed.
        }
        reject(error);
      }
    };
    const onAbort = () =>
      finish(
        new NetError("ERR_ABORTED", `TLS handshake with ${target()} aborted`, {
          cause: signal?.reason,
          syscall: "handshake",
        }),
      );
    const timer = deadline(timeoutMs, () => {
      finish(
        new NetError(
          "ERR_TLS_HANDSHAKE_TIMEOUT",
          `TLS handshake with ${target()} took more than ${timeoutMs} ms`,
          { syscall: "handshake" },
        ),
      );
    });
    if (signal?.aborted) {
      onAbort();
      return;
    }
    signal?.addEventListener("abort", onAbort, { once: true });
    conn.handshake().then(
      (info) => finish(null, info),
      (error: unknown) => finish(toNetError(error, "handshake", target())),
    );
  });
}

/** A TLS listener over `Deno.listenTls`: hands out connections once their handshake is done. */
class DenoTlsListener implements TlsListener {
  readonly addr: Addr;
  readonly #listener: ReturnType<DenoApi["listenTls"]>;
  readonly #options: ListenTlsOptions;
  readonly #certified: TlsCertifiedKey;
  #ready: Conn[] = [];
  #waiters: Array<{ resolve(conn: Conn | null): void; reject(error: unknown): void }> = [];
  #pending = new Set<DenoTlsConn>();
  #wake: (() => void) | null = null;
  #closed = false;
  #fatal: NetError | null = null;

  constructor(options: ListenTlsOptions, hostname: string) {
    this.#options = options;
    this.#certified = { cert: options.cert, key: options.key };
    const sni = options.sni;
    this.#listener = api().listenTls({
      port: options.port,
      hostname,
      transport: "tcp",
      // Deno checks these at once; the resolver then chooses per handshake.
      cert: options.cert,
      key: options.key,
      ...(options.alpnProtocols === undefined ? {} : { alpnProtocols: options.alpnProtocols }),
      ...(options.reusePort ? { reusePort: true } : {}),
      // The resolver costs a round trip to JavaScript on a new name; without
      // SNI certificates the static one serves every handshake.
      ...(sni === undefined ? {} : {
        [SNI_RESOLVER]: (servername: string) => {
          if (servername !== "") {
            const chosen = sni(servername.toLowerCase());
            if (chosen !== undefined) return chosen;
          }
          return this.#certified;
        },
      }),
    });
    this.addr = toAddr(this.#listener.addr);
    this.#run();
  }

  setCertificate(_certified: TlsCertifiedKey): void {
    throw unsupported(
      "reload a listener's certificates (it keeps the first one chosen for each server name)",
      "setCertificate",
    );
  }

  async #run(): Promise<void> {
    while (!this.#closed) {
      if (this.#pending.size >= MAX_PENDING_HANDSHAKES || this.#ready.length >= MAX_READY) {
        await new Promise<void>((resolve) => (this.#wake = resolve));
        continue;
      }
      let conn: DenoTlsConn;
      try {
        conn = await this.#listener.accept();
      } catch (error) {
        if (this.#closed) return;
        const netError = toNetError(error, "accept");
        if (netError.code === "ECONNRESET" || netError.code === "ECONNABORTED") continue;
        if (netError.code !== "ERR_SOCKET_CLOSED") this.#fatal = netError;
        this.close();
        return;
      }
      if (this.#closed) {
        conn.close();
        return;
      }
      this.#handshake(conn);
    }
  }

  #handshake(conn: DenoTlsConn): void {
    this.#pending.add(conn);
    // The peer's address is only needed to report a failure.
    const target = () => formatAddr(toAddr(conn.remoteAddr));
    handshake(conn, this.#options.handshakeTimeout ?? HANDSHAKE_TIMEOUT, undefined, target).then(
      (info) => {
        this.#pending.delete(conn);
        if (this.#closed) {
          conn.close();
          return;
        }
        // The resolver saw the server name; Deno does not tell it afterwards.
        this.#deliver(
          new DenoTlsConnAdapter(conn, new DenoTlsInfo(info.alpnProtocol, undefined, false)),
        );
        this.#wakeRun();
      },
      (error: NetError) => {
        this.#pending.delete(conn);
        this.#wakeRun();
        if (!this.#closed) this.#options.onHandshakeError?.(error, toAddr(conn.remoteAddr));
      },
    );
  }

  #wakeRun(): void {
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }

  #deliver(conn: Conn): void {
    const waiter = this.#waiters.shift();
    if (waiter !== undefined) waiter.resolve(conn);
    else this.#ready.push(conn);
  }

  accept(): Promise<Conn | null> {
    const conn = this.#ready.shift();
    if (conn !== undefined) {
      this.#wakeRun();
      return Promise.resolve(conn);
    }
    if (this.#fatal !== null) return Promise.reject(this.#fatal);
    if (this.#closed) return Promise.resolve(null);
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#listener.close();
    } catch {
      // Already closed.
    }
    for (const conn of this.#pending) conn.close();
    this.#pending.clear();
    for (const conn of this.#ready.splice(0)) conn.close();
    const fatal = this.#fatal;
    for (const waiter of this.#waiters.splice(0)) {
      if (fatal !== null) waiter.reject(fatal);
      else waiter.resolve(null);
    }
    this.#wakeRun();
  }

  setRef(ref: boolean): void {
    if (ref) this.#listener.ref();
    else this.#listener.unref();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Conn> {
    for (let conn = await this.accept(); conn !== null; conn = await this.accept()) yield conn;
  }
}

/** `Transport.listenTls` on Deno. */
export function listenDenoTls(options: ListenTlsOptions): Promise<TlsListener> {
  const hostname = options.hostname ?? "0.0.0.0";
  const target = formatTarget(hostname, options.port);
  if (options.requestCert) {
    return Promise.reject(unsupported("request client certificates (mutual TLS)", "listen"));
  }
  const versions = checkVersions(options, "listen");
  if (versions !== undefined) return Promise.reject(versions);
  if (options.ipv6Only) {
    return Promise.reject(
      new NetError("ENOTSUP", `listen ${target}: Deno has no ipv6Only option`, {
        syscall: "listen",
      }),
    );
  }
  try {
    return Promise.resolve(new DenoTlsListener(options, hostname));
  } catch (error) {
    const netError = toNetError(error, "listen", target);
    if (netError.code === "EUNKNOWN" && error instanceof TypeError) {
      return Promise.reject(
        new NetError("EINVAL", `listen ${target}: bad certificate or key: ${error.message}`, {
          cause: error,
          syscall: "listen",
        }),
      );
    }
    return Promise.reject(netError);
  }
}

/** The name the certificate is checked against: the server name, else the host connected to. */
function verifiedName(options: TlsClientOptions, hostname: string): string {
  return options.servername ? options.servername : hostname;
}

/** The server name sent (SNI): none for an IP address. */
function sniName(name: string): string | undefined {
  return isIpLiteral(name) ? undefined : name;
}

/** `Transport.connectTls` on Deno. */
export async function connectDenoTls(options: ConnectOptions & TlsClientOptions): Promise<Conn> {
  const hostname = options.hostname ?? "127.0.0.1";
  const target = formatTarget(hostname, options.port);
  const problem = checkClient(options, false);
  if (problem !== undefined) throw problem;
  const signal = options.signal;
  if (signal?.aborted) {
    throw new NetError("ERR_ABORTED", `connect ${target} aborted`, {
      cause: signal.reason,
      syscall: "connect",
    });
  }
  let conn: DenoTlsConn;
  try {
    conn = await api().connectTls({
      port: options.port,
      hostname,
      ...(options.ca === undefined ? {} : { caCerts: options.ca }),
      ...(options.alpnProtocols === undefined ? {} : { alpnProtocols: options.alpnProtocols }),
      ...(options.cert === undefined ? {} : { cert: options.cert, key: options.key }),
      ...(options.servername ? { [SERVER_NAME]: options.servername } : {}),
    });
  } catch (error) {
    if (error instanceof TypeError) {
      throw new NetError("EINVAL", `connect ${target}: ${error.message}`, {
        cause: error,
        syscall: "connect",
      });
    }
    throw toNetError(error, "connect", target);
  }
  const info = await handshake(
    conn,
    options.handshakeTimeout ?? HANDSHAKE_TIMEOUT,
    signal,
    () => target,
  );
  return new DenoTlsConnAdapter(
    conn,
    new DenoTlsInfo(info.alpnProtocol, sniName(verifiedName(options, hostname)), true),
    options.readBuffer,
  );
}

/** `Transport.startTls` on Deno. */
export async function startDenoTls(
  conn: Conn,
  options: TlsClientOptions & { unread?: Uint8Array[] },
): Promise<Conn> {
  if (!(conn instanceof DenoStreamConn) || "tls" in conn) {
    throw new NetError("EINVAL", "startTls needs a plain connection of the Deno transport", {
      syscall: "starttls",
    });
  }
  const problem = checkClient(options, true);
  if (problem !== undefined) throw problem;
  if (options.unread !== undefined && options.unread.some((chunk) => chunk.length > 0)) {
    throw unsupported(
      "take bytes already read from the connection into the TLS stream",
      "starttls",
    );
  }
  const remote = conn.remoteAddr;
  const hostname = remote.transport === "unix" ? "localhost" : remote.hostname;
  const servername = verifiedName(options, hostname);
  const target = remote.transport === "unix" ? remote.path : formatTarget(hostname, remote.port);
  const raw = await conn.release();
  let tlsConn: DenoTlsConn;
  try {
    tlsConn = await api().startTls(raw, {
      hostname: servername,
      ...(options.ca === undefined ? {} : { caCerts: options.ca }),
      ...(options.alpnProtocols === undefined ? {} : { alpnProtocols: options.alpnProtocols }),
    });
  } catch (error) {
    try {
      raw.close();
    } catch {
      // Consumed or closed already.
    }
    throw toNetError(error, "starttls", target);
  }
  const info = await handshake(
    tlsConn,
    options.handshakeTimeout ?? HANDSHAKE_TIMEOUT,
    options.signal,
    () => target,
  );
  return new DenoTlsConnAdapter(
    tlsConn,
    new DenoTlsInfo(info.alpnProtocol, sniName(servername), true),
  );
}
