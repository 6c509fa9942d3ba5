/**
 * `RemoteInstance`: the `Instance` seam over the Starwhale Server REST API, as a Starwhale Server
 * answers it (and this package's server, which answers the same): jobs are recovered through the
 * project's trash, listed by model version (`swmpId`) with the other filters applied here over
 * the server's list, created with version ids, and a failed job's reason is read from its events.
 *
 * @module
 */
import type {
  ArtifactReads,
  ArtifactRef,
  ArtifactTransfer,
  CreateJobOptions,
  DatasetExport,
  DatasetRecord,
  DatasetRow,
  ImportOptions,
  ImportResult,
  Instance,
  JobLogs,
  JobRecord,
  JobRef,
  JobTask,
  ListJobsOptions,
  ModelExport,
  ModelRecord,
  PageInfo,
  ScanTableOptions,
  UpdateTableOptions,
} from "../sdk/instance.ts";
import { jobOwnRow, jobOwnSummary } from "../sdk/instance.ts";
import type { JobCopyRecord, JobCopyTasks } from "../sdk/instance.ts";
import type { ColumnSchema, Row } from "../../datastore/mod.ts";
import { NotFoundError, RemoteError, UnsupportedError } from "../sdk/errors.ts";
import { enc, type RemoteContext } from "./_context.ts";
import {
  createJob,
  getJob,
  jobAction,
  jobInfo,
  jobVo,
  listJobs,
  recoverJob,
  removeJob,
} from "./_jobs.ts";
import { copiedJob, importJob, importJobTasks } from "./_job_transfer.ts";
import { followJobLogs, jobLogs, jobTasks } from "./_logs.ts";
import {
  datasetRows,
  listRemoteDatasets,
  listRemoteModels,
  remoteDatasetTable,
  scanRemoteDatasetRows,
} from "./_artifacts.ts";
import { exportRemoteModel, importRemoteModel } from "./_model_transfer.ts";
import { importRemoteDataset } from "./_dataset_transfer.ts";
import { ApiClient, type ApiClientOptions } from "./http.ts";
import {
  listRemoteTables,
  remoteTableSchema,
  scanRemoteBatches,
  scanRemoteTable,
  updateRemoteTable,
} from "./_datastore.ts";
import { unbatch } from "./_unbatch.ts";
import { datasetRecord, modelRecord } from "../wire/mod.ts";
import type { DatasetInfoVo, ModelInfoVo } from "../wire/mod.ts";

/** Options of {@link RemoteInstance}: the server's base URL, token, fetch and retries. */
export type RemoteInstanceOptions = ApiClientOptions;

/**
 * A Starwhale Server/Cloud instance reached over HTTP.
 *
 * Needs `--allow-net` for the server's host (unless `fetch` is injected).
 */
export class RemoteInstance implements Instance, ArtifactReads, ArtifactTransfer, JobLogs {
  /** Always `cloud`. */
  readonly kind = "cloud" as const;
  readonly #api: ApiClient;
  readonly #projectIds = new Map<string, Promise<string>>();
  #closed = false;
  readonly #ctx: RemoteContext;

