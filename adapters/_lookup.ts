// Name resolution through the system resolver (`getaddrinfo`, which reads
// /etc/hosts), shared by both adapters. `node:dns` exists under Node and in Deno's
// Node compatibility layer; `Deno.resolveDns` would ask DNS servers only and miss
// `localhost` and /etc/hosts. Loaded on first use, so programs that never resolve
// a name never load it.

import { toNetError } from "./errors.ts";
import type { LookupAddress, LookupOptions } from "./types.ts";

type Dns = typeof import("node:dns");

let dns: Promise<Dns> | undefined;

/** Resolves `hostname` with `getaddrinfo`, in the resolver's order. */
export async function systemLookup(
  hostname: string,
  options: LookupOptions = {},
): Promise<LookupAddress[]> {
  const { promises } = await (dns ??= import("node:dns"));
  try {
    const found = await promises.lookup(hostname, {
      all: true,
      family: options.family ?? 0,
      verbatim: true,
    });
    return found.map(({ address, family }) => ({ address, family: family === 6 ? 6 : 4 }));
  } catch (error) {
    throw toNetError(error, "getaddrinfo", hostname);
  }
}
