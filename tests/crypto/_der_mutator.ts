// A structure-aware mutator for DER (X.690): parses bytes into a tree of
// elements (looking inside OCTET STRINGs and BIT STRINGs that hold DER, as
// extension values and keys do), damages the tree (tags, contents, deleted,
// repeated, swapped or inserted elements, string types, integers and times at
// their edges) and writes it back with correct lengths. Byte mutations mostly
// break the outer framing; these reach the field checks behind it. A test
// helper written from the standard, independent of `crypto/_der.ts`.

import { concatBytes, fc } from "../_fuzz.ts";

/** One element: a tag and either children (constructed or encapsulating) or contents. */
export interface DerNode {
  tag: number;
  children?: DerNode[];
  /** For OCTET and BIT STRINGs holding DER: the bytes before the children (a BIT STRING's unused-bits octet). */
  prefix?: Uint8Array;
  contents?: Uint8Array;
}

/** Parses `bytes` into nodes; null when they are not a sequence of DER elements. */
export function parseDer(bytes: Uint8Array, depth = 0): DerNode[] | null {
  const nodes: DerNode[] = [];
  let at = 0;
  while (at < bytes.length) {
    if (at + 2 > bytes.length || depth > 24) return null;
    const tag = bytes[at];
    if ((tag & 0x1f) === 0x1f) return null;
    let length = bytes[at + 1];
    let start = at + 2;
    if (length & 0x80) {
      const count = length & 0x7f;
      if (count === 0 || count > 3 || start + count > bytes.length) return null;
      length = 0;
      for (let i = 0; i < count; i++) length = length * 256 + bytes[start + i];
      start += count;
    }
    const end = start + length;
    if (end > bytes.length) return null;
    const contents = bytes.subarray(start, end);
    if (tag & 0x20) {
      const children = parseDer(contents, depth + 1);
      if (children === null) return null;
      nodes.push({ tag, children });
    } else if (
      tag === 0x04 && contents.length >= 2 && (contents[0] === 0x30 || contents[0] === 0x03)
    ) {
      const children = parseDer(contents, depth + 1);
      nodes.push(
        children === null ? { tag, contents } : { tag, children, prefix: new Uint8Array(0) },
      );
    } else if (tag === 0x03 && contents.length >= 3 && contents[0] === 0 && contents[1] === 0x30) {
      const children = parseDer(contents.subarray(1), depth + 1);
      nodes.push(
        children === null ? { tag, contents } : { tag, children, prefix: contents.subarray(0, 1) },
      );
    } else {
      nodes.push({ tag, contents });
    }
    at = end;
  }
  return nodes;
}

function lengthOctets(length: number): Uint8Array {
  if (length < 0x80) return new Uint8Array([length]);
  const octets: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) octets.unshift(n & 0xff);
  return new Uint8Array([0x80 | octets.length, ...octets]);
}

/** Writes nodes back as DER (minimal lengths). */
export function writeDer(nodes: DerNode[]): Uint8Array {
  return concatBytes(nodes.map((node) => {
    const body = node.children !== undefined
      ? concatBytes([node.prefix ?? new Uint8Array(0), writeDer(node.children)])
      : node.contents ?? new Uint8Array(0);
    return concatBytes([new Uint8Array([node.tag]), lengthOctets(body.length), body]);
  }));
}

/** Every node with its parent list and index, in document order. */
function walk(nodes: DerNode[], out: Array<{ list: DerNode[]; index: number }> = []) {
  nodes.forEach((node, index) => {
    out.push({ list: nodes, index });
    if (node.children !== undefined) walk(node.children, out);
  });
  return out;
}

const TAGS = [
  0x01,
  0x02,
  0x03,
  0x04,
  0x05,
  0x06,
  0x0c,
  0x13,
  0x14,
  0x16,
  0x17,
  0x18,
  0x1a,
  0x1c,
  0x1e,
  0x30,
  0x31,
  0x80,
  0x81,
  0x82,
  0x86,
  0x87,
  0xa0,
  0xa3,
  0xa4,
];

const text = (s: string) => new TextEncoder().encode(s);

