// Where the CLI keeps its state: the user's data directory (XDG on Linux,
// Application Support on macOS, LOCALAPPDATA on Windows), overridable with
// WIRESTACK_DATA_DIR or --data-dir; and a file-backed store for the dev CA.

import { mkdir, readFile, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import type { DevCaStore } from "../crypto/mod.ts";

/** The wirestack data directory: `override`, then WIRESTACK_DATA_DIR, then the platform's. */
export function dataDirectory(override?: string): string {
  if (override !== undefined && override !== "") return override;
  const env = process.env;
  if (env.WIRESTACK_DATA_DIR) return env.WIRESTACK_DATA_DIR;
  if (process.platform === "win32") {
    return join(env.LOCALAPPDATA ?? join(homedir(), "AppData", "Local"), "wirestack");
  }
  if (process.platform === "darwin") {
    return join(homedir(), "Library", "Application Support", "wirestack");
  }
  return join(env.XDG_DATA_HOME || join(homedir(), ".local", "share"), "wirestack");
}

/** The folder holding the development CA inside a data directory. */
export function devCaDirectory(dataDir: string): string {
  return join(dataDir, "dev-ca");
}

/** A DevCaStore on files in `dir` (created on first write; secrets are mode 0600). */
export function fileDevCaStore(dir: string): DevCaStore {
  return {
    async read(name) {
      try {
        return await readFile(join(dir, name), "utf8");
      } catch (error) {
        if ((error as { code?: string }).code === "ENOENT") return undefined;
        throw error;
      }
    },
    async write(name, text, options) {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      await writeFile(join(dir, name), text, { mode: options.secret ? 0o600 : 0o644, flag: "wx" });
    },
  };
}
