// Where a request goes, from its URL: the parts the client needs, parsed once.
// Parsing a URL costs about a microsecond; clients ask for the same few URLs
// over and over, so the targets of recent URL strings are kept (bounded).

import { HttpClientError } from "./client_errors.ts";

/** The parts of a request URL the client uses. */
export interface Target {
  /** `"http:"` or `"https:"` (`"ws:"`/`"wss:"` are mapped to them). */
  readonly protocol: "http:" | "https:";
  /** The host name or IP address to connect to, without IPv6 brackets. */
  readonly hostname: string;
  /** The port, with the scheme's default filled in. */
  readonly port: number;
  /** The `Host` field value: the host as in the URL, with the port unless it is the default. */
  readonly host: string;
  /** The origin-form request-target: path and query (never empty; no fragment). */
  readonly path: string;
  /** `scheme://host:port`, with the port always present: the pool key of a direct connection. */
  readonly origin: string;
  /** The URL, without its fragment. */
  readonly href: string;
  /** `user:password` from the URL, percent-decoded, or `null`. */
  readonly credentials: string | null;
}

const DEFAULT_PORT: Record<string, number> = { "http:": 80, "https:": 443 };
const CACHE_LIMIT = 512;
let cache = new Map<string, Target>();

/** The target of `url` (a string or a `URL`); throws `INVALID_REQUEST` / `UNSUPPORTED_PROTOCOL`. */
export function targetOf(url: string | URL): Target {
  const key = typeof url === "string" ? url : url.href;
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
  let parsed: URL;
  try {
    parsed = typeof url === "string" ? new URL(url) : url;
  } catch (error) {
    throw new HttpClientError("INVALID_REQUEST", `invalid URL: ${key}`, {
      phase: "queue",
      cause: error,
    });
  }
  const target = fromUrl(parsed);
  if (cache.size >= CACHE_LIMIT) cache = new Map();
  cache.set(key, target);
  return target;
}

/** Builds a target from a parsed URL. */
export function fromUrl(url: URL): Target {
  let protocol = url.protocol;
  if (protocol === "ws:") protocol = "http:";
  else if (protocol === "wss:") protocol = "https:";
  if (protocol !== "http:" && protocol !== "https:") {
    throw new HttpClientError("UNSUPPORTED_PROTOCOL", `${url.protocol} URLs are not HTTP`, {
      phase: "queue",
      url: url.href,
    });
  }
  const host = url.host;
  if (url.hostname === "") {
    throw new HttpClientError("INVALID_REQUEST", `no host in ${url.href}`, { phase: "queue" });
  }
  const port = url.port === "" ? DEFAULT_PORT[protocol] : Number(url.port);
  let hostname = url.hostname;
  if (hostname.charCodeAt(0) === 0x5b) hostname = hostname.slice(1, -1); // [::1]
  const path = (url.pathname === "" ? "/" : url.pathname) + url.search;
  const credentials = url.username === "" && url.password === ""
    ? null
    : `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  const bare = url.hash === "" ? url.href : url.href.slice(0, url.href.length - url.hash.length);
  return {
    protocol: protocol as "http:" | "https:",
    hostname,
    port,
    host,
    path,
    origin: `${protocol}//${url.hostname}:${port}`,
    href: bare,
    credentials,
  };
}
