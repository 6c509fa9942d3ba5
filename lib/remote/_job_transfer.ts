/**
 * The job copy routes of a `RemoteInstance`: this SDK's job-copy extension of the Starwhale REST
 * API, for a job's record, then its tasks and log lines.
 *
 * @module
 */
import type { JobCopyRecord, JobCopyTasks, JobRecord, JobRef } from "../sdk/instance.ts";
import { RemoteError, UnsupportedError } from "../sdk/errors.ts";
import { jobRecord } from "../wire/mod.ts";
import type { JobVo } from "../wire/mod.ts";
import { enc, type RemoteContext } from "./_context.ts";

/** Characters of log lines per request of a job copy (JSON may take up to a few bytes each). */
const LOG_PART_CHARS = 4 * 1024 * 1024;

/** The job a copy made on the server, if any. */
export async function copiedJob(ctx: RemoteContext, ref: JobRef): Promise<JobRecord | undefined> {
  const data = await copyRoute(ctx, ref, { method: "GET" }) as { job?: JobVo | null };
  return data?.job ? jobRecord(data.job, ref.project) : undefined;
}

/** Sends a copied job's tasks and log lines, the log in parts of at most 4 MiB. */
export async function importJobTasks(
  ctx: RemoteContext,
  ref: JobRef,
  copy: JobCopyTasks,
): Promise<void> {
  const pid = await ctx.projectId(ref.project);
  const path = `/project/${enc(pid)}/job/${enc(ref.id)}/copy/tasks`;
  try {
    let part: string[] = [], bytes = 0, append = false;
    const send = async () => {
      const body = { tasks: copy.tasks, log: part, append };
      await ctx.call(path, { method: "PUT", body, idempotent: true });
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
        `${ctx.url}: it answered ${e.status} to PUT /api/v1${path} (no task-copy extension)`,
        { operation: true, cause: e },
      );
    }
    throw e;
  }
}

/** Creates a copied job on the server. */
export async function importJob(
  ctx: RemoteContext,
  project: string,
  copy: JobCopyRecord,
): Promise<JobRecord> {
  const ref = { project, id: copy.record.id };
  const body = { record: { ...copy.record, project }, manifest: copy.manifest };
  return jobRecord(await copyRoute(ctx, ref, { method: "PUT", body }) as JobVo, project);
}

/**
 * This SDK's job-copy extension, `GET|PUT /api/v1/project/{project}/job/{id}/copy`; a server
 * without it (404 or 405) refuses the copy with an `UnsupportedError`.
 */
async function copyRoute(
  ctx: RemoteContext,
  ref: JobRef,
  request: { method: "GET" | "PUT"; body?: unknown },
) {
  const pid = await ctx.projectId(ref.project);
  try {
    return await ctx.call(`/project/${enc(pid)}/job/${enc(ref.id)}/copy`, {
      ...request,
      idempotent: true,
    });
  } catch (e) {
    if (e instanceof RemoteError && (e.status === 404 || e.status === 405)) {
      throw new UnsupportedError(
        "copying jobs to this server",
        `${ctx.url}: it lacks the job-copy extension of this SDK's server ` +
          "(GET|PUT /api/v1/project/{project}/job/{id}/copy)",
        { operation: true, cause: e },
      );
    }
    throw e;
  }
}
