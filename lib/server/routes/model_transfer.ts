/**
 * Model upload and download, with Starwhale's routes and shapes (the Java `ModelController` and
 * the Python client's `core/model/copy.py`):
 *
 * - The blobs (`POST /api/v1/blob`, the signed `PUT`, `POST /api/v1/blob/{id}`): `blobs.ts`.
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
  type PackageFile,
  packageFile,
} from "../../wire/model_package.ts";
import { metaBlobToJson } from "../../wire/meta_blob_json.ts";
import { unpackBlobData } from "../../wire/blob_data.ts";
import { type PackagePath, packFileList, unpackFileList } from "../../wire/package_tree.ts";
import { modelInfoVo } from "../../wire/mod.ts";
import { ApiError } from "../api_error.ts";
import { exported, fileAt, md5Of, streamed } from "./_model_files.ts";
import { modelFacts } from "./_model_facts.ts";
import { createHash } from "node:crypto";
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

function hexOf(bytes: Uint8Array): string {
  return Array.from(bytes, (x) => x.toString(16).padStart(2, "0")).join("");
}

function hexBytes(hex: string): Uint8Array {
  return Uint8Array.from(hex.match(/../g) ?? [], (h) => parseInt(h, 16));
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
      md5Hex(data) !== hexOf(file.md5)
    ) {
      throw new TypeError(`Cannot store '${path}': its MD5 does not match its data`);
    }
    return data;
  };
  /** A file kept in blobs of its own, blob by blob; checked once the last one is read. */
  async function* pieces({ path, file }: PackagePath): AsyncIterable<Uint8Array> {
    const hash = createHash("md5");
    let size = 0;
    for (const id of file.blobIds) {
      const part = unpackBlobData(await blob(id), file.compressionAlgorithm);
      hash.update(part);
      size += part.byteLength;
      yield part;
    }
    if (size !== file.size) {
      throw new TypeError(
        `Cannot store '${path}': its blobs hold ${size} bytes, ${file.size} declared`,
      );
    }
    if (file.md5.length && hash.digest("hex") !== hexOf(file.md5)) {
      throw new TypeError(`Cannot store '${path}': its MD5 does not match its data`);
    }
  }
  const own = (f: PackagePath) =>
    !(f.file.blobIds.length === 1 && (f.file.blobIds[0] === "" || f.file.size < SMALL));
  return files.map((f) => ({
    path: f.path,
    size: f.file.size,
    read: () => read(f),
    ...(own(f) ? { chunks: () => pieces(f) } : {}),
  }));
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
      const record = await ctx.instance().getModel(await refOf(c));
      return ok(c, modelInfoVo(record, await modelFacts(ctx.instance(), record)));
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
        const file: PackageFile = packageFile({ size: f.size, permission: 0o100644 });
        if (f.size < SMALL) {
          const data = await f.read();
          Object.assign(file, {
            md5: hexBytes(md5Hex(data)),
            blobIds: [""],
            blobOffset: offset,
            blobSize: data.byteLength,
          });
          inline.push(data);
          offset += data.byteLength;
        } else {
          const digest = await md5Of(f);
          const url = new URL(
            `/signed/model/${encodeURIComponent(record.project)}/${
              encodeURIComponent(record.name)
            }/${record.version}/file`,
            origin,
          );
          url.searchParams.set("path", f.path);
          Object.assign(file, {
            md5: hexBytes(digest),
            blobIds: [digest],
            signedUrls: [blobs.sign("GET", url)],
          });
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
      return streamed(c, await fileAt(ctx, ref, c.req.query("path") ?? ""));
    });
}

async function fileNode(f: BundleFile, name: string): Promise<Record<string, unknown>> {
  return {
    name,
    signature: await md5Of(f),
    flag: "unchanged",
    mime: null,
    type: "file",
    desc: null,
    size: String(f.size),
    files: [],
  };
}
