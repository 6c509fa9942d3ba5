/**
 * The `Instance` seam: what `Job`, `Model` and `Dataset` ask of a Starwhale instance, in roles.
 *
 * Every instance has the roles of {@link Instance}: {@link JobOperations} (list, create,
 * inspect and control jobs), {@link JobTransfer} (copy jobs between instances),
 * {@link TableOperations} (datastore tables) and
 * {@link ArtifactLookup} (find a model or dataset version). A standalone instance also has the
 * {@link ArtifactStore} role (build, list, remove and read models and datasets), which the remote
 * adapter does not have; both have {@link JobLogs} (a job's log lines and tasks). `roles.ts`
 * tells the roles apart, with an `UnsupportedError` that names what the caller wanted to do.
 *
 * Two implementations: `StandaloneInstance` (local files plus the embedded datastore) and
 * `RemoteInstance` (HTTP to a Starwhale server). Every method is async, takes at most two
 * positional arguments plus an options object, and throws the classes of `errors.ts`
 * (`NotFoundError`, `AmbiguousError`, `JobStateError`, `RemoteError`, `UnsupportedError`) or
 * `TypeError`/`RangeError` for bad input, the same on both backends.
 *
 * @module
 */

import type { ColumnSchema, Key, Row, ScanOptions } from "../../datastore/mod.ts";

/** The job states of Starwhale's Job SDK. */
export type JobStatus =
  | "CREATED"
  | "READY"
  | "PAUSED"
  | "RUNNING"
  | "CANCELLING"
  | "CANCELED"
  | "SUCCESS"
  | "FAIL"
  | "UNKNOWN";

/** Every {@link JobStatus}, in lifecycle order. */
export const JOB_STATUSES: readonly JobStatus[] = [
  "CREATED",
  "READY",
  "PAUSED",
  "RUNNING",
  "CANCELLING",
  "CANCELED",
  "SUCCESS",
  "FAIL",
  "UNKNOWN",
];

/** Statuses after which a job never changes again. */
export const FINAL_STATUSES: readonly JobStatus[] = ["SUCCESS", "FAIL", "CANCELED"];

/**
 * The prefix of the summary columns a Starwhale server keeps for its own bookkeeping of a job it
 * runs (`sys/id`, `sys/job_status`, `sys/model_name`, `sys/step_spec`, ...). They stay in the
 * stored row, which `jobInfo` reports whole; `jobSummary` leaves them out on every backend.
 */
export const SYSTEM_COLUMN_PREFIX = "sys/";

/** Columns the runner once wrote to a job's `results` table for itself; never shown. */
const INTERNAL_RESULT_COLUMNS: readonly string[] = ["_index"];

/**
 * A job's summary row as `jobSummary` returns it: the stored row without the system columns.
 *
 * @param row The job's row of the project summary table.
 * @returns The row, `id` and the keys the job logged.
 */
export function jobOwnSummary(row: Row): Row {
  const out: Row = {};
  for (const [k, v] of Object.entries(row)) if (!k.startsWith(SYSTEM_COLUMN_PREFIX)) out[k] = v;
  return out;
}

/**
 * A row of a job's table as `scanJobTable` returns it: internal columns of the `results` table
 * left out.
 *
 * @param table The table's short name.
 * @param row The stored row.
 * @returns The row (the same object when nothing is left out).
 */
export function jobOwnRow(table: string, row: Row): Row {
  if (table !== "results" || !INTERNAL_RESULT_COLUMNS.some((c) => c in row)) return row;
  const out: Row = {};
  for (const [k, v] of Object.entries(row)) if (!INTERNAL_RESULT_COLUMNS.includes(k)) out[k] = v;
  return out;
}

/** Names one job: the project (name, or numeric id on a server) and the job id. */
export interface JobRef {
  /** Project name (standalone) or name/id (server). */
  project: string;
  /** Full job id: 40-char id on standalone, the id or uuid on a server. */
  id: string;
}

/** Names one model or dataset version; `version` may be a full version, a prefix or a tag. */
export interface ArtifactRef {
  /** Project name (standalone) or name/id (server). */
  project: string;
  /** The model or dataset name. */
  name: string;
  /** A version, a unique version prefix, or a tag (`latest`, `v0`, ...); default `latest`. */
  version?: string;
}

