// Node's ways of calling `connect`: (options, cb), (port, host?, cb?), (path, cb?).

import type { SocketConnectOptions } from "./socket.ts";

/** Normalizes `connect`'s Node-style arguments. */
export function connectArguments(
  target: SocketConnectOptions | number | string,
  hostOrListener?: string | (() => void),
  maybeListener?: () => void,
): [SocketConnectOptions, (() => void) | undefined] {
  if (typeof target === "number") {
    if (typeof hostOrListener === "function") return [{ port: target }, hostOrListener];
    return [{ port: target, host: hostOrListener }, maybeListener];
  }
  if (typeof target === "string") {
    const listener = typeof hostOrListener === "function" ? hostOrListener : maybeListener;
    return [{ path: target }, listener];
  }
  return [target, typeof hostOrListener === "function" ? hostOrListener : maybeListener];
}
