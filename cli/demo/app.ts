// The demo's HTTP routes, the same on the HTTPS and the plain HTTP server:
// the page and its assets, the live stats (JSON), the certificate, the echo
// form's endpoint (through wirestack's own HTTP client) and the relay that
// client talks to, which calls the TCP and UDP echo services.

import { transport } from "../../adapters/mod.ts";
import { Agent, fetch, type ServeHandlerInfo, type ServeResponse } from "../../http/mod.ts";
import { headObserver } from "../get/_heads.ts";
import { tapTransport } from "../get/_tap.ts";
import type { CertSummary } from "./cert_info.ts";
import type { LiveChannel } from "./live.ts";
import { type EchoExchange, MAX_MESSAGE, tcpExchange, udpExchange } from "./echo_client.ts";
import { PAGE_ASSETS } from "./page/assets.ts";
import type { Stats } from "./stats.ts";

/** What the routes need to know. */
export interface DemoContext {
  stats: Stats;
  /** The plain HTTP server's port (the echo form's client calls its relay). */
  httpPort: () => number;
  tcpPort: number;
  udpPort: number;
  /** The served chain, parsed. */
  certificate: CertSummary[];
  /** The dev root's file, for the page's trust hint. */
  caPath: string;
  /** The WebSocket endpoint (/ws). */
  live: LiveChannel;
}

/** What the echo form shows: the HTTP exchange as sent and received, and the echo. */
export interface EchoFormResult {
  http: { requestHead: string; responseHead: string; status: number; ms: number };
  echo: EchoExchange;
}

const SECURITY_HEADERS = {
  "x-content-type-options": "nosniff",
  "content-security-policy":
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'",
  "referrer-policy": "no-referrer",
  "cache-control": "no-store",
};

function json(value: unknown, status = 200): Response {
  return new Response(JSON.stringify(value), {
    status,
    headers: { "content-type": "application/json", ...SECURITY_HEADERS },
  });
}

function problem(status: number, message: string): Response {
  return json({ error: message }, status);
}

async function readLimited(request: Request, limit: number): Promise<string | null> {
  const text = await request.text();
  return new TextEncoder().encode(text).length > limit ? null : text;
}

/** Sends the form's message to the relay through wirestack's fetch, heads tapped. */
async function echoThroughClient(context: DemoContext, service: string, message: string) {
  let requestHead = "";
  let responseHead = "";
  const agent = new Agent({
    keepAlive: false,
    transport: tapTransport(
      transport,
      headObserver({
        connected() {},
        requestHead: (head) => void (requestHead ||= head),
        responseHead: (head) => void (responseHead ||= head),
      }),
    ),
  });
  const started = performance.now();
  try {
    const response = await fetch(`http://127.0.0.1:${context.httpPort()}/relay/${service}`, {
      method: "POST",
      headers: { "content-type": "text/plain; charset=utf-8" },
      body: message,
      agent,
      timeouts: { total: 10_000 },
    });
    const body = await response.json() as EchoExchange | { error: string };
    if ("error" in body) throw new Error(body.error);
    const result: EchoFormResult = {
      http: { requestHead, responseHead, status: response.status, ms: performance.now() - started },
      echo: body,
    };
    return result;
  } finally {
    agent.destroy();
  }
}

/** The handler both demo servers run. */
export function demoHandler(
  context: DemoContext,
): (request: Request, info: ServeHandlerInfo) => Promise<ServeResponse> {
  return async (request, info) => {
    const url = new URL(request.url);
    const path = url.pathname;
    if (path === "/ws") {
      const remote = info.remoteAddr;
      return context.live.handle(
        request,
        remote.transport === "unix" ? { hostname: "unix", port: 0 } : remote,
      );
    }
    const assetPath = path === "/" ? "/index.html" : path;
    if (Object.hasOwn(PAGE_ASSETS, assetPath)) {
      const asset = PAGE_ASSETS[assetPath];
      if (request.method !== "GET" && request.method !== "HEAD") return problem(405, "GET only");
      return new Response(request.method === "HEAD" ? null : asset.body, {
        headers: { "content-type": asset.type, ...SECURITY_HEADERS },
      });
    }
    switch (path) {
      case "/api/stats":
        return json(context.stats.snapshot());
      case "/api/info":
        return json({
          certificate: context.certificate,
          caPath: context.caPath,
          services: {
            tcp: `127.0.0.1:${context.tcpPort}`,
            udp: `127.0.0.1:${context.udpPort}`,
            http: `http://127.0.0.1:${context.httpPort()}/`,
          },
          runtime: transport.name,
        });
      case "/api/echo": {
        if (request.method !== "POST") return problem(405, "POST only");
        const text = await readLimited(request, MAX_MESSAGE * 2);
        if (text === null) return problem(413, "too long");
        let form: { service?: unknown; message?: unknown };
        try {
          form = JSON.parse(text);
        } catch {
          return problem(400, "a JSON body is needed");
        }
        const { service, message } = form;
        if ((service !== "tcp" && service !== "udp") || typeof message !== "string") {
          return problem(400, 'needs {"service": "tcp" | "udp", "message": "..."}');
        }
        if (message === "" || new TextEncoder().encode(message).length > MAX_MESSAGE) {
          return problem(400, `the message must have 1 to ${MAX_MESSAGE} bytes`);
        }
        try {
          return json(await echoThroughClient(context, service, message));
        } catch (error) {
          return problem(502, (error as Error).message);
        }
      }
      case "/relay/tcp":
      case "/relay/udp": {
        if (request.method !== "POST") return problem(405, "POST only");
        const message = await readLimited(request, MAX_MESSAGE);
        if (message === null || message === "") return problem(400, "1 to 4096 bytes");
        try {
          return json(
            path === "/relay/tcp"
              ? await tcpExchange(context.tcpPort, message)
              : await udpExchange(context.udpPort, message),
          );
        } catch (error) {
          return problem(502, (error as Error).message);
        }
      }
    }
    return problem(404, "not found");
  };
}