/** What an instance knows about a job: the same fields on every backend. */
export interface JobRecord {
  /** The job id used in URIs (standalone: the 40-char id). */
  id: string;
  /** The project the job belongs to. */
  project: string;
  /** Current status. */
  status: JobStatus;
  /** Model name, or `null` if unknown. */
  model: string | null;
  /** Full model version, or `null` if unknown. */
  modelVersion: string | null;
  /** Dataset URIs, as given to `Job.create`. */
  datasets: string[];
  /** The resolved handler key, e.g. `mnist.evaluator:MNISTInference.evaluate`. */
  handler: string | null;
  /** Creation time, ISO 8601. */
  createdAt: string;
  /** End time, ISO 8601, or `null` while the job has not ended. */
  finishedAt: string | null;
  /** Why the job failed, or `null`. */
  errorMessage: string | null;
}

/**
 * Paging information (`Job.list` returns it next to the jobs): the fields of the Python SDK's
 * pagination dict, in camelCase as the Starwhale Server's `PageInfo` names them.
 */
export interface PageInfo {
  /** Jobs matching the filters, over all pages. */
  total: number;
  /** Jobs on this page. */
  current: number;
  /** `total - current`. */
  remain: number;
  /** Position of this page. */
  page: {
    /** This page's number, from 1. */
    pageNum: number;
    /** Jobs per page. */
    pageSize: number;
    /** Number of pages. */
    pages: number;
    /** The previous page's number, 0 on the first page. */
    prePage: number;
    /** The next page's number, 0 on the last page. */
    nextPage: number;
    /** Whether there is a page before this one. */
    hasPreviousPage: boolean;
    /** Whether there is a page after this one. */
    hasNextPage: boolean;
  };
}

/** Options of {@link JobOperations.listJobs}. */
export interface ListJobsOptions {
  /** 1-based page number; default 1. */
  pageIndex?: number;
  /** Jobs per page; default 20. */
  pageSize?: number;
  /** Only jobs in this status. */
  status?: JobStatus;
  /** Only jobs of this model name. */
  model?: string;
}

/** Per-handler overrides for `Job.create`: replicas and resources. */
export interface HandlerSpecOverride {
  /** Parallel tasks of the step. */
  replicas?: number;
  /**
   * Resource requests by name, each a value or `{request, limit}`: `cpu` in cores (a number),
   * `memory` in bytes or a string with a unit (`k`/`M`/`G` decimal, `Ki`/`Mi`/`Gi` binary, e.g.
   * `"512Mi"`, `"1GiB"`), `nvidia.com/gpu` a count; e.g. `{ memory: "1GiB", cpu: 2 }`. A server
   * is sent numbers (memory in bytes); an unknown name or unit is a `TypeError`.
   */
  resources?: Record<string, unknown>;
}

/**
 * How far a running job is, as `Job.create({ onProgress })` reports it: once when a step starts,
 * after every dataset row a `predict` step has handled, and once when the step has ended.
 */
export interface JobProgress {
  /** The job id. */
  jobId: string;
  /** The step (handler key), e.g. `mnist.evaluator:MNISTInference.predict`. */
  step: string;
  /** `start`, `row` (more rows done) or `end` (every task of the step has ended). */
  phase: "start" | "row" | "end";
  /** Rows the step has handled so far, over all its replicas. */
  rows: number;
  /** Rows the step will handle (the datasets' rows, `datasetHead` applied), `null` if unknown. */
  total: number | null;
  /** Milliseconds since the step started. */
  elapsedMs: number;
}

