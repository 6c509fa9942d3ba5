/**
 * Moving a model version to and from a Starwhale server the way Starwhale's Python client does.
 *
 * Upload: `HEAD /project/{p}/model/{m}/version/{v}` (present: nothing to do); every file's data
 * as blobs (`POST /blob` with the MD5 and length, a `PUT` of the bytes to the signed URL it
 * answers unless the blob exists, `POST /blob/{id}`), up to 8 blobs at once, files under 4 KiB
 * inline in the meta blob;
 * then the `MetaBlob` listing them as one more blob, and
 * `POST /project/{p}/model/{m}/version/{v}/completeUpload`. Nothing is listed before that last
 * call, which the server answers only once every file is in place.
 *
 * Download: `GET …/version/{v}/meta` (and `?blobId=` for further meta blobs), then each file's
 * blobs from their signed URLs, checked against the file's MD5 (the importer reads several files
 * at once).
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
/** Blob uploads in flight at once (Starwhale's Python client uses up to 16 threads). */
const PARALLEL_BLOBS = 8;

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
 * Blob uploads, at most {@link PARALLEL_BLOBS} in flight. `add` waits for a free slot, so the
 * caller reads no further ahead than that. The first failure aborts the others and is thrown
 * by the next `add` or by `drain`.
 */
class Uploads {
  readonly signal: AbortSignal;
  #abort = new AbortController();
  #inFlight = new Set<Promise<void>>();
  #failure: { error: unknown } | undefined;

  constructor(signal: AbortSignal | undefined) {
    this.signal = signal ? AbortSignal.any([signal, this.#abort.signal]) : this.#abort.signal;
  }

  async add(task: () => Promise<void>): Promise<void> {
    while (this.#inFlight.size >= PARALLEL_BLOBS) await Promise.race(this.#inFlight);
    this.#throwIfFailed();
    const p: Promise<void> = task().catch((error) => {
      this.#failure ??= { error };
      this.#abort.abort(error);
    }).finally(() => this.#inFlight.delete(p));
    this.#inFlight.add(p);
  }

  /** Waits for every upload; throws the first failure. */
  async drain(): Promise<void> {
    await this.#settle();
    this.#throwIfFailed();
  }

  /** Stops what is still in flight (after a failure elsewhere) and waits for it to end. */
  async close(): Promise<void> {
    if (this.#inFlight.size) this.#abort.abort(new DOMException("upload stopped", "AbortError"));
    await this.#settle();
  }

  async #settle(): Promise<void> {
    while (this.#inFlight.size) await Promise.race(this.#inFlight);
  }

  #throwIfFailed(): void {
    if (this.#failure) throw this.#failure.error;
  }
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
  const report = (bytes: number) => {
    done += bytes;
    job.onProgress?.({ unit: "bytes", done, total });
  };
  report(0);
  const uploads = new Uploads(job.signal);
  const upload = (data: Uint8Array, stored: (blobId: string) => void) =>
    uploads.add(async () => {
      stored(await uploadBlob(api, data, uploads.signal));
      report(data.byteLength);
    });
  const inline: Uint8Array[] = [];
  let inlineSize = 0;
  const entries: PackagePath[] = [];
  try {
    for (const f of job.model.files) {
      job.signal?.throwIfAborted();
      let file: PackageFile;
      if (f.size <= BLOB) {
        const data = await f.read();
        file = packageFile({ size: data.byteLength, permission: 0o100644, md5: md5(data) });
        if (f.size < SMALL && inlineSize + data.byteLength < SMALL) {
          file.blobIds = [""];
          file.blobOffset = inlineSize;
          file.blobSize = data.byteLength;
          inline.push(data);
          inlineSize += data.byteLength;
          report(data.byteLength);
        } else {
          const small = f.size < SMALL;
          await upload(data, (id) => {
            file.blobIds = [id];
            if (small) file.blobSize = data.byteLength;
          });
        }
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
          const index = blobIds.push("") - 1;
          await upload(blob, (id) => blobIds[index] = id);
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
      }
      entries.push({ path: f.path, file });
    }
    await uploads.drain();
  } finally {
    await uploads.close();
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
