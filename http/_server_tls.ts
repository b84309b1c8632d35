// TLS for the HTTP servers (`serve({ tls })`, `createServer({ tls })`,
// `https.createServer`): the listen options handed to `_listen.ts`, with
// HTTP/1.1 announced by ALPN, and `tls: "auto"`, a development certificate
// for localhost issued on the fly from the development CA on disk.

import { join } from "node:path";
import { type NetAddr, NetError } from "../adapters/mod.ts";
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
  const names = Object.entries(options.sni ?? {});
  let sni: ((servername: string) => { cert: string; key: string } | undefined) | undefined;
  if (names.length > 0) {
    const table = new SniTable();
    for (const [name, certified] of names) table.set(name, certified);
    sni = (servername) => table.lookup(servername);
  }
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
  };
}
