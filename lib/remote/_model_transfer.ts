/**
 * Moving a model version to and from a Starwhale server the way Starwhale's Python client does.
 *
 * Upload: `HEAD /project/{p}/model/{m}/version/{v}` (present: nothing to do); every file's data
 * as blobs (`POST /blob` with the MD5 and length, a `PUT` of the bytes to the signed URL it
 * answers unless the blob exists, `POST /blob/{id}`), files under 4 KiB inline in the meta blob;
 * then the `MetaBlob` listing them as one more blob, and
 * `POST /project/{p}/model/{m}/version/{v}/completeUpload`. Nothing is listed before that last
 * call, which the server answers only once every file is in place.
 *
 * Download: `GET …/version/{v}/meta` (and `?blobId=` for further meta blobs), then each file's
 * blobs from their signed URLs, checked against the file's MD5.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { bundleChunks, type BundleFile } from "../sdk/instance.ts";
import type { ImportOptions, ModelExport, ModelRecord } from "../sdk/instance.ts";
import {
  encodeMetaBlob,
  type MetaBlob,
  type PackageFile,
  packageFile,
} from "../wire/model_package.ts";
import { metaBlobFromJson } from "../wire/meta_blob_json.ts";
import { unpackBlobData } from "../wire/blob_data.ts";
import { type PackagePath, packFileList, unpackFileList } from "../wire/package_tree.ts";
import type { ApiClient } from "./http.ts";

const enc = encodeURIComponent;
/** Files smaller than this travel inline in the meta blob (as Starwhale keeps them). */
const SMALL = 4096;
/** The largest data blob. */
const BLOB = 8 * 1024 * 1024;

function md5(data: Uint8Array): Uint8Array {
  return new Uint8Array(createHash("md5").update(data).digest());
}

function hex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

async function uploadBlob(api: ApiClient, data: Uint8Array, signal?: AbortSignal): Promise<string> {
  const init = await api.request("/blob", {
    method: "POST",
    body: { contentMd5: hex(md5(data)), contentLength: data.byteLength },
    idempotent: true,
    signal,
  }) as { status?: string; blobId?: string; signedUrl?: string };
  if (init?.status !== "OK") return String(init?.blobId);
  const put = await api.requestRaw(String(init.signedUrl), {
    method: "PUT",
    body: data as Uint8Array<ArrayBuffer>,
    headers: { "content-type": "application/octet-stream" },
    idempotent: true,
    signal,
  });
  await put.body?.cancel();
  const done = await api.request(`/blob/${enc(String(init.blobId))}`, {
    method: "POST",
    body: {},
    idempotent: true,
    signal,
  }) as { blobId?: string };
  return String(done?.blobId ?? init.blobId);
}

/**
 * Uploads a model version.
 *
 * @param api The client.
 * @param job The project's id on the server, the model, progress and abort.
 * @returns `false` when the server had the version already.
 */
export async function importRemoteModel(
  api: ApiClient,
  job: { pid: string; model: ModelExport } & ImportOptions,
): Promise<boolean> {
  const { name, version } = job.model.record;
  const base = `/project/${enc(job.pid)}/model/${enc(name)}/version/${enc(version)}`;
  const head = await api.requestRaw(base, { method: "HEAD", acceptStatus: [404] });
  await head.body?.cancel();
  if (head.ok) return false;
  const total = job.model.files.reduce((n, f) => n + f.size, 0);
  let done = 0;
  job.onProgress?.({ unit: "bytes", done, total });
  const inline: Uint8Array[] = [];
  let inlineSize = 0;
  const entries: PackagePath[] = [];
  for (const f of job.model.files) {
    job.signal?.throwIfAborted();
    let file: PackageFile;
    if (f.size < SMALL) {
      const data = await f.read();
      file = packageFile({ size: data.byteLength, permission: 0o100644, md5: md5(data) });
      if (inlineSize + data.byteLength < SMALL) {
        file.blobIds = [""];
        file.blobOffset = inlineSize;
        file.blobSize = data.byteLength;
        inline.push(data);
        inlineSize += data.byteLength;
      } else {
        file.blobIds = [await uploadBlob(api, data, job.signal)];
        file.blobSize = data.byteLength;
      }
      done += data.byteLength;
    } else if (f.size <= BLOB) {
      const data = await f.read();
      file = packageFile({ size: data.byteLength, permission: 0o100644, md5: md5(data) });
      file.blobIds = [await uploadBlob(api, data, job.signal)];
      done += data.byteLength;
    } else {
      // A larger file goes in blobs of at most 8 MiB as it is read: it need not fit in memory.
      const hash = createHash("md5");
      const blobIds: string[] = [];
      let size = 0, parts: Uint8Array[] = [], pending = 0;
      const flush = async () => {
        if (!pending) return;
        const blob = new Uint8Array(pending);
        let at = 0;
        for (const p of parts) blob.set(p, at), at += p.byteLength;
        parts = [], pending = 0;
        blobIds.push(await uploadBlob(api, blob, job.signal));
      };
      for await (let chunk of bundleChunks(f)) {
        hash.update(chunk);
        size += chunk.byteLength;
        while (chunk.byteLength) {
          const take = chunk.subarray(0, BLOB - pending);
          parts.push(take), pending += take.byteLength;
          chunk = chunk.subarray(take.byteLength);
          if (pending === BLOB) await flush();
        }
      }
      await flush();
      file = packageFile({
        size,
        permission: 0o100644,
        md5: new Uint8Array(hash.digest()),
        blobIds,
      });
      done += size;
    }
    entries.push({ path: f.path, file });
    job.onProgress?.({ unit: "bytes", done, total });
  }
  const data = new Uint8Array(inlineSize);
  let at = 0;
  for (const part of inline) data.set(part, at), at += part.byteLength;
  const meta: MetaBlob = { files: packFileList(entries), metaBlobIndexes: [], data };
  const metaBlobId = await uploadBlob(api, encodeMetaBlob(meta), job.signal);
  job.signal?.throwIfAborted();
  // A Starwhale Server answers this with an empty 200 (the controller returns void).
  const completed = await api.requestRaw(`${base}/completeUpload`, {
    method: "POST",
    body: JSON.stringify({ metaBlobId, builtInRuntime: null, force: false }),
    headers: { "content-type": "application/json; charset=utf-8" },
    signal: job.signal,
  });
  await completed.body?.cancel();
  return true;
}

