// The certificates a server chooses from by the name a client asks for (SNI):
// exact names, and wildcards that stand for exactly one left-most label
// (`*.example.com` covers `a.example.com`, not `example.com` nor
// `a.b.example.com`), as RFC 9525 section 6.3 matches them.

import { NetError, type TlsCertifiedKey } from "../adapters/mod.ts";

/** A server name in the form the table keys it: lower case, no trailing dot. */
function canonical(name: string): string {
  const lower = name.trim().toLowerCase();
  return lower.endsWith(".") ? lower.slice(0, -1) : lower;
}

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** Checks a name given to `addContext` (exact, or `*.` and at least two labels). */
function checkName(name: string): string {
  const key = canonical(name);
  const labels = key.split(".");
  const wildcard = labels[0] === "*";
  const rest = wildcard ? labels.slice(1) : labels;
  const valid = key.length <= 253 && rest.length >= (wildcard ? 2 : 1) &&
    rest.every((label) => LABEL.test(label) || /^xn--[a-z0-9-]+$/.test(label));
  if (!valid) {
    throw new NetError(
      "EINVAL",
      `"${name}" is not a server name for SNI (a host name, or "*." and a name of at least two labels)`,
    );
  }
  return key;
}

/** Certificates by server name: exact names first, then a wildcard one label up. */
export class SniTable {
  readonly #exact = new Map<string, TlsCertifiedKey>();
  /** Keyed by the part after `*.`. */
  readonly #wildcard = new Map<string, TlsCertifiedKey>();

  /** Whether any name was added. */
  get size(): number {
    return this.#exact.size + this.#wildcard.size;
  }

  /** Adds (or replaces) the certificate for `name` (`example.com` or `*.example.com`). */
  set(name: string, certified: TlsCertifiedKey): void {
    const key = checkName(name);
    const copy = { cert: certified.cert, key: certified.key };
    if (key.startsWith("*.")) this.#wildcard.set(key.slice(2), copy);
    else this.#exact.set(key, copy);
  }

  /** Removes the certificate for `name`; returns whether there was one. */
  delete(name: string): boolean {
    const key = canonical(name);
    return key.startsWith("*.") ? this.#wildcard.delete(key.slice(2)) : this.#exact.delete(key);
  }

  /** The certificate for a name a client asked for, or `undefined` for the default one. */
  lookup(servername: string): TlsCertifiedKey | undefined {
    const key = canonical(servername);
    const exact = this.#exact.get(key);
    if (exact !== undefined) return exact;
    const dot = key.indexOf(".");
    if (dot <= 0) return undefined;
    return this.#wildcard.get(key.slice(dot + 1));
  }
}
