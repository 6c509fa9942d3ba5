/**
 * The tasks of a job as `swcli job info` lists them: which step each task runs, its replica,
 * status and rows done, when it started and how long it ran.
 *
 * @module
 */

import type { JobTask } from "../../sdk/mod.ts";
import { formatDuration, formatTime } from "./cells.ts";

/**
 * The columns and cells of a job's tasks, or `undefined` when there are none.
 *
 * @param tasks The job's tasks (`Instance.jobTasks`).
 * @param now The current time (ms), for the duration of running tasks.
 * @returns The header and the rows, or `undefined`.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { taskRows } from "./job_tasks.ts";
 * const grid = taskRows([{
 *   id: "0", step: "m:C.predict", index: 0, status: "RUNNING", startedAt: "1970-01-01T00:00:01Z",
 *   finishedAt: null, rows: 40, total: 100, error: null,
 * }], 66_000);
 * assert.deepEqual(grid?.columns, ["Step", "#", "Status", "Rows", "Started At", "Duration"]);
 * assert.deepEqual(grid?.rows[0].slice(0, 4), ["m:C.predict", "0", "RUNNING", "40/100"]);
 * assert.equal(grid?.rows[0][5], "1m05s");
 * assert.equal(taskRows([], 0), undefined);
 * ```
 */
export function taskRows(
  tasks: JobTask[],
  now: number,
): { columns: string[]; rows: string[][] } | undefined {
  if (tasks.length === 0) return undefined;
  const rows = tasks.map((t) => {
    const started = t.startedAt === null ? undefined : Date.parse(t.startedAt);
    const finished = t.finishedAt === null ? undefined : Date.parse(t.finishedAt);
    const duration = started === undefined
      ? "--"
      : formatDuration(Math.max(0, (finished ?? now) - started) / 1000);
    const rowsDone = t.total === null ? (t.rows ? String(t.rows) : "--") : `${t.rows}/${t.total}`;
    return [
      t.step,
      String(t.index),
      t.status,
      rowsDone,
      t.startedAt === null ? "--" : formatTime(t.startedAt),
      duration,
    ];
  });
  return { columns: ["Step", "#", "Status", "Rows", "Started At", "Duration"], rows };
}

/**
 * Which steps of a job run and how far they are, e.g.
 * `m:C.predict: 1200 of 60000 rows (2%)`, or `undefined` when none runs.
 *
 * @param tasks The job's tasks.
 * @returns One text for every running step, `; `-separated.
 */
export function runningSteps(tasks: JobTask[]): string | undefined {
  const steps = new Map<string, { rows: number; total: number | null }>();
  for (const t of tasks) {
    if (t.status !== "RUNNING" && t.status !== "PAUSED") continue;
    const s = steps.get(t.step) ?? { rows: 0, total: 0 };
    s.rows += t.rows;
    s.total = s.total === null || t.total === null ? null : s.total + t.total;
    steps.set(t.step, s);
  }
  if (steps.size === 0) return undefined;
  return [...steps].map(([step, s]) => {
    if (!s.total) return s.rows ? `${step}: ${s.rows} rows` : step;
    return `${step}: ${s.rows} of ${s.total} rows (${Math.floor((s.rows / s.total) * 100)}%)`;
  }).join("; ");
}
