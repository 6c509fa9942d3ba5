/**
 * Reading upstream view objects back into SDK records: `JobVo` -> `JobRecord`, PageHelper
 * `PageInfo` -> the SDK's pagination shape.
 *
 * @module
 */
import type { JobRecord, JobStatus, PageInfo } from "../sdk/instance.ts";
import { JOB_STATUSES } from "../sdk/instance.ts";

/** The `JobVo` fields the adapter reads. */
export interface JobVo {
  /** Numeric id, as a string. */
  id: string;
  /** The job uuid: the evaluation id in table names. */
  uuid: string;
  /** Model name. */
  modelName?: string;
  /** Model version name. */
  modelVersion?: string;
  /** Handler name. */
  jobName?: string;
  /** Declared by upstream, filled by this package's server. */
  datasets?: string[] | null;
  /** Dataset versions. */
  datasetList?: { name?: string; version?: { name?: string } }[];
  /** Creation time, ms. */
  createdTime?: number;
  /** Finish time, ms; -1 or absent while running. */
  stopTime?: number;
  /** Status. */
  jobStatus?: string;
  /** Filled by this package's server. */
  errorMessage?: string | null;
  /** Other fields. */
  [field: string]: unknown;
}

/**
 * Converts a `JobVo` to a {@link JobRecord}; the record's id is the uuid (stable and usable in
 * every job path), unknown statuses become `UNKNOWN`.
 *
 * @param vo The view object.
 * @param project The project it was read from.
 * @returns The record.
 */
export function jobRecord(vo: JobVo, project: string): JobRecord {
  const status = JOB_STATUSES.includes(vo.jobStatus as JobStatus)
    ? vo.jobStatus as JobStatus
    : "UNKNOWN";
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
 * @param data The `PageInfo` object.
 * @returns `{total, current, remain, page}`.
 */
export function pageOf(data: Record<string, unknown>): PageInfo {
  const n = (k: string) => Number(data[k] ?? 0);
  const total = n("total"), size = n("size");
  return {
    total,
    current: size,
    remain: total - size,
    page: {
      page_num: n("pageNum"),
      page_size: n("pageSize"),
      pages: n("pages"),
      pre_page: n("prePage"),
      next_page: n("nextPage"),
      has_pre_page: Boolean(data.hasPreviousPage),
      has_next_page: Boolean(data.hasNextPage),
    },
  };
}
