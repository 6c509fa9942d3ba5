/**
 * The files of a stored model version as the download routes serve them, listed once for the
 * many requests of one download.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { artifactTransfer, bundleChunks, NotFoundError } from "../../sdk/mod.ts";
import type { BundleFile, ModelExport } from "../../sdk/mod.ts";
import type { ServerContext, ServerCtx } from "../_context.ts";

/** A response of raw bytes. */
export function octets(c: ServerCtx, data: Uint8Array): Response {
  return c.body(data as Uint8Array<ArrayBuffer>, 200, {
    "content-type": "application/octet-stream",
    "content-length": String(data.byteLength),
  });
}

/** A response streaming a bundle file. */
export function streamed(c: ServerCtx, file: BundleFile): Response {
  return c.body(ReadableStream.from(bundleChunks(file)), 200, {
    "content-type": "application/octet-stream",
    "content-length": String(file.size),
  });
}

/** The MD5 of a bundle file, in hex, read piece by piece. */
export async function md5Of(file: BundleFile): Promise<string> {
  const hash = createHash("md5");
  for await (const chunk of bundleChunks(file)) hash.update(chunk);
  return hash.digest("hex");
}

/** Recently listed packages, so a download's many file requests list the package once. */
const listed = new WeakMap<
  ServerContext,
  Map<string, { at: number; model: Promise<ModelExport> }>
>();
const LISTED_MS = 30_000, LISTED_MAX = 8;

export async function exported(
  ctx: ServerContext,
  ref: { project: string; name: string; version?: string },
): Promise<ModelExport> {
  const read = () => artifactTransfer(ctx.instance(), "downloading a model").exportModel(ref);
  // Only a full version names the same files for good; a tag may move.
  if (!ref.version || ref.version.length < 32) return await read();
  let cache = listed.get(ctx);
  if (!cache) listed.set(ctx, cache = new Map());
  const key = `${ref.project}/${ref.name}/${ref.version}`;
  const now = Date.now();
  const hit = cache.get(key);
  if (hit && now - hit.at < LISTED_MS) return await hit.model;
  const model = read();
  cache.set(key, { at: now, model });
  model.catch(() => cache.delete(key));
  for (const k of cache.keys()) if (cache.size > LISTED_MAX) cache.delete(k);
  return await model;
}

export async function fileAt(
  ctx: ServerContext,
  ref: { project: string; name: string; version?: string },
  path: string,
): Promise<BundleFile> {
  const { files, record } = await exported(ctx, ref);
  const file = files.find((f) => f.path === path);
  if (!file) {
    throw new NotFoundError("file", path, {
      detail: `not in model ${record.name}/version/${record.version}`,
    });
  }
  return file;
}