/** What to run: the instance-level form of `Job.create`'s options. */
export interface CreateJobOptions {
  /** Model name with optional `/version/<v>`, or a model URI within the project. */
  model: string;
  /** `module.path:Qualname`, or an index into the sorted handler list. */
  runHandler: string;
  /** Dataset URIs or names. */
  datasets?: string[];
  /** Standalone: use only the first N rows of each dataset (0 = all). */
  datasetHead?: number;
  /** Server: runtime URI. */
  runtime?: string;
  /** Server: resource pool; default `default`. */
  resourcePool?: string;
  /** Server: time to live in seconds (0 or less = none). */
  ttl?: number;
  /** Server: debug mode. */
  devMode?: boolean;
  /** Server: debug mode password. */
  devModePassword?: string;
  /**
   * Replicas/resources per step of the run handler's graph, keyed by the step's handler key
   * (e.g. `mnist.evaluator:MNISTInference.predict` when running `...evaluate`).
   */
  overwriteSpecs?: Record<string, HandlerSpecOverride>;
  /** Aborts a standalone run between rows and tasks; the job ends CANCELED. */
  signal?: AbortSignal;
  /**
   * Called as the job's steps go ({@link JobProgress}). Standalone: from the run itself; an
   * exception it throws fails the job. Server (`Job.create`): read from the job's task list every
   * 0.5 s, and `Job.create` then follows the job to its end; an exception stops following.
   */
  onProgress?: (progress: JobProgress) => void;
}

/**
 * Options of a table scan, with the datastore's semantics: `start` (inclusive unless
 * `startInclusive: false`), `end` (exclusive unless `endInclusive: true`), `keepNone`, `limit`,
 * and `columns` (name the key column too to get it).
 */
export type ScanTableOptions = Pick<
  ScanOptions,
  "start" | "end" | "startInclusive" | "endInclusive" | "keepNone" | "limit" | "columns"
>;

/** Options of {@link TableOperations.updateTable}. */
export interface UpdateTableOptions {
  /** Key column; default `id`. */
  keyColumn?: string;
  /** Explicit column types. */
  schema?: ColumnSchema[];
}

/** A stored model version. */
export interface ModelRecord {
  /** Project name. */
  project: string;
  /** Model name. */
  name: string;
  /** Full version (40 chars). */
  version: string;
  /** Tags of this version (`latest`, `v0`, ...). */
  tags: string[];
  /** Creation time, ISO 8601. */
  createdAt: string;
  /** Total bytes of the package files. */
  size: number;
  /** Runnable handler keys, sorted. */
  handlers: string[];
}

/** A stored dataset version. */
export interface DatasetRecord {
  /** Project name. */
  project: string;
  /** Dataset name. */
  name: string;
  /** Full version (40 chars). */
  version: string;
  /** Tags of this version. */
  tags: string[];
  /** Creation time, ISO 8601. */
  createdAt: string;
  /** Number of rows. */
  rows: number;
}

/** A dataset row as handlers see it: the row key and its features. */
export interface DatasetRow {
  /** The row key (an integer index for built datasets unless given). */
  id: Key;
  /** Feature name -> value. */
  features: Row;
}

/** Options of {@link ArtifactStore.buildModel}. */
export interface BuildModelOptions {
  /** The folder of `.ts`/`.js` modules. */
  dir: string;
  /** Model name; default `name` from `model.yaml`, else the folder name. */
  name?: string;
  /** Module paths to scan for handlers (`mnist.evaluator`); default `run.modules` of `model.yaml`. */
  modules?: string[];
}

/** Options of {@link ArtifactStore.buildDataset}. */
export interface BuildDatasetOptions {
  /** Dataset name. */
  name: string;
  /** Rows: feature objects, optionally with an `id` key (default: the row index). */
  rows: Iterable<Row> | AsyncIterable<Row>;
  /** Called after every batch with the number of rows written so far. */
  onProgress?: (rows: number) => void;
}

