// TLS for the HTTP servers (`serve({ tls })`, `createServer({ tls })`,
// `https.createServer`): the listen options handed to `_listen.ts`, with
// HTTP/1.1 announced by ALPN, and `tls: "auto"`, a development certificate
// for localhost issued on the fly from the development CA on disk.

import { join } from "node:path";
import {
  type Listener,
  type NetAddr,
  NetError,
  type TlsCertifiedKey,
  type TlsListener,
} from "../adapters/mod.ts";
import {
  DEFAULT_DEV_NAMES,
  DEV_CA_FILES,
  type DevCa,
  type DevCertificate,
  issueDevCertificate,
  loadOrCreateDevCa,
} from "../crypto/mod.ts";
import type { TlsClientErrorInfo, TlsServerSecureOptions } from "../tls/mod.ts";
import { dataDirectory, devCaDirectory, fileDevCaStore } from "../tls/dev_ca_store.ts";
import { adapterServerOptions, type AdapterServerTls } from "../tls/_secure_options.ts";
import { SniTable } from "../tls/_sni.ts";
import type { ListenTls } from "./_listen.ts";

/** TLS for an HTTP server: a certificate and its options, or `"auto"` (a development certificate). */
export type ServerTlsOption = TlsServerSecureOptions | "auto";

/** The development CA behind `tls: "auto"`: where its root is, to trust it. */
export interface DevCaInfo {
  /** The root certificate's file (`rootCA.pem`): what clients and browsers trust. */
  readonly rootPath: string;
  /** The folder holding the root and its key. */
  readonly directory: string;
  /** The root certificate (PEM). */
  readonly root: string;
  /** Whether the root was created by this server (first use on this machine). */
  readonly created: boolean;
  /** The names the server's certificate holds (`localhost`, `127.0.0.1`, `::1`). */
  readonly names: readonly string[];
  /** The server certificate's end of validity. */
  readonly notAfter: Date;
}

/** What listening with TLS needs: the adapter's options, and the dev CA for `"auto"`. */
export interface ServerTls {
  readonly listen: ListenTls;
  readonly devCa: DevCaInfo | null;
  /** Changes certificates while listening (`https.Server`'s `setSecureContext` ...). */
  readonly control: TlsControl;
}

/**
 * Certificates of a listening HTTPS server, changed without a restart: the
 * default one (the listener's) and those chosen by SNI (a table the
 * listener's callback reads). Where the runtime keeps its first answer per
 * name (Deno's native TLS), changes while listening are `ENOTSUP`.
 */
export class TlsControl {
  readonly #sni: SniTable;
  readonly #reloads: boolean;
  #listener: TlsListener | null = null;

  constructor(sni: SniTable, reloads: boolean) {
    this.#sni = sni;
    this.#reloads = reloads;
  }

  /** The listener the server got (called once it listens). */
  attach(listener: Listener): void {
    this.#listener = listener as TlsListener;
  }

  /** Replaces the default certificate for the next handshakes. */
  setCertificate(certified: TlsCertifiedKey): void {
    if (typeof certified?.cert !== "string" || typeof certified.key !== "string") {
      throw new NetError("EINVAL", "setSecureContext needs cert and key (PEM text)");
    }
    this.#check("setSecureContext");
    this.#listener?.setCertificate({ cert: certified.cert, key: certified.key });
  }

  /** Adds or replaces the certificate served for `hostname` (exact or `*.` wildcard). */
  addContext(hostname: string, certified: TlsCertifiedKey): void {
    this.#check("addContext");
    this.#sni.set(hostname, certified);
  }

  /** Stops serving a name's own certificate; returns whether it had one. */
  removeContext(hostname: string): boolean {
    this.#check("removeContext");
    return this.#sni.delete(hostname);
  }

  #check(method: string): void {
    if (this.#listener === null || this.#reloads) return;
    throw new NetError(
      "ENOTSUP",
      `${method}: Deno's native TLS keeps the certificate it first chose for each server name ` +
        "while listening; set certificates before listen(), or use transport: nodeTransport " +
        "(Deno's node:tls), which reloads",
      { syscall: method },
    );
  }
}

/** The TLS control of each server that listens with TLS (for `https.Server`'s methods). */
const controls = new WeakMap<object, TlsControl>();

