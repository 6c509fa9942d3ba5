/**
 * Building the model and dataset view objects the server answers with from the SDK's records:
 * `ModelVersionVo`, `ModelVo`, `ModelInfoVo`, `DatasetVersionVo`, `DatasetVo` and
 * `DatasetInfoVo`. A model's or dataset's id is its name; a version's id is the version.
 *
 * @module
 */
import { stringifyYaml } from "../_deps.ts";
import type { DatasetRecord, ModelRecord } from "../sdk/instance.ts";
import type {
  DatasetInfoVo,
  DatasetVersionVo,
  DatasetVo,
  ModelInfoVo,
  ModelVersionVo,
  ModelVo,
} from "./views.ts";
import { USER_VO } from "./write_views.ts";

function aliasOf(tags: string[]): string {
  return tags.find((t) => /^v\d+$/.test(t)) ?? "";
}

/**
 * A `ModelVersionVo`: one step per handler.
 *
 * @param m The model record.
 * @returns The view object.
 */
export function modelVersionVo(m: ModelRecord): ModelVersionVo {
  return {
    id: m.version,
    name: m.version,
    alias: aliasOf(m.tags),
    latest: m.tags.includes("latest"),
    tags: m.tags,
    size: m.size,
    shared: false,
    draft: false,
    createdTime: Date.parse(m.createdAt),
    owner: USER_VO,
    stepSpecs: m.handlers.map((h) => ({ name: h, job_name: h, show_name: h, replicas: 1 })),
  };
}

/**
 * A `ModelVo`: the model with one of its versions (a list shows the newest).
 *
 * @param m The model record of the version.
 * @returns The view object.
 */
export function modelVo(m: ModelRecord): ModelVo {
  const version = modelVersionVo(m);
  return { id: m.name, name: m.name, createdTime: version.createdTime, owner: USER_VO, version };
}

/**
 * A `ModelInfoVo` for a model version; `versionId` is what a `JobRequest` names it by.
 *
 * @param m The model record.
 * @returns The view object.
 */
export function modelInfoVo(m: ModelRecord): ModelInfoVo {
  const versionInfo = modelVersionVo(m);
  return {
    id: m.name,
    name: m.name,
    versionId: `${m.name}/version/${m.version}`,
    versionName: m.version,
    versionAlias: versionInfo.alias,
    versionTag: m.tags.join(","),
    createdTime: versionInfo.createdTime,
    shared: false,
    versionInfo,
  };
}

/**
 * The version's manifest: the stored one when given, else what Starwhale's manifest says at the
 * least (`dataset_summary.rows` counts the rows).
 */
function datasetMeta(d: DatasetRecord, manifest?: Record<string, unknown>): string {
  const { rows: _, ...rest } = (manifest?.dataset_summary ?? {}) as Record<string, unknown>;
  const summary = { rows: d.rows, ...rest };
  return stringifyYaml({ ...manifest, version: d.version, dataset_summary: summary });
}

/**
 * A `DatasetVersionVo`.
 *
 * @param d The dataset record.
 * @param manifest The version's stored manifest, if known.
 * @returns The view object.
 */
export function datasetVersionVo(
  d: DatasetRecord,
  manifest?: Record<string, unknown>,
): DatasetVersionVo {
  return {
    id: d.version,
    name: d.version,
    alias: aliasOf(d.tags),
    latest: d.tags.includes("latest"),
    tags: d.tags,
    indexTable: "",
    meta: datasetMeta(d, manifest),
    shared: false,
    createdTime: Date.parse(d.createdAt),
    owner: USER_VO,
  };
}

/**
 * A `DatasetVo`: the dataset with one of its versions (a list shows the newest).
 *
 * @param d The dataset record of the version.
 * @returns The view object.
 */
export function datasetVo(d: DatasetRecord): DatasetVo {
  const version = datasetVersionVo(d);
  return { id: d.name, name: d.name, createdTime: version.createdTime, owner: USER_VO, version };
}

/**
 * A `DatasetInfoVo` for a dataset version.
 *
 * @param d The dataset record.
 * @param manifest The version's stored manifest, if known (its `versionMeta`).
 * @returns The view object.
 */
export function datasetInfoVo(
  d: DatasetRecord,
  manifest?: Record<string, unknown>,
): DatasetInfoVo {
  const versionInfo = datasetVersionVo(d, manifest);
  return {
    id: d.name,
    name: d.name,
    versionId: `${d.name}/version/${d.version}`,
    versionName: d.version,
    versionAlias: versionInfo.alias,
    versionTag: d.tags.join(","),
    versionMeta: versionInfo.meta ?? "",
    versionInfo,
    createdTime: versionInfo.createdTime,
    shared: false,
    indexTable: "",
    rows: d.rows,
  };
}
