/**
 * The jobs half of the REST API: list, info, create, actions, remove/recover and the model and
 * dataset info lookups, over the `Instance` seam plus a {@link JobLauncher} that runs jobs created
 * through the API asynchronously. Jobs get upstream-style numeric ids, kept in a datastore table.
 *
 * @module
 */
import { parseYaml } from "../../_deps.ts";
import type {
  CreateJobOptions,
  HandlerSpecOverride,
  Instance,
  JobRecord,
  JobRef,
} from "../../sdk/mod.ts";
import { JOB_STATUSES, type JobStatus } from "../../sdk/mod.ts";
import { NotFoundError } from "../../sdk/mod.ts";
import { ApiError } from "../http.ts";
import { BodyReader, show } from "../_body.ts";
import type { ServerStore } from "../store.ts";
import { jobVo, pageInfo, taskVo } from "../../wire/mod.ts";
import type { JobLauncher } from "../../jobs/mod.ts";

const ID_TABLE = "sys/server/job_ids";
const J = "JOB";

/** Jobs behind the REST routes. */
export class JobService {
  readonly #maybe: Instance | undefined;
  readonly #store: ServerStore;
  readonly #launcher: JobLauncher | undefined;
  #ids: Promise<{ byUuid: Map<string, number>; byId: Map<number, string> }> | undefined;
  #nextWrite: Promise<unknown> = Promise.resolve();

  /**
   * @param instance The standalone instance.
   * @param store Its datastore (for the numeric id table).
   * @param launcher Runs jobs created through the API.
   */
  constructor(instance: Instance | undefined, store: ServerStore, launcher?: JobLauncher) {
    this.#maybe = instance;
    this.#store = store;
    this.#launcher = launcher;
  }

