/**
 * Reading the server's view objects back into SDK records: `JobVo` -> `JobRecord`, PageHelper
 * `PageInfo` -> the SDK's pagination, `ModelInfoVo` -> `ModelRecord`, `DatasetInfoVo` ->
 * `DatasetRecord`. Each tolerates the fields a Starwhale Server may leave out.
 *
 * @module
 */
import type {
  ArtifactRef,
  DatasetRecord,
  JobRecord,
  JobStatus,
  ModelRecord,
  PageInfo,
} from "../sdk/instance.ts";
import { JOB_STATUSES } from "../sdk/instance.ts";
import { parseYaml } from "../_deps.ts";
import type { DatasetInfoVo, JobVo, ModelInfoVo, PageInfoVo } from "./views.ts";

/**
 * Converts a `JobVo` to a job record; the record's id is the uuid (stable and usable in every
 * job path), an unknown status becomes `UNKNOWN`.
 *
 * @param vo The view object.
 * @param project The project it was read from.
 * @returns The record.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { jobRecord, jobVo } from "@starwhale/sdk/wire";
 * const job = {
 *   id: "xm5wnup", project: "self", status: "SUCCESS" as const, model: "mnist",
 *   modelVersion: "v1", datasets: ["mnist"], handler: "h:f", errorMessage: null,
 *   createdAt: "2024-01-01T00:00:00.000Z", finishedAt: "2024-01-01T00:00:01.000Z",
 * };
 * assert.deepEqual(jobRecord(jobVo(job, 7), "self"), job);
 * ```
 */
export function jobRecord(vo: JobVo, project: string): JobRecord {
  const status = JOB_STATUSES.includes(vo.jobStatus as JobStatus) ? vo.jobStatus : "UNKNOWN";
  const datasets = vo.datasets ??
    (vo.datasetList ?? []).map((d) => `${d.name ?? ""}/version/${d.version?.name ?? ""}`);
  return {
    id: vo.uuid || vo.id,
    project,
    status,
    model: vo.modelName || null,
    modelVersion: vo.modelVersion || null,
    datasets,
    handler: vo.jobName || null,
    createdAt: new Date(vo.createdTime ?? 0).toISOString(),
    finishedAt: (vo.stopTime ?? -1) > 0 ? new Date(vo.stopTime!).toISOString() : null,
    errorMessage: vo.errorMessage ?? null,
  };
}

/**
 * The SDK's pagination from a PageHelper page (upstream `parse_pager`).
 *
 * @param page The `PageInfo` object.
 * @returns `{total, current, remain, page}`.
 */
export function pageOf(page: PageInfoVo<unknown>): PageInfo {
  const n = (v: number | undefined) => Number(v ?? 0);
  const total = n(page.total), size = n(page.size);
  return {
    total,
    current: size,
    remain: total - size,
    page: {
      pageNum: n(page.pageNum),
      pageSize: n(page.pageSize),
      pages: n(page.pages),
      prePage: n(page.prePage),
      nextPage: n(page.nextPage),
      hasPreviousPage: Boolean(page.hasPreviousPage),
      hasNextPage: Boolean(page.hasNextPage),
    },
  };
}

/** The fields a model or dataset version info shares with local records. */
function versionRecord(
  ref: ArtifactRef,
  info: ModelInfoVo | DatasetInfoVo,
): { project: string; name: string; version: string; tags: string[]; createdAt: string } {
  return {
    project: ref.project,
    name: String(info.name ?? ref.name),
    version: String(info.versionName ?? ""),
    tags: versionTags(info),
    createdAt: new Date(Number(info.createdTime ?? 0)).toISOString(),
  };
}

/**
 * A version's tags: `versionInfo.tags` (where a Starwhale Server keeps them), the older
 * comma-separated `versionTag`, the alias (`v1`) and `latest` when it is the newest version.
 */
function versionTags(info: ModelInfoVo | DatasetInfoVo): string[] {
  const tags = new Set([
    ...(info.versionInfo?.tags ?? []),
    ...String(info.versionTag ?? "").split(",").filter(Boolean),
  ]);
  if (info.versionAlias) tags.add(info.versionAlias);
  if (info.versionInfo?.latest) tags.add("latest");
  return [...tags];
}

/**
 * A model record from a `ModelInfoVo`; the handlers are the steps' `job_name`s, the size is
 * `versionInfo.size`.
 *
 * @param info The view object.
 * @param ref The project and name it was looked up by.
 * @returns The record.
 */
export function modelRecord(info: ModelInfoVo, ref: ArtifactRef): ModelRecord {
  const steps = info.versionInfo?.stepSpecs ?? [];
  return {
    ...versionRecord(ref, info),
    size: Number(info.versionInfo?.size ?? 0),
    handlers: [...new Set(steps.map((s) => s.job_name ?? "").filter(Boolean))].sort(),
  };
}

/**
 * A dataset record from a `DatasetInfoVo`; the rows are this package's `rows`, else the
 * `dataset_summary.rows` of the version's manifest (`versionMeta`), as a Starwhale Server has it.
 *
 * @param info The view object.
 * @param ref The project and name it was looked up by.
 * @returns The record.
 */
export function datasetRecord(info: DatasetInfoVo, ref: ArtifactRef): DatasetRecord {
  return { ...versionRecord(ref, info), rows: Number(info.rows ?? summaryRows(info) ?? 0) };
}

function summaryRows(info: DatasetInfoVo): unknown {
  try {
    const meta = parseYaml(info.versionMeta ?? "") as { dataset_summary?: { rows?: unknown } };
    return meta?.dataset_summary?.rows;
  } catch {
    return undefined;
  }
}
