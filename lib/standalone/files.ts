/**
 * Small file helpers for the standalone layout: the manifests' time strings, atomic YAML writes,
 * directory listings and copies.
 *
 * @module
 */

import { dirname, join } from "node:path";
import { parseYaml, stringifyYaml } from "../_deps.ts";

/**
 * Formats a time as the manifests of Starwhale's Python SDK do: `%Y-%m-%d %H:%M:%S %Z`, in UTC.
 *
 * @param date The time.
 * @returns e.g. `2026-11-21 18:04:04 UTC`.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatManifestTime } from "./files.ts";
 * assert.equal(formatManifestTime(new Date(0)), "1970-01-01 00:00:00 UTC");
 * ```
 */
export function formatManifestTime(date: Date): string {
  return date.toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC");
}

/**
 * Parses a manifest time (`2026-11-21 18:04:04 UTC`, or any `Date`-parsable string).
 *
 * @param text The string.
 * @returns Epoch milliseconds, or `NaN` when unparsable.
 */
export function parseManifestTime(text: string): number {
  const m = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?: (UTC|GMT))?$/.exec(text.trim());
  return m ? Date.parse(`${m[1]}T${m[2]}${m[3] ? "Z" : ""}`) : Date.parse(text);
}

/**
 * Reads a time a manifest records twice, as `<name>_time` (epoch milliseconds) and as
 * `<name>_at` (text, what the Python SDK writes): the number when there is one, else the text.
 *
 * @param manifest The manifest.
 * @param name `created` or `finished`.
 * @returns Epoch milliseconds, or `NaN` when the manifest has neither.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { manifestTime } from "./files.ts";
 * assert.equal(manifestTime({ created_at: "1970-01-01 00:00:01 UTC" }, "created"), 1000);
 * assert.equal(manifestTime({ created_time: 5, created_at: "x" }, "created"), 5);
 * ```
 */
export function manifestTime(
  manifest: Record<string, unknown>,
  name: "created" | "finished",
): number {
  const ms = manifest[`${name}_time`];
  return typeof ms === "number" ? ms : parseManifestTime(String(manifest[`${name}_at`] ?? ""));
}

/**
 * Writes a file atomically: a temporary sibling, then a rename (its folder is made if missing).
 *
 * @param path The file.
 * @param data The content: text or bytes.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await Deno.mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${crypto.randomUUID().slice(0, 8)}.tmp`;
  try {
    if (typeof data === "string") await Deno.writeTextFile(tmp, data);
    else await Deno.writeFile(tmp, data);
    await Deno.rename(tmp, path);
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    throw e;
  }
}

/**
 * Writes an object as YAML with sorted keys (as the Python SDK dumps manifests), atomically.
 *
 * @param path The file.
 * @param value The object.
 */
export async function writeYaml(path: string, value: Record<string, unknown>): Promise<void> {
  await writeFileAtomic(
    path,
    stringifyYaml(value, { sortMapEntries: true, aliasDuplicateObjects: false }),
  );
}

/**
 * Reads a YAML mapping.
 *
 * @param path The file.
 * @returns The mapping, or `undefined` when the file does not exist.
 * @throws {SyntaxError} When the file is not a YAML mapping.
 */
export async function readYaml(path: string): Promise<Record<string, unknown> | undefined> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw e;
  }
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (e) {
    throw new SyntaxError(`Cannot read '${path}': not valid YAML`, { cause: e });
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new SyntaxError(`Cannot read '${path}': expected a YAML mapping`);
  }
  return value as Record<string, unknown>;
}

/**
 * Tells whether a path exists.
 *
 * @param path The path.
 * @returns `true` if it exists.
 */
export async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}

/**
 * Lists the names in a directory.
 *
 * @param dir The directory.
 * @returns Entry names (sorted), or `[]` when it does not exist.
 */
export async function listDir(dir: string): Promise<Deno.DirEntry[]> {
  const out: Deno.DirEntry[] = [];
  try {
    for await (const e of Deno.readDir(dir)) out.push(e);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return [];
    throw e;
  }
  return out.sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

/** Directory and file names never copied into a model package. */
const SKIPPED = new Set([".git", "node_modules", ".swignore", ".DS_Store", "__pycache__"]);

/**
 * Copies a directory tree (regular files and directories; symlinks are followed).
 *
 * @param from The source directory.
 * @param to The destination (created).
 * @returns The total bytes and the copied relative file paths.
 */
export async function copyTree(
  from: string,
  to: string,
): Promise<{ size: number; files: { path: string; size: number }[] }> {
  const files: { path: string; size: number }[] = [];
  let size = 0;
  const walk = async (rel: string) => {
    await Deno.mkdir(join(to, rel), { recursive: true });
    for (const entry of await listDir(join(from, rel))) {
      if (SKIPPED.has(entry.name)) continue;
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      const stat = await Deno.stat(join(from, path));
      if (stat.isDirectory) await walk(path);
      else if (stat.isFile) {
        await Deno.copyFile(join(from, path), join(to, path));
        files.push({ path, size: stat.size });
        size += stat.size;
      }
    }
  };
  await walk("");
  return { size, files };
}
