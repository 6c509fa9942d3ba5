/**
 * `RemoteInstance`: the `Instance` seam over the Starwhale Server REST API, as a Starwhale Server
 * answers it (and this package's server, which answers the same): jobs are recovered through the
 * project's trash, listed by model version (`swmpId`) with the other filters applied here over
 * the server's list, created with version ids, and a failed job's reason is read from its events.
 *
 * @module
 */
import { stringifyYaml as toYaml } from "../_deps.ts";
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
import { FINAL_STATUSES } from "../sdk/instance.ts";
import { jobOwnRow, jobOwnSummary } from "../sdk/instance.ts";
import type { JobCopyRecord, JobCopyTasks } from "../sdk/instance.ts";
import type { ColumnSchema, Row } from "../../datastore/mod.ts";
import {
  AmbiguousError,
  JobStateError,
  NotFoundError,
  RemoteError,
  UnsupportedError,
} from "../sdk/errors.ts";
import { parseResources, type ResourceValue } from "../sdk/handlers.ts";
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
import { datasetRecord, jobRecord, modelRecord, pageOf, taskRecords } from "../wire/mod.ts";
import type {
  DatasetInfoVo,
  EventVo,
  JobVo,
  ModelInfoVo,
  PageInfoVo,
  TaskVo,
  TrashVo,
} from "../wire/mod.ts";

/** Options of {@link RemoteInstance}: the server's base URL, token, fetch and retries. */
export type RemoteInstanceOptions = ApiClientOptions;

const enc = encodeURIComponent;

