/**
 * Building the view objects the server answers with from the SDK's records: `UserVo`,
 * `ProjectVo`, `JobVo`, `TaskVo`, `TrashVo`, `EventVo` and PageHelper's `PageInfo` (models and
 * datasets: see
 * `artifact_views.ts`).
 *
 * @module
 */
import type { JobRecord, JobTask } from "../sdk/instance.ts";
import type {
  DatasetVo,
  EventVo,
  JobVo,
  PageInfoVo,
  ProjectVo,
  StatisticsVo,
  TaskVo,
  TrashVo,
  UserVo,
} from "./views.ts";

/** The single user of a standalone server. */
export const USER_VO: UserVo = {
  id: "1",
  name: "starwhale",
  createdTime: 0,
  isEnabled: true,
  systemRole: "OWNER",
  projectRoles: {},
};

/**
 * A PageHelper `PageInfo` for one page of `total` items.
 *
 * @param list The items of the page.
 * @param paging `total`, 1-based `pageNum`, `pageSize`.
 * @returns The page object, with upstream's field names.
 * @example The second page of five items, two per page
 * ```ts
 * import assert from "node:assert/strict";
 * import { pageInfo } from "@starwhale/sdk/wire";
 * const page = pageInfo(["c", "d"], { total: 5, pageNum: 2, pageSize: 2 });
 * assert.deepEqual([page.pages, page.startRow, page.endRow, page.nextPage], [3, 3, 4, 3]);
 * ```
 */
export function pageInfo<T>(
  list: T[],
  paging: { total: number; pageNum: number; pageSize: number },
): PageInfoVo<T> {
  const { total, pageNum, pageSize } = paging;
  const pages = pageSize > 0 ? Math.ceil(total / pageSize) : 0;
  const startRow = list.length ? (pageNum - 1) * pageSize + 1 : 0;
  const nav: number[] = [];
  const first = Math.max(1, Math.min(pageNum - 4, pages - 7));
  for (let p = first; p <= pages && nav.length < 8; p++) nav.push(p);
  return {
    total,
    list,
    pageNum,
    pageSize,
    size: list.length,
    startRow,
    endRow: list.length ? startRow + list.length - 1 : 0,
    pages,
    prePage: pageNum > 1 ? pageNum - 1 : 0,
    nextPage: pageNum < pages ? pageNum + 1 : 0,
    isFirstPage: pageNum === 1,
    isLastPage: pageNum >= pages,
    hasPreviousPage: pageNum > 1,
    hasNextPage: pageNum < pages,
    navigatePages: 8,
    navigatepageNums: nav,
    navigateFirstPage: nav[0] ?? 0,
    navigateLastPage: nav.at(-1) ?? 0,
  };
}

/**
 * A `ProjectVo` for a standalone project; its `id` is its name, so the summary and job tables
 * a client derives from the id are the same tables the standalone instance writes.
 *
 * @param name The project name.
 * @param statistics Counts of the project's resources, when known.
 * @returns The view object.
 */
export function projectVo(name: string, statistics?: StatisticsVo): ProjectVo {
  return {
    id: name,
    name,
    description: "",
    privacy: "PRIVATE",
    createdTime: 0,
    owner: USER_VO,
    statistics: statistics ?? null,
  };
}

function ms(iso: string | null): number {
  return iso ? Date.parse(iso) : -1;
}

/**
 * A `JobVo` for a job; `uuid` is the standalone job id and `id` the server's numeric id.
 *
 * @param job The job record.
 * @param numericId The numeric id the server assigned to it.
 * @param facts `datasetList`, the job's datasets as `DatasetVo`s, and `stepSpec`, its steps as
 *   YAML, where the server knows them.
 * @returns The view object, with every field the generated client model requires.
 */
export function jobVo(
  job: JobRecord,
  numericId: number,
  facts: { datasetList?: DatasetVo[]; stepSpec?: string } = {},
): JobVo {
  const created = ms(job.createdAt);
  const stop = ms(job.finishedAt);
  const model = job.model ?? "";
  const version = job.modelVersion ?? "";
  return {
    id: String(numericId),
    uuid: job.id,
    modelName: model,
    modelVersion: version,
    model: {
      id: model,
      name: model,
      createdTime: created,
      owner: USER_VO,
      version: {
        id: version,
        name: version,
        alias: "",
        latest: false,
        tags: [],
        shared: false,
        draft: false,
        createdTime: created,
        owner: USER_VO,
        stepSpecs: [],
      },
    },
    jobName: job.handler ?? "",
    jobType: "EVALUATION",
    datasets: job.datasets,
    datasetList: facts.datasetList ?? [],
    runtime: {
      id: "0",
      name: "deno",
      createdTime: 0,
      owner: USER_VO,
      version: {
        id: "0",
        runtimeId: "0",
        name: Deno.version.deno,
        alias: "",
        latest: true,
        tags: [],
        image: "",
        shared: false,
        createdTime: 0,
        owner: USER_VO,
      },
    },
    isBuiltinRuntime: true,
    device: null,
    deviceAmount: null,
    owner: USER_VO,
    createdTime: created,
    stopTime: stop,
    jobStatus: job.status,
    comment: null,
    stepSpec: facts.stepSpec ?? "",
    resourcePool: "default",
    duration: (stop > 0 ? stop : Date.now()) - created,
    exposedLinks: [],
    pinnedTime: null,
    project: job.project,
    errorMessage: job.errorMessage,
  };
}

