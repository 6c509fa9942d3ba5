/**
 * The tasks of a job as `swcli job info` lists them: which step each task runs, its status, when
 * it started and how long it ran — read from the `tasks` a server reports in the job's details.
 *
 * @module
 */

import { formatDuration, formatTime } from "./cells.ts";

/**
 * The columns and cells of a job's tasks, or `undefined` when the details list none.
 *
 * @param details What `Instance.jobInfo` returned (a server's has `tasks`, Starwhale Server's TaskVo).
 * @param now The current time (ms), for the duration of running tasks.
 * @returns The header and the rows, or `undefined`.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { taskRows } from "./job_tasks.ts";
 * const tasks = [{ stepName: "m:C.predict", taskStatus: "RUNNING", startedTime: 1000, finishedTime: -1 }];
 * const grid = taskRows({ tasks }, 66_000);
 * assert.deepEqual(grid?.columns, ["Step", "Status", "Started At", "Duration"]);
 * assert.deepEqual(grid?.rows[0].slice(0, 2), ["m:C.predict", "RUNNING"]);
 * assert.equal(grid?.rows[0][3], "1m05s");
 * assert.equal(taskRows({ manifest: {} }, 0), undefined);
 * ```
 */
export function taskRows(
  details: Record<string, unknown>,
  now: number,
): { columns: string[]; rows: string[][] } | undefined {
  const tasks = Array.isArray(details.tasks) ? details.tasks as Record<string, unknown>[] : [];
  if (tasks.length === 0) return undefined;
  const time = (v: unknown) => typeof v === "number" && v > 0 ? v : undefined;
  const rows = tasks.map((t) => {
    const started = time(t.startedTime);
    const finished = time(t.finishedTime);
    const duration = started === undefined
      ? "--"
      : formatDuration(((finished ?? now) - started) / 1000);
    return [
      String(t.stepName ?? "--"),
      String(t.taskStatus ?? "--"),
      started === undefined ? "--" : formatTime(new Date(started).toISOString()),
      duration,
    ];
  });
  return { columns: ["Step", "Status", "Started At", "Duration"], rows };
}
