/**
 * Model upload and download, with Starwhale's routes and shapes (the Java `ModelController` and
 * the Python client's `core/model/copy.py`):
 *
 * - `POST /api/v1/blob` `{contentMd5, contentLength}` → `{status: "OK"|"EXISTED", blobId,
 *   signedUrl}`; the client `PUT`s the bytes to `signedUrl`, then `POST /api/v1/blob/{blobId}`
 *   → `{blobId}`. A blob's id is its MD5.
 * - `HEAD` (and `GET`, answering its `ModelInfoVo`) `/api/v1/project/{p}/model/{m}/version/{v}`:
 *   200 when the version exists, else 404.
 * - `POST …/model/{m}/version/{v}/completeUpload` `{metaBlobId, force}`: unpacks the package the
 *   meta blob lists (LZ4 data included), checks every file's MD5 and stores the version in one
 *   step; until then nothing is listed. A version that exists already is left as it is.
 * - `GET …/model/{m}/version/{v}/meta` → the `MetaBlob` as proto3 JSON: files under 4 KiB
 *   inline, every other file with one signed URL; `GET …/model/{m}/listFiles?version=&path=`
 *   (`{files: FileNode[]}`) and `GET …/model/{m}/getFileData?version=&path=` (the bytes).
 *
 * Extension: the signed URLs point at this server's own `/signed/blob/{id}` and
 * `/signed/model/{p}/{m}/{v}/file?path=` (no token, an HMAC signature valid for an hour) where a
 * Starwhale Server hands out object-storage URLs.
 *
 * @module
 */
import type { Hono } from "../../_deps.ts";
import { artifactTransfer, NotFoundError } from "../../sdk/mod.ts";
import type { BundleFile, ModelExport } from "../../sdk/mod.ts";
import {
  decodeMetaBlob,
  type MetaBlob,
  metaBlobToJson,
  type PackageFile,
  packageFile,
  unpackBlobData,
} from "../../wire/model_package.ts";
import { type PackagePath, packFileList, unpackFileList } from "../../wire/package_tree.ts";
import { modelInfoVo } from "../../wire/mod.ts";
import { ApiError } from "../api_error.ts";
import { type BlobStore, md5Hex } from "../_blob_store.ts";
import {
  ok,
  param,
  resource,
  type ServerContext,
  type ServerCtx,
  type ServerEnv,
} from "../_context.ts";

const SMALL = 4096;
const MAX_BLOB = 64 * 1024 * 1024;

function hexBytes(hex: string): Uint8Array {
  return Uint8Array.from(hex.match(/../g) ?? [], (h) => parseInt(h, 16));
}

/**
 * The blob sub-app, to mount at `/api/v1/blob`.
 *
 * @param ctx The server context.
 * @param blobs The blob store.
 * @returns `POST /` (start an upload) and `POST /{blobId}` (finish it).
 */
export function blobRoutes(ctx: ServerContext, blobs: BlobStore): Hono<ServerEnv> {
  return resource("MODEL")
    .post("/", async (c) => {
      const body = await ctx.body(c);
      const md5 = String(body.contentMd5 ?? "").toLowerCase();
      const length = body.contentLength;
      if (!/^[0-9a-f]{32}$/.test(md5)) {
        throw ApiError.invalid(
          "MODEL",
          `'contentMd5' must be 32 hex digits, got ${JSON.stringify(body.contentMd5)}`,
        );
      }
      if (
        !Number.isSafeInteger(length) || (length as number) < 0 || (length as number) > MAX_BLOB
      ) {
        throw ApiError.invalid("MODEL", `'contentLength' must be an integer from 0 to ${MAX_BLOB}`);
      }
      if (await blobs.has("model", md5)) return ok(c, { status: "EXISTED", blobId: md5 });
      const url = new URL(`/signed/blob/${md5}`, new URL(c.req.url).origin);
      return ok(c, { status: "OK", blobId: md5, signedUrl: blobs.sign("PUT", url) });
    })
    .post("/:blobId", async (c) => {
      const id = param(c, "blobId");
      if (!(await blobs.has("model", id))) throw new NotFoundError("blob", id);
      return ok(c, { blobId: id });
    });
}

/**
 * The signed URLs' sub-app, to mount at `/signed` (outside the token check): `PUT` and `GET`
 * `/blob/{id}`, `GET /model/{p}/{m}/{v}/file?path=`.
 *
 * @param ctx The server context.
 * @param blobs The blob store (it checks the signatures).
 * @returns The sub-app.
 */
