/**
 * Checks the npm tarball the way a user meets it: packs `npm/`, checks that it
 * holds only the built package (no tests, scripts or TypeScript sources), installs
 * it into a scratch folder, imports every public subpath under Node and Deno
 * (each must get its own runtime's transport), and type-checks a TypeScript
 * consumer with `moduleResolution: nodenext` against the shipped declarations.
 *
 * Run after `npm run build`: `deno run -A scripts/check_pack.ts`.
 *
 * @module
 */

import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const npmDir = join(root, "npm");
const denoBin = join(root, "node_modules/.bin/deno");
const tscBin = join(root, "node_modules/typescript/bin/tsc");

function run(command: string, args: string[], cwd: string): string {
  return execFileSync(command, args, {
    cwd,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
}

/** Paths the tarball may hold, and paths it must not. */
function checkContents(files: string[]): void {
  const allowed = (path: string) =>
    ["package.json", "README.md", "LICENSE"].includes(path) || path.startsWith("esm/");
  const forbidden = (path: string) =>
    /^esm\/(tests|scripts|examples)\//.test(path) ||
    (path.endsWith(".ts") && !path.endsWith(".d.ts"));
  const bad = files.filter((path) => !allowed(path) || forbidden(path));
  if (bad.length > 0) {
    throw new Error(`the tarball holds files it should not:\n  ${bad.join("\n  ")}`);
  }
  console.log(`tarball: ${files.length} files, all under esm/ or package metadata`);
}

function main(): void {
  const scratch = mkdtempSync(join(tmpdir(), "wirestack-pack-"));
  try {
    const [packed] = JSON.parse(
      run("npm", ["pack", "--json", "--pack-destination", scratch], npmDir),
    ) as Array<{
      filename: string;
      files: Array<{ path: string }>;
    }>;
    checkContents(packed.files.map((file) => file.path));

    const manifest = JSON.parse(readFileSync(join(npmDir, "package.json"), "utf8")) as {
      exports: Record<string, unknown>;
    };
    const subpaths = Object.keys(manifest.exports)
      .filter((key) => key !== "./package.json")
      .map((key) => (key === "." ? "wirestack" : `wirestack/${key.slice(2)}`));

    writeFileSync(
      join(scratch, "package.json"),
      JSON.stringify({
        name: "scratch",
        private: true,
        type: "module",
        dependencies: { wirestack: `file:./${packed.filename}` },
      }),
    );
    run(
      "npm",
      ["install", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"],
      scratch,
    );

    const probe = [
      ...subpaths.map((spec, i) => `import * as m${i} from ${JSON.stringify(spec)};`),
      `const loaded = [${subpaths.map((_, i) => `m${i}`).join(", ")}];`,
      `if (loaded.some((m) => Object.keys(m).length === 0)) throw new Error("a subpath exports nothing");`,
      `const { transport } = await import("wirestack/adapters");`,
      `const expected = "Deno" in globalThis ? "deno" : "node";`,
      `if (transport.name !== expected) throw new Error("wrong transport " + transport.name);`,
      `console.log(expected + ": imported " + loaded.length + " subpaths, transport " + transport.name);`,
    ].join("\n");
    writeFileSync(join(scratch, "probe.mjs"), probe);
    process.stdout.write(run("node", ["probe.mjs"], scratch));
    process.stdout.write(
      run(denoBin, ["run", "-A", "--node-modules-dir=manual", "probe.mjs"], scratch),
    );

    writeFileSync(
      join(scratch, "consumer.ts"),
      subpaths.map((spec, i) =>
        `import type * as t${i} from ${JSON.stringify(spec)};\nexport type T${i} = typeof t${i};`
      ).join("\n") +
        `\nimport { transport } from "wirestack/adapters";\nexport const name: "deno" | "node" = transport.name;\n`,
    );
    writeFileSync(
      join(scratch, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          module: "nodenext",
          moduleResolution: "nodenext",
          target: "es2022",
          lib: ["es2023", "dom"],
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          types: [],
        },
        files: ["consumer.ts"],
      }),
    );
    run("node", [tscBin, "-p", "tsconfig.json"], scratch);
    console.log(
      `types: a nodenext TypeScript consumer type-checks against ${subpaths.length} subpaths`,
    );

    const help = run(join(scratch, "node_modules/.bin/wirestack"), ["--help"], scratch);
    if (!help.includes("usage: wirestack")) {
      throw new Error("the installed wirestack bin did not print its usage");
    }
    console.log("bin: the installed `wirestack` command runs under Node");
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

main();
