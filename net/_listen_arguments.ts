// Node's ways of calling `listen`: (options, cb), (port, host?, cb?), (port, cb),
// (path, cb?); and the check of the port they give.

import { NetError } from "../adapters/mod.ts";

/** What every `listen` overload names: where to listen. */
export interface ListenTarget {
  port?: number;
  host?: string;
  path?: string;
}

/**
 * Normalizes `listen`'s Node-style arguments into options and a listener.
 * `O` is the server's options type, whose every member is optional.
 */
export function listenArguments<O extends ListenTarget>(
  target: O | number | string | undefined,
  hostOrListener?: string | (() => void),
  maybeListener?: () => void,
): [O, (() => void) | undefined] {
  const listener = typeof hostOrListener === "function" ? hostOrListener : maybeListener;
  if (typeof target === "object") return [target, listener];
  if (typeof target === "string") return [{ path: target } as O, listener];
  if (typeof hostOrListener === "function") return [{ port: target } as O, hostOrListener];
  const host = hostOrListener === undefined ? {} : { host: hostOrListener };
  return [{ port: target, ...host } as O, maybeListener];
}

/** The port to listen on (default 0); throws `EINVAL` for one out of range. */
export function listenPort(options: ListenTarget): number {
  const port = options.port ?? 0;
  if (options.path === undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
    throw new NetError("EINVAL", `listen needs a port from 0 to 65535, not ${port}`, {
      syscall: "listen",
    });
  }
  return port;
}
