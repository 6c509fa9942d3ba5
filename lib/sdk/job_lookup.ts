/**
 * The checks `Job` and the command line make before they read jobs, so both give the same answers
 * on every instance: `latest` names the project's newest job, an unknown standalone project is an
 * error (not an empty list), and a table the job does not have is an error naming those it has.
 *
 * @module
 */

import type { Row } from "../../datastore/mod.ts";
import { NotFoundError } from "./errors.ts";
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