/** Characters of log lines per request of a job copy (JSON may take up to a few bytes each). */
const LOG_PART_CHARS = 4 * 1024 * 1024;

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

  /**
   * Connects to a server (lazily: nothing is sent before the first call).
   *
   * @param options `url` (`scheme://host[:port]`), `token`, optional `fetch`, `attempts`,
   *   `backoffMs`, `sleep`.
   * @throws {TypeError} On a malformed URL or an empty token.
   */
  constructor(options: RemoteInstanceOptions) {
    this.#api = new ApiClient(options);
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
    const pageNum = options.pageIndex ?? 1, pageSize = options.pageSize ?? 20;
    if (!Number.isInteger(pageNum) || pageNum < 1) {
      throw new RangeError(`Invalid pageIndex ${pageNum}: expected an integer >= 1`);
    }
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100_000) {
      throw new RangeError(`Invalid pageSize ${pageSize}: expected an integer in 1..100000`);
    }
    const pid = await this.projectId(project);
    let swmpId: string | undefined, modelName: string | undefined;
    if (options.model?.includes("/version/")) {
      try {
        swmpId = String(
          (await this.#versionId<ModelInfoVo>(project, "model", options.model)).versionId,
        );
      } catch (e) {
        if (e instanceof NotFoundError) return [[], pageFor(0, 0, pageNum, pageSize)];
        throw e;
      }
    } else modelName = options.model;
    const page = async (n: number, size: number) =>
      await this.#call(`/project/${enc(pid)}/job`, {
        query: { swmpId, pageNum: n, pageSize: size },
      }, ["project", project]) as PageInfoVo<JobVo>;
    if (options.status === undefined && modelName === undefined) {
      const data = await page(pageNum, pageSize);
      return [await this.#records(data.list ?? [], project), pageOf(data)];
    }
    const wanted = (vo: JobVo) =>
      (modelName === undefined || vo.modelName === modelName) &&
      (options.status === undefined || jobRecord(vo, project).status === options.status);
    const matches: JobVo[] = [];
    const chunk = 100;
    for (let n = 1;; n++) {
      const data = await page(n, chunk);
      const items = data.list ?? [];
      matches.push(...items.filter(wanted));
      const pages = Number(data.pages ?? 0), total = Number(data.total ?? 0);
      if (items.length < chunk || n >= pages || n * chunk >= total) break;
    }
    const slice = matches.slice((pageNum - 1) * pageSize, pageNum * pageSize);
    return [
      await this.#records(slice, project),
      pageFor(matches.length, slice.length, pageNum, pageSize),
    ];
  }

  /** Job records from `JobVo`s, a failed job's reason read from its events when not given. */
  async #records(vos: JobVo[], project: string): Promise<JobRecord[]> {
    const out = [];
    for (const vo of vos) {
      const record = jobRecord(vo, project);
      if (record.status === "FAIL" && vo.errorMessage === undefined) {
        record.errorMessage = await this.#failure(vo, project);
      }
      out.push(record);
    }
    return out;
  }

  /**
   * Why a job failed, on a server whose `JobVo` does not say: its `ERROR` events, else its tasks'
   * `failedReason`s; `null` when neither says (or they cannot be read).
   */
  async #failure(vo: JobVo, project: string): Promise<string | null> {
    const pid = await this.projectId(project);
    const base = `/project/${enc(pid)}/job/${enc(vo.id)}`;
    try {
      const events = await this.#call(`${base}/event`, {}) as EventVo[] | null;
      const errors = (events ?? []).filter((e) => e.eventType === "ERROR").map((e) => e.message);
      if (errors.length) return errors.join("\n");
      const tasks = await this.#call(`${base}/task`, {
        query: { pageNum: 1, pageSize: 100 },
      }) as PageInfoVo<TaskVo>;
      const reasons = (tasks.list ?? []).map((t) => t.failedReason).filter((r): r is string =>
        typeof r === "string" && r !== ""
      );
      return reasons.length ? reasons.join("\n") : null;
    } catch (e) {
      if (e instanceof RemoteError || e instanceof NotFoundError || e instanceof TypeError) {
        return null;
      }
      throw e;
    }
  }

  async #jobVo(ref: JobRef): Promise<JobVo> {
    const pid = await this.projectId(ref.project);
    return await this.#call(`/project/${enc(pid)}/job/${enc(ref.id)}`, {}, [
      "job",
      ref.id,
      ref.project,
    ]) as JobVo;
  }

  async getJob(ref: JobRef): Promise<JobRecord> {
    return (await this.#records([await this.#jobVo(ref)], ref.project))[0];
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
    if (!options.runHandler) throw new TypeError("Cannot create a job: 'runHandler' is empty");
    const pid = await this.projectId(project);
    const model = await this.#versionId<ModelInfoVo>(project, "model", options.model);
    // Checked before anything is sent: a bad resource value is the caller's error.
    const overrides = options.overwriteSpecs && Object.keys(options.overwriteSpecs).length
      ? stepOverrides(model, options)
      : undefined;
    const datasets = [];
    for (const d of options.datasets ?? []) {
      datasets.push(
        String((await this.#versionId<DatasetInfoVo>(project, "dataset", d)).versionId),
      );
    }
    // Versions go by the ids the lookups answered (the `*Url` fields are deprecated upstream);
    // without a runtime, the server uses the model's built-in one.
    const body: Record<string, unknown> = {
      modelVersionId: String(model.versionId),
      datasetVersionIds: datasets,
      resourcePool: options.resourcePool ?? "default",
      devMode: options.devMode ?? false,
      devPassword: options.devModePassword ?? "",
    };
    if (options.runtime) {
      body.runtimeVersionId = String(
        (await this.#versionId(project, "runtime", options.runtime)).versionId,
      );
    }
    if (overrides !== undefined) body.stepSpecOverWrites = overrides;
    else body.handler = options.runHandler;
    if ((options.ttl ?? 0) > 0) body.timeToLiveInSec = options.ttl;
    const id = await this.#call(`/project/${enc(pid)}/job`, { method: "POST", body }, [
      "project",
      project,
    ]);
    return await this.getJob({ project, id: String(id) });
  }

  async jobInfo(ref: JobRef): Promise<Record<string, unknown>> {
    const job = await this.#jobVo(ref);
    const pid = await this.projectId(ref.project);
    const tasks = await this.#call(`/project/${enc(pid)}/job/${enc(job.id)}/task`, {
      query: { pageNum: 1, pageSize: 100000 },
    }) as { list?: unknown[] };
    const summary = await this.#storedSummary({ project: ref.project, id: job.uuid });
    return { job, tasks: tasks?.list ?? [], report: { summary, kind: summary.kind ?? "" } };
  }

  async jobTasks(ref: JobRef): Promise<JobTask[]> {
    const pid = await this.projectId(ref.project);
    const page = await this.#call(`/project/${enc(pid)}/job/${enc(ref.id)}/task`, {
      query: { pageNum: 1, pageSize: 100000 },
    }, ["job", ref.id, ref.project]) as PageInfoVo<TaskVo> | undefined;
    return taskRecords(page?.list ?? []);
  }

  /**
   * The lines of every task's log files (`GET /log/offline/{taskId}`, then each file), oldest
   * first when the lines carry this package's timestamps, else task by task.
   */
  async *jobLogs(ref: JobRef): AsyncIterable<string> {
    const all: string[] = [];
    for (const task of await this.jobTasks(ref)) {
      const path = `/log/offline/${enc(task.id)}`;
      let files: unknown;
      try {
        files = await this.#call(path, {});
      } catch (e) {
        if (e instanceof RemoteError && (e.status === 404 || e.status === 405)) {
          throw new UnsupportedError(
            "reading a job's logs",
            `the server ${this.url}: it answered ${e.status} to GET /api/v1${path} (no task logs)`,
            { operation: true, cause: e },
          );
        }
        throw e;
      }
      for (const file of Array.isArray(files) ? files : []) {
        const text = await this.#call(`${path}/${enc(String(file))}`, { text: true }) as string;
        const lines = text.split("\n");
        if (lines.at(-1) === "") lines.pop();
        all.push(...lines);
      }
    }
    const stamped = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z /;
    if (all.every((line) => stamped.test(line))) {
      // ISO times of one length sort as text; the sort is stable, so a task's order stays.
      const at = (line: string) => line.slice(0, line.indexOf(" "));
      all.sort((a, b) => at(a) < at(b) ? -1 : at(a) > at(b) ? 1 : 0);
    }
    yield* all;
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
    const { signal } = options;
    const pollMs = options.pollMs ?? 500;
    const done = new Set<string>();
    while (!signal?.aborted) {
      const job = await this.getJob(ref);
      const ended = FINAL_STATUSES.includes(job.status);
      let waiting = false;
      for (const task of await this.jobTasks(ref)) {
        if (done.has(task.id)) continue;
        if (task.status === "CREATED" && !ended) {
          waiting = true;
          break;
        }
        if (ended || FINAL_TASK.includes(task.status)) yield* this.#taskLines(task.id);
        else if (!(yield* this.#online(task.id, signal))) {
          yield* this.#pollTask(ref, task.id, { signal, pollMs });
        }
        done.add(task.id);
      }
      if (ended && !waiting) return;
      await pause(pollMs, signal);
    }
  }

  /** The lines of a task's saved log files. */
  async *#taskLines(taskId: string): AsyncIterable<string> {
    const path = `/log/offline/${enc(taskId)}`;
    const files = await this.#call(path, {});
    for (const file of Array.isArray(files) ? files : []) {
      const text = await this.#call(`${path}/${enc(String(file))}`, { text: true }) as string;
      const lines = text.split("\n");
      if (lines.at(-1) === "") lines.pop();
      yield* lines;
    }
  }

  /** A running task's lines over the server's WebSocket; `false` when it could not connect. */
  async *#online(taskId: string, signal?: AbortSignal): AsyncGenerator<string, boolean> {
    let socket: WebSocket;
    try {
      socket = this.#api.openWebSocket(`/log/online/${enc(taskId)}`);
    } catch {
      return false;
    }
    const queue: string[] = [];
    let opened = false, closed = false;
    let wake: (() => void) | undefined;
    const notify = () => wake?.();
    socket.onopen = () => (opened = true, notify());
    socket.onmessage = (e) => (queue.push(String(e.data)), notify());
    socket.onclose = () => (closed = true, notify());
    socket.onerror = () => {};
    const stop = () => socket.close();
    signal?.addEventListener("abort", stop, { once: true });
    try {
      for (;;) {
        while (queue.length) yield queue.shift()!;
        if (closed) return opened;
        await new Promise<void>((resolve) => wake = resolve);
      }
    } finally {
      signal?.removeEventListener("abort", stop);
      if (!closed) socket.close();
    }
  }

  /** A running task's lines by reading its files again until it has ended. */
  async *#pollTask(
    ref: JobRef,
    taskId: string,
    options: { signal?: AbortSignal; pollMs: number },
  ): AsyncIterable<string> {
    let seen = 0;
    for (;;) {
      const task = (await this.jobTasks(ref)).find((t) => t.id === taskId);
      const job = await this.getJob(ref);
      let n = 0;
      for await (const line of this.#taskLines(taskId)) if (n++ >= seen) yield line;
      seen = Math.max(seen, n);
      const over = !task || FINAL_TASK.includes(task.status) ||
        FINAL_STATUSES.includes(job.status);
      if (over || options.signal?.aborted) return;
      await pause(options.pollMs, options.signal);
    }
  }

  async #evalPrefix(ref: JobRef): Promise<{ pid: string; uuid: string; prefix: string }> {
    const uuid = /^[0-9a-z]{32,}$/.test(ref.id) ? ref.id : (await this.#jobVo(ref)).uuid;
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
    const data = await this.#copyRoute(ref, { method: "GET" }) as { job?: JobVo | null };
    return data?.job ? jobRecord(data.job, ref.project) : undefined;
  }

  /**
   * Sends a copied job's tasks and log lines (`PUT …/job/{id}/copy/tasks`), the log in parts of
   * at most 4 MiB each (a server caps its request bodies), every part after the first appended.
   */
  async importJobTasks(ref: JobRef, copy: JobCopyTasks): Promise<void> {
    const pid = await this.projectId(ref.project);
    const path = `/project/${enc(pid)}/job/${enc(ref.id)}/copy/tasks`;
    try {
      let part: string[] = [], bytes = 0, append = false;
      const send = async () => {
        const body = { tasks: copy.tasks, log: part, append };
        await this.#call(path, { method: "PUT", body, idempotent: true });
        [part, bytes, append] = [[], 0, true];
      };
      for (const line of copy.log) {
        if (part.length && bytes + line.length > LOG_PART_CHARS) await send();
        part.push(line);
        bytes += line.length + 4;
      }
      if (part.length || !append) await send();
    } catch (e) {
      if (e instanceof RemoteError && (e.status === 404 || e.status === 405)) {
        throw new UnsupportedError(
          "copying a job's tasks and logs to this server",
          `${this.url}: it answered ${e.status} to PUT /api/v1${path} (no task-copy extension)`,
          { operation: true, cause: e },
        );
      }
      throw e;
    }
  }

  async importJob(project: string, copy: JobCopyRecord): Promise<JobRecord> {
    const ref = { project, id: copy.record.id };
    const body = { record: { ...copy.record, project }, manifest: copy.manifest };
    return jobRecord(await this.#copyRoute(ref, { method: "PUT", body }) as JobVo, project);
  }

  /**
   * This SDK's job-copy extension, `GET|PUT /api/v1/project/{project}/job/{id}/copy`; a server
   * without it (404 or 405) refuses the copy with an `UnsupportedError`.
   */
  async #copyRoute(ref: JobRef, request: { method: "GET" | "PUT"; body?: unknown }) {
    const pid = await this.projectId(ref.project);
    try {
      return await this.#call(`/project/${enc(pid)}/job/${enc(ref.id)}/copy`, {
        ...request,
        idempotent: true,
      });
    } catch (e) {
      if (e instanceof RemoteError && (e.status === 404 || e.status === 405)) {
        throw new UnsupportedError(
          "copying jobs to this server",
          `${this.url}: it lacks the job-copy extension of this SDK's server ` +
            "(GET|PUT /api/v1/project/{project}/job/{id}/copy)",
          { operation: true, cause: e },
        );
      }
      throw e;
    }
  }

  async #action(ref: JobRef, action: string): Promise<void> {
    const pid = await this.projectId(ref.project);
    try {
      await this.#call(`/project/${enc(pid)}/job/${enc(ref.id)}/${action}`, { method: "POST" }, [
        "job",
        ref.id,
        ref.project,
      ]);
    } catch (e) {
      if (e instanceof RemoteError && e.status === 400) {
        const status = await this.getJob(ref).then((j) => j.status, () => "UNKNOWN");
        throw new JobStateError(action, { ...refusal(e, ref), status, cause: e });
      }
      throw e;
    }
  }

  cancelJob(ref: JobRef): Promise<void> {
    return this.#action(ref, "cancel");
  }

  pauseJob(ref: JobRef): Promise<void> {
    return this.#action(ref, "pause");
  }

  resumeJob(ref: JobRef): Promise<void> {
    return this.#action(ref, "resume");
  }

  /**
   * Brings a removed job back through the project's trash (`GET /project/{p}/trash`, then
   * `PUT /project/{p}/trash/{id}`), as a Starwhale Server recovers jobs. A numeric id is
   * resolved to the job's uuid first (the trash names jobs by uuid); a uuid may be a prefix.
   */
  async recoverJob(ref: JobRef): Promise<void> {
    const pid = await this.projectId(ref.project);
    const name = /^\d+$/.test(ref.id) ? (await this.#jobVo(ref)).uuid : ref.id;
    const data = await this.#call(`/project/${enc(pid)}/trash`, {
      query: { name, pageNum: 1, pageSize: 100 },
    }, ["project", ref.project]) as PageInfoVo<TrashVo>;
    const hits = (data.list ?? []).filter((t) =>
      JOB_TRASH_TYPES.has(String(t.type)) && String(t.name ?? "").startsWith(name)
    );
    const exact = hits.filter((t) => t.name === name);
    const chosen = exact.length === 1 ? exact : hits;
    if (chosen.length > 1) {
      throw new AmbiguousError("job", ref.id, chosen.map((t) => String(t.name)));
    }
    if (chosen.length === 0) {
      const live = await this.getJob({ ...ref, id: name }).catch((e) => {
        if (e instanceof NotFoundError) return undefined;
        throw e;
      });
      if (live) {
        throw new JobStateError("recover", {
          id: live.id,
          status: live.status,
          reason: "it is not removed",
        });
      }
      throw new NotFoundError("job", ref.id, {
        project: ref.project,
        detail: "it is not in the project's trash",
      });
    }
    await this.#call(`/project/${enc(pid)}/trash/${enc(String(chosen[0].id))}`, {
      method: "PUT",
    }, ["job", ref.id, ref.project]);
  }

  async removeJob(ref: JobRef, _options?: { force?: boolean }): Promise<void> {
    const pid = await this.projectId(ref.project);
    try {
      await this.#call(`/project/${enc(pid)}/job/${enc(ref.id)}`, { method: "DELETE" }, [
        "job",
        ref.id,
        ref.project,
      ]);
    } catch (e) {
      if (e instanceof RemoteError && e.status === 400) {
        const status = await this.getJob(ref).then((j) => j.status, () => "UNKNOWN");
        throw new JobStateError("remove", { ...refusal(e, ref), status, cause: e });
      }
      throw e;
    }
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

