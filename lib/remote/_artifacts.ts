/**
 * Reading models and datasets of a Starwhale server: the paged lists
 * (`GET /project/{p}/model`, `/dataset`, `/{name}/version`), and a dataset version's rows through
 * `scanTable` of the table its manifest (`versionMeta`) names — this package's server writes the
 * table into the manifest; a Starwhale Server keeps a dataset's rows in
 * `project/{id}/dataset/{name}/_current/meta`, read as of the version's
 * `data_datastore_revision`.
 *
 * @module
 */
import type { Row } from "../../datastore/mod.ts";
import { parseYaml } from "../_deps.ts";
import type { ArtifactRef, DatasetRecord, DatasetRow, ModelRecord } from "../sdk/instance.ts";
import { datasetVersionRecord, modelVersionRecord } from "../wire/mod.ts";
import type {
  DatasetInfoVo,
  DatasetVersionVo,
  DatasetVo,
  ModelVersionVo,
  ModelVo,
  PageInfoVo,
} from "../wire/mod.ts";
import type { ApiClient } from "./http.ts";
import { scanRemoteTable } from "./_datastore.ts";

const enc = encodeURIComponent;
const PAGE_SIZE = 100;

/** Every item of a paged list, page by page. */
async function* pages<T>(
  api: ApiClient,
  path: string,
  query: Record<string, string | undefined> = {},
): AsyncGenerator<T> {
  for (let pageNum = 1;; pageNum++) {
    const page = await api.request(path, {
      query: { ...query, pageNum, pageSize: PAGE_SIZE },
    }) as PageInfoVo<T>;
    const list = page?.list ?? [];
    yield* list;
    const more = page?.hasNextPage ?? (list.length === PAGE_SIZE);
    if (!more || list.length === 0) return;
  }
}

/**
 * Every version of the project's models or datasets (or of one name), newest first: the names
 * from `GET /project/{p}/{kind}`, then each name's `/version` list.
 */
async function listVersions<V, R extends { createdAt: string }>(
  api: ApiClient,
  where: { kind: "model" | "dataset"; pid: string; project: string; name?: string },
  record: (vo: V, where: { project: string; name: string }) => R,
): Promise<R[]> {
  const base = `/project/${enc(where.pid)}/${where.kind}`;
  const names = where.name ? [where.name] : [];
  if (!where.name) {
    for await (const entry of pages<ModelVo | DatasetVo>(api, base)) names.push(entry.name);
  }
  const out: R[] = [];
  for (const name of names) {
    for await (const v of pages<V>(api, `${base}/${enc(name)}/version`)) {
      out.push(record(v, { project: where.project, name }));
    }
  }
  return out.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

/**
 * Every version of the project's models (or of one model), newest first.
 *
 * @param api The client.
 * @param where `pid` (the project's id on the server), `project` (as the caller named it) and
 *   an optional model `name`.
 * @returns The records.
 */
export function listRemoteModels(
  api: ApiClient,
  where: { pid: string; project: string; name?: string },
): Promise<ModelRecord[]> {
  return listVersions<ModelVersionVo, ModelRecord>(
    api,
    { kind: "model", ...where },
    modelVersionRecord,
  );
}

/**
 * Every version of the project's datasets (or of one dataset), newest first.
 *
 * @param api The client.
 * @param where As {@link listRemoteModels}.
 * @returns The records.
 */
export function listRemoteDatasets(
  api: ApiClient,
  where: { pid: string; project: string; name?: string },
): Promise<DatasetRecord[]> {
  return listVersions<DatasetVersionVo, DatasetRecord>(
    api,
    { kind: "dataset", ...where },
    datasetVersionRecord,
  );
}

/** Where a dataset version's rows are: the table and the revision to read it at. */
export interface RemoteDatasetTable {
  /** The datastore table. */
  table: string;
  /** The revision, for a table shared by versions. */
  revision?: string;
  /** The version's manifest. */
  manifest: Record<string, unknown>;
}

/**
 * The table of a dataset version, from its `DatasetInfoVo`.
 *
 * @param info The version's info.
 * @param where The project's id on the server and the dataset's name.
 * @returns The table, revision and manifest.
 */
export function remoteDatasetTable(
  info: DatasetInfoVo,
  where: { pid: string; name: string },
): RemoteDatasetTable {
  let manifest: Record<string, unknown> = {};
  try {
    const parsed = parseYaml(info.versionMeta ?? "");
    if (parsed && typeof parsed === "object") manifest = parsed as Record<string, unknown>;
  } catch {
    manifest = {};
  }
  if (typeof manifest.table === "string" && manifest.table) {
    const shared = manifest.table.endsWith("/_current/meta");
    const revision = String(manifest.data_datastore_revision ?? "");
    return { table: manifest.table, revision: shared && revision ? revision : undefined, manifest };
  }
  const revision = String(manifest.data_datastore_revision ?? "") || undefined;
  return {
    table: `project/${where.pid}/dataset/${where.name}/_current/meta`,
    revision,
    manifest,
  };
}

/**
 * A dataset version's stored rows (`id` and `features/...` columns), in key order.
 *
 * @param api The client.
 * @param where The table and revision; `limit` keeps the first N.
 * @returns The rows.
 */
export function scanRemoteDatasetRows(
  api: ApiClient,
  where: { table: string; revision?: string; limit?: number },
): AsyncIterable<Row> {
  return scanRemoteTable(api, where.table, {
    revision: where.revision,
    ...(where.limit ? { limit: where.limit } : {}),
  });
}

/**
 * Stored rows as handlers see them: the key and the `features/...` columns without the prefix.
 *
 * @param rows Stored rows.
 * @returns Dataset rows.
 */
export async function* datasetRows(rows: AsyncIterable<Row>): AsyncIterable<DatasetRow> {
  for await (const row of rows) {
    const features: Row = {};
    for (const [k, v] of Object.entries(row)) {
      if (k.startsWith("features/")) features[k.slice(9)] = v;
    }
    yield { id: row.id as DatasetRow["id"], features };
  }
}

/** The ref a caller passed, with the version made explicit. */
export function versioned(ref: ArtifactRef): Required<ArtifactRef> {
  return { ...ref, version: ref.version || "latest" };
}
