// Node's https API spreads TLS options flat among the others (`{ ca, cert,
// key, servername, ... }`); wirestack's client keeps them under `tls`. This
// gathers the flat ones.

import type { ClientTlsOptions } from "../http/mod.ts";

const CLIENT_FIELDS = [
  "ca",
  "servername",
  "cert",
  "key",
  "checkPeer",
  "verifyPeer",
  "dangerouslyDisableVerification",
  "rejectUnauthorized",
  "minVersion",
  "maxVersion",
] as const;

/** The client TLS options among `options`' own, merged under its `tls`; `undefined` when none. */
export function clientTlsOf(
  options: ClientTlsOptions & { tls?: ClientTlsOptions },
): ClientTlsOptions | undefined {
  let found: Record<string, unknown> | undefined;
  for (const field of CLIENT_FIELDS) {
    const value = options[field];
    if (value !== undefined) (found ??= {})[field] = value;
  }
  if (found === undefined) return options.tls;
  return { ...(found as ClientTlsOptions), ...options.tls };
}
