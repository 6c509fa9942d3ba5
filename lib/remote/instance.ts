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
  ArtifactRef,
  CreateJobOptions,
  DatasetRecord,
  Instance,
  JobRecord,
  JobRef,
  ListJobsOptions,
  ModelRecord,
  PageInfo,
  ScanTableOptions,
  UpdateTableOptions,
} from "../sdk/instance.ts";
import { jobOwnRow, jobOwnSummary } from "../sdk/instance.ts";
import type { JobCopyRecord } from "../sdk/instance.ts";
import type { Row } from "../../datastore/mod.ts";
import {
  AmbiguousError,
  JobStateError,
  NotFoundError,
  RemoteError,
  UnsupportedError,
} from "../sdk/errors.ts";
import { parseResources, type ResourceValue } from "../sdk/handlers.ts";
import { ApiClient, type ApiClientOptions } from "./http.ts";
import { listRemoteTables, scanRemoteTable, updateRemoteTable } from "./_datastore.ts";
import { datasetRecord, jobRecord, modelRecord, pageOf } from "../wire/mod.ts";
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

/**
 * A Starwhale Server/Cloud instance reached over HTTP.
 *
 * Needs `--allow-net` for the server's host (unless `fetch` is injected).
 */
export class RemoteInstance implements Instance {
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

  async *scanJobTable(ref: JobRef, table: string, options?: ScanTableOptions): AsyncIterable<Row> {
    const { prefix } = await this.#evalPrefix(ref);
    for await (
      const row of scanRemoteTable(this.#api, prefix + table.replace(/^\/+/, ""), options)
    ) {
      yield jobOwnRow(table, row);
    }
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
      `${ref.name}/version/${ref.version ?? "latest"}`,
    );
    return modelRecord(info, ref);
  }

  async getDataset(ref: ArtifactRef): Promise<DatasetRecord> {
    const info = await this.#versionId<DatasetInfoVo>(
      ref.project,
      "dataset",
      `${ref.name}/version/${ref.version ?? "latest"}`,
    );
    return datasetRecord(info, ref);
  }

  listTables(prefix: string): Promise<string[]> {
    this.#check();
    return listRemoteTables(this.#api, [prefix]).catch((e) => Promise.reject(this.#map(e)));
  }

  async *scanTable(table: string, options?: ScanTableOptions): AsyncIterable<Row> {
    this.#check();
    try {
      yield* scanRemoteTable(this.#api, table, options);
    } catch (e) {
      throw this.#map(e);
    }
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