/**
 * The one `TaskVo` of a standalone job (the whole job runs as one task).
 *
 * @param job The job record.
 * @param numericId The job's numeric id.
 * @returns The view object.
 */
export function taskVo(job: JobRecord, numericId: number): TaskVo {
  return {
    id: String(numericId),
    uuid: job.id,
    startedTime: ms(job.createdAt),
    finishedTime: ms(job.finishedAt),
    taskStatus: job.status,
    retryNum: 0,
    resourcePool: "default",
    stepName: job.handler ?? "",
    exposedLinks: [],
    failedReason: job.errorMessage,
    runs: [],
  };
}

/**
 * The `TaskVo` of one task of a job (a replica of one of its steps), with the rows it has
 * handled in `progress` (a field of this server's; Starwhale clients ignore it).
 *
 * @param task The task.
 * @param ids The server's numeric id of the task and its uuid.
 * @returns The view object.
 * @example A predict task halfway
 * ```ts
 * import assert from "node:assert/strict";
 * import { jobTaskVo } from "@starwhale/sdk/wire";
 * const vo = jobTaskVo({
 *   id: "0", step: "m:C.predict", index: 0, status: "RUNNING", startedAt: "2026-01-01T00:00:00Z",
 *   finishedAt: null, rows: 5, total: 10, error: null,
 * }, { id: 7, uuid: "abc-0" });
 * assert.deepEqual([vo.id, vo.stepName, vo.taskStatus, vo.finishedTime], ["7", "m:C.predict", "RUNNING", -1]);
 * assert.deepEqual(vo.progress, { rows: 5, total: 10 });
 * ```
 */
export function jobTaskVo(task: JobTask, ids: { id: number; uuid: string }): TaskVo {
  return {
    id: String(ids.id),
    uuid: ids.uuid,
    startedTime: task.startedAt ? ms(task.startedAt) : null,
    finishedTime: ms(task.finishedAt),
    taskStatus: task.status,
    retryNum: 0,
    resourcePool: "default",
    stepName: task.step,
    exposedLinks: [],
    failedReason: task.error,
    runs: [],
    progress: { rows: task.rows, total: task.total },
  };
}

/**
 * The `TrashVo` of a removed job: its trash id is the job's numeric id, its name the job id.
 *
 * @param job The removed job's record.
 * @param numericId The job's numeric id.
 * @returns The view object.
 */
export function trashVo(job: JobRecord, numericId: number): TrashVo {
  return {
    id: String(numericId),
    name: job.id,
    type: "EVALUATION",
    size: 0,
    trashedBy: USER_VO.name,
    lastUpdatedTime: ms(job.finishedAt ?? job.createdAt),
  };
}

/**
 * A job's events as a Starwhale Server lists them, oldest first: its creation, and for a failed
 * or canceled job an `ERROR` or `INFO` event carrying the reason. Event ids are unique per server
 * (`numericId * 10 + n`).
 *
 * @param job The job record.
 * @param numericId The job's numeric id.
 * @returns The view objects.
 */
export function jobEventVos(job: JobRecord, numericId: number): EventVo[] {
  const related = { eventResourceType: "JOB" as const, id: numericId };
  const event = (
    id: number,
    eventType: EventVo["eventType"],
    message: string,
    at: string,
  ): EventVo => ({
    eventType,
    source: "SERVER",
    relatedResource: related,
    message,
    data: null,
    timestamp: Date.parse(at),
    id: numericId * 10 + id,
  });
  const events = [event(1, "INFO", "Job created", job.createdAt)];
  const end = job.finishedAt ?? job.createdAt;
  if (job.status === "FAIL") {
    events.push(event(2, "ERROR", job.errorMessage || "Job failed", end));
  } else if (job.status === "CANCELED") {
    events.push(event(2, "INFO", job.errorMessage || "Job canceled", end));
  }
  return events;
}
