/**
 * Builds the npm package into `npm/`: tsc compiles the whole tree (sources,
 * tests, scripts) into `npm/esm/`, `.ts` specifiers left in declaration files are
 * rewritten, the runtime adapter is switched to package.json conditions, and
 * `npm/package.json` is generated from deno.json's exports and package.json's
 * dependencies. Tests and scripts are compiled so that `node --test` and the
 * benchmarks run on the built output, but they stay out of the tarball.
 *
 * Run: `deno run -A scripts/build_npm.ts` (what `npm run build` does).
 *
 * @module
 */

import { execFileSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { join, relative } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const out = join(root, "npm");
const esm = join(out, "esm");

interface PackageJson {
  name: string;
  version: string;
  description?: string;
  license?: string;
  engines?: Record<string, string>;
  dependencies?: Record<string, string>;
  [key: string]: unknown;
}

function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(join(root, path), "utf8")) as T;
}

function walk(dir: string, found: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, found);
    else found.push(path);
  }
  return found;
}

/** Fails the build when deno.json's npm imports and package.json's dependencies disagree. */
function checkDependencies(
  denoImports: Record<string, string>,
  dependencies: Record<string, string>,
): void {
  const problems: string[] = [];
  for (const [name, target] of Object.entries(denoImports)) {
    const match = /^npm:\/?(@?[^@]+)@([^/]+)\/?$/.exec(target);
    if (match === null) continue;
    const [, pkg, range] = match;
    if (dependencies[pkg] === undefined) {
      problems.push(`deno.json imports ${name} from ${pkg}, not in package.json dependencies`);
    } else if (dependencies[pkg] !== range) {
      problems.push(
        `deno.json imports ${pkg}@${range}, package.json depends on ${pkg}@${dependencies[pkg]}`,
      );
    }
  }
  if (problems.length > 0) throw new Error(`dependency mismatch:\n  ${problems.join("\n  ")}`);
}

/** Fails the build when shipped code imports a package the package does not depend on. */
function checkBareImports(files: string[], dependencies: Record<string, string>): void {
  const problems: string[] = [];
  const specifier = /(?:^|[^\w$.])(?:from|import)\s*\(?\s*["']([^"'./#][^"']*)["']/g;
  for (const file of files) {
    if (!file.endsWith(".js") || isPrivateToRepo(file)) continue;
    const text = readFileSync(file, "utf8");
    for (const match of text.matchAll(specifier)) {
      const spec = match[1];
      if (spec.startsWith("node:")) continue;
      const pkg = spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0];
      if (dependencies[pkg] === undefined) problems.push(`${relative(out, file)} imports ${spec}`);
    }
  }
  if (problems.length > 0) {
    throw new Error(`imports of packages missing from dependencies:\n  ${problems.join("\n  ")}`);
  }
}

/** Tests, scripts and examples are built for running here, never published. */
function isPrivateToRepo(file: string): boolean {
  const rel = relative(esm, file);
  return rel.startsWith("tests/") || rel.startsWith("scripts/") || rel.startsWith("examples/");
}

function rewriteDeclarationSpecifiers(files: string[]): void {
  const tsSpecifier = /((?:from|import)\s*\(?\s*["'])(\.{1,2}\/[^"']*?)\.ts(["'])/g;
  for (const file of files) {
    if (!file.endsWith(".d.ts")) continue;
    const text = readFileSync(file, "utf8");
    const rewritten = text.replace(tsSpecifier, "$1$2.js$3");
    if (rewritten !== text) writeFileSync(file, rewritten);
  }
}

/** Replaces the runtime check with an import that package.json conditions resolve. */
function selectTransportByCondition(): Record<string, unknown> {
  writeFileSync(
    join(esm, "adapters/_transport_deno.js"),
    'import { denoTransport } from "./deno.js";\nexport const transport = denoTransport;\n',
  );
  writeFileSync(
    join(esm, "adapters/_transport_node.js"),
    'import { nodeTransport } from "./node.js";\nexport const transport = nodeTransport;\n',
  );
  writeFileSync(
    join(esm, "adapters/runtime.js"),
    '// Chosen by the package.json "imports" conditions: deno, node, default.\nexport { transport } from "#transport";\n',
  );
  return {
    deno: "./esm/adapters/_transport_deno.js",
    node: "./esm/adapters/_transport_node.js",
    default: "./esm/adapters/_transport_node.js",
  };
}

function exportsMap(
  denoExports: Record<string, string>,
  transportTargets: Record<string, unknown>,
) {
  const map: Record<string, unknown> = {};
  for (const [subpath, source] of Object.entries(denoExports)) {
    const base = source.replace(/^\.\//, "./esm/").replace(/\.ts$/, "");
    map[subpath] = { types: `${base}.d.ts`, default: `${base}.js` };
  }
  map["./adapters/runtime"] = { types: "./esm/adapters/runtime.d.ts", ...transportTargets };
  map["./package.json"] = "./package.json";
  return map;
}

function main(): void {
  const pkg = readJson<PackageJson>("package.json");
  const deno = readJson<{ exports: Record<string, string>; imports?: Record<string, string> }>(
    "deno.json",
  );
  const dependencies = pkg.dependencies ?? {};
  checkDependencies(deno.imports ?? {}, dependencies);

  rmSync(out, { recursive: true, force: true });
  const tsc = join(root, "node_modules/typescript/bin/tsc");
  execFileSync("node", [tsc, "-p", join(root, "tsconfig.json")], {
    cwd: root,
    stdio: "inherit",
  });

  const files = walk(esm);
  rewriteDeclarationSpecifiers(files);
  checkBareImports(files, dependencies);
  const transportTargets = selectTransportByCondition();

  const cliMain = join(esm, "cli/main.js");
  const manifest: Record<string, unknown> = {
    name: pkg.name,
    version: pkg.version,
    description: pkg.description,
    license: pkg.license,
    repository: pkg.repository,
    keywords: pkg.keywords,
    type: "module",
    engines: pkg.engines,
    exports: exportsMap(deno.exports, transportTargets),
    imports: { "#transport": transportTargets },
    ...(existsSync(cliMain) ? { bin: { wirestack: "./esm/cli/main.js" } } : {}),
    files: ["esm/", "!esm/tests/", "!esm/scripts/", "!esm/examples/"],
    dependencies,
  };
  writeFileSync(join(out, "package.json"), JSON.stringify(manifest, null, 2) + "\n");
  for (const file of ["README.md", "LICENSE"]) cpSync(join(root, file), join(out, file));
  copyTestFixtures();
  console.log(`built ${relative(root, out)}/ (${walk(esm).length} files)`);
}

/** Non-TypeScript files the tests read at run time (certificates, corpora). */
function copyTestFixtures(): void {
  const fixtures = join(root, "tests/fixtures");
  if (existsSync(fixtures)) cpSync(fixtures, join(esm, "tests/fixtures"), { recursive: true });
}

main();
