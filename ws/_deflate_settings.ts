// Turns the `deflate` option into what the handshake and the connection need.

import type { DeflateProvider, PerMessageDeflateOptions } from "../protocols/websocket/mod.ts";
import { createDeflateProvider } from "./deflate.ts";
import type { DeflateOptions } from "./options.ts";

/** The resolved `deflate` option. */
export interface DeflateSettings {
  negotiate: PerMessageDeflateOptions;
  provider: DeflateProvider;
  threshold: number | undefined;
}

let shared: DeflateProvider | null = null;

/** Resolves the option; null when compression is off. */
export function deflateSettings(
  option: boolean | DeflateOptions | undefined,
): DeflateSettings | null {
  if (option === undefined || option === false) return null;
  const { threshold, level, provider, ...negotiate } = option === true ? {} : option;
  return {
    negotiate,
    provider: provider ??
      (level === undefined
        ? (shared ??= createDeflateProvider())
        : createDeflateProvider({ level })),
    threshold,
  };
}