/** The jobs role: list, create, inspect and control jobs. Every instance has it. */
export interface JobOperations {
  /** One page of jobs, newest first, after the filters. */
  listJobs(project: string, options?: ListJobsOptions): Promise<[JobRecord[], PageInfo]>;
  /** Resolves a full id or a unique prefix to the job. Throws NotFoundError/AmbiguousError. */
  getJob(ref: JobRef): Promise<JobRecord>;
  /** Creates a job; standalone runs it to its end first, a server returns at once. */
  createJob(project: string, options: CreateJobOptions): Promise<JobRecord>;
  /** Local: `{manifest, report}`; remote: `{job, tasks, report}`. */
  jobInfo(ref: JobRef): Promise<Record<string, unknown>>;
  /**
   * The job's row of the project summary table (with `id`) without the server's `sys/*`
   * columns ({@link jobOwnSummary}), or `{}`.
   */
  jobSummary(ref: JobRef): Promise<Row>;
  /** Short names of the job's tables (summary excluded). */
  jobTables(ref: JobRef): Promise<string[]>;
  /** Streams the rows of one of the job's tables, by its short name. Missing table: no rows. */
  scanJobTable(ref: JobRef, table: string, options?: ScanTableOptions): AsyncIterable<Row>;
  /** Cancels a running or paused job. Throws JobStateError when it has ended. */
  cancelJob(ref: JobRef): Promise<void>;
  /** Pauses a running job. */
  pauseJob(ref: JobRef): Promise<void>;
  /** Resumes a paused job. */
  resumeJob(ref: JobRef): Promise<void>;
  /** Removes a job (recoverable unless `force`). Throws JobStateError while it runs. */
  removeJob(ref: JobRef, options?: { force?: boolean }): Promise<void>;
  /** Brings a removed job back. */
  recoverJob(ref: JobRef): Promise<void>;
}

/** A job as a copy carries it besides its tables: its record and its manifest. */
export interface JobCopyRecord {
  /** The job's record (the id is kept on the destination). */
  record: JobRecord;
  /** The fields of the standalone job manifest (`_manifest.yaml`); `{}` when there is none. */
  manifest: Record<string, unknown>;
}

/** What a job ran, as a copy carries it: its tasks and the lines its handlers printed. */
export interface JobCopyTasks {
  /** The tasks, in step order (their ids are the source's; the destination numbers its own). */
  tasks: JobTask[];
  /** The log lines, oldest first (`<ISO time> <step>#<replica> <stdout|stderr>: <text>`). */
  log: string[];
}

/**
 * The job-copy role: where a job's tables live, its record whole, and publishing a copied job.
 * Every instance has it; a server without this SDK's job-copy extension refuses to receive
 * copies with an `UnsupportedError`.
 */
export interface JobTransfer {
  /**
   * Full datastore names of a job's tables: `prefix` + short name, and the project's summary
   * table. Needs no job to exist (a copy writes the tables before it publishes the job).
   */
  jobTableLocation(ref: JobRef): Promise<{ prefix: string; summary: string }>;
  /** The job's record and manifest, for a copy. */
  exportJob(ref: JobRef): Promise<JobCopyRecord>;
  /**
   * The record of the job with this full id, removed or not, or `undefined` when there is none.
   * Throws `UnsupportedError` where copied jobs cannot be published (before anything is written).
   */
  copiedJob(ref: JobRef): Promise<JobRecord | undefined>;
  /**
   * Keeps a copied job's tasks and log lines, before {@link importJob} publishes it (a job
   * already there is left as it is). Throws `UnsupportedError` where the destination cannot keep
   * them: a server without this SDK's task-copy extension. With `append`, `copy.log` goes on from
   * the lines of the call before (a long log travels in parts); the tasks are written again.
   */
  importJobTasks(ref: JobRef, copy: JobCopyTasks, options?: { append?: boolean }): Promise<void>;
  /**
   * Publishes a copied job whose tables and summary row are written: it is listed from now on,
   * under its own id. A job already there with that id is left as it is.
   */
  importJob(project: string, job: JobCopyRecord): Promise<JobRecord>;
}

/** The tables role: datastore tables by their full names. Every instance has it. */
export interface TableOperations {
  /** Datastore table names starting with `prefix`. */
  listTables(prefix: string): Promise<string[]>;
  /** Streams a datastore table by its full name. */
  scanTable(table: string, options?: ScanTableOptions): AsyncIterable<Row>;
  /**
   * The column types of a datastore table by its full name, as last written; `[]` for a missing
   * table. A server tells them through its scan's column hints: a column that held values of
   * more than one type, or an OBJECT column, is left out (its values are typed on their own).
   */
  tableSchema(table: string): Promise<ColumnSchema[]>;
  /** Upserts rows into a datastore table by its full name; returns the revision. */
  updateTable(table: string, rows: Row[], options?: UpdateTableOptions): Promise<number>;
}

