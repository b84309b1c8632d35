/**
 * The documentation gate: `deno doc --lint` over every public entry point (every
 * deno.json export), then a rule `deno doc --lint` does not have: every exported
 * function, class and constant carries an `@example` (which `deno test --doc`
 * type-checks and runs).
 *
 * Run: `deno run -A scripts/check_docs.ts`; with `--html`, it writes the HTML
 * reference of every entry point to `docs/` instead (what `npm run docs` does).
 *
 * @module
 */

import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const deno = join(root, "node_modules/.bin/deno");

interface DocNode {
  name: string;
  declarations: Array<
    {
      kind: string;
      jsDoc?: { tags?: Array<{ kind: string }> };
      location: { filename: string; line: number };
      def?: { hasBody?: boolean };
    }
  >;
}

const NEEDS_EXAMPLE = new Set(["function", "class", "variable"]);

function main(): void {
  const config = JSON.parse(readFileSync(join(root, "deno.json"), "utf8")) as {
    exports: Record<string, string>;
  };
  const entries = [...new Set(Object.values(config.exports))].map((path) => join(root, path));
  if (process.argv.includes("--html")) {
    execFileSync(deno, ["doc", "-q", "--html", "--name=wirestack", "--output=docs", ...entries], {
      cwd: root,
      stdio: "inherit",
    });
    console.log("docs: HTML reference written to docs/");
    return;
  }
  execFileSync(deno, ["doc", "-q", "--lint", ...entries], { cwd: root, stdio: "inherit" });

  const json = execFileSync(deno, ["doc", "-q", "--json", ...entries], {
    cwd: root,
    encoding: "utf8",
    maxBuffer: 1 << 28,
  });
  const nodes = (JSON.parse(json) as { nodes: Record<string, { symbols?: DocNode[] }> }).nodes;
  const missing = new Set<string>();
  for (const { symbols = [] } of Object.values(nodes)) {
    for (const symbol of symbols) {
      const overloaded = symbol.declarations.length > 1;
      for (const declaration of symbol.declarations) {
        if (!NEEDS_EXAMPLE.has(declaration.kind)) continue;
        // The implementation signature of an overloaded function is not public API.
        if (overloaded && declaration.kind === "function" && declaration.def?.hasBody) continue;
        const tags = declaration.jsDoc?.tags ?? [];
        if (!tags.some((tag) => tag.kind === "example")) {
          const where = declaration.location.filename.replace(`file://${root}`, "");
          missing.add(
            `${symbol.name} (${declaration.kind}, ${where}:${declaration.location.line})`,
          );
        }
      }
    }
  }
  if (missing.size > 0) {
    console.error(`public exports without an @example:\n  ${[...missing].sort().join("\n  ")}`);
    process.exit(1);
  }
  console.log(
    `docs: ${entries.length} entry points lint clean; every exported function, class and constant has an example`,
  );
}

main();
