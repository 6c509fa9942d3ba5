/**
 * The job-copy extension (`/api/v1/project/{p}/job/{id}/copy`), which Starwhale's own server does
 * not have: `swcli job copy` and `Job.copy` write a job's tables and its summary row through the
 * datastore routes, then publish the job here, so a job half-copied is never listed.
 *
 * - `GET` answers `{ job: JobVo | null }`: the job with exactly this id, live or removed, or
 *   `null` (never a 404 for a missing job, so a 404 means a server without the extension).
 * - `PUT` with `{ record, manifest }` (a `JobRecord` whose status is final, and the fields of the
 *   standalone job manifest) publishes the job under that id and answers its `JobVo`; a job
 *   already there is left as it is (a repeated copy is a no-op). The job's summary row gets the
 *   `sys/*` columns this server writes for its own jobs, unless it has a server's already.
 * - `PUT …/copy/tasks` with `{ tasks, log, append? }` (the job's tasks as `JobTask`s, in step
 *   order, and its log lines, without line ends; with `append: true` the lines go on from the
 *   request before, for a log sent in parts) keeps what the job ran before the `PUT …/copy` that
 *   publishes it; the task list and `/log/offline/{taskId}` then serve them as for a job run
 *   here. It answers `{ tasks, lines }` (how many were kept); a job already published is left as
 *   it is. A server without this route still takes the rest of a copy: the client notes that the
 *   tasks and logs stayed behind.
 *
 * @module
 */
import type { Hono } from "../../_deps.ts";
import {
  FINAL_STATUSES,
  type JobRecord,
  type JobStatus,
  type JobTask,
  type TaskStatus,
} from "../../sdk/mod.ts";
import { copiedColumns, SYS_SCHEMA } from "../../jobs/mod.ts";
import { jobVo } from "../../wire/mod.ts";
import { ApiError } from "../api_error.ts";
import { show } from "../_body.ts";
import { ok, param, resource, type ServerContext, type ServerEnv } from "../_context.ts";

const J = "JOB";
const JOB_ID = /^[A-Za-z0-9_-]{2,128}$/;

/**
 * The job-copy sub-app, to mount at `/api/v1/project/:p/job` beside the jobs resource.
 *
 * @param ctx The server context.
 * @returns The sub-app.
 */
export function jobCopyRoutes(ctx: ServerContext): Hono<ServerEnv> {
  return resource(J)
    .get("/:j/copy", async (c) => {
      const project = await ctx.project(param(c, "p"));
      const job = await ctx.instance().copiedJob({ project, id: jobId(param(c, "j")) });
      return ok(c, { job: job ? jobVo(job, await ctx.ids.numericId(job.id)) : null });
    })
    .put("/:j/copy", async (c) => {
      const project = await ctx.project(param(c, "p"));
      const id = jobId(param(c, "j"));
      const body = await ctx.body(c);
      const record = parseRecord(body.record, { id, project });
      const manifest = body.manifest ?? {};
      if (typeof manifest !== "object" || manifest === null || Array.isArray(manifest)) {
        throw ApiError.invalid(J, `'manifest' must be an object, got ${show(manifest)}`);
      }
      const job = await ctx.instance().importJob(project, {
        record,
        manifest: manifest as Record<string, unknown>,
      });
      const numeric = await ctx.ids.numericId(job.id);
      // The summary row gets the sys/* columns this server keeps for the jobs it runs, unless the
      // copy brought a server's own; `sys/id` is always this server's numeric id.
      const table = `project/${project}/eval/summary`;
      const range = { start: job.id, end: job.id, endInclusive: true, limit: 1 };
      const [stored] = ctx.store.tables(table).includes(table)
        ? await Array.fromAsync(ctx.store.scan(table, range))
        : [];
      const sys = stored?.["sys/job_status"] === undefined ? copiedColumns(job) : { id: job.id };
      await ctx.store.update(table, [{ ...sys, "sys/id": numeric }], { schema: SYS_SCHEMA });
      return ok(c, jobVo(job, numeric));
    })
    .put("/:j/copy/tasks", async (c) => {
      const project = await ctx.project(param(c, "p"));
      const id = jobId(param(c, "j"));
      const body = await ctx.body(c);
      const copy = { tasks: parseTasks(body.tasks), log: parseLog(body.log) };
      const append = body.append ?? false;
      if (typeof append !== "boolean") {
        throw ApiError.invalid(J, `'append' must be true or false, got ${show(append)}`);
      }
      await ctx.instance().importJobTasks({ project, id }, copy, { append });
      return ok(c, { tasks: copy.tasks.length, lines: copy.log.length });
    });
}

