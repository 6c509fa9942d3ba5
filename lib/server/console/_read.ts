/**
 * Everything the console reads, through the SDK: the `Instance` seam for jobs and their tables,
 * `Model` and `Dataset` for the artifact pages. The same calls serve the standalone root and a
 * server; what an instance cannot do (a remote instance lists no models) becomes a note on the
 * page, not an error.
 *
 * @module
 */

import {
  artifactReads,
  Dataset,
  type DatasetRecord,
  type DatasetRow,
  hasJobLogs,
  type Instance,
  JOB_STATUSES,
  type JobRecord,
  type JobRef,
  type JobRunProgress,
  type JobStatus,
  Model,
  type ModelRecord,
  readJobProgress,
  type Row,
  UnsupportedError,
} from "../../sdk/mod.ts";
import type { JobsView } from "./_jobs_page.tsx";
import {
  type ClassMetrics,
  classMetricsOfRows,
  classMetricsOfSummary,
  type ConfusionMatrix,
  confusionOfRows,
  isConfusionTable,
} from "./_metrics.ts";

/** Jobs per page of the Jobs page. */
export const JOBS_PER_PAGE = 20;

/** Reads an unsupported call as `undefined` (the page says the instance cannot list it). */
async function unlessUnsupported<T>(call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call();
  } catch (e) {
    if (e instanceof UnsupportedError) return undefined;
    throw e;
  }
}

/**
 * The Jobs page's data.
 *
 * @throws {RangeError} A page number that is not a positive integer. {TypeError} An unknown status.
 */
export async function readJobs(
  instance: Instance,
  project: string,
  query: { page?: string; status?: string; model?: string },
): Promise<JobsView> {
  const pageIndex = query.page ? Number(query.page) : 1;
  if (!Number.isInteger(pageIndex) || pageIndex < 1) {
    throw new RangeError(`Invalid page ${JSON.stringify(query.page)}: expected an integer >= 1`);
  }
  const status = query.status || undefined;
  if (status !== undefined && !JOB_STATUSES.includes(status as JobStatus)) {
    throw new TypeError(
      `Invalid status ${JSON.stringify(status)}: expected one of ${JOB_STATUSES.join(", ")}`,
    );
  }
  const model = query.model?.trim() || undefined;
  const [[jobs, page], models] = await Promise.all([
    instance.listJobs(project, {
      pageIndex,
      pageSize: JOBS_PER_PAGE,
      status: status as JobStatus | undefined,
      model,
    }),
    unlessUnsupported(() => artifactReads(instance, "listing models").listModels(project)),
  ]);
  return {
    project,
    jobs,
    page,
    filters: { status, model },
    models: [...new Set((models ?? []).map((m) => m.name))].sort(),
  };
}

/** What the Job page shows. */
export interface JobView {
  /** The record. */
  job: JobRecord;
  /** The summary row (`{}` when nothing was logged). */
  summary: Row;
  /** Short names of the job's tables. */
  tables: string[];
  /** Per-class metrics, when logged. */
  classes: ClassMetrics[];
  /** The confusion matrix, when logged. */
  confusion?: ConfusionMatrix;
  /** Captured log lines (the last ones), or `undefined` when the instance keeps none. */
  logs?: string[];
  /** How far it is, while it runs. */
  progress?: JobRunProgress;
}

/** Log lines kept on the page. */
const LOG_LINES = 500;

async function firstRows(
  instance: Instance,
  ref: JobRef,
  table: string,
  limit: number,
): Promise<Row[]> {
  const rows: Row[] = [];
  for await (const row of instance.scanJobTable(ref, table, { limit })) rows.push(row);
  return rows;
}

/**
 * The job's row of the summary table as stored, a server's `sys/*` columns included (the pages
 * show them apart from what the job logged).
 */
export async function storedSummary(instance: Instance, ref: JobRef): Promise<Row> {
  const info = await instance.jobInfo(ref) as { report?: { summary?: Row } };
  return info.report?.summary ?? {};
}

/** The Job page's data. @throws {NotFoundError} For an unknown job. */
export async function readJob(instance: Instance, ref: JobRef): Promise<JobView> {
  const job = await instance.getJob(ref);
  const full = { project: ref.project, id: job.id };
  const [summary, tables] = await Promise.all([
    storedSummary(instance, full),
    instance.jobTables(full),
  ]);
  let classes = classMetricsOfSummary(summary);
  if (classes.length === 0 && tables.includes("labels")) {
    classes = classMetricsOfRows(await firstRows(instance, full, "labels", 200));
  }
  const matrixTable = tables.find(isConfusionTable);
  const confusion = matrixTable
    ? confusionOfRows(matrixTable, await firstRows(instance, full, matrixTable, 201))
    : undefined;
  return {
    job,
    summary,
    tables,
    classes,
    confusion,
    logs: await readLogs(instance, full),
    progress: await readJobProgress(instance, job),
  };
}

/** The job's captured log lines (the last ones), when the instance keeps them. */
async function readLogs(instance: Instance, ref: JobRef): Promise<string[] | undefined> {
  if (!hasJobLogs(instance)) return undefined;
  const lines: string[] = [];
  for await (const line of instance.jobLogs(ref)) {
    lines.push(line);
    if (lines.length > LOG_LINES) lines.shift();
  }
  return lines;
}

/** Model versions and dataset versions, or `undefined` where the instance cannot list them. */
export async function readArtifacts(
  instance: Instance,
  project: string,
): Promise<{ models?: ModelRecord[]; datasets?: DatasetRecord[] }> {
  const [models, datasets] = await Promise.all([
    unlessUnsupported(async () => (await Model.list(project, { instance })).map((m) => m.record)),
    unlessUnsupported(async () => (await Dataset.list(project, { instance })).map((d) => d.record)),
  ]);
  return { models, datasets };
}

/** Rows of a dataset the Dataset page shows. */
export const DATASET_HEAD = 20;

/** One dataset version and its first rows (`rows` undefined when the instance cannot scan). */
export async function readDataset(
  instance: Instance,
  where: { project: string; name: string; version?: string },
): Promise<{ record: DatasetRecord; rows?: DatasetRow[] }> {
  const uri = `local/project/${where.project}/dataset/${where.name}` +
    (where.version ? `/version/${where.version}` : "");
  const dataset = await Dataset.get(uri, { instance });
  const rows = await unlessUnsupported(() => dataset.head(DATASET_HEAD));
  return { record: dataset.record, rows };
}
