/**
 * Where the development CA lives on disk: the user's data directory (XDG on
 * Linux, Application Support on macOS, LOCALAPPDATA on Windows), overridable
 * with `WIRESTACK_DATA_DIR` or a path, and a file-backed `DevCaStore` for
 * `crypto`'s `loadOrCreateDevCa`. The CLI (`wirestack cert`) and HTTPS's
 * `serve({ tls: "auto" })` share it, so both use the same root.
 *
 * @module
 */

import { mkdir, readFile, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import type { DevCaStore } from "../crypto/mod.ts";

/**
 * The wirestack data directory: `override`, then `WIRESTACK_DATA_DIR`, then
 * the platform's place for application data.
 *
 * @param override a directory to use instead (ignored when empty)
 * @returns the directory (not created)
 *
 * @example
 * ```ts
 * import { dataDirectory } from "./dev_ca_store.ts";
 *
 * console.log(dataDirectory()); // ~/.local/share/wirestack on Linux
 * ```
 */
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

/**
 * The folder holding the development CA inside a data directory.
 *
 * @param dataDir the data directory (see {@linkcode dataDirectory})
 * @returns its `dev-ca` folder
 *
 * @example
 * ```ts
 * import { dataDirectory, devCaDirectory } from "./dev_ca_store.ts";
 *
 * console.log(devCaDirectory(dataDirectory()));
 * ```
 */
export function devCaDirectory(dataDir: string): string {
  return join(dataDir, "dev-ca");
}

/**
 * A `DevCaStore` on files in `dir`: created on first write (mode 0700), the
 * private key readable by its owner only (0600), files never overwritten.
 *
 * @param dir the folder (see {@linkcode devCaDirectory})
 * @returns the store
 *
 * @example Load the development CA, making it on first use
 * ```ts ignore
 * import { loadOrCreateDevCa } from "../crypto/mod.ts";
 * import { dataDirectory, devCaDirectory, fileDevCaStore } from "./dev_ca_store.ts";
 *
 * const { ca, created } = await loadOrCreateDevCa(fileDevCaStore(devCaDirectory(dataDirectory())));
 * ```
 */
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