  get #instance(): Instance {
    if (!this.#maybe) {
      throw new ApiError(
        503,
        "Service is Unavailable: 001",
        "this server serves only the datastore",
      );
    }
    return this.#maybe;
  }

  #loadIds() {
    this.#ids ??= (async () => {
      const byUuid = new Map<string, number>(), byId = new Map<number, string>();
      if (await this.#store.schema(ID_TABLE)) {
        for await (const row of this.#store.scan(ID_TABLE)) {
          byUuid.set(row.uuid as string, Number(row.id));
          byId.set(Number(row.id), row.uuid as string);
        }
      }
      return { byUuid, byId };
    })();
    return this.#ids;
  }

  async #numericId(uuid: string): Promise<number> {
    const ids = await this.#loadIds();
    let id = ids.byUuid.get(uuid);
    if (id === undefined) {
      id = ids.byId.size + 1;
      ids.byUuid.set(uuid, id);
      ids.byId.set(id, uuid);
      const row = { id, uuid };
      this.#nextWrite = this.#nextWrite.then(() =>
        this.#store.update(ID_TABLE, [row], { keyColumn: "id" })
      );
      await this.#nextWrite;
    }
    return id;
  }

  /** Resolves a project segment (name) to a project name; 404 when unknown. */
  async project(p: string): Promise<string> {
    const names = await this.#instance.listProjects();
    const name = p.includes(":") ? p.slice(p.indexOf(":") + 1) : p;
    if (!names.includes(name)) {
      throw new ApiError(
        404,
        "ValidationException",
        `Resource is not found Project\nUnable to find project ${p}`,
      );
    }
    return name;
  }

  async #ref(p: string, j: string, options: { removed?: boolean } = {}): Promise<JobRef> {
    const project = await this.project(p);
    if (/^\d+$/.test(j)) {
      const uuid = (await this.#loadIds()).byId.get(Number(j));
      if (!uuid) throw new NotFoundError("job", j, { project });
      return { project, id: uuid };
    }
    // A removed job is not among the live ones: recoverJob resolves the id among removed jobs.
    if (options.removed) return { project, id: j };
    return { project, id: (await this.#instance.getJob({ project, id: j })).id };
  }

  /** Mirrors server-side facts into the job's summary row (`sys/*` columns, as upstream). */
  async #sys(ref: JobRef, columns: Record<string, number>): Promise<void> {
    await this.#store.update(`project/${ref.project}/eval/summary`, [{ id: ref.id, ...columns }], {
      schema: [{ name: "sys/_is_deleted", type: "INT32" }],
    });
  }

  /** One page of jobs as a PageHelper `PageInfo<JobVo>`. */
  async list(p: string, q: Record<string, string | undefined>): Promise<Record<string, unknown>> {
    const project = await this.project(p);
    const int = (v: string | undefined, d: number, name: string) => {
      if (v === undefined || v === "") return d;
      if (!/^\d+$/.test(v) || Number(v) < 1) {
        throw ApiError.invalid(J, `'${name}' must be a positive integer, got ${show(v)}`);
      }
      return Number(v);
    };
    const pageNum = int(q.pageNum, 1, "pageNum"), pageSize = int(q.pageSize, 10, "pageSize");
    if (q.status !== undefined && !JOB_STATUSES.includes(q.status as JobStatus)) {
      throw ApiError.invalid(J, `unknown job status ${show(q.status)}`);
    }
    const [jobs, page] = await this.#instance.listJobs(project, {
      pageIndex: pageNum,
      pageSize,
      ...(q.status ? { status: q.status as JobStatus } : {}),
      ...(q.model ? { model: q.model } : {}),
    });
    const list = [];
    for (const job of jobs) list.push(jobVo(job, await this.#numericId(job.id)));
    return pageInfo(list, { total: page.total, pageNum, pageSize });
  }

  /** One `JobVo`, by numeric id, uuid or unique prefix. */
  async info(p: string, j: string): Promise<Record<string, unknown>> {
    const job = await this.#instance.getJob(await this.#ref(p, j));
    return jobVo(job, await this.#numericId(job.id));
  }

  /** The job's tasks as `PageInfo<TaskVo>` (one task per standalone job). */
  async tasks(p: string, j: string): Promise<Record<string, unknown>> {
    const job = await this.#instance.getJob(await this.#ref(p, j));
    return pageInfo([taskVo(job, await this.#numericId(job.id))], {
      total: 1,
      pageNum: 1,
      pageSize: 100000,
    });
  }

  /** Creates a job from a `JobRequest`; returns its numeric id as a string. */
  async create(p: string, json: Record<string, unknown>): Promise<string> {
    const project = await this.project(p);
    const options = parseJobRequest(json);
    if (!this.#launcher) throw ApiError.invalid(J, "this server runs no jobs (no launcher)");
    const job = await this.#launcher.launch(project, options);
    const id = await this.#numericId(job.id);
    await this.#sys({ project, id: job.id }, { "sys/id": id });
    return String(id);
  }

  /** `cancel`, `pause`, `resume` or `recover`. */
  async act(p: string, j: string, action: string): Promise<void> {
    const ref = await this.#ref(p, j, { removed: action === "recover" });
    if (action === "recover") {
      await this.#instance.recoverJob(ref);
      return await this.#sys(ref, { "sys/_is_deleted": 0 });
    }
    if (action !== "cancel" && action !== "pause" && action !== "resume") {
      throw ApiError.invalid(J, `failed to invoke action ${show(action)}: Unknown invoker key`);
    }
    const run = this.#launcher;
    if (action === "cancel") await (run ? run.cancel(ref) : this.#instance.cancelJob(ref));
    else if (action === "pause") await (run ? run.pause(ref) : this.#instance.pauseJob(ref));
    else await (run ? run.resume(ref) : this.#instance.resumeJob(ref));
  }

  /** Moves a job to the recycle bin. */
  async remove(p: string, j: string): Promise<void> {
    const ref = await this.#ref(p, j);
    await this.#instance.removeJob(ref);
    await this.#sys(ref, { "sys/_is_deleted": 1 });
  }

  /** A `ModelInfoVo`; `versionId` is what a `JobRequest` names the version by. */
  async modelInfo(p: string, name: string, version?: string): Promise<Record<string, unknown>> {
    const project = await this.project(p);
    const m = await this.#instance.getModel({ project, name, version: version || "latest" });
    return {
      id: m.name,
      name: m.name,
      versionId: `${m.name}/version/${m.version}`,
      versionName: m.version,
      versionAlias: m.tags.find((t) => /^v\d+$/.test(t)) ?? "",
      versionTag: m.tags.join(","),
      createdTime: Date.parse(m.createdAt),
      shared: false,
      versionInfo: {
        stepSpecs: m.handlers.map((h) => ({ name: h, job_name: h, show_name: h, replicas: 1 })),
      },
    };
  }

  /** A `DatasetInfoVo`. */
  async datasetInfo(p: string, name: string, version?: string): Promise<Record<string, unknown>> {
    const project = await this.project(p);
    const d = await this.#instance.getDataset({ project, name, version: version || "latest" });
    return {
      id: d.name,
      name: d.name,
      versionId: `${d.name}/version/${d.version}`,
      versionName: d.version,
      versionTag: d.tags.join(","),
      createdTime: Date.parse(d.createdAt),
      shared: false,
      indexTable: "",
      rows: d.rows,
    };
  }

  /** Stops the launcher's running jobs and waits for pending id writes. */
  async close(): Promise<void> {
    await this.#launcher?.close();
    await this.#nextWrite;
  }
}

/**
 * Parses a `JobRequest` body into job options, accepting both the `*Id(s)` fields and the
 * deprecated `*Url(s)` fields the Python client sends.
 *
 * @param json The body.
 * @returns The options for `createJob`.
 * @throws {ApiError} 400 `INVALID REQUEST: JOB` on any invalid field.
 */
export function parseJobRequest(json: Record<string, unknown>): CreateJobOptions {
  const b = new BodyReader(json, J);
  const model = b.string("modelVersionId") || b.string("modelVersionUrl");
  if (!model) throw b.error("modelVersionId", "is required (or the deprecated modelVersionUrl)");
  const ids = b.array("datasetVersionIds");
  const datasets = ids
    ? ids.map((d, i) =>
      typeof d === "string" ? d : b.fail(`datasetVersionIds[${i}]`, "must be a string")
    )
    : (b.string("datasetVersionUrls") ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  const runtime = b.string("runtimeVersionId") || b.string("runtimeVersionUrl");
  const pool = b.string("resourcePool");
  if (pool === undefined) throw b.error("resourcePool", "is required");
  const type = b.string("type") ?? "EVALUATION";
  if (type !== "EVALUATION") throw b.error("type", "must be EVALUATION on a standalone server");
  if (b.bool("devMode", false)) {
    throw b.error("devMode", "is not supported: a standalone server has no IDE");
  }
  const handler = b.string("handler");
  const specs = b.string("stepSpecOverWrites");
  if ((handler === undefined) === (specs === undefined)) {
    throw b.error("handler", "give exactly one of 'handler' and 'stepSpecOverWrites'");
  }
  const options: CreateJobOptions = {
    model,
    runHandler: handler ?? "",
    datasets,
    resourcePool: pool,
  };
  if (runtime) options.runtime = runtime;
  const ttl = b.int("timeToLiveInSec", 0);
  if (ttl > 0) options.ttl = ttl;
  if (specs !== undefined) {
    let steps: unknown;
    try {
      steps = parseYaml(specs);
    } catch (cause) {
      throw ApiError.invalid(J, `stepSpecOverWrites is not valid YAML: ${cause}`, { cause });
    }
    if (!Array.isArray(steps) || steps.length === 0) {
      throw b.error("stepSpecOverWrites", "must be a non-empty YAML list");
    }
    const over: Record<string, HandlerSpecOverride> = {};
    for (const [i, s] of steps.entries()) {
      const step = new BodyReader(s, J, `stepSpecOverWrites[${i}]`);
      const name = step.string("job_name") ?? step.requiredString("name");
      options.runHandler ||= name;
      const o: HandlerSpecOverride = {};
      if (step.raw("replicas") !== undefined) o.replicas = step.int("replicas", 1);
      const res = step.array("resources");
      if (res) {
        o.resources = Object.fromEntries(res.map((r, k) => {
          const rr = new BodyReader(r, J, `stepSpecOverWrites[${i}].resources[${k}]`);
          return [rr.requiredString("type"), rr.raw("request")];
        }));
      }
      over[step.string("name") ?? name] = o;
    }
    options.overwriteSpecs = over;
  }
  return options;
}
