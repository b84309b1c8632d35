// Happy Eyeballs version 2 (RFC 8305): connect to a host name by racing its
// IPv6 and IPv4 addresses, without giving up on a slow but working route.
//
// - Both families are resolved at once (section 3). An IPv6 answer starts the
//   attempts at once; an IPv4 answer that comes first waits up to the
//   Resolution Delay (50 ms) for the IPv6 one. Addresses that arrive later join
//   the list of those not tried yet.
// - Addresses are tried alternating families, IPv6 first (section 4, with a
//   First Address Family Count of 1), in the resolver's order within a family.
// - A new attempt starts when the previous one fails, or when the Connection
//   Attempt Delay (250 ms) passes without an answer (section 5). Attempts
//   already started keep going: the first connection to succeed wins, and the
//   others are cancelled (section 6), or closed if they connect later.
// - With every address tried and every attempt failed, the error names each
//   attempt; its code is theirs when they agree (all ECONNREFUSED: ECONNREFUSED)
//   and the last one's otherwise.

import { type Conn, type LookupAddress, NetError, toNetError } from "../adapters/mod.ts";
import { isIP } from "./ip.ts";

/** RFC 8305 section 5: the recommended Connection Attempt Delay. */
export const CONNECTION_ATTEMPT_DELAY = 250;
/** RFC 8305 section 5: attempts may not follow each other faster than this. */
export const MIN_CONNECTION_ATTEMPT_DELAY = 10;
/** RFC 8305 section 3: how long an IPv4 answer waits for the IPv6 one. */
export const RESOLUTION_DELAY = 50;

/** What `happyEyeballs` needs. */
export interface HappyEyeballsOptions {
  /** A host name or an IP literal (which is tried alone). */
  hostname: string;
  /** Only this family (4 or 6); 0 for both. */
  family: 0 | 4 | 6;
  /** Resolves one family of the name. */
  lookup(hostname: string, options: { family: 4 | 6 }): Promise<LookupAddress[]>;
  /** One connection attempt; must honour `signal`. */
  connect(address: string, family: 4 | 6, signal: AbortSignal): Promise<Conn>;
  /** Milliseconds before the next attempt starts alongside; `Infinity`: one at a time. */
  attemptDelay: number;
  /** Milliseconds an IPv4 answer waits for the IPv6 one. */
  resolutionDelay?: number;
  /** Cancels everything; a `NetError` reason becomes the error. */
  signal?: AbortSignal;
  /** Called as each attempt starts. */
  onAttempt?(address: string, family: 4 | 6): void;
  /** Called as each attempt fails. */
  onAttemptFailed?(address: string, family: 4 | 6, error: NetError): void;
}

interface Attempt {
  address: string;
  family: 4 | 6;
  controller: AbortController;
}

function abortError(signal: AbortSignal, hostname: string): NetError {
  const reason = signal.reason;
  if (reason instanceof NetError) return reason;
  return new NetError("ERR_ABORTED", `connect ${hostname} aborted`, {
    cause: reason,
    syscall: "connect",
  });
}