  /**
   * Connects to a server (lazily: nothing is sent before the first call).
   *
   * @param options `url` (`scheme://host[:port]`), `token`, optional `fetch`, `attempts`,
   *   `backoffMs`, `sleep`.
   * @throws {TypeError} On a malformed URL or an empty token.
   */
  constructor(options: RemoteInstanceOptions) {
    this.#api = new ApiClient(options);
    this.#ctx = {
      api: this.#api,
      url: this.#api.url,
      call: (path, request, notFound) => this.#call(path, request, notFound),
      projectId: (project) => this.projectId(project),
      versionId: <T extends { versionId: string }>(
        project: string,
        kind: "model" | "dataset" | "runtime",
        uri: string,
      ) => this.#versionId<T>(project, kind, uri),
      getJob: (ref) => this.getJob(ref),
    };
  }

  /** The base URL. */
  get url(): string {
    return this.#api.url;
  }

  #check(): void {
    if (this.#closed) throw new TypeError(`Cannot use the instance ${this.url}: it is closed`);
  }

  #map(e: unknown, notFound?: [string, string, string?]): unknown {
    // An unknown job is a 404 from a Starwhale Server's project filter, or a 400 "Unable to find
    // job <id>" from its job controller.
    const missingJob = e instanceof RemoteError && e.status === 400 &&
      /\bUnable to find job\b/.test(e.message);
    if (e instanceof RemoteError && (e.status === 404 || missingJob) && notFound) {
      return new NotFoundError(notFound[0], notFound[1], { project: notFound[2], cause: e });
    }
    if (e instanceof RemoteError && e.status === 400 && !e.code?.includes("JOB")) {
      return new TypeError(e.message, { cause: e });
    }
    return e;
  }

  async #call(
    path: string,
    request: Parameters<ApiClient["request"]>[1],
    notFound?: [string, string, string?],
  ) {
    this.#check();
    try {
      return await this.#api.request(path, request);
    } catch (e) {
      throw this.#map(e, notFound);
    }
  }

  /** The project's id on the server (names, `owner:name` and ids are all accepted). */
  projectId(project: string): Promise<string> {
    if (/^\d+$/.test(project)) return Promise.resolve(project);
    let id = this.#projectIds.get(project);
    if (!id) {
      id = this.#call(`/project/${enc(project)}`, {}, ["project", project])
        .then((vo) => String((vo as { id: unknown }).id));
      id.catch(() => this.#projectIds.delete(project));
      this.#projectIds.set(project, id);
    }
    return id;
  }

  async listProjects(): Promise<string[]> {
    const data = await this.#call("/project", { query: { pageNum: 1, pageSize: 100000 } }) as {
      list?: { name: string }[];
    };
    return (data?.list ?? []).map((p) => p.name);
  }

  /**
   * One page of a project's jobs. A Starwhale Server filters only by model version (`swmpId`),
   * so a model version is filtered there; a model name or a status is filtered here, over the
   * server's whole list, so a page is full and `total` counts the matching jobs.
   */
  async listJobs(project: string, options: ListJobsOptions = {}): Promise<[JobRecord[], PageInfo]> {
    return await listJobs(this.#ctx, project, options);
  }

  async getJob(ref: JobRef): Promise<JobRecord> {
    return await getJob(this.#ctx, ref);
  }

  async #versionId<T extends { versionId: string }>(
    project: string,
    kind: "model" | "dataset" | "runtime",
    uri: string,
  ): Promise<T> {
    const pid = await this.projectId(project);
    const { name, version } = nameAndVersion(uri);
    const info = await this.#call(`/project/${enc(pid)}/${kind}/${enc(name)}`, {
      query: { versionUrl: version },
    }, [
      kind,
      `${name}/version/${version}`,
      project,
    ]) as T;
    return info;
  }

  async createJob(project: string, options: CreateJobOptions): Promise<JobRecord> {
    return await createJob(this.#ctx, project, options);
  }

  async jobInfo(ref: JobRef): Promise<Record<string, unknown>> {
    return await jobInfo(this.#ctx, ref, (ref) => this.#storedSummary(ref));
  }

  async jobTasks(ref: JobRef): Promise<JobTask[]> {
    return await jobTasks(this.#ctx, ref);
  }

  /**
   * The lines of every task's log files (`GET /log/offline/{taskId}`, then each file), oldest
   * first when the lines carry this package's timestamps, else task by task.
   */
  async *jobLogs(ref: JobRef): AsyncIterable<string> {
    yield* jobLogs(this.#ctx, ref);
  }

  /**
   * Follows a job's log task by task, in the order the server lists them: a task that has ended
   * through its saved files, a running one through the WebSocket `/log/online/{taskId}` until the
   * server closes it (or, where there is no such socket, by reading its files again every
   * `pollMs`), a task yet to start is waited for. Replicas running side by side come one after
   * the other, each whole.
   */
  async *followJobLogs(
    ref: JobRef,
    options: { signal?: AbortSignal; pollMs?: number } = {},
  ): AsyncIterable<string> {
    yield* followJobLogs(this.#ctx, ref, options);
  }

  async #evalPrefix(ref: JobRef): Promise<{ pid: string; uuid: string; prefix: string }> {
    const uuid = /^[0-9a-z]{32,}$/.test(ref.id) ? ref.id : (await jobVo(this.#ctx, ref)).uuid;
    const pid = await this.projectId(ref.project);
    return { pid, uuid, prefix: `project/${pid}/eval/${uuid.slice(0, 2)}/${uuid}/` };
  }

  async jobSummary(ref: JobRef): Promise<Row> {
    return jobOwnSummary(await this.#storedSummary(ref));
  }

  /** The job's row of the summary table as stored, `sys/*` columns included. */
  async #storedSummary(ref: JobRef): Promise<Row> {
    const { pid, uuid } = await this.#evalPrefix(ref);
    const opts = { start: uuid, end: uuid, endInclusive: true, limit: 1 };
    for await (const row of scanRemoteTable(this.#api, `project/${pid}/eval/summary`, opts)) {
      return row;
    }
    return {};
  }

  async jobTables(ref: JobRef): Promise<string[]> {
    const { prefix } = await this.#evalPrefix(ref);
    return (await listRemoteTables(this.#api, [prefix])).map((t) => t.slice(prefix.length));
  }

  scanJobTable(ref: JobRef, table: string, options?: ScanTableOptions): AsyncIterable<Row> {
    const batches = async function* (self: RemoteInstance, api: ApiClient) {
      const { prefix } = await self.#evalPrefix(ref);
      const name = prefix + table.replace(/^\/+/, "");
      for await (const rows of scanRemoteBatches(api, name, options ?? {})) {
        yield rows.map((row) => jobOwnRow(table, row));
      }
    };
    return unbatch(() => batches(this, this.#api));
  }

  async jobTableLocation(ref: JobRef): Promise<{ prefix: string; summary: string }> {
    const { pid, prefix } = await this.#evalPrefix(ref);
    return { prefix, summary: `project/${pid}/eval/summary` };
  }

  async exportJob(ref: JobRef): Promise<JobCopyRecord> {
    return { record: await this.getJob(ref), manifest: {} };
  }

  async copiedJob(ref: JobRef): Promise<JobRecord | undefined> {
    return await copiedJob(this.#ctx, ref);
  }

  /**
   * Sends a copied job's tasks and log lines (`PUT …/job/{id}/copy/tasks`), the log in parts of
   * at most 4 MiB each (a server caps its request bodies), every part after the first appended.
   */
  async importJobTasks(ref: JobRef, copy: JobCopyTasks): Promise<void> {
    return await importJobTasks(this.#ctx, ref, copy);
  }

  async importJob(project: string, copy: JobCopyRecord): Promise<JobRecord> {
    return await importJob(this.#ctx, project, copy);
  }

  cancelJob(ref: JobRef): Promise<void> {
    return jobAction(this.#ctx, ref, "cancel");
  }

  pauseJob(ref: JobRef): Promise<void> {
    return jobAction(this.#ctx, ref, "pause");
  }

  resumeJob(ref: JobRef): Promise<void> {
    return jobAction(this.#ctx, ref, "resume");
  }

  /**
   * Brings a removed job back through the project's trash (`GET /project/{p}/trash`, then
   * `PUT /project/{p}/trash/{id}`), as a Starwhale Server recovers jobs. A numeric id is
   * resolved to the job's uuid first (the trash names jobs by uuid); a uuid may be a prefix.
   */
  async recoverJob(ref: JobRef): Promise<void> {
    return await recoverJob(this.#ctx, ref);
  }

  async removeJob(ref: JobRef, _options?: { force?: boolean }): Promise<void> {
    return await removeJob(this.#ctx, ref);
  }

  async getModel(ref: ArtifactRef): Promise<ModelRecord> {
    const info = await this.#versionId<ModelInfoVo>(
      ref.project,
      "model",
      `${ref.name}/version/${ref.version || "latest"}`,
    );
    return modelRecord(info, ref);
  }

  async getDataset(ref: ArtifactRef): Promise<DatasetRecord> {
    const info = await this.#versionId<DatasetInfoVo>(
      ref.project,
      "dataset",
      `${ref.name}/version/${ref.version || "latest"}`,
    );
    return datasetRecord(info, ref);
  }

  /**
   * Runs a call that needs a route a server may lack; a missing route (404 or 405 with no
   * envelope of its own) becomes an `UnsupportedError` naming the operation as a user knows it.
   */
  async #feature<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    this.#check();
    try {
      return await fn();
    } catch (e) {
      if (isMissingRoute(e)) {
        throw new UnsupportedError(operation, `the server ${this.url} (it has no such route)`, {
          operation: true,
          cause: e,
        });
      }
      throw this.#map(e);
    }
  }

  async listModels(project: string, options: { name?: string } = {}): Promise<ModelRecord[]> {
    const pid = await this.projectId(project);
    return await this.#feature(
      "listing models",
      () => listRemoteModels(this.#api, { pid, project, name: options.name }),
    );
  }

  async listDatasets(project: string, options: { name?: string } = {}): Promise<DatasetRecord[]> {
    const pid = await this.projectId(project);
    return await this.#feature(
      "listing datasets",
      () => listRemoteDatasets(this.#api, { pid, project, name: options.name }),
    );
  }

  async #datasetInfo(ref: ArtifactRef): Promise<DatasetInfoVo> {
    return await this.#versionId<DatasetInfoVo>(
      ref.project,
      "dataset",
      `${ref.name}/version/${ref.version || "latest"}`,
    );
  }

  async *scanDataset(ref: ArtifactRef, options: { head?: number } = {}): AsyncIterable<DatasetRow> {
    const head = options.head ?? 0;
    if (!Number.isInteger(head) || head < 0) {
      throw new RangeError(`Invalid dataset head ${head}: expected an integer >= 0`);
    }
    const pid = await this.projectId(ref.project);
    const where = remoteDatasetTable(await this.#datasetInfo(ref), { pid, name: ref.name });
    try {
      yield* datasetRows(scanRemoteDatasetRows(this.#api, { ...where, limit: head }));
    } catch (e) {
      throw this.#map(e);
    }
  }

  async exportModel(ref: ArtifactRef): Promise<ModelExport> {
    const record = await this.getModel(ref);
    const pid = await this.projectId(ref.project);
    return await this.#feature(
      "downloading a model",
      () => exportRemoteModel(this.#api, { pid, record }),
    );
  }

  async importModel(
    project: string,
    model: ModelExport,
    options: ImportOptions = {},
  ): Promise<ImportResult<ModelRecord>> {
    const pid = await this.projectId(project);
    const ref = { project, name: model.record.name, version: model.record.version };
    const copied = await this.#feature(
      "uploading a model",
      () => importRemoteModel(this.#api, { pid, model, ...options }),
    );
    return { record: await this.getModel(ref), copied };
  }

  async addTags(kind: "model" | "dataset", ref: ArtifactRef, tags: string[]): Promise<string[]> {
    const pid = await this.projectId(ref.project);
    const path = `/project/${enc(pid)}/${kind}/${enc(ref.name)}/version/${
      enc(ref.version || "latest")
    }/tag`;
    const added: string[] = [];
    for (const tag of tags) {
      if (/^(latest|v\d+)$/.test(tag)) continue;
      try {
        await this.#feature(
          `tagging a ${kind}`,
          () => this.#api.request(path, { method: "POST", body: { tag, force: false } }),
        );
        added.push(tag);
      } catch (e) {
        // A tag another version holds there stays there.
        if (!(e instanceof TypeError)) throw e;
      }
    }
    return added;
  }

  async exportDataset(ref: ArtifactRef): Promise<DatasetExport> {
    const info = await this.#datasetInfo(ref);
    const record = datasetRecord(info, ref);
    const pid = await this.projectId(ref.project);
    const where = remoteDatasetTable(info, { pid, name: record.name });
    const rows = scanRemoteDatasetRows(this.#api, where);
    return { record, manifest: where.manifest, rows };
  }

  async importDataset(
    project: string,
    dataset: DatasetExport,
    options: ImportOptions = {},
  ): Promise<ImportResult<DatasetRecord>> {
    const pid = await this.projectId(project);
    const ref = { project, name: dataset.record.name, version: dataset.record.version };
    const copied = await this.#feature(
      "uploading a dataset",
      () => importRemoteDataset(this.#api, { pid, dataset, ...options }),
    );
    return { record: await this.getDataset(ref), copied };
  }

  listTables(prefix: string): Promise<string[]> {
    this.#check();
    return listRemoteTables(this.#api, [prefix]).catch((e) => Promise.reject(this.#map(e)));
  }

  scanTable(table: string, options?: ScanTableOptions): AsyncIterable<Row> {
    return scanRemoteTable(this.#api, table, {
      ...options,
      check: () => this.#check(),
      mapError: (e) => this.#map(e),
    });
  }

  tableSchema(table: string): Promise<ColumnSchema[]> {
    this.#check();
    return remoteTableSchema(this.#api, table).catch((e) => Promise.reject(this.#map(e)));
  }

  updateTable(table: string, rows: Row[], options?: UpdateTableOptions): Promise<number> {
    this.#check();
    return updateRemoteTable(this.#api, table, rows, options).catch((e) =>
      Promise.reject(this.#map(e))
    );
  }

  close(): Promise<void> {
    this.#closed = true;
    return Promise.resolve();
  }

  /** Closes the instance, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/**
 * The name and version a model, dataset or runtime URI names: `name`, `name/version/v`, or either
 * after a path (`project/self/model/name/version/v`, `cloud://dev/project/self/model/name`);
 * version `latest` when none is named.
 */
function nameAndVersion(uri: string): { name: string; version: string } {
  const clean = uri.replace(/\/+$/, "");
  const versioned = /^(?:.*\/)?([^/]+)\/version\/([^/]+)$/.exec(clean);
  if (versioned) return { name: versioned[1], version: versioned[2] };
  return { name: /([^/]+)$/.exec(clean)?.[1] ?? clean, version: "latest" };
}

/** A 404 or 405 for a route the server does not have (not an envelope naming a resource). */
function isMissingRoute(e: unknown): boolean {
  if (!(e instanceof RemoteError) || (e.status !== 404 && e.status !== 405)) return false;
  return e.code === undefined || /Resource is not found$/.test(e.message);
}
