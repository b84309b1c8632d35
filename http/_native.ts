// The runtime's own web classes, kept before anything replaces them, and a
// fast way to read a Deno `Response` with a static body.
//
// Deno builds a `Response` cheaply (its parts stay internal until asked for),
// but its public body is a stream: reading a static body through `body` costs
// a stream, a reader and a promise per chunk. Its internal inner response (the
// object under the symbol described "response") holds the status, the header
// list and the static bytes. A probe at load time checks that this internal
// shape is what the code expects (a `Response` made for the probe reads back
// exactly); when it is not (another Deno version), the public API is used.

import type { HeaderList } from "../protocols/http1/mod.ts";

/** The runtime's own `Response` class, as it was when wirestack loaded. */
export const NativeResponse: typeof Response = globalThis.Response;

/** The runtime's own `Response` class (not a light replacement). */
export function nativeResponse(): typeof Response {
  return NativeResponse;
}

/** The parts of a response with a static body. */
export interface StaticResponse {
  status: number;
  statusText: string;
  fields: HeaderList;
  body: Uint8Array | null;
}

interface InnerBody {
  streamOrStatic: unknown;
}

interface InnerResponse {
  status: number;
  statusMessage: string;
  headerList: Array<[string, string]>;
  body: InnerBody | null;
}

let innerKey: symbol | null = null;
const encoder = new TextEncoder();

function inner(response: object): InnerResponse | undefined {
  return (response as Record<symbol, InnerResponse | undefined>)[innerKey as symbol];
}

/** Reads a Deno `Response` through its internals; `null` when it has a stream body or the internals are unknown. */
export function denoStaticResponse(response: Response): StaticResponse | null {
  if (innerKey === null) return null;
  response.headers; // makes Deno fill in the inner response's header list and body
  const parts = inner(response);
  if (parts === undefined || typeof parts.status !== "number") return null;
  const body = parts.body;
  let bytes: Uint8Array | null = null;
  if (body !== null) {
    const value = body.streamOrStatic as { body?: unknown; consumed?: boolean } | null;
    if (value === null || typeof value !== "object" || value.consumed === true) return null;
    const stored = value.body;
    if (typeof stored === "string") bytes = encoder.encode(stored);
    else if (stored instanceof Uint8Array) bytes = stored;
    else return null;
  }
  const list = parts.headerList;
  const fields: HeaderList = new Array(list.length);
  for (let i = 0; i < list.length; i++) fields[i] = [list[i][0], list[i][1]];
  return { status: parts.status, statusText: parts.statusMessage, fields, body: bytes };
}

/** Finds the inner response symbol and checks it reads a probe back exactly. */
function probe(): void {
  if (!("Deno" in globalThis)) return;
  try {
    const probeResponse = new NativeResponse("probe", {
      status: 201,
      statusText: "Probed",
      headers: { "x-probe": "1" },
    });
    probeResponse.headers;
    const key = Object.getOwnPropertySymbols(probeResponse).find((symbol) =>
      symbol.description === "response"
    );
    if (key === undefined) return;
    innerKey = key;
    const read = denoStaticResponse(probeResponse);
    const ok = read !== null && read.status === 201 && read.statusText === "Probed" &&
      read.body !== null && new TextDecoder().decode(read.body) === "probe" &&
      read.fields.some(([name, value]) => name.toLowerCase() === "x-probe" && value === "1") &&
      read.fields.some(([name]) => name.toLowerCase() === "content-type");
    const empty = ok ? denoStaticResponse(new NativeResponse(null, { status: 204 })) : null;
    const bytes = ok
      ? denoStaticResponse(
        new NativeResponse(new Uint8Array([1, 2]), { headers: { "content-type": "x/y" } }),
      )
      : null;
    const typed = bytes !== null && bytes.body?.length === 2 &&
      bytes.fields.some(([name, value]) =>
        name.toLowerCase() === "content-type" && value === "x/y"
      );
    if (!ok || !typed || empty === null || empty.body !== null || empty.status !== 204) {
      innerKey = null;
    }
  } catch {
    innerKey = null;
  }
}

probe();
