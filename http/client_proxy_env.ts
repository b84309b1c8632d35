/**
 * Which proxy a URL goes through, by curl's rules for the environment
 * variables (`man curl`, "ENVIRONMENT"), for agents created with
 * `proxyFromEnv: true`:
 *
 * - `http://` URLs use `http_proxy`, in lowercase only (curl ignores
 *   `HTTP_PROXY`, which a CGI program's caller can set through a `Proxy:`
 *   request header: "httpoxy");
 * - `https://` (and `wss://`) URLs use `https_proxy` or `HTTPS_PROXY`;
 * - either falls back to `all_proxy` or `ALL_PROXY`;
 * - a proxy given without a scheme is `http://`;
 * - `no_proxy` (or `NO_PROXY`) lists hosts reached directly, separated by
 *   commas or spaces: `*` for every host; a name matches itself and its
 *   subdomains (a leading dot changes nothing: `.example.com` and
 *   `example.com` both match `www.example.com`); an IP address matches itself;
 *   `address/bits` matches a range (CIDR); IPv6 may be written in brackets.
 *   Ports are not compared.
 *
 * @example Reading a proxy setting
 * ```ts
 * import { proxyFromEnv } from "./client_proxy_env.ts";
 *
 * const env = { https_proxy: "proxy.internal:3128", no_proxy: "localhost,.corp,10.0.0.0/8" };
 * console.log(proxyFromEnv("https://example.com/", env)); // "http://proxy.internal:3128"
 * console.log(proxyFromEnv("https://build.corp/", env)); // null
 * console.log(proxyFromEnv("http://10.1.2.3/", env)); // null (and http_proxy is not set)
 * ```
 *
 * @module
 */

import { isIP } from "../net/ip.ts";

/** Environment variables as a plain record (`process.env`, or `Deno.env.toObject()`). */
export type ProxyEnv = Record<string, string | undefined>;

function pick(env: ProxyEnv, ...names: string[]): string | undefined {
  for (const name of names) {
    const value = env[name];
    if (value !== undefined && value.trim() !== "") return value.trim();
  }
  return undefined;
}

/**
 * The proxy URL for `url` under `env`, or `null` to connect directly.
 *
 * @param url the request URL
 * @param env the environment variables
 * @returns the proxy URL (with a scheme), or `null`
 *
 * @example
 * ```ts
 * import { proxyFromEnv } from "./client_proxy_env.ts";
 *
 * console.assert(proxyFromEnv("http://a.test/", { HTTP_PROXY: "http://p:8080" }) === null);
 * console.assert(proxyFromEnv("http://a.test/", { http_proxy: "http://p:8080" }) === "http://p:8080");
 * ```
 */
export function proxyFromEnv(url: string | URL, env: ProxyEnv): string | null {
  const parsed = typeof url === "string" ? new URL(url) : url;
  const protocol = parsed.protocol;
  const secure = protocol === "https:" || protocol === "wss:";
  if (!secure && protocol !== "http:" && protocol !== "ws:") return null;
  const proxy = secure
    ? pick(env, "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY")
    : pick(env, "http_proxy", "all_proxy", "ALL_PROXY");
  if (proxy === undefined) return null;
  const noProxy = pick(env, "no_proxy", "NO_PROXY");
  if (noProxy !== undefined && bypassesProxy(parsed.hostname, noProxy)) return null;
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(proxy) ? proxy : `http://${proxy}`;
}

/**
 * Whether `hostname` is reached directly according to a `no_proxy` list.
 *
 * @param hostname the host (a name, an IPv4 address, an IPv6 address with or without brackets)
 * @param noProxy the list: names, addresses and CIDR ranges, separated by commas or spaces
 * @returns true when the host is on the list
 *
 * @example
 * ```ts
 * import { bypassesProxy } from "./client_proxy_env.ts";
 *
 * console.assert(bypassesProxy("api.example.com", "example.com"));
 * console.assert(!bypassesProxy("badexample.com", "example.com"));
 * console.assert(bypassesProxy("::1", "[::1]"));
 * console.assert(bypassesProxy("192.168.4.20", "192.168.0.0/16"));
 * ```
 */
export function bypassesProxy(hostname: string, noProxy: string): boolean {
  let host = hostname.toLowerCase();
  if (host.startsWith("[") && host.endsWith("]")) host = host.slice(1, -1);
  if (host.endsWith(".")) host = host.slice(0, -1);
  const hostFamily = isIP(host);
  for (let entry of noProxy.split(/[\s,]+/)) {
    entry = entry.trim().toLowerCase();
    if (entry === "") continue;
    if (entry === "*") return true;
    if (entry.startsWith("[")) {
      const close = entry.indexOf("]");
      entry = close > 0 ? entry.slice(1, close) + entry.slice(close + 1) : entry.slice(1);
    }
    const slash = entry.indexOf("/");
    if (slash > 0) {
      if (
        hostFamily !== 0 && inRange(host, hostFamily, entry.slice(0, slash), entry.slice(slash + 1))
      ) {
        return true;
      }
      continue;
    }
    if (hostFamily !== 0) {
      if (isIP(entry) === hostFamily && sameAddress(host, entry, hostFamily)) return true;
      continue;
    }
    if (entry.startsWith(".")) entry = entry.slice(1);
    if (entry.endsWith(".")) entry = entry.slice(0, -1);
    if (host === entry || host.endsWith(`.${entry}`)) return true;
  }
  return false;
}

function sameAddress(a: string, b: string, family: 4 | 6): boolean {
  const x = addressBytes(a, family);
  const y = addressBytes(b, family);
  return x !== null && y !== null && x.every((byte, i) => byte === y[i]);
}

function inRange(host: string, family: 4 | 6, base: string, bitsText: string): boolean {
  if (isIP(base) !== family || !/^\d{1,3}$/.test(bitsText)) return false;
  const bits = Number(bitsText);
  const x = addressBytes(host, family);
  const y = addressBytes(base, family);
  if (x === null || y === null || bits > x.length * 8) return false;
  for (let i = 0; i < x.length; i++) {
    const left = bits - i * 8;
    if (left <= 0) return true;
    const mask = left >= 8 ? 0xff : (0xff << (8 - left)) & 0xff;
    if ((x[i] & mask) !== (y[i] & mask)) return false;
  }
  return true;
}

/** The bytes of an IP address already known to be valid for `family`. */
function addressBytes(address: string, family: 4 | 6): number[] | null {
  if (family === 4) return address.split(".").map(Number);
  let text = address;
  const zone = text.indexOf("%");
  if (zone >= 0) text = text.slice(0, zone);
  let tail: number[] = [];
  const lastColon = text.lastIndexOf(":");
  if (text.includes(".", lastColon)) {
    tail = text.slice(lastColon + 1).split(".").map(Number);
    text = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const halves = text.split("::");
  const head = halves[0] === "" ? [] : halves[0].split(":");
  const rest = halves.length > 1 ? (halves[1] === "" ? [] : halves[1].split(":")) : [];
  const groups = [...head, ...new Array(8 - head.length - rest.length).fill("0"), ...rest];
  const bytes: number[] = [];
  for (const group of groups) {
    const value = parseInt(group, 16);
    bytes.push(value >> 8, value & 0xff);
  }
  if (tail.length === 4) bytes.splice(12, 4, ...tail);
  return bytes.length === 16 ? bytes : null;
}
