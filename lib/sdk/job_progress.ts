/**
 * How far a running job is, as `swcli job info` and the web console show it: read from the job's
 * task list (the runner keeps each task's rows in it), through the instance, so it works for a
 * job another process runs and on a server.
 *
 * @module
 */

import { FINAL_STATUSES, type Instance, type JobRecord, type JobTask } from "./instance.ts";
import { RemoteError, UnsupportedError } from "./errors.ts";
import { hasJobLogs } from "./roles.ts";

/** How far a running job is. */
export interface JobRunProgress {
  /** `rows` while a `predict` step tells its dataset rows, else `tasks` (tasks ended). */
  unit: "rows" | "tasks";
  /** Rows handled by the job's `predict` tasks so far, or tasks ended. */
  done: number;
  /** Rows they will handle, or tasks in all; absent when unknown. */
  total?: number;
  /** e.g. `1200 of 60000 rows predicted (2%)`, `1 of 2 tasks ended`. */
  text: string;
}

/**
 * Reads the progress of a job that has not ended from its tasks: the rows its `predict` tasks
 * have handled against the rows they will handle, or, where no task counts rows (a job without a
 * `predict` step, a server that reports no rows), its tasks ended against its tasks.
 *
 * @param instance The job's instance.
 * @param job The job's record.
 * @returns The progress, or `undefined` for an ended job or one with no tasks to read (yet).
 */
export async function readJobProgress(
  instance: Instance,
  job: JobRecord,
): Promise<JobRunProgress | undefined> {
  if (FINAL_STATUSES.includes(job.status) || !hasJobLogs(instance)) return undefined;
  let tasks: JobTask[];
  try {
    tasks = await instance.jobTasks({ project: job.project, id: job.id });
  } catch (e) {
    // A server without task routes: no progress to show, the job itself still reads.
    if (e instanceof UnsupportedError || (e instanceof RemoteError && e.status === 404)) {
      return undefined;
    }
    throw e;
  }
  return taskProgress(tasks);
}

/**
 * The progress a task list tells.
 *
 * @param tasks The job's tasks.
 * @returns Rows (or tasks) done and to do; `undefined` for no tasks.
 * @example Two replicas of a predict step
 * ```ts
 * import assert from "node:assert/strict";
 * import { taskProgress } from "./job_progress.ts";
 * const task = { step: "m:C.predict", status: "RUNNING" as const, startedAt: null,
 *   finishedAt: null, error: null };
 * const p = taskProgress([
 *   { ...task, id: "0", index: 0, rows: 3, total: 5 },
 *   { ...task, id: "1", index: 1, rows: 1, total: 5 },
 * ]);
 * assert.equal(p?.text, "4 of 10 rows predicted (40%)");
 * ```
 */
export function taskProgress(tasks: JobTask[]): JobRunProgress | undefined {
  if (tasks.length === 0) return undefined;
  const predict = tasks.filter((t) => t.total !== null);
  if (predict.length) {
    const done = predict.reduce((n, t) => n + t.rows, 0);
    const total = predict.reduce((n, t) => n + t.total!, 0);
    const share = total ? ` (${Math.floor(Math.min(1, done / total) * 100)}%)` : "";
    return { unit: "rows", done, total, text: `${done} of ${total} rows predicted${share}` };
  }
  const ended = tasks.filter((t) => ["SUCCESS", "FAIL", "CANCELED"].includes(t.status)).length;
  return {
    unit: "tasks",
    done: ended,
    total: tasks.length,
    text: `${ended} of ${tasks.length} ${tasks.length === 1 ? "task" : "tasks"} ended`,
  };
}