/** Records `control` as `server`'s. */
export function setTlsControl(server: object, control: TlsControl): void {
  controls.set(server, control);
}

/** `server`'s TLS control, once it listens with TLS; `undefined` before. */
export function tlsControlOf(server: object): TlsControl | undefined {
  return controls.get(server);
}

/** The only application protocols an HTTP/1.1 server may announce. */
const HTTP1_ALPN = new Set(["http/1.1", "http/1.0"]);

/** Issued development certificates, per CA folder, for the life of the process. */
const autoCertificates = new Map<
  string,
  Promise<{ ca: DevCa; created: boolean; leaf: DevCertificate }>
>();

async function loadCa(directory: string): Promise<{ ca: DevCa; created: boolean }> {
  const store = fileDevCaStore(directory);
  try {
    return await loadOrCreateDevCa(store);
  } catch (error) {
    // Another process may be writing the root at this moment: read it again once.
    await new Promise((resolve) => setTimeout(resolve, 250));
    try {
      return await loadOrCreateDevCa(store);
    } catch {
      throw error;
    }
  }
}

function autoCertificate(directory: string) {
  let made = autoCertificates.get(directory);
  if (made === undefined) {
    made = loadCa(directory).then(async ({ ca, created }) => ({
      ca,
      created,
      leaf: await issueDevCertificate(ca, DEFAULT_DEV_NAMES),
    }));
    made.catch(() => autoCertificates.delete(directory));
    autoCertificates.set(directory, made);
  }
  return made;
}

/**
 * Resolves `option` into listen options. `onHandshakeError` hears about
 * clients whose handshake failed (the server serves on).
 */
export async function serverTls(
  option: ServerTlsOption,
  devCaDir: string | undefined,
  reloads: boolean,
  onHandshakeError: (error: NetError, client: TlsClientErrorInfo) => void,
): Promise<ServerTls> {
  let options: TlsServerSecureOptions;
  let devCa: DevCaInfo | null = null;
  if (option === "auto") {
    const directory = devCaDir ?? devCaDirectory(dataDirectory());
    const { ca, created, leaf } = await autoCertificate(directory);
    options = { cert: leaf.chain, key: leaf.privateKey };
    devCa = {
      rootPath: join(directory, DEV_CA_FILES.certificate),
      directory,
      root: ca.certificate,
      created,
      names: DEFAULT_DEV_NAMES,
      notAfter: leaf.notAfter,
    };
  } else {
    if (typeof option?.cert !== "string" || typeof option.key !== "string") {
      throw new NetError("EINVAL", 'tls needs cert and key (PEM text), or "auto"');
    }
    if (option.rejectUnauthorized === false && !option.requestCert) {
      throw new NetError("EINVAL", "tls.rejectUnauthorized only applies with requestCert");
    }
    options = option;
  }
  const alpn = options.alpnProtocols ?? options.ALPNProtocols ?? ["http/1.1"];
  for (const protocol of alpn) {
    if (!HTTP1_ALPN.has(protocol)) {
      throw new NetError(
        "EINVAL",
        `an HTTP/1.1 server cannot announce "${protocol}" by ALPN (http/1.1 and http/1.0 only)`,
      );
    }
  }
  const base: AdapterServerTls = adapterServerOptions(
    { ...options, alpnProtocols: alpn },
    { cert: options.cert, key: options.key },
  );
  const table = new SniTable();
  for (const [name, certified] of Object.entries(options.sni ?? {})) table.set(name, certified);
  // Where certificates cannot change while listening, an empty table needs no callback
  // (Deno's resolver costs ~30 us per handshake).
  const sni = table.size === 0 && !reloads
    ? undefined
    : (servername: string) => table.size === 0 ? undefined : table.lookup(servername);
  return {
    listen: {
      ...base,
      ...(sni === undefined ? {} : { sni }),
      onHandshakeError: (error, remote) =>
        onHandshakeError(
          error,
          remote.transport === "unix" || remote.hostname === "" ? {} : {
            remoteAddress: (remote as NetAddr).hostname,
            remotePort: (remote as NetAddr).port,
            remoteFamily: (remote as NetAddr).family,
          },
        ),
    },
    devCa,
    control: new TlsControl(table, reloads),
  };
}
