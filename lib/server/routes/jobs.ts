/**
 * The jobs resource (`/api/v1/project/{p}/job`): list, info, tasks, events, create, the actions
 * (`cancel`, `pause`, `resume`, `recover`) and remove, over the `Instance` seam plus the
 * {@link JobLauncher} that runs the jobs created through the API asynchronously. Jobs are named by
 * upstream-style numeric ids, their standalone ids or a unique prefix.
 *
 * @module
 */
import type { Hono } from "../../_deps.ts";
import type { JobRecord, JobRef, JobStatus } from "../../sdk/mod.ts";
import { checkRemoved, JOB_STATUSES, NotFoundError } from "../../sdk/mod.ts";
import type { JobLauncher } from "../../jobs/mod.ts";
import { StandaloneInstance } from "../../standalone/mod.ts";
import { jobEventVos, jobVo, pageInfo, type PageInfoVo } from "../../wire/mod.ts";
import type { EventVo, JobVo, TaskVo } from "../../wire/mod.ts";
import { ApiError } from "../api_error.ts";
import { show } from "../_body.ts";
import { ok, paging, param, resource, type ServerContext, type ServerEnv } from "../_context.ts";
import { parseJobRequest } from "./_job_request.ts";
import { jobFacts } from "./_job_facts.ts";
import { Tasks } from "./tasks.ts";

const J = "JOB";
/** A numeric id, a job id or a unique prefix of one. */
const JOB_ID = /^[0-9A-Za-z_-]{1,128}$/;

/**
 * The jobs sub-app, to mount at `/api/v1/project/:p/job`.
 *
 * @param ctx The server context.
 * @param jobs The job operations (shared with the trash routes).
 * @returns The sub-app.
 */
export function jobRoutes(ctx: ServerContext, jobs: Jobs = new Jobs(ctx)): Hono<ServerEnv> {
  return resource(J)
    .get("/", async (c) => {
      const project = await ctx.project(param(c, "p"));
      const query = {
        ...paging(c),
        status: c.req.query("status"),
        model: c.req.query("model"),
        swmpId: c.req.query("swmpId") || undefined,
      };
      return ok(c, await jobs.list(project, query));
    })
    .post("/", async (c) => ok(c, await jobs.create(param(c, "p"), await ctx.body(c))))
    .get("/:j", async (c) => ok(c, await jobs.info(param(c, "p"), param(c, "j"))))
    .delete("/:j", async (c) => {
      await jobs.remove(param(c, "p"), param(c, "j"));
      return ok(c, "success");
    })
    .get("/:j/task", async (c) => ok(c, await jobs.tasks(param(c, "p"), param(c, "j"))))
    .get("/:j/task/:t", async (c) => {
      return ok(c, await jobs.task(param(c, "p"), param(c, "j"), param(c, "t")));
    })
    .get("/:j/event", async (c) => ok(c, await jobs.events(param(c, "p"), param(c, "j"))))
    .post("/:j/:action", async (c) => {
      const action = param(c, "action");
      await jobs.act(param(c, "p"), param(c, "j"), action);
      return ok(c, `Success: ${action}`);
    });
}

/** The job operations behind the routes (the trash routes recover through it too). */
export class Jobs {
  readonly #ctx: ServerContext;
  readonly #tasks: Tasks;

  /**
   * @param ctx The server context.
   * @param tasks The tasks of the jobs (`…/task`); default: its own.
   */
  constructor(ctx: ServerContext, tasks: Tasks = new Tasks(ctx)) {
    this.#ctx = ctx;
    this.#tasks = tasks;
  }