export function signedRoutes(ctx: ServerContext, blobs: BlobStore): Hono<ServerEnv> {
  return resource("MODEL")
    .use(async (c, next) => {
      if (!blobs.verify(c.req.method, new URL(c.req.url))) {
        throw new ApiError(403, "Forbidden", "The URL's signature is not valid or has expired.");
      }
      await next();
    })
    .put("/blob/:id", async (c) => {
      const declared = Number(c.req.header("content-length") ?? 0);
      if (declared > MAX_BLOB) {
        throw ApiError.invalid("MODEL", `a blob is at most ${MAX_BLOB} bytes`);
      }
      const data = new Uint8Array(await c.req.arrayBuffer());
      if (data.byteLength > MAX_BLOB) {
        throw ApiError.invalid("MODEL", `a blob is at most ${MAX_BLOB} bytes`);
      }
      await blobs.write("model", param(c, "id"), data);
      return c.body(null, 200);
    })
    .get("/blob/:id", async (c) => {
      const data = await blobs.read("model", param(c, "id"));
      if (!data) throw new NotFoundError("blob", param(c, "id"));
      return octets(c, data);
    })
    .get("/model/:p/:name/:version/file", async (c) => {
      const ref = {
        project: await ctx.project(param(c, "p")),
        name: param(c, "name"),
        version: param(c, "version"),
      };
      return octets(c, await (await fileAt(ctx, ref, c.req.query("path") ?? "")).read());
    });
}

function octets(c: ServerCtx, data: Uint8Array): Response {
  return c.body(data as Uint8Array<ArrayBuffer>, 200, {
    "content-type": "application/octet-stream",
    "content-length": String(data.byteLength),
  });
}

/** Recently listed packages, so a download's many file requests list the package once. */
const listed = new WeakMap<
  ServerContext,
  Map<string, { at: number; model: Promise<ModelExport> }>
>();
const LISTED_MS = 30_000, LISTED_MAX = 8;