const TASK_STATUSES: readonly TaskStatus[] = [
  "CREATED",
  "RUNNING",
  "PAUSED",
  "SUCCESS",
  "FAIL",
  "CANCELED",
];

/** The `tasks` of a PUT …/copy/tasks: every field of a `JobTask`, typed. */
function parseTasks(value: unknown): JobTask[] {
  if (!Array.isArray(value)) {
    throw ApiError.invalid(J, `'tasks' must be an array of tasks, got ${show(value)}`);
  }
  return value.map((t, i) => {
    if (typeof t !== "object" || t === null || Array.isArray(t)) {
      throw ApiError.invalid(J, `invalid tasks[${i}] ${show(t)}: expected a task object`);
    }
    const r = t as Record<string, unknown>;
    const bad = (field: string, expected: string) =>
      ApiError.invalid(J, `invalid tasks[${i}].${field} ${show(r[field])}: expected ${expected}`);
    const count = (field: string, nullable: boolean) => {
      const v = r[field] ?? null;
      if (v === null && nullable) return null;
      if (!Number.isSafeInteger(v) || (v as number) < 0) {
        throw bad(field, nullable ? "a count or null" : "a count");
      }
      return v as number;
    };
    const { text, time } = nullableFields(r, bad, "an ISO 8601 time or null");
    if (typeof r.step !== "string" || r.step === "") throw bad("step", "a handler key");
    if (!TASK_STATUSES.includes(r.status as TaskStatus)) {
      throw bad("status", `one of ${TASK_STATUSES.join(", ")}`);
    }
    return {
      id: String(i),
      step: r.step,
      index: count("index", false)!,
      status: r.status as TaskStatus,
      startedAt: time("startedAt"),
      finishedAt: time("finishedAt"),
      rows: count("rows", false)!,
      total: count("total", true),
      error: text("error"),
    };
  });
}

/** The `log` of a PUT …/copy/tasks: lines without line ends. */
function parseLog(value: unknown): string[] {
  if (!Array.isArray(value)) {
    throw ApiError.invalid(J, `'log' must be an array of lines, got ${show(value)}`);
  }
  value.forEach((line, i) => {
    if (typeof line !== "string" || line.includes("\n")) {
      throw ApiError.invalid(
        J,
        `invalid log[${i}] ${show(line)}: expected a line without a line end`,
      );
    }
  });
  return value as string[];
}

function jobId(j: string): string {
  if (!JOB_ID.test(j)) {
    throw ApiError.invalid(
      J,
      `invalid job id ${show(j)}: expected 2 to 128 letters, digits, '_' or '-'`,
    );
  }
  return j;
}

/** The `record` of a PUT: every field of a `JobRecord`, typed, its id the path's. */
function parseRecord(value: unknown, where: { id: string; project: string }): JobRecord {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw ApiError.invalid(J, `'record' must be a job record object, got ${show(value)}`);
  }
  const r = value as Record<string, unknown>;
  const bad = (field: string, expected: string) =>
    ApiError.invalid(J, `invalid record.${field} ${show(r[field])}: expected ${expected}`);
  if (r.id !== where.id) throw bad("id", `the job id of the path, ${show(where.id)}`);
  if (!FINAL_STATUSES.includes(r.status as JobStatus)) {
    throw bad(
      "status",
      `a final status (${FINAL_STATUSES.join(", ")}): only ended jobs are copied`,
    );
  }
  const { text, time } = nullableFields(r, bad, "an ISO 8601 time");
  const createdAt = time("createdAt");
  if (createdAt === null) throw bad("createdAt", "an ISO 8601 time");
  const datasets = r.datasets ?? [];
  if (!Array.isArray(datasets) || datasets.some((d) => typeof d !== "string")) {
    throw bad("datasets", "an array of strings");
  }
  return {
    id: where.id,
    project: where.project,
    status: r.status as JobStatus,
    model: text("model"),
    modelVersion: text("modelVersion"),
    datasets: datasets as string[],
    handler: text("handler"),
    createdAt,
    finishedAt: time("finishedAt"),
    errorMessage: text("errorMessage"),
  };
}

/** Readers of a record's optional string and ISO 8601 time fields, failing through `bad`. */
function nullableFields(
  r: Record<string, unknown>,
  bad: (field: string, expected: string) => ApiError,
  timeExpected: string,
) {
  const text = (field: string): string | null => {
    const v = r[field] ?? null;
    if (v !== null && typeof v !== "string") throw bad(field, "a string or null");
    return v as string | null;
  };
  const time = (field: string): string | null => {
    const v = text(field);
    if (v !== null && Number.isNaN(Date.parse(v))) throw bad(field, timeExpected);
    return v;
  };
  return { text, time };
}
