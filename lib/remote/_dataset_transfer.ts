/**
 * Uploading a dataset version to a Starwhale server the way Starwhale's Python client does:
 * `HEAD /project/{p}/dataset/{d}/version/{v}` (present: nothing to do), the rows through
 * `updateTable`, then `POST …/version/{v}/file` with `phase=MANIFEST` (the manifest, multipart)
 * and `phase=END` (or `phase=CANCEL` when anything failed), so the version is listed only once
 * every row is in.
 *
 * Where the server announces the `dataset-version-table` extension (`GET /system/features`, as
 * this package's server does), the rows go to a table of their own,
 * `project/{p}/dataset/{d}/{v[:2]}/{v}/meta`, named by the manifest's `table`; elsewhere (a
 * Starwhale Server) to `project/{p}/dataset/{d}/_current/meta`, the version pinned by the
 * manifest's `data_datastore_revision`, as Starwhale's Python client writes them.
 *
 * @module
 */
import type { Row } from "../../datastore/mod.ts";
import { stringifyYaml } from "../_deps.ts";
import type { DatasetExport, ImportOptions } from "../sdk/instance.ts";
import type { ApiClient } from "./http.ts";
import { updateRemoteTable } from "./_datastore.ts";

const enc = encodeURIComponent;
const BATCH = 1000;

/** The extensions a server announces in `GET /system/features`; none for a Starwhale Server. */
async function extensions(api: ApiClient): Promise<string[]> {
  try {
    const data = await api.request("/system/features") as { extensions?: unknown };
    return Array.isArray(data?.extensions) ? data.extensions.map(String) : [];
  } catch {
    return [];
  }
}

/**
 * Uploads a dataset version.
 *
 * @param api The client.
 * @param job The project's id on the server, the dataset, progress and abort.
 * @returns `false` when the server had the version already.
 */
export async function importRemoteDataset(
  api: ApiClient,
  job: { pid: string; dataset: DatasetExport } & ImportOptions,
): Promise<boolean> {
  const { name, version } = job.dataset.record;
  const base = `/project/${enc(job.pid)}/dataset/${enc(name)}/version/${enc(version)}`;
  const head = await api.requestRaw(base, { method: "HEAD", acceptStatus: [404] });
  await head.body?.cancel();
  if (head.ok) return false;
  const own = (await extensions(api)).includes("dataset-version-table");
  const table = own
    ? `project/${job.pid}/dataset/${name}/${version.slice(0, 2)}/${version}/meta`
    : `project/${job.pid}/dataset/${name}/_current/meta`;
  let revision = 0;
  const total = job.dataset.record.rows || null;
  let done = 0, batch: Row[] = [];
  const flush = async () => {
    if (!batch.length) return;
    job.signal?.throwIfAborted();
    revision = await updateRemoteTable(api, table, batch);
    done += batch.length;
    batch = [];
    job.onProgress?.({ unit: "rows", done, total });
  };
  job.onProgress?.({ unit: "rows", done, total });
  for await (const row of job.dataset.rows) {
    batch.push(row);
    if (batch.length >= BATCH) await flush();
  }
  await flush();
  job.signal?.throwIfAborted();
  const { data_datastore_revision: _, table: __, ...kept } = job.dataset.manifest;
  const manifest = {
    ...kept,
    name,
    version,
    ...(own ? { table } : { data_datastore_revision: String(revision) }),
    dataset_summary: {
      ...(kept.dataset_summary as Record<string, unknown> | undefined),
      rows: done,
    },
  };
  const query = { swds: `${name}:${version}`, project: job.pid, force: "1" };
  const form = new FormData();
  form.set("file", new Blob([stringifyYaml(manifest)]), "_manifest.yaml");
  const res = await api.requestRaw(`${base}/file`, {
    method: "POST",
    query: { ...query, phase: "MANIFEST", desc: "MANIFEST" },
    body: form,
  });
  const uploadId = String(((await res.json()) as { data?: { uploadId?: unknown } }).data?.uploadId);
  const phase = async (phase: "END" | "CANCEL") => {
    const body = new URLSearchParams({ ...query, phase, uploadId });
    await (await api.requestRaw(`${base}/file`, { method: "POST", body })).body?.cancel();
  };
  try {
    job.signal?.throwIfAborted();
    await phase("END");
  } catch (e) {
    await phase("CANCEL").catch(() => {});
    throw e;
  }
  return true;
}
