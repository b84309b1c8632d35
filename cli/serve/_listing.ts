// The HTML directory listing of `wirestack serve --list`.

import type { Dirent } from "node:fs";
import { stat } from "node:fs/promises";
import { join } from "node:path";

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The listing of `dir` (shown as `urlPath`, which ends with "/"), dotfiles left out. */
export async function listingHtml(
  dir: string,
  urlPath: string,
  entries: Dirent[],
): Promise<string> {
  const visible = entries.filter((entry) => !entry.name.startsWith("."))
    .sort((a, b) =>
      Number(b.isDirectory()) - Number(a.isDirectory()) || (a.name < b.name ? -1 : 1)
    );
  const rows = await Promise.all(visible.map(async (entry) => {
    const slash = entry.isDirectory() ? "/" : "";
    let size = "";
    let modified = "";
    try {
      const info = await stat(join(dir, entry.name));
      size = entry.isDirectory() ? "-" : String(info.size);
      modified = info.mtime.toISOString().replace("T", " ").slice(0, 19);
    } catch {
      // vanished or unreadable: listed without details
    }
    const href = encodeURIComponent(entry.name) + slash;
    return `<tr><td><a href="${href}">${escapeHtml(entry.name + slash)}</a></td>` +
      `<td>${size}</td><td>${modified}</td></tr>`;
  }));
  const title = escapeHtml(`Index of ${urlPath}`);
  const up = urlPath === "/" ? "" : `<tr><td><a href="../">../</a></td><td></td><td></td></tr>`;
  return `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title>` +
    `<style>body{font:14px system-ui,sans-serif;margin:2em}td{padding:2px 1.5em 2px 0}` +
    `td:nth-child(2){text-align:right}</style></head><body><h1>${title}</h1>` +
    `<table>${up}${rows.join("")}</table></body></html>\n`;
}
