// `wirestack serve [DIR]`: a static file server (HTTP or HTTPS) with an access log.

import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import { serve as serveHttp } from "../../http/mod.ts";
import { type Command, flag, portOption, stringOption, UsageError } from "../_command.ts";
import { tlsFromOption } from "../_dev_tls.ts";
import { showHostPort } from "../_address.ts";
import { CliNetError } from "../_net_errors.ts";
import { staticHandler } from "../serve/static.ts";

function hostForUrl(hostname: string): string {
  if (hostname === "0.0.0.0" || hostname === "::") return "localhost";
  return hostname.includes(":") ? `[${hostname}]` : hostname;
}

/** `wirestack serve`. */
export const serve: Command = {
  name: "serve",
  summary: "serve a folder over HTTP or HTTPS (ETag, ranges, access log)",
  help:
    `usage: wirestack serve [DIR] [--port N] [--host ADDRESS] [--tls auto|CERT,KEY] [--list] [--quiet]

Serves the files under DIR (default: the current folder): index.html for
folders, content types by extension, ETag and Last-Modified with conditional
requests (304), byte ranges (206, 416), HEAD. Paths that leave DIR and
dotfiles are refused; folders without index.html are 404 unless --list.
One access-log line per request. Ctrl-C stops it.

options:
  --port N              the port (default 8000; 0: any free port)
  --host ADDRESS        the address to bind (default 127.0.0.1)
  --tls auto            HTTPS with a certificate from the development CA
                        (made on first use; see: wirestack cert ca)
  --tls CERT,KEY        HTTPS with this certificate chain and key (PEM files)
  --data-dir DIR        where the development CA lives (for --tls auto)
  --list                list folders that have no index.html
  --quiet               no access log

examples:
  wirestack serve ./public --port 8080
  wirestack serve --tls auto --port 8443
  curl -r 0-99 http://127.0.0.1:8000/video.mp4`,
  options: {
    port: { type: "string" },
    host: { type: "string" },
    tls: { type: "string" },
    "data-dir": { type: "string" },
    list: { type: "boolean" },
    quiet: { type: "boolean" },
  },
  async run(input) {
    if (input.positionals.length > 1) {
      throw new UsageError(`one folder at most, not ${input.positionals.length}`);
    }
    const root = resolve(input.positionals[0] ?? ".");
    const info = await stat(root).catch(() => null);
    if (info === null || !info.isDirectory()) throw new UsageError(`${root} is not a folder`);
    const port = portOption(input, "port", 8000);
    const hostname = stringOption(input, "host") ?? "127.0.0.1";
    const tlsOption = stringOption(input, "tls");
    const names = ["localhost", "127.0.0.1", "::1"];
    if (!names.includes(hostname) && hostname !== "0.0.0.0" && hostname !== "::") {
      names.push(hostname);
    }
    const tls = tlsOption === undefined
      ? undefined
      : await tlsFromOption(tlsOption, names, stringOption(input, "data-dir"));
    const handle = await staticHandler({ root, list: flag(input, "list") });
    const quiet = flag(input, "quiet");
    const server = serveHttp({
      port,
      hostname,
      ...(tls === undefined ? {} : { tls: { cert: tls.cert, key: tls.key } }),
      signal: input.signal,
      onError: () => new Response("500 internal server error\n", { status: 500 }),
    }, async (request, connection) => {
      const started = performance.now();
      const answer = await handle(request);
      if (!quiet) {
        const peer = connection.remoteAddr.transport === "unix"
          ? "unix"
          : connection.remoteAddr.hostname;
        const path = new URL(request.url).pathname;
        const log = (outcome: string) =>
          console.log(
            `${peer} ${request.method} ${path} ${answer.response.status} ${answer.bytes} ${
              (performance.now() - started).toFixed(1)
            } ms${outcome}`,
          );
        connection.completed.then(() => log(""), () => log(" (aborted)"));
      }
      return answer.response;
    });
    // a failed listen rejects `listening`; later errors are handler failures, answered with 500
    let listening = false;
    server.on("error", (error) => {
      if (listening && !quiet) console.error(`error: ${(error as Error)?.message ?? error}`);
    });
    const addr = await server.listening.catch((error) => {
      throw new CliNetError(`cannot listen on ${showHostPort(hostname, port)}`, error);
    });
    listening = true;
    const scheme = tls === undefined ? "http" : "https";
    console.log(
      `wirestack serve: ${root} on ${scheme}://${hostForUrl(addr.hostname)}:${addr.port}/`,
    );
    if (tls?.caPath !== undefined) {
      console.log(
        `certificate from the development CA ${tls.caPath} (trust it: wirestack cert ca)`,
      );
    }
    console.log("Ctrl-C stops it.");
    await server.finished;
    console.log("stopped");
    return 0;
  },
};