  async #ref(p: string, j: string, options: { removed?: boolean } = {}): Promise<JobRef> {
    const project = await this.#ctx.project(p);
    if (!JOB_ID.test(j)) {
      throw ApiError.invalid(
        J,
        `invalid job id ${show(j)}: expected a numeric id, a job id or a unique prefix of one`,
      );
    }
    if (/^\d+$/.test(j)) {
      const uuid = await this.#ctx.ids.uuidOf(Number(j));
      if (!uuid) throw new NotFoundError("job", j, { project });
      return { project, id: uuid };
    }
    // A removed job is not among the live ones: recoverJob resolves the id among removed jobs.
    if (options.removed) return { project, id: j };
    return { project, id: (await this.#ctx.instance().getJob({ project, id: j })).id };
  }

  /** Mirrors server-side facts into the job's summary row (`sys/*` columns, as upstream). */
  async #sys(ref: JobRef, columns: Record<string, number>): Promise<void> {
    await this.#ctx.store.update(
      `project/${ref.project}/eval/summary`,
      [{ id: ref.id, ...columns }],
      { schema: [{ name: "sys/_is_deleted", type: "INT32" }] },
    );
  }

  /**
   * One page of a project's jobs as a PageHelper `PageInfo<JobVo>`; `swmpId` (a model version id
   * as the model lookup answers it, `name/version/<version>`) keeps that version's jobs.
   */
  async list(
    project: string,
    q: { pageNum: number; pageSize: number; status?: string; model?: string; swmpId?: string },
  ): Promise<PageInfoVo<JobVo>> {
    const { pageNum, pageSize } = q;
    if (q.status !== undefined && !JOB_STATUSES.includes(q.status as JobStatus)) {
      throw ApiError.invalid(J, `unknown job status ${show(q.status)}`);
    }
    if (q.swmpId !== undefined) {
      const m = /^([^/]+)\/version\/([^/]+)$/.exec(q.swmpId);
      if (!m) {
        throw ApiError.invalid(
          J,
          `invalid swmpId ${
            show(q.swmpId)
          }: expected a model version id (<name>/version/<version>)`,
        );
      }
      if (q.model !== undefined && q.model !== m[1]) {
        return pageInfo([], { total: 0, pageNum, pageSize });
      }
      const [all] = await this.#ctx.instance().listJobs(project, {
        pageIndex: 1,
        pageSize: 100_000,
        model: m[1],
        ...(q.status ? { status: q.status as JobStatus } : {}),
      });
      const jobs = all.filter((j) => j.modelVersion === m[2]);
      const list = [];
      for (const job of jobs.slice((pageNum - 1) * pageSize, pageNum * pageSize)) {
        list.push(await this.#vo(job));
      }
      return pageInfo(list, { total: jobs.length, pageNum, pageSize });
    }
    const [jobs, page] = await this.#ctx.instance().listJobs(project, {
      pageIndex: pageNum,
      pageSize,
      ...(q.status ? { status: q.status as JobStatus } : {}),
      ...(q.model ? { model: q.model } : {}),
    });
    const list = [];
    for (const job of jobs) list.push(await this.#vo(job));
    return pageInfo(list, { total: page.total, pageNum, pageSize });
  }

  /**
   * One `JobVo`, by numeric id, job id or unique prefix. By its numeric id a removed job is found
   * too (as a Starwhale Server finds it), so a client can learn the uuid its trash entry has.
   */
  async info(p: string, j: string): Promise<JobVo> {
    const ref = await this.#ref(p, j);
    const instance = this.#ctx.instance();
    const job = await instance.getJob(ref).catch(async (e) => {
      if (!(e instanceof NotFoundError) || !/^\d+$/.test(j)) throw e;
      if (!(instance instanceof StandaloneInstance)) throw e;
      const removed = (await instance.listRemovedJobs(ref.project)).find((r) => r.id === ref.id);
      if (!removed) throw e;
      return removed;
    });
    return await this.#vo(job);
  }

  /** A job's `JobVo`, with its datasets looked up and its steps. */
  async #vo(job: JobRecord): Promise<JobVo> {
    const facts = await jobFacts(this.#ctx, job);
    return jobVo(job, await this.#ctx.ids.numericId(job.id), facts);
  }

  /** The job's tasks as `PageInfo<TaskVo>`: one per step and replica. */
  async tasks(p: string, j: string): Promise<PageInfoVo<TaskVo>> {
    return await this.#tasks.list(await this.#ref(p, j));
  }

  /** One task of the job, by its numeric id or uuid. */
  async task(p: string, j: string, t: string): Promise<TaskVo> {
    return await this.#tasks.get(await this.#ref(p, j), t);
  }

  /** The job's events (`List<EventVo>`): its creation, and why it failed. */
  async events(p: string, j: string): Promise<EventVo[]> {
    const job = await this.#ctx.instance().getJob(await this.#ref(p, j));
    return jobEventVos(job, await this.#ctx.ids.numericId(job.id));
  }

  /** Creates a job from a `JobRequest`; returns its numeric id as a string. */
  async create(p: string, json: Record<string, unknown>): Promise<string> {
    const project = await this.#ctx.project(p);
    const options = parseJobRequest(json);
    const launcher: JobLauncher | undefined = this.#ctx.launcher;
    if (!launcher) throw ApiError.invalid(J, "this server runs no jobs (no launcher)");
    const job = await launcher.launch(project, options);
    const id = await this.#ctx.ids.numericId(job.id);
    await this.#sys({ project, id: job.id }, { "sys/id": id });
    return String(id);
  }

  /** `cancel`, `pause`, `resume` or `recover`. */
  async act(p: string, j: string, action: string): Promise<void> {
    const ref = await this.#ref(p, j, { removed: action === "recover" });
    const instance = this.#ctx.instance();
    if (action === "recover") {
      await checkRemoved(instance, ref);
      await instance.recoverJob(ref);
      return await this.#sys(ref, { "sys/_is_deleted": 0 });
    }
    if (action !== "cancel" && action !== "pause" && action !== "resume") {
      throw ApiError.invalid(J, `failed to invoke action ${show(action)}: Unknown invoker key`);
    }
    const run = this.#ctx.launcher;
    if (action === "cancel") await (run ? run.cancel(ref) : instance.cancelJob(ref));
    else if (action === "pause") await (run ? run.pause(ref) : instance.pauseJob(ref));
    else await (run ? run.resume(ref) : instance.resumeJob(ref));
  }

  /** Moves a job to the recycle bin. */
  async remove(p: string, j: string): Promise<void> {
    const ref = await this.#ref(p, j);
    await this.#ctx.instance().removeJob(ref);
    await this.#sys(ref, { "sys/_is_deleted": 1 });
  }
}
