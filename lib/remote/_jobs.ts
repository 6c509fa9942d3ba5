/**
 * The jobs of a `RemoteInstance`: listing (a model name or status filtered here), reads with a
 * failed job's reason from its events, creation with version ids, actions, removal and recovery
 * through the project's trash.
 *
 * @module
 */
import { stringifyYaml as toYaml } from "../_deps.ts";
import type {
  CreateJobOptions,
  JobRecord,
  JobRef,
  ListJobsOptions,
  PageInfo,
} from "../sdk/instance.ts";
import type { Row } from "../../datastore/mod.ts";
import { AmbiguousError, JobStateError, NotFoundError, RemoteError } from "../sdk/errors.ts";
import { parseResources, type ResourceValue } from "../sdk/handlers.ts";
import { checkRemoved } from "../sdk/job_lookup.ts";
import { jobRecord, pageOf } from "../wire/mod.ts";
import type {
  DatasetInfoVo,
  EventVo,
  JobVo,
  ModelInfoVo,
  PageInfoVo,
  TaskVo,
  TrashVo,
} from "../wire/mod.ts";
import { enc, type RemoteContext } from "./_context.ts";

/** One page of a project's jobs (a model version filtered by the server, the rest here). */
export async function listJobs(
  ctx: RemoteContext,
  project: string,
  options: ListJobsOptions = {},
): Promise<[JobRecord[], PageInfo]> {
  const pageNum = options.pageIndex ?? 1, pageSize = options.pageSize ?? 20;
  if (!Number.isInteger(pageNum) || pageNum < 1) {
    throw new RangeError(`Invalid pageIndex ${pageNum}: expected an integer >= 1`);
  }
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100_000) {
    throw new RangeError(`Invalid pageSize ${pageSize}: expected an integer in 1..100000`);
  }
  const pid = await ctx.projectId(project);
  let swmpId: string | undefined, modelName: string | undefined;
  if (options.model?.includes("/version/")) {
    try {
      swmpId = String(
        (await ctx.versionId<ModelInfoVo>(project, "model", options.model)).versionId,
      );
    } catch (e) {
      if (e instanceof NotFoundError) return [[], pageFor(0, 0, pageNum, pageSize)];
      throw e;
    }
  } else modelName = options.model;
  const page = async (n: number, size: number) =>
    await ctx.call(`/project/${enc(pid)}/job`, {
      query: { swmpId, pageNum: n, pageSize: size },
    }, ["project", project]) as PageInfoVo<JobVo>;
  if (options.status === undefined && modelName === undefined) {
    const data = await page(pageNum, pageSize);
    return [await records(ctx, data.list ?? [], project), pageOf(data)];
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
    await records(ctx, slice, project),
    pageFor(matches.length, slice.length, pageNum, pageSize),
  ];
}

/** Job records from `JobVo`s, a failed job's reason read from its events when not given. */
async function records(ctx: RemoteContext, vos: JobVo[], project: string): Promise<JobRecord[]> {
  const out = [];
  for (const vo of vos) {
    const record = jobRecord(vo, project);
    if (record.status === "FAIL" && vo.errorMessage === undefined) {
      record.errorMessage = await failure(ctx, vo, project);
    }
    out.push(record);
  }
  return out;
}

/**
 * Why a job failed, on a server whose `JobVo` does not say: its `ERROR` events, else its tasks'
 * `failedReason`s; `null` when neither says (or they cannot be read).
 */
