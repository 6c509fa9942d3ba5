/**
 * `RemoteInstance`: the `Instance` seam over the Starwhale Server REST API.
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
import type { Row } from "../../datastore/mod.ts";
import { JobStateError, NotFoundError, RemoteError } from "../sdk/errors.ts";
import { ApiClient, type ApiClientOptions } from "./http.ts";
import {
  listRemoteTables,
  scanRemoteBatches,
  scanRemoteTable,
  updateRemoteTable,
} from "./_datastore.ts";
import { unbatch } from "./_unbatch.ts";
import { datasetRecord, jobRecord, modelRecord, pageOf } from "../wire/mod.ts";
import type { DatasetInfoVo, JobVo, ModelInfoVo, PageInfoVo } from "../wire/mod.ts";

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
    if (e instanceof RemoteError && e.status === 404 && notFound) {
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

  async listJobs(project: string, options: ListJobsOptions = {}): Promise<[JobRecord[], PageInfo]> {
    const pid = await this.projectId(project);
    const pageNum = options.pageIndex ?? 1, pageSize = options.pageSize ?? 20;
    const data = await this.#call(`/project/${enc(pid)}/job`, {
      query: { pageNum, pageSize, status: options.status, model: options.model },
    }, ["project", project]) as PageInfoVo<JobVo>;
    const jobs = (data.list ?? []).map((vo) => jobRecord(vo, project))
      .filter((j) =>
        (!options.status || j.status === options.status) &&
        (!options.model || j.model === options.model)
      );
    return [jobs, pageOf(data)];
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
    return jobRecord(await this.#jobVo(ref), ref.project);
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
    const datasets = [];
    for (const d of options.datasets ?? []) {
      datasets.push(
        String((await this.#versionId<DatasetInfoVo>(project, "dataset", d)).versionId),
      );
    }
    const runtime = options.runtime
      ? String((await this.#versionId(project, "runtime", options.runtime)).versionId)
      : "";
    const body: Record<string, unknown> = {
      modelVersionUrl: String(model.versionId),
      datasetVersionUrls: datasets.join(","),
      runtimeVersionUrl: runtime,
      resourcePool: options.resourcePool ?? "default",
      devMode: options.devMode ?? false,
      devPassword: options.devModePassword ?? "",
    };
    if (options.overwriteSpecs && Object.keys(options.overwriteSpecs).length) {
      body.stepSpecOverWrites = stepOverrides(model, options);
    } else body.handler = options.runHandler;
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
    const summary = await this.jobSummary({ project: ref.project, id: job.uuid });
    return { job, tasks: tasks?.list ?? [], report: { summary, kind: summary.kind ?? "" } };
  }

  async #evalPrefix(ref: JobRef): Promise<{ pid: string; uuid: string; prefix: string }> {
    const uuid = /^[0-9a-z]{32,}$/.test(ref.id) ? ref.id : (await this.#jobVo(ref)).uuid;
    const pid = await this.projectId(ref.project);
    return { pid, uuid, prefix: `project/${pid}/eval/${uuid.slice(0, 2)}/${uuid}/` };
  }

  async jobSummary(ref: JobRef): Promise<Row> {
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
      yield* scanRemoteBatches(api, prefix + table.replace(/^\/+/, ""), options ?? {});
    };
    return unbatch(() => batches(this, this.#api));
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

  recoverJob(ref: JobRef): Promise<void> {
    return this.#action(ref, "recover");
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

  scanTable(table: string, options?: ScanTableOptions): AsyncIterable<Row> {
    return scanRemoteTable(this.#api, table, {
      ...options,
      check: () => this.#check(),
      mapError: (e) => this.#map(e),
    });
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
    if (o.resources) {
      step.resources = Object.entries(o.resources).map(([type, v]) => {
        const r = v && typeof v === "object"
          ? v as { request?: unknown; limit?: unknown }
          : { request: v, limit: v };
        return { type, request: r.request ?? r.limit, limit: r.limit ?? r.request };
      });
    }
  }
  return toYaml(steps);
}
