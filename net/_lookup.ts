// The default resolver of every connect by name: the transport's lookup, except
// for localhost names, which RFC 6761 section 6.3 says resolvers should answer
// with the loopback address themselves (browsers do). Answering here skips a
// getaddrinfo call per connection and keeps /etc/hosts from sending
// "localhost" off the machine.

import type { LookupAddress, Transport } from "../adapters/mod.ts";

/** Resolves one family of a name, as `happyEyeballs` asks. */
export type FamilyLookup = (
  hostname: string,
  options: { family: 4 | 6 },
) => Promise<LookupAddress[]>;

/** Whether `hostname` is "localhost" or a name under it (RFC 6761 section 6.3). */
export function isLocalhostName(hostname: string): boolean {
  const name = (hostname.endsWith(".") ? hostname.slice(0, -1) : hostname).toLowerCase();
  return name === "localhost" || name.endsWith(".localhost");
}

/** The transport's lookup, with localhost names answered by the loopback address. */
export function defaultLookup(transport: Transport): FamilyLookup {
  return (hostname, { family }) =>
    isLocalhostName(hostname)
      ? Promise.resolve([{ address: family === 6 ? "::1" : "127.0.0.1", family }])
      : transport.lookup(hostname, { family });
}