async function exported(
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

async function fileAt(
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

/** A package's files as the blob store holds them after an upload. */
function uploadedFiles(blobs: BlobStore, metas: MetaBlob[]): BundleFile[] {
  const { files } = unpackFileList(metas);
  const blob = async (id: string) => {
    const data = await blobs.read("model", id);
    if (!data) {
      throw new NotFoundError("blob", id, { detail: "upload it before completing the model" });
    }
    return data;
  };
  const read = async ({ path, file }: PackagePath): Promise<Uint8Array> => {
    let data: Uint8Array;
    const ids = file.blobIds;
    if (ids.length === 1 && ids[0] === "") {
      data = unpackBlobData(
        metas[0].data.subarray(file.blobOffset, file.blobOffset + file.blobSize),
        file.compressionAlgorithm,
      );
    } else if (file.size < SMALL && ids.length === 1) {
      const b = await blob(ids[0]);
      data = unpackBlobData(
        b.subarray(file.blobOffset, file.blobOffset + (file.blobSize || b.byteLength)),
        file.compressionAlgorithm,
      );
    } else {
      const parts = [];
      for (const id of ids) parts.push(unpackBlobData(await blob(id), file.compressionAlgorithm));
      data = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
      let at = 0;
      for (const p of parts) data.set(p, at), at += p.byteLength;
    }
    if (data.byteLength !== file.size) {
      throw new TypeError(
        `Cannot store '${path}': its blobs hold ${data.byteLength} bytes, ${file.size} declared`,
      );
    }
    if (
      file.md5.length &&
      md5Hex(data) !== Array.from(file.md5, (x) => x.toString(16).padStart(2, "0")).join("")
    ) {
      throw new TypeError(`Cannot store '${path}': its MD5 does not match its data`);
    }
    return data;
  };
  return files.map((f) => ({ path: f.path, size: f.file.size, read: () => read(f) }));
}

/**
 * The model upload and download sub-app, to mount at `/api/v1/project/:p/model` next to the
 * model reads.
 *
 * @param ctx The server context.
 * @param blobs The blob store.
 * @returns The sub-app.
 */
export function modelTransferRoutes(ctx: ServerContext, blobs: BlobStore): Hono<ServerEnv> {
  const refOf = async (c: ServerCtx, version?: string) => ({
    project: await ctx.project(param(c, "p")),
    name: param(c, "name"),
    version: version ?? param(c, "v"),
  });
  return resource("MODEL")
    // Hono answers a HEAD with the GET route, body left out: 200 with the version's
    // `ModelInfoVo`, or 404.
    .get("/:name/version/:v", async (c) => {
      return ok(c, modelInfoVo(await ctx.instance().getModel(await refOf(c))));
    })
    .post("/:name/version/:v/completeUpload", async (c) => {
      const ref = await refOf(c);
      const body = await ctx.body(c);
      const metaBlobId = String(body.metaBlobId ?? "");
      const first = await blobs.read("model", metaBlobId);
      if (!first) {
        throw ApiError.invalid("MODEL", `no meta blob ${JSON.stringify(metaBlobId)} was uploaded`);
      }
      const metas = [decodeMetaBlob(first)];
      for (const index of metas[0].metaBlobIndexes) {
        const more = await blobs.read("model", index.blobId);
        if (!more) {
          throw ApiError.invalid(
            "MODEL",
            `no meta blob ${JSON.stringify(index.blobId)} was uploaded`,
          );
        }
        metas.push(decodeMetaBlob(more));
      }
      const files = uploadedFiles(blobs, metas);
      const model: ModelExport = {
        record: { ...ref, tags: [], createdAt: "", size: 0, handlers: [] },
        files,
      };
      const { record } = await artifactTransfer(ctx.instance(), "uploading a model").importModel(
        ref.project,
        model,
      );
      return ok(c, { name: record.name, version: record.version });
    })
    .get("/:name/version/:v/meta", async (c) => {
      if (c.req.query("blobId")) throw new NotFoundError("meta blob", c.req.query("blobId")!);
      const { record, files } = await exported(ctx, await refOf(c));
      const origin = new URL(c.req.url).origin;
      const inline: Uint8Array[] = [];
      let offset = 0;
      const entries: PackagePath[] = [];
      for (const f of files) {
        const data = await f.read();
        const file: PackageFile = packageFile({
          size: data.byteLength,
          permission: 0o100644,
          md5: hexBytes(md5Hex(data)),
        });
        if (data.byteLength < SMALL) {
          Object.assign(file, { blobIds: [""], blobOffset: offset, blobSize: data.byteLength });
          inline.push(data);
          offset += data.byteLength;
        } else {
          const url = new URL(
            `/signed/model/${encodeURIComponent(record.project)}/${
              encodeURIComponent(record.name)
            }/${record.version}/file`,
            origin,
          );
          url.searchParams.set("path", f.path);
          Object.assign(file, { blobIds: [md5Hex(data)], signedUrls: [blobs.sign("GET", url)] });
        }
        entries.push({ path: f.path, file });
      }
      const data = new Uint8Array(offset);
      let at = 0;
      for (const p of inline) data.set(p, at), at += p.byteLength;
      return ok(c, metaBlobToJson({ files: packFileList(entries), metaBlobIndexes: [], data }));
    })
    .get("/:name/listFiles", async (c) => {
      const ref = await refOf(c, c.req.query("version") || "latest");
      const { files } = await exported(ctx, ref);
      const dir = (c.req.query("path") ?? "").replace(/^\/+|\/+$/g, "");
      const exact = files.find((f) => f.path === dir);
      if (exact) return ok(c, { files: [await fileNode(exact, exact.path.split("/").at(-1)!)] });
      const prefix = dir ? `${dir}/` : "";
      const children = new Map<string, Record<string, unknown>>();
      for (const f of files) {
        if (!f.path.startsWith(prefix)) continue;
        const [head, ...rest] = f.path.slice(prefix.length).split("/");
        if (children.has(head)) continue;
        children.set(
          head,
          rest.length
            ? { name: head, flag: "unchanged", type: "directory", files: [] }
            : await fileNode(f, head),
        );
      }
      if (dir && !children.size) {
        throw new NotFoundError("path", dir, { detail: `not in model ${ref.name}` });
      }
      return ok(c, { files: [...children.values()] });
    })
    .get("/:name/getFileData", async (c) => {
      const ref = await refOf(c, c.req.query("version") || "latest");
      return octets(c, await (await fileAt(ctx, ref, c.req.query("path") ?? "")).read());
    });
}

async function fileNode(f: BundleFile, name: string): Promise<Record<string, unknown>> {
  return {
    name,
    signature: md5Hex(await f.read()),
    flag: "unchanged",
    mime: null,
    type: "file",
    desc: null,
    size: String(f.size),
    files: [],
  };
}