/** The lookup role: find one model or dataset version. Every instance has it. */
export interface ArtifactLookup {
  /** Resolves a model name plus version/tag/prefix. */
  getModel(ref: ArtifactRef): Promise<ModelRecord>;
  /** Resolves a dataset name plus version/tag/prefix. */
  getDataset(ref: ArtifactRef): Promise<DatasetRecord>;
}

/**
 * The reading role over models and datasets: list versions, read a dataset's rows. Both
 * instances have it (a server through its model and dataset routes and `scanTable`).
 */
export interface ArtifactReads {
  /** Model versions of the project, newest first (`name` filters). */
  listModels(project: string, options?: { name?: string }): Promise<ModelRecord[]>;
  /** Dataset versions of the project, newest first (`name` filters). */
  listDatasets(project: string, options?: { name?: string }): Promise<DatasetRecord[]>;
  /** Streams a dataset version's rows in key order; `head` keeps the first N. */
  scanDataset(ref: ArtifactRef, options?: { head?: number }): AsyncIterable<DatasetRow>;
}

/**
 * The store role of a standalone instance: build and remove model and dataset versions, on top
 * of reading them. The remote adapter does not have it (build locally, then copy).
 */
export interface ArtifactStore extends ArtifactReads {
  /** Builds a model package from a folder into the project. */
  buildModel(project: string, options: BuildModelOptions): Promise<ModelRecord>;
  /** Removes one model version (all versions when `ref.version` is absent). */
  removeModel(ref: ArtifactRef): Promise<void>;
  /** Builds a dataset version from rows. */
  buildDataset(project: string, options: BuildDatasetOptions): Promise<DatasetRecord>;
  /** Removes one dataset version (all versions when `ref.version` is absent). */
  removeDataset(ref: ArtifactRef): Promise<void>;
}

/** One file of a model package, by its path inside the version (`_manifest.yaml`, `src/...`). */
export interface BundleFile {
  /** Path inside the version folder, `/`-separated. */
  path: string;
  /** Size in bytes. */
  size: number;
  /** Reads the whole file. */
  read(): Promise<Uint8Array>;
  /** Streams the file in pieces, where its holder can (a large file need not fit in memory). */
  chunks?(): AsyncIterable<Uint8Array>;
}

/**
 * A bundle file's bytes in pieces: its own stream where it has one, else the whole file at once.
 *
 * @param file The file.
 * @returns The pieces, in order.
 */
export async function* bundleChunks(file: BundleFile): AsyncIterable<Uint8Array> {
  if (file.chunks) yield* file.chunks();
  else yield await file.read();
}

/** A model version as it travels between instances: its record and every file. */
export interface ModelExport {
  /** The version's record. */
  record: ModelRecord;
  /** Its files, `_manifest.yaml` and `src/...`. */
  files: BundleFile[];
}

/** A dataset version as it travels between instances: record, manifest and stored rows. */
export interface DatasetExport {
  /** The version's record. */
  record: DatasetRecord;
  /** The version's `_manifest.yaml`, as stored. */
  manifest: Record<string, unknown>;
  /** The stored rows (`id` and `features/<name>` columns), in key order. */
  rows: AsyncIterable<Row>;
}

/** What a transfer reports as it goes: files or rows done, and their total if known. */
export interface TransferProgress {
  /** `bytes` for a model, `rows` for a dataset. */
  unit: "bytes" | "rows";
  /** Done so far. */
  done: number;
  /** The total, `null` if unknown. */
  total: number | null;
}

/** Options of {@link ArtifactTransfer.importModel} and {@link ArtifactTransfer.importDataset}. */
export interface ImportOptions {
  /** Called as the import goes. */
  onProgress?: (progress: TransferProgress) => void;
  /** Aborts the import; nothing of it is left visible. */
  signal?: AbortSignal;
}

/** What an import did: the version's record, and whether it was new here. */
export interface ImportResult<R> {
  /** The record on this instance. */
  record: R;
  /** `false` when this instance already had the version (nothing was written). */
  copied: boolean;
}

/**
 * The transfer role: read a model or dataset version whole, and store one under its own version,
 * all or nothing (a failed or aborted import leaves nothing listed; importing a version this
 * instance has already is a no-op). Both instances have it; `Model.copy` and `Dataset.copy`
 * move versions with it.
 */
