/**
 * Keeps the architecture of DESIGN.md true in the code:
 * - `protocols/` and `crypto/` do no I/O and use no runtime globals (they must
 *   run unchanged in a browser);
 * - imports point down the layers only (`protocols/` and `crypto/` never import
 *   the socket layers; nothing below `cli/` imports `cli/`);
 * - library code does not print (`console.*` belongs to `cli/`, scripts, tests).
 *
 * Run: `deno run -A scripts/check_layers.ts` (part of `npm run lint`).
 *
 * @module
 */

import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const root = new URL("..", import.meta.url).pathname;

function walk(dir: string, found: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, found);
    else if (path.endsWith(".ts")) found.push(path);
  }
  return found;
}

const SANS_IO = ["protocols", "crypto"];
const LIBRARY = ["protocols", "crypto", "adapters", "net", "dgram", "http", "https", "ws", "tls"];
const UPPER = /from\s+["'](?:\.\.\/)+(adapters|net|dgram|http|https|ws|tls|cli)\//;
const IO = [
  /\bDeno\./,
  /from\s+["']node:/,
  /import\(\s*["']node:/,
  /\bprocess\./,
  /\bsetTimeout\(/,
  /\bsetInterval\(/,
];

function main(): void {
  const problems: string[] = [];
  for (const top of LIBRARY) {
    let files: string[];
    try {
      files = walk(join(root, top));
    } catch {
      continue;
    }
    for (const file of files) {
      const rel = relative(root, file);
      const lines = readFileSync(file, "utf8").split("\n");
      lines.forEach((line, index) => {
        const where = `${rel}:${index + 1}`;
        const code = line.replace(/\/\/.*$/, "");
        if (/^\s*\*/.test(line)) return; // JSDoc text and examples
        if (/\bconsole\.\w+\(/.test(code)) problems.push(`${where}: library code prints (console)`);
        if (/from\s+["'](?:\.\.\/)+cli\//.test(code)) problems.push(`${where}: imports cli/`);
        if (!SANS_IO.includes(top)) return;
        if (UPPER.test(code)) problems.push(`${where}: ${top}/ imports a layer above it`);
        for (const pattern of IO) {
          if (pattern.test(code)) {
            problems.push(`${where}: ${top}/ must stay free of I/O (${pattern.source})`);
          }
        }
      });
    }
  }
  if (problems.length > 0) {
    console.error(`layer rules broken:\n  ${problems.join("\n  ")}`);
    process.exit(1);
  }
  console.log(
    "layers: protocols/ and crypto/ are I/O-free, imports point down, library code does not print",
  );
}

main();