/** Connects to the first address of `hostname` that answers (RFC 8305). */
export function happyEyeballs(options: HappyEyeballsOptions): Promise<Conn> {
  const { hostname, signal } = options;
  if (signal?.aborted) return Promise.reject(abortError(signal, hostname));
  const attemptDelay = Math.max(options.attemptDelay, MIN_CONNECTION_ATTEMPT_DELAY);
  const resolutionDelay = options.resolutionDelay ?? RESOLUTION_DELAY;

  return new Promise<Conn>((resolve, reject) => {
    const untried: Record<4 | 6, LookupAddress[]> = { 4: [], 6: [] };
    const seen = new Set<string>();
    const attempts = new Set<Attempt>();
    const failures: Array<{ address: string; error: NetError }> = [];
    const lookupErrors: NetError[] = [];
    let pendingLookups = 0;
    let v6Pending = false;
    let started = false;
    let lastFamily: 4 | 6 | 0 = 0;
    let done = false;
    let nextTimer: ReturnType<typeof setTimeout> | undefined;
    let resolutionTimer: ReturnType<typeof setTimeout> | undefined;

    const clearTimers = () => {
      clearTimeout(nextTimer);
      clearTimeout(resolutionTimer);
      nextTimer = resolutionTimer = undefined;
    };

    const finish = (conn: Conn | null, error?: NetError) => {
      done = true;
      clearTimers();
      signal?.removeEventListener("abort", onAbort);
      for (const attempt of attempts) attempt.controller.abort();
      attempts.clear();
      if (conn !== null) resolve(conn);
      else reject(error);
    };

    const onAbort = () => {
      if (!done) finish(null, abortError(signal as AbortSignal, hostname));
    };
    signal?.addEventListener("abort", onAbort, { once: true });

    const add = (addresses: LookupAddress[]) => {
      for (const found of addresses) {
        if (seen.has(found.address)) continue;
        if (options.family !== 0 && found.family !== options.family) continue;
        seen.add(found.address);
        untried[found.family].push(found);
      }
    };

    /** The next address: alternate families, IPv6 first. */
    const take = (): LookupAddress | undefined => {
      const preferred: 4 | 6 = lastFamily === 6 ? 4 : 6;
      const other: 4 | 6 = preferred === 6 ? 4 : 6;
      return untried[preferred].shift() ?? untried[other].shift();
    };

    const failAll = () => {
      if (failures.length === 0) {
        const error = lookupErrors[0] ??
          new NetError("ENOTFOUND", `no address found for ${hostname}`, { syscall: "getaddrinfo" });
        finish(null, error);
        return;
      }
      const last = failures[failures.length - 1].error;
      const tried = failures.map((failure) => `${failure.address} (${failure.error.code})`);
      finish(
        null,
        new NetError(last.code, `connect ${hostname} failed: ${tried.join(", ")}`, {
          cause: failures.length === 1 ? last : failures.map((failure) => failure.error),
          syscall: "connect",
        }),
      );
    };

    const startNext = () => {
      if (done) return;
      clearTimeout(nextTimer);
      nextTimer = undefined;
      const next = take();
      if (next === undefined) {
        if (attempts.size === 0 && pendingLookups === 0) failAll();
        // Otherwise an attempt or a lookup is still out: its outcome calls again.
        return;
      }
      lastFamily = next.family;
      const attempt: Attempt = {
        address: next.address,
        family: next.family,
        controller: new AbortController(),
      };
      attempts.add(attempt);
      options.onAttempt?.(next.address, next.family);
      options.connect(next.address, next.family, attempt.controller.signal).then(
        (conn) => {
          attempts.delete(attempt);
          if (done) conn.close();
          else finish(conn);
        },
        (error: unknown) => {
          attempts.delete(attempt);
          if (done) return;
          const netError = toNetError(error, "connect", next.address);
          failures.push({ address: next.address, error: netError });
          options.onAttemptFailed?.(next.address, next.family, netError);
          startNext();
        },
      );
      if (Number.isFinite(attemptDelay)) nextTimer = setTimeout(startNext, attemptDelay);
    };

    const begin = () => {
      if (started || done) return;
      started = true;
      clearTimeout(resolutionTimer);
      resolutionTimer = undefined;
      startNext();
    };

    const resolved = (family: 4 | 6, addresses: LookupAddress[], error?: NetError) => {
      pendingLookups--;
      if (family === 6) v6Pending = false;
      if (done) return;
      if (error !== undefined) lookupErrors.push(error);
      add(addresses);
      if (!started) {
        if (family === 4 && v6Pending && addresses.length > 0) {
          resolutionTimer ??= setTimeout(begin, resolutionDelay);
          return;
        }
        if (untried[4].length + untried[6].length > 0 || pendingLookups === 0) begin();
        return;
      }
      // Late addresses: now if nothing is in flight, else on the attempt schedule.
      if (attempts.size === 0) startNext();
      else if (nextTimer === undefined && Number.isFinite(attemptDelay)) {
        nextTimer = setTimeout(startNext, attemptDelay);
      }
    };

    const literal = isIP(hostname);
    if (literal !== 0) {
      add([{ address: hostname, family: literal }]);
      if (untried[literal].length === 0) {
        finish(
          null,
          new NetError("EAFNOSUPPORT", `${hostname} is not an IPv${options.family} address`, {
            syscall: "connect",
          }),
        );
        return;
      }
      begin();
      return;
    }
    const families: Array<4 | 6> = options.family === 0 ? [6, 4] : [options.family];
    for (const family of families) {
      pendingLookups++;
      if (family === 6) v6Pending = true;
      options.lookup(hostname, { family }).then(
        (addresses) => resolved(family, addresses),
        (error: unknown) => resolved(family, [], toNetError(error, "getaddrinfo", hostname)),
      );
    }
  });
}