export interface ArtifactTransfer {
  /** A model version's record and files. */
  exportModel(ref: ArtifactRef): Promise<ModelExport>;
  /** Stores a model version under its own name and version. */
  importModel(
    project: string,
    model: ModelExport,
    options?: ImportOptions,
  ): Promise<ImportResult<ModelRecord>>;
  /**
   * Adds tags (not `latest` or `vN`) to a model or dataset version; a tag another version holds
   * stays there. Returns the tags added.
   */
  addTags(kind: "model" | "dataset", ref: ArtifactRef, tags: string[]): Promise<string[]>;
  /** A dataset version's record, manifest and rows. */
  exportDataset(ref: ArtifactRef): Promise<DatasetExport>;
  /** Stores a dataset version under its own name and version. */
  importDataset(
    project: string,
    dataset: DatasetExport,
    options?: ImportOptions,
  ): Promise<ImportResult<DatasetRecord>>;
}

/** The status of one task of a job (Starwhale's task statuses that this SDK uses). */
export type TaskStatus = "CREATED" | "RUNNING" | "PAUSED" | "SUCCESS" | "FAIL" | "CANCELED";

/** One task of a job: a replica of one of its steps. */
export interface JobTask {
  /** The task id: its position in the job (standalone), the server's task id (server). */
  id: string;
  /** The step (handler key) it runs. */
  step: string;
  /** The replica, from 0. */
  index: number;
  /** Its status. */
  status: TaskStatus;
  /** Start time, ISO 8601, or `null` before it started. */
  startedAt: string | null;
  /** End time, ISO 8601, or `null` while it has not ended. */
  finishedAt: string | null;
  /** Dataset rows it has handled (a `predict` step; 0 otherwise or when the server does not say). */
  rows: number;
  /** Dataset rows it will handle, or `null` when unknown or not a `predict` step. */
  total: number | null;
  /** Why it failed, or `null`. */
  error: string | null;
}

/**
 * The logs role: what the handlers of a job printed, and its tasks. A standalone instance reads
 * them from the job's files; the remote adapter from the server's task list and its log routes
 * (`/log/offline/{taskId}`).
 */
export interface JobLogs {
  /**
   * Streams the job's log lines, oldest first: `<ISO time> <step>#<replica> <stdout|stderr>:
   * <text>`. A job that printed nothing, or is still to start, has none.
   */
  jobLogs(ref: JobRef): AsyncIterable<string>;
  /** The job's tasks, in step order (empty for a job that kept none). */
  jobTasks(ref: JobRef): Promise<JobTask[]>;
  /**
   * Follows the job's log until it ends, where the instance has a better way than reading it
   * again and again (a server's live log stream); `Job.logs({ follow })` uses it when present.
   */
  followJobLogs?(ref: JobRef, options?: { signal?: AbortSignal; pollMs?: number }): AsyncIterable<
    string
  >;
}

/**
 * A Starwhale instance: its kind, its URL, its projects, and the roles every instance has (jobs,
 * tables, model and dataset lookup).
 *
 * @example An instance is used through `Job`, `Model` and `Dataset`, or directly
 * ```ts
 * import assert from "node:assert/strict";
 * import { type Instance, StandaloneInstance } from "@starwhale/sdk";
 * const root = await Deno.makeTempDir();
 * {
 *   await using sw: Instance = new StandaloneInstance(root);
 *   assert.ok((await sw.listProjects()).includes("self"));
 * }
 * await Deno.remove(root, { recursive: true });
 * ```
 */
export interface Instance
  extends JobOperations, JobTransfer, TableOperations, ArtifactLookup, AsyncDisposable {
  /** `standalone` or `cloud` (a Starwhale Server/Cloud). */
  readonly kind: "standalone" | "cloud";
  /** `local` for standalone, the base URL (`https://host:port`) for a server. */
  readonly url: string;
  /** Project names. */
  listProjects(): Promise<string[]>;
  /** Releases what the instance holds (the datastore handle, sockets). Idempotent. */
  close(): Promise<void>;
}
