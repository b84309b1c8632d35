// The request handler of `wirestack serve`: files under a root folder, with
// index.html, MIME types, validators (ETag, Last-Modified) and conditional
// requests (If-Match, If-Unmodified-Since, If-None-Match, If-Modified-Since,
// If-Range), single byte ranges, HEAD, and an optional directory listing. Paths that leave the root (by
// `..`, encoded slashes, symbolic links) and dotfiles are refused.

import { type FileHandle, open, readdir, realpath } from "node:fs/promises";
import { join, sep } from "node:path";
import { listingHtml } from "./_listing.ts";
import { contentType } from "./_mime.ts";
import { parseRange } from "./_range.ts";

/** Options of {@linkcode staticHandler}. */
export interface StaticOptions {
  /** The folder to serve. */
  root: string;
  /** List folders without an index.html (default false: 404). */
  list?: boolean;
  /** Bytes per read when streaming a file (default 64 KiB). */
  chunkSize?: number;
}

/** A response and how many body bytes it carries (for the access log). */
export interface StaticAnswer {
  response: Response;
  bytes: number;
}

function text(status: number, body: string, headers: Record<string, string> = {}): StaticAnswer {
  return {
    response: new Response(body, {
      status,
      headers: { "content-type": "text/plain; charset=utf-8", ...headers },
    }),
    bytes: new TextEncoder().encode(body).length,
  };
}

/** The path segments of a request path, or null when it must be refused. */
function segmentsOf(pathname: string): string[] | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (decoded.includes("\0") || decoded.includes("\\")) return null;
  const segments = decoded.split("/").filter((segment) => segment !== "");
  for (const segment of segments) {
    if (segment === "." || segment === "..") return null;
    if (segment.startsWith(".") && segment !== ".well-known") return null;
  }
  return segments;
}

function fileStream(handle: FileHandle, start: number, end: number, chunk: number) {
  let position = start;
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await handle.close();
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const want = Math.min(chunk, end - position);
        if (want <= 0) {
          await close();
          controller.close();
          return;
        }
        const buffer = new Uint8Array(want);
        const { bytesRead } = await handle.read(buffer, 0, want, position);
        if (bytesRead === 0) {
          await close();
          controller.error(new Error("the file shrank while it was sent"));
          return;
        }
        position += bytesRead;
        controller.enqueue(bytesRead === want ? buffer : buffer.subarray(0, bytesRead));
      } catch (error) {
        await close().catch(() => {});
        controller.error(error);
      }
    },
    async cancel() {
      await close();
    },
  }, { highWaterMark: 0 });
}

/** Weak comparison of an `If-None-Match` list with `etag` (RFC 9110 13.1.2). */
function noneMatch(header: string, etag: string): boolean {
  if (header.trim() === "*") return true;
  const opaque = etag.replace(/^W\//, "");
  return header.split(",").some((tag) => tag.trim().replace(/^W\//, "") === opaque);
}

/**
 * Makes the handler for `root` (resolved once, symbolic links included).
 * It answers GET and HEAD; other methods get 405.
 */
export async function staticHandler(
  options: StaticOptions,
): Promise<(request: Request) => Promise<StaticAnswer>> {
  const root = await realpath(options.root);
  const chunk = options.chunkSize ?? 65536;
  const inside = (path: string) =>
    path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);

  return async (request) => {
    const method = request.method;
    if (method !== "GET" && method !== "HEAD") {
      return text(405, "405 method not allowed\n", { allow: "GET, HEAD" });
    }
    const url = new URL(request.url);
    const segments = segmentsOf(url.pathname);
    if (segments === null) return text(404, "404 not found\n");
    let path: string;
    try {
      path = await realpath(join(root, ...segments));
    } catch {
      return text(404, "404 not found\n");
    }
    if (!inside(path)) return text(404, "404 not found\n");
    let handle = await open(path, "r").catch(() => null);
    if (handle === null) return text(403, "403 forbidden\n");
    let info = await handle.stat();
    if (info.isDirectory()) {
      await handle.close();
      if (!url.pathname.endsWith("/")) {
        return text(301, "301 moved permanently\n", { location: `${url.pathname}/${url.search}` });
      }
      const index = join(path, "index.html");
      handle = await open(index, "r").catch(() => null);
      if (handle === null || !(info = await handle.stat()).isFile()) {
        await handle?.close();
        if (options.list !== true) return text(404, "404 not found\n");
        const html = await listingHtml(
          path,
          url.pathname,
          await readdir(path, { withFileTypes: true }),
        );
        const body = new TextEncoder().encode(html);
        return {
          response: new Response(method === "HEAD" ? null : body, {
            headers: {
              "content-type": "text/html; charset=utf-8",
              "content-length": String(body.length),
            },
          }),
          bytes: method === "HEAD" ? 0 : body.length,
        };
      }
      path = index;
    } else if (!info.isFile()) {
      await handle.close();
      return text(404, "404 not found\n");
    }
    const size = info.size;
    const etag = `"${size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
    const modified = new Date(Math.floor(info.mtimeMs / 1000) * 1000);
    const headers: Record<string, string> = {
      "content-type": contentType(path),
      etag,
      "last-modified": modified.toUTCString(),
      "accept-ranges": "bytes",
      "cache-control": "no-cache",
    };
    // RFC 9110 13.2.2: If-Match, then If-Unmodified-Since, then If-None-Match ...
    const ifMatch = request.headers.get("if-match");
    const ifUnmodifiedSince = request.headers.get("if-unmodified-since");
    const failed = ifMatch !== null
      ? ifMatch.trim() !== "*" && !ifMatch.split(",").some((tag) => tag.trim() === etag)
      : ifUnmodifiedSince !== null && !Number.isNaN(Date.parse(ifUnmodifiedSince)) &&
        modified.getTime() > Date.parse(ifUnmodifiedSince);
    if (failed) {
      await handle.close();
      return text(412, "412 precondition failed\n", { etag });
    }
    const ifNoneMatch = request.headers.get("if-none-match");
    const ifModifiedSince = request.headers.get("if-modified-since");
    const notModified = ifNoneMatch !== null
      ? noneMatch(ifNoneMatch, etag)
      : ifModifiedSince !== null && !Number.isNaN(Date.parse(ifModifiedSince)) &&
        modified.getTime() <= Date.parse(ifModifiedSince);
    if (notModified) {
      await handle.close();
      delete headers["content-type"];
      delete headers["accept-ranges"];
      return { response: new Response(null, { status: 304, headers }), bytes: 0 };
    }
    const ifRange = request.headers.get("if-range");
    const rangeHeader = ifRange === null || ifRange === etag || ifRange === headers["last-modified"]
      ? request.headers.get("range")
      : null;
    const range = parseRange(rangeHeader, size);
    if (range.kind === "unsatisfiable") {
      await handle.close();
      return text(416, "416 range not satisfiable\n", { "content-range": `bytes */${size}` });
    }
    let start = 0;
    let end = size;
    let status = 200;
    if (range.kind === "partial") {
      ({ start, end } = range);
      status = 206;
      headers["content-range"] = `bytes ${start}-${end - 1}/${size}`;
    }
    headers["content-length"] = String(end - start);
    if (method === "HEAD" || end === start) {
      await handle.close();
      return { response: new Response(null, { status, headers }), bytes: 0 };
    }
    return {
      response: new Response(fileStream(handle, start, end, chunk), { status, headers }),
      bytes: end - start,
    };
  };
}
