/**
 * Watching a job another process or a server runs, by polling its instance: its log lines as
 * they come ({@link followJobLogs}), and its steps' progress from its task list
 * ({@link followJobProgress}), until the job ends. `Job.logs({ follow })`, a server's
 * `Job.create({ onProgress })` and `swcli job logs --follow` / `job create --wait` use them.
 *
 * @module
 */

import {
  FINAL_STATUSES,
  type Instance,
  type JobLogs,
  type JobProgress,
  type JobRecord,
  type JobRef,
  type JobTask,
} from "./instance.ts";
import { pause } from "./pause.ts";

/** Options of the followers. */
export interface FollowOptions {
  /** Stops following (the iteration or the promise ends without an error). */
  signal?: AbortSignal;
  /** Milliseconds between two polls. @default 500 */
  pollMs?: number;
}

/**
 * Streams a job's log lines, then the new ones as they come, until the job has ended and its
 * last lines are read.
 *
 * @param instance The job's instance (with the logs role).
 * @param ref The job (full id).
 * @param options A signal to stop, the poll interval.
 * @returns The lines.
 */
export async function* followJobLogs(
  instance: Instance & JobLogs,
  ref: JobRef,
  options: FollowOptions = {},
): AsyncIterable<string> {
  if (instance.followJobLogs) return yield* instance.followJobLogs(ref, options);
  let seen = 0;
  for (;;) {
    // The status first: a job seen ended has written all its lines by then.
    const { status } = await instance.getJob(ref);
    let n = 0;
    for await (const line of instance.jobLogs(ref)) {
      if (n++ >= seen) yield line;
    }
    seen = Math.max(seen, n);
    if (FINAL_STATUSES.includes(status) || options.signal?.aborted) return;
    await pause(options.pollMs ?? 500, options.signal);
  }
}

/**
 * Reports a job's progress step by step from its task list, until it ends: a `start` when a
 * step's first task has started, a `row` whenever its rows done change (known only from this
 * package's server; Starwhale Server reports no rows), an `end` once all its tasks have ended.
 *
 * @param instance The job's instance (with the logs role).
 * @param ref The job (full id).
 * @param onProgress Told each event; what it throws ends the following and is thrown.
 * @param options A signal to stop, the poll interval.
 * @returns The job's record as last read (its final one unless stopped).
 */
export async function followJobProgress(
  instance: Instance & JobLogs,
  ref: JobRef,
  onProgress: (progress: JobProgress) => void,
  options: FollowOptions = {},
): Promise<JobRecord> {
  const told = new Map<string, { rows: number; ended: boolean }>();
  for (;;) {
    const job = await instance.getJob(ref);
    const tasks = await instance.jobTasks(ref);
    const ended = FINAL_STATUSES.includes(job.status);
    for (const step of steps(tasks)) {
      const before = told.get(step.name);
      if (step.started === null) continue;
      const elapsedMs = Math.max(0, (step.finished ?? Date.now()) - step.started);
      const event = { jobId: job.id, step: step.name, rows: step.rows, total: step.total };
      if (!before) onProgress({ ...event, phase: "start", elapsedMs });
      else if (before.ended) continue;
      else if (step.rows !== before.rows) onProgress({ ...event, phase: "row", elapsedMs });
      const done = step.ended || ended;
      if (done) onProgress({ ...event, phase: "end", elapsedMs });
      told.set(step.name, { rows: step.rows, ended: done });
    }
    if (ended || options.signal?.aborted) return job;
    await pause(options.pollMs ?? 500, options.signal);
  }
}

interface StepState {
  name: string;
  rows: number;
  total: number | null;
  started: number | null;
  finished: number | null;
  ended: boolean;
}

/** The tasks gathered by step, in the order the steps first appear. */
function steps(tasks: JobTask[]): StepState[] {
  const byName = new Map<string, StepState>();
  const ms = (iso: string | null) => iso === null ? null : Date.parse(iso);
  for (const t of tasks) {
    const s = byName.get(t.step) ??
      { name: t.step, rows: 0, total: 0, started: null, finished: null, ended: true };
    byName.set(t.step, s);
    s.rows += t.rows;
    s.total = s.total === null || t.total === null ? null : s.total + t.total;
    const started = t.status === "CREATED" ? null : ms(t.startedAt) ?? Date.now();
    if (started !== null) s.started = Math.min(s.started ?? started, started);
    const final = t.status === "SUCCESS" || t.status === "FAIL" || t.status === "CANCELED";
    s.ended &&= final && started !== null;
    const finished = final ? ms(t.finishedAt) : null;
    if (finished !== null) s.finished = Math.max(s.finished ?? finished, finished);
  }
  for (const s of byName.values()) if (!s.ended) s.finished = null;
  return [...byName.values()];
}