async function failure(ctx: RemoteContext, vo: JobVo, project: string): Promise<string | null> {
  const pid = await ctx.projectId(project);
  const base = `/project/${enc(pid)}/job/${enc(vo.id)}`;
  try {
    const events = await ctx.call(`${base}/event`, {}) as EventVo[] | null;
    const errors = (events ?? []).filter((e) => e.eventType === "ERROR").map((e) => e.message);
    if (errors.length) return errors.join("\n");
    const tasks = await ctx.call(`${base}/task`, {
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

/** A job's `JobVo`. */
export async function jobVo(ctx: RemoteContext, ref: JobRef): Promise<JobVo> {
  const pid = await ctx.projectId(ref.project);
  return await ctx.call(`/project/${enc(pid)}/job/${enc(ref.id)}`, {}, [
    "job",
    ref.id,
    ref.project,
  ]) as JobVo;
}

/** A job's record. */
export async function getJob(ctx: RemoteContext, ref: JobRef): Promise<JobRecord> {
  return (await records(ctx, [await jobVo(ctx, ref)], ref.project))[0];
}

/** Creates a job from version ids. */
export async function createJob(
  ctx: RemoteContext,
  project: string,
  options: CreateJobOptions,
): Promise<JobRecord> {
  if (!options.runHandler) throw new TypeError("Cannot create a job: 'runHandler' is empty");
  const pid = await ctx.projectId(project);
  const model = await ctx.versionId<ModelInfoVo>(project, "model", options.model);
  // Checked before anything is sent: a bad resource value is the caller's error.
  const overrides = options.overwriteSpecs && Object.keys(options.overwriteSpecs).length
    ? stepOverrides(model, options)
    : undefined;
  const datasets = [];
  for (const d of options.datasets ?? []) {
    datasets.push(
      String((await ctx.versionId<DatasetInfoVo>(project, "dataset", d)).versionId),
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
      (await ctx.versionId(project, "runtime", options.runtime)).versionId,
    );
  }
  if (overrides !== undefined) body.stepSpecOverWrites = overrides;
  else body.handler = options.runHandler;
  if ((options.ttl ?? 0) > 0) body.timeToLiveInSec = options.ttl;
  const id = await ctx.call(`/project/${enc(pid)}/job`, { method: "POST", body }, [
    "project",
    project,
  ]);
  return await ctx.getJob({ project, id: String(id) });
}

/** A job's `JobVo`, its tasks and its stored summary. */
export async function jobInfo(
  ctx: RemoteContext,
  ref: JobRef,
  storedSummary: (ref: JobRef) => Promise<Row>,
): Promise<Record<string, unknown>> {
  const job = await jobVo(ctx, ref);
  const pid = await ctx.projectId(ref.project);
  const tasks = await ctx.call(`/project/${enc(pid)}/job/${enc(job.id)}/task`, {
    query: { pageNum: 1, pageSize: 100000 },
  }) as { list?: unknown[] };
  const summary = await storedSummary({ project: ref.project, id: job.uuid });
  return { job, tasks: tasks?.list ?? [], report: { summary, kind: summary.kind ?? "" } };
}

/** Sends a job action (`cancel`, `pause`, `resume`), a refusal becoming a `JobStateError`. */
export async function jobAction(ctx: RemoteContext, ref: JobRef, action: string): Promise<void> {
  const pid = await ctx.projectId(ref.project);
  try {
    await ctx.call(`/project/${enc(pid)}/job/${enc(ref.id)}/${action}`, { method: "POST" }, [
      "job",
      ref.id,
      ref.project,
    ]);
  } catch (e) {
    if (e instanceof RemoteError && e.status === 400) {
      const status = await ctx.getJob(ref).then((j) => j.status, () => "UNKNOWN");
      throw new JobStateError(action, { ...refusal(e, ref), status, cause: e });
    }
    throw e;
  }
}

/** Brings a removed job back through the project's trash. */
export async function recoverJob(ctx: RemoteContext, ref: JobRef): Promise<void> {
  const pid = await ctx.projectId(ref.project);
  const name = /^\d+$/.test(ref.id) ? (await jobVo(ctx, ref)).uuid : ref.id;
  const data = await ctx.call(`/project/${enc(pid)}/trash`, {
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
    await checkRemoved(ctx, { ...ref, id: name });
    throw new NotFoundError("job", ref.id, {
      project: ref.project,
      detail: "it is not in the project's trash",
    });
  }
  await ctx.call(`/project/${enc(pid)}/trash/${enc(String(chosen[0].id))}`, {
    method: "PUT",
  }, ["job", ref.id, ref.project]);
}

/** Moves a job to the trash, a refusal becoming a `JobStateError`. */
export async function removeJob(ctx: RemoteContext, ref: JobRef): Promise<void> {
  const pid = await ctx.projectId(ref.project);
  try {
    await ctx.call(`/project/${enc(pid)}/job/${enc(ref.id)}`, { method: "DELETE" }, [
      "job",
      ref.id,
      ref.project,
    ]);
  } catch (e) {
    if (e instanceof RemoteError && e.status === 400) {
      const status = await ctx.getJob(ref).then((j) => j.status, () => "UNKNOWN");
      throw new JobStateError("remove", { ...refusal(e, ref), status, cause: e });
    }
    throw e;
  }
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
