// `Range: bytes=...` for one representation (RFC 9110 14.1-14.4), as a static
// file server answers it: one satisfiable range gives 206, none gives 416,
// a header that does not parse (or asks for several ranges) is ignored and
// the whole representation is sent (14.2: a server MAY ignore Range).

/** What a `Range` header asks of a representation of `size` bytes. */
export type RangeAnswer =
  | { kind: "whole" }
  | { kind: "partial"; start: number; end: number }
  | { kind: "unsatisfiable" };

const SPEC = /^(\d*)-(\d*)$/;

/** Reads `header` against `size` (`end` is exclusive). */
export function parseRange(header: string | null, size: number): RangeAnswer {
  if (header === null) return { kind: "whole" };
  const eq = header.indexOf("=");
  if (eq < 0 || header.slice(0, eq).trim().toLowerCase() !== "bytes") return { kind: "whole" };
  const specs = header.slice(eq + 1).split(",").map((spec) => spec.trim()).filter((s) => s !== "");
  if (specs.length !== 1) return { kind: "whole" };
  const match = SPEC.exec(specs[0]);
  if (match === null || (match[1] === "" && match[2] === "")) return { kind: "whole" };
  if (match[1] === "") {
    const suffix = Number(match[2]);
    if (!Number.isSafeInteger(suffix)) return { kind: "whole" };
    if (suffix === 0 || size === 0) return { kind: "unsatisfiable" };
    return { kind: "partial", start: Math.max(0, size - suffix), end: size };
  }
  const first = Number(match[1]);
  const last = match[2] === "" ? Infinity : Number(match[2]);
  if (!Number.isSafeInteger(first) || last < first) return { kind: "whole" };
  if (first >= size) return { kind: "unsatisfiable" };
  return { kind: "partial", start: first, end: Math.min(last, size - 1) + 1 };
}
