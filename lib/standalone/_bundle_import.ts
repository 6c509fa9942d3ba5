/**
 * Storing a whole model version that came from another instance: its files are written under
 * `<root>/.tmp/`, checked, and moved into place in one rename before the version is tagged, so a
 * failed or aborted import leaves nothing listed.
 *
 * @module
 */
import { dirname, join, relative } from "node:path";
import { bundleChunks, type BundleFile, type ImportOptions } from "../sdk/instance.ts";
import { listDir } from "./files.ts";

/** A version name another instance may send: letters, digits, `.`, `_`, `-`, at most 80. */
export function checkVersion(kind: string, version: string): string {
  if (typeof version !== "string" || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$/.test(version)) {
    throw new TypeError(
      `Invalid ${kind} version ${JSON.stringify(version)}: expected letters, digits, '.', '_' ` +
        "or '-', at most 80",
    );
  }
  return version;
}

/** A file path inside a version: relative, `/`-separated, no `..`, no empty segment. */
export function checkBundlePath(path: string): string {
  const parts = typeof path === "string" ? path.split("/") : [];
  if (!parts.length || parts.some((p) => p === "" || p === "." || p === "..")) {
    throw new TypeError(`Invalid file path ${JSON.stringify(path)} in a model package`);
  }
  return path;
}

/** Files read and written at once: a remote source fetches each file's blobs when it is read. */
const PARALLEL_FILES = 8;

/**
 * Writes the files into a new folder, up to {@link PARALLEL_FILES} at a time. After a failure
 * no further file is started; the first error is thrown once the files being written end.
 *
 * @param dir The folder (created).
 * @param files The files.
 * @param options Progress and abort.
 * @returns The total bytes written.
 */
export async function writeBundleFiles(
  dir: string,
  files: BundleFile[],
  options: ImportOptions = {},
): Promise<number> {
  const total = files.reduce((n, f) => n + f.size, 0);
  let done = 0;
  options.onProgress?.({ unit: "bytes", done, total });
  const write = async (file: BundleFile) => {
    const path = join(dir, checkBundlePath(file.path));
    await Deno.mkdir(dirname(path), { recursive: true });
    let size = 0;
    {
      using out = await Deno.open(path, { write: true, create: true, truncate: true });
      for await (const chunk of bundleChunks(file)) {
        options.signal?.throwIfAborted();
        for (let at = 0; at < chunk.byteLength;) at += await out.write(chunk.subarray(at));
        size += chunk.byteLength;
        done += chunk.byteLength;
        options.onProgress?.({ unit: "bytes", done, total });
      }
    }
    if (size !== file.size) {
      throw new RangeError(
        `Cannot store '${file.path}': ${size} bytes arrived, ${file.size} expected`,
      );
    }
  };
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (failure === undefined && next < files.length) {
      const file = files[next++];
      try {
        options.signal?.throwIfAborted();
        await write(file);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_FILES, files.length) }, worker));
  if (failure) throw failure.error;
  options.signal?.throwIfAborted();
  return total;
}

/**
 * The files of a stored version, sorted by path (symlinks followed).
 *
 * @param dir The version folder.
 * @returns One {@link BundleFile} per regular file.
 */
export async function readBundleFiles(dir: string): Promise<BundleFile[]> {
  const out: BundleFile[] = [];
  const walk = async (sub: string) => {
    for (const e of await listDir(sub)) {
      const path = join(sub, e.name);
      const stat = await Deno.stat(path);
      if (stat.isDirectory) await walk(path);
      else if (stat.isFile) {
        out.push({
          path: relative(dir, path).split("\\").join("/"),
          size: stat.size,
          read: () => Deno.readFile(path),
          chunks: async function* () {
            const file = await Deno.open(path);
            yield* file.readable;
          },
        });
      }
    }
  };
  await walk(dir);
  return out.sort((a, b) => a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
}

/**
 * Whether a package holds Python modules and no TypeScript/JavaScript ones (a model built by
 * Starwhale's Python client).
 *
 * @param files The package's file paths.
 * @returns `true` for a Python package.
 */
export function isPythonPackage(files: string[]): boolean {
  const src = files.filter((f) => f.startsWith("src/") && !f.startsWith("src/.starwhale/"));
  return src.some((f) => f.endsWith(".py")) && !src.some((f) => /\.(m?[jt]sx?)$/.test(f));
}