/**
 * Why the server refused a job action: the job id and reason of its `Cannot <action> job '<id>':
 * <reason>` message (what the standalone instance says), else the server's whole message.
 */
function refusal(e: RemoteError, ref: JobRef): { id: string; reason: string } {
  const prefix = `Request to ${e.url} failed (HTTP ${e.status}): `;
  let text = e.message.startsWith(prefix) ? e.message.slice(prefix.length) : e.message;
  if (text.startsWith("invalid request on subject ")) text = text.slice(text.indexOf("\n") + 1);
  const m = /^Cannot \w+ job '([^']*)': ([\s\S]*)$/.exec(text);
  return m ? { id: m[1], reason: m[2] } : { id: ref.id, reason: text };
}

/** The trash types of jobs (a job's trash entry is typed by its job type). */
const JOB_TRASH_TYPES = new Set(["EVALUATION", "TRAIN", "FINE_TUNE", "ONLINE_EVAL", "SERVING"]);

/** The SDK's pagination for one page of `total` items, `count` of them on this page. */
function pageFor(total: number, count: number, pageNum: number, pageSize: number): PageInfo {
  const pages = Math.ceil(total / pageSize);
  return {
    total,
    current: count,
    remain: total - count,
    page: {
      pageNum,
      pageSize,
      pages,
      prePage: pageNum > 1 ? pageNum - 1 : 0,
      nextPage: pageNum < pages ? pageNum + 1 : 0,
      hasPreviousPage: pageNum > 1,
      hasNextPage: pageNum < pages,
    },
  };
}

function stepOverrides(model: ModelInfoVo, options: CreateJobOptions): string {
  const steps: Record<string, unknown>[] = (model.versionInfo?.stepSpecs ?? [])
    .filter((s) => s.job_name === options.runHandler);
  if (steps.length === 0) {
    throw new NotFoundError("handler", options.runHandler, {
      detail: "no step of the model runs it",
    });
  }
  for (const [name, o] of Object.entries(options.overwriteSpecs ?? {})) {
    const step = steps.find((s) => s.name === name);
    if (!step) {
      throw new NotFoundError("handler", name, { detail: `not a step of '${options.runHandler}'` });
    }
    if (o.replicas !== undefined) step.replicas = o.replicas;
    // A Starwhale Server takes resource amounts as numbers (memory in bytes).
    if (o.resources) step.resources = parseResources(o.resources as Record<string, ResourceValue>);
  }
  return toYaml(steps);
}

/** Task statuses after which a task never changes. */
const FINAL_TASK: readonly string[] = ["SUCCESS", "FAIL", "CANCELED"];

/** Waits `ms`, or less when the signal aborts. */
function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
  });
}
