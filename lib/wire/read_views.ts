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
  JobTask,
  ModelRecord,
  PageInfo,
  TaskStatus,
} from "../sdk/instance.ts";
import { JOB_STATUSES } from "../sdk/instance.ts";
import { parseYaml } from "../_deps.ts";
import type {
  DatasetInfoVo,
  DatasetVersionVo,
  JobVo,
  ModelInfoVo,
  ModelVersionVo,
  PageInfoVo,
  TaskVo,
} from "./views.ts";

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

/**
 * A model record from one entry of a model's version list (`ModelVersionVo`).
 *
 * @param vo The view object.
 * @param where The project and the model's name.
 * @returns The record.
 */
export function modelVersionRecord(
  vo: ModelVersionVo,
  where: { project: string; name: string },
): ModelRecord {
  const steps = vo.stepSpecs ?? [];
  return {
    project: where.project,
    name: where.name,
    version: String(vo.name ?? ""),
    tags: entryTags(vo),
    createdAt: new Date(Number(vo.createdTime ?? 0)).toISOString(),
    size: Number(vo.size ?? 0),
    handlers: [...new Set(steps.map((s) => s.job_name ?? "").filter(Boolean))].sort(),
  };
}

/**
 * A dataset record from one entry of a dataset's version list (`DatasetVersionVo`); the rows
 * come from the version's manifest (`meta`).
 *
 * @param vo The view object.
 * @param where The project and the dataset's name.
 * @returns The record.
 */
export function datasetVersionRecord(
  vo: DatasetVersionVo,
  where: { project: string; name: string },
): DatasetRecord {
  return {
    project: where.project,
    name: where.name,
    version: String(vo.name ?? ""),
    tags: entryTags(vo),
    createdAt: new Date(Number(vo.createdTime ?? 0)).toISOString(),
    rows: Number(summaryRows({ versionMeta: vo.meta } as DatasetInfoVo) ?? 0),
  };
}

/** The tags of a version entry: its tags, its `vN` alias and `latest`, sorted. */
function entryTags(vo: { tags?: string[] | null; alias?: string | null; latest?: boolean }) {
  const tags = new Set(vo.tags ?? []);
  if (vo.alias) tags.add(vo.alias);
  if (vo.latest) tags.add("latest");
  return [...tags].sort();
}

const TASK_STATUS: Record<string, TaskStatus> = {
  CREATED: "CREATED",
  READY: "CREATED",
  ASSIGNING: "CREATED",
  PREPARING: "RUNNING",
  RUNNING: "RUNNING",
  RETRYING: "RUNNING",
  CANCELLING: "RUNNING",
  PAUSED: "PAUSED",
  SUCCESS: "SUCCESS",
  FAIL: "FAIL",
  CANCELED: "CANCELED",
};

/**
 * The SDK's tasks from a job's `TaskVo`s: the replica of each is its place among the tasks of its
 * step; rows come from this package's server (`progress`), 0 and unknown from others.
 *
 * @param vos The tasks, as the server lists them.
 * @returns The tasks.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { taskRecords } from "@starwhale/sdk/wire";
 * const [a, b] = taskRecords([
 *   { id: "3", uuid: "u3", taskStatus: "RUNNING", resourcePool: "default", stepName: "p", startedTime: 0 },
 *   { id: "4", uuid: "u4", taskStatus: "PREPARING", resourcePool: "default", stepName: "p" },
 * ]);
 * assert.deepEqual([a.id, a.index, a.status, b.index, b.status, b.total], ["3", 0, "RUNNING", 1, "RUNNING", null]);
 * ```
 */
export function taskRecords(vos: TaskVo[]): JobTask[] {
  const seen = new Map<string, number>();
  const time = (ms: number | null | undefined) =>
    typeof ms === "number" && ms > 0 ? new Date(ms).toISOString() : null;
  return vos.map((vo) => {
    const index = seen.get(vo.stepName) ?? 0;
    seen.set(vo.stepName, index + 1);
    return {
      id: String(vo.id),
      step: vo.stepName,
      index,
      status: TASK_STATUS[vo.taskStatus] ?? "CREATED",
      startedAt: time(vo.startedTime),
      finishedAt: time(vo.finishedTime),
      rows: vo.progress?.rows ?? 0,
      total: vo.progress?.total ?? null,
      error: vo.failedReason ?? null,
    };
  });
}