/** Contents that sit at the edge of what a field accepts. */
const EDGE_CONTENTS: Uint8Array[] = [
  new Uint8Array(0),
  new Uint8Array([0x00]),
  new Uint8Array([0xff]),
  new Uint8Array([0x00, 0x00]),
  new Uint8Array([0x00, 0x80]),
  new Uint8Array([0x80]),
  new Uint8Array([0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
  new Uint8Array(20).fill(0xff),
  new Uint8Array([0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d]),
  new Uint8Array([0x80, 0x01]),
  new Uint8Array([0x88, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]),
  new Uint8Array([0x55, 0x1d, 0x11]),
  new Uint8Array([0x55, 0x1d, 0x13]),
  new Uint8Array([0x07, 0x80]),
  new Uint8Array([0x08]),
  text("491231235959Z"),
  text("500101000000Z"),
  text("000229000000Z"),
  text("010229000000Z"),
  text("991231235960Z"),
  text("20501231235959Z"),
  text("99991231235959Z"),
  text("19700101000000.5Z"),
  text("2020010100Z"),
  text("xn--"),
  text("*.*.example.com"),
  text("a\u0000b"),
  new Uint8Array([0xc3, 0x28]),
  new Uint8Array([0xd8, 0x00]),
  new Uint8Array([0x00, 0x11, 0x00, 0x00]),
  new Uint8Array([127, 0, 0, 1]),
  new Uint8Array(16),
  new Uint8Array(5),
];

/** One damage to a DER tree, placed by numbers reduced modulo the tree's size. */
export type DerMutation =
  | { kind: "tag"; at: number; tag: number }
  | { kind: "contents"; at: number; contents: Uint8Array }
  | { kind: "byte"; at: number; offset: number; value: number }
  | { kind: "delete"; at: number }
  | { kind: "duplicate"; at: number }
  | { kind: "swap"; at: number }
  | { kind: "insert"; at: number; node: DerNode }
  | { kind: "unwrap"; at: number };

export const derMutationArbitrary: fc.Arbitrary<DerMutation> = fc.oneof(
  fc.record({ kind: fc.constant("tag" as const), at: fc.nat(), tag: fc.constantFrom(...TAGS) }),
  fc.record({
    kind: fc.constant("contents" as const),
    at: fc.nat(),
    contents: fc.oneof(fc.constantFrom(...EDGE_CONTENTS), fc.uint8Array({ maxLength: 24 })),
  }),
  fc.record({
    kind: fc.constant("byte" as const),
    at: fc.nat(),
    offset: fc.nat(),
    value: fc.integer({ min: 0, max: 255 }),
  }),
  fc.record({ kind: fc.constant("delete" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("duplicate" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("swap" as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant("insert" as const),
    at: fc.nat(),
    node: fc.record({
      tag: fc.constantFrom(...TAGS.filter((t) => (t & 0x20) === 0)),
      contents: fc.constantFrom(...EDGE_CONTENTS),
    }),
  }),
  fc.record({ kind: fc.constant("unwrap" as const), at: fc.nat() }),
);

/** `der` with `mutations` applied to its tree (the bytes unchanged when they do not parse). */
export function mutateDer(der: Uint8Array, mutations: readonly DerMutation[]): Uint8Array {
  const tree = parseDer(der);
  if (tree === null) return der;
  for (const m of mutations) {
    const all = walk(tree);
    if (all.length === 0) break;
    const { list, index } = all[m.at % all.length];
    const node = list[index];
    switch (m.kind) {
      case "tag":
        if (node.children !== undefined && (m.tag & 0x20) === 0 && node.prefix === undefined) {
          node.contents = writeDer(node.children);
          delete node.children;
        }
        if (node.children === undefined || (m.tag & 0x20) !== 0) node.tag = m.tag;
        break;
      case "contents":
        delete node.children;
        delete node.prefix;
        node.contents = m.contents;
        break;
      case "byte":
        if (node.contents !== undefined && node.contents.length > 0) {
          node.contents = node.contents.slice();
          node.contents[m.offset % node.contents.length] = m.value;
        }
        break;
      case "delete":
        list.splice(index, 1);
        break;
      case "duplicate":
        list.splice(index, 0, structuredClone(node));
        break;
      case "swap":
        if (index + 1 < list.length) {
          [list[index], list[index + 1]] = [list[index + 1], list[index]];
        }
        break;
      case "insert":
        list.splice(index, 0, { ...m.node });
        break;
      case "unwrap":
        if (node.children !== undefined) list.splice(index, 1, ...node.children);
        break;
    }
  }
  return writeDer(tree);
}
