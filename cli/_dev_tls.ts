// TLS material for the CLI's servers: a leaf issued on the fly by the
// development CA on disk (`--tls auto`, the demo), or a certificate and key
// read from files (`--tls CERT,KEY`).

import { readFile } from "node:fs/promises";
import { join } from "node:path";
import process from "node:process";
import { DEV_CA_FILES, type DevCa, issueDevCertificate, loadOrCreateDevCa } from "../crypto/mod.ts";
import { dataDirectory, devCaDirectory, fileDevCaStore } from "../tls/dev_ca_store.ts";
import { UsageError } from "./_command.ts";

/** A certificate chain and key for a listener, and where they came from. */
export interface TlsMaterial {
  /** The chain (PEM), leaf first. */
  cert: string;
  /** The leaf's private key (PEM). */
  key: string;
  /** The development CA that issued the leaf (`auto` only). */
  ca?: DevCa;
  /** The dev root's file, for trust instructions (`auto` only). */
  caPath?: string;
  /** Whether the dev CA was made just now. */
  caCreated?: boolean;
}

/** `user@host`, to tell development roots apart (mkcert's habit). */
export function userAtHost(): string {
  const user = process.env.USER ?? process.env.USERNAME ?? "user";
  const host = process.env.HOSTNAME ?? process.env.COMPUTERNAME ?? "localhost";
  return `${user}@${host}`;
}

/** A leaf for `names` from the development CA in `dataDir` (made on first use). */
export async function devTls(
  names: readonly string[],
  dataDir: string | undefined,
): Promise<TlsMaterial> {
  const dir = devCaDirectory(dataDirectory(dataDir));
  const { ca, created } = await loadOrCreateDevCa(fileDevCaStore(dir), { unit: userAtHost() });
  const leaf = await issueDevCertificate(ca, names);
  return {
    cert: leaf.chain,
    key: leaf.privateKey,
    ca,
    caPath: join(dir, DEV_CA_FILES.certificate),
    caCreated: created,
  };
}

/** Reads `--tls CERT,KEY` (or `auto`, issued for `names`). */
export async function tlsFromOption(
  value: string,
  names: readonly string[],
  dataDir: string | undefined,
): Promise<TlsMaterial> {
  if (value === "auto") return await devTls(names, dataDir);
  const parts = value.split(",");
  if (parts.length !== 2 || parts[0] === "" || parts[1] === "") {
    throw new UsageError(`--tls needs "auto" or CERT,KEY (two PEM files), not "${value}"`);
  }
  const [cert, key] = await Promise.all(parts.map((path) => readFile(path, "utf8")));
  return { cert, key };
}
