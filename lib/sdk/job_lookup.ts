/**
 * The checks `Job` and the command line make before they read jobs, so both give the same answers
 * on every instance: `latest` names the project's newest job, an unknown standalone project is an
 * error (not an empty list), and a table the job does not have is an error naming those it has.
 *
 * @module
 */

import type { Row } from "../../datastore/mod.ts";
import { JobStateError, NotFoundError } from "./errors.ts";
import type { Instance, JobRef, ScanTableOptions } from "./instance.ts";

/**
 * Resolves the job id `latest` to the project's newest job, as for models and datasets.
 *
 * @param instance The instance.
 * @param ref The project and a job id, id prefix or `latest`.
 * @returns The same reference, or for `latest` the newest job's.
 * @throws {NotFoundError} For `latest` in a project without jobs.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { Instance } from "./instance.ts";
 * import { resolveJobRef } from "./job_lookup.ts";
 * const empty = { listJobs: () => Promise.resolve([[], {}]) } as unknown as Instance;
 * assert.deepEqual(await resolveJobRef(empty, { project: "p", id: "xm5" }), { project: "p", id: "xm5" });
 * await assert.rejects(resolveJobRef(empty, { project: "p", id: "latest" }), {
 *   message: "Cannot find job 'latest' in project 'p': it has no jobs",
 * });
 * ```
 */
export async function resolveJobRef(instance: Instance, ref: JobRef): Promise<JobRef> {
  if (ref.id !== "latest") return ref;
  const [[newest]] = await instance.listJobs(ref.project, { pageSize: 1 });
  if (!newest) {
    throw new NotFoundError("job", "latest", { project: ref.project, detail: "it has no jobs" });
  }
  return { project: ref.project, id: newest.id };
}

/**
 * Checks that a project exists before its jobs are listed. Only a standalone instance needs it:
 * its root would list no jobs for any name, where a server answers that it has no such project.
 *
 * @param instance The instance.
 * @param project The project name.
 * @throws {NotFoundError} No such project on a standalone instance, listing the projects there are.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { Instance } from "./instance.ts";
 * import { checkProject } from "./job_lookup.ts";
 * const local = { kind: "standalone", listProjects: () => Promise.resolve(["self"]) } as Instance;
 * await checkProject(local, "self");
 * await assert.rejects(checkProject(local, "nosuch"), {
 *   message: "Cannot find project 'nosuch': the projects are self",
 * });
 * ```
 */
export async function checkProject(instance: Instance, project: string): Promise<void> {
  if (instance.kind !== "standalone") return;
  const projects = await instance.listProjects();
  if (!projects.includes(project)) {
    throw new NotFoundError("project", project, {
      detail: `the projects are ${projects.join(", ")}`,
    });
  }
}

/**
 * Refuses to recover a job that is not removed: a job the instance still finds among its live
 * ones is refused with a `JobStateError` naming its status; a job it does not find passes (its
 * trash answers for it).
 *
 * @param instance Reads a live job.
 * @param ref The job.
 * @throws {JobStateError} The job is live.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { NotFoundError } from "./errors.ts";
 * import type { JobRecord } from "./instance.ts";
 * import { checkRemoved } from "./job_lookup.ts";
 * const live = { getJob: () => Promise.resolve({ id: "xm5", status: "RUNNING" } as JobRecord) };
 * await assert.rejects(checkRemoved(live, { project: "p", id: "xm5" }), {
 *   message: "Cannot recover job 'xm5': it is not removed",
 *   status: "RUNNING",
 * });
 * const gone = { getJob: () => Promise.reject(new NotFoundError("job", "xm5")) };
 * await checkRemoved(gone, { project: "p", id: "xm5" });
 * ```
 */
export async function checkRemoved(
  instance: Pick<Instance, "getJob">,
  ref: JobRef,
): Promise<void> {
  const live = await instance.getJob(ref).catch((e) => {
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
}

/**
 * Streams the rows of one of a job's tables, once it is sure the job has that table (the
 * `Instance` would stream no rows for a missing one).
 *
 * @param instance The instance.
 * @param what The job and the table's short name (`results`).
 * @param options The key range and `keepNone`.
 * @returns The rows in key order.
 * @throws {NotFoundError} The job has no such table: the message names the job and its tables.
 */
export async function* jobTableRows(
  instance: Instance,
  what: { ref: JobRef; table: string },
  options: ScanTableOptions = {},
): AsyncIterable<Row> {
  const { ref, table } = what;
  const tables = await instance.jobTables(ref);
  if (!tables.includes(table)) {
    const { id } = await instance.getJob(ref);
    throw new NotFoundError("table", table, {
      project: ref.project,
      detail: `job ${id} has ${tables.length ? `the tables ${tables.join(", ")}` : "no tables"}`,
    });
  }
  yield* instance.scanJobTable(ref, table, options);
}