/**
 * Reads a model version's file list from the server; each file's data is fetched when read.
 *
 * @param api The client.
 * @param job The project's id on the server and the version's record.
 * @returns The record and the files.
 */
export async function exportRemoteModel(
  api: ApiClient,
  job: { pid: string; record: ModelRecord },
): Promise<ModelExport> {
  const { name, version } = job.record;
  const path = `/project/${enc(job.pid)}/model/${enc(name)}/version/${enc(version)}/meta`;
  const first = metaBlobFromJson(String(await api.request(path)));
  const blobs = [first];
  for (const index of first.metaBlobIndexes) {
    blobs.push(
      metaBlobFromJson(String(await api.request(path, { query: { blobId: index.blobId } }))),
    );
  }
  const { files } = unpackFileList(blobs);
  let cached: { url: string; data: Promise<Uint8Array> } | undefined;
  const fetchBlob = (url: string) => {
    if (cached?.url !== url) {
      const data = api.requestRaw(url).then(async (r) => new Uint8Array(await r.arrayBuffer()));
      cached = { url, data };
    }
    return cached.data;
  };
  const check = (path: string, file: PackageFile, size: number, digest: string) => {
    if (size !== file.size) {
      throw new RangeError(`Cannot download '${path}': ${size} bytes, ${file.size} expected`);
    }
    if (file.md5.length && digest !== hex(file.md5)) {
      throw new RangeError(`Cannot download '${path}': its MD5 does not match`);
    }
  };
  /** A file kept in blobs of its own, blob by blob; checked once the last one is read. */
  async function* pieces(file: PackageFile, path: string): AsyncIterable<Uint8Array> {
    const hash = createHash("md5");
    let size = 0;
    for (const url of file.signedUrls) {
      const part = unpackBlobData(await fetchBlob(url), file.compressionAlgorithm);
      hash.update(part);
      size += part.byteLength;
      yield part;
    }
    check(path, file, size, hash.digest("hex"));
  }
  const inBlob = (file: PackageFile) =>
    (file.blobIds.length === 1 && file.blobIds[0] === "") ||
    (file.size < SMALL && file.signedUrls.length === 1);
  const read = async (file: PackageFile, path: string): Promise<Uint8Array> => {
    if (!inBlob(file)) {
      const parts = await Array.fromAsync(pieces(file, path));
      const data = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
      let at = 0;
      for (const p of parts) data.set(p, at), at += p.byteLength;
      return data;
    }
    let data: Uint8Array;
    if (file.blobIds.length === 1 && file.blobIds[0] === "") {
      data = unpackBlobData(
        first.data.subarray(file.blobOffset, file.blobOffset + file.blobSize),
        file.compressionAlgorithm,
      );
    } else {
      const blob = await fetchBlob(file.signedUrls[0]);
      const size = file.blobSize || blob.byteLength - file.blobOffset;
      data = unpackBlobData(
        blob.subarray(file.blobOffset, file.blobOffset + size),
        file.compressionAlgorithm,
      );
    }
    check(path, file, data.byteLength, hex(md5(data)));
    return data;
  };
  const out: BundleFile[] = files.map(({ path, file }) => ({
    path,
    size: file.size,
    read: () => read(file, path),
    ...(inBlob(file) ? {} : { chunks: () => pieces(file, path) }),
  }));
  return { record: job.record, files: out };
}
