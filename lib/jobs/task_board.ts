/**
 * The tasks of a job as it runs: one per step and replica, each with its status, times and the
 * dataset rows it has handled, kept in `<job dir>/tasks.json` so that any process (`swcli job
 * info`, the server's task list, a read-only reader) sees which step runs and how far it is. The
 * runner of the job is its only writer; the file is replaced whole (write, then rename), so a
 * reader sees one state or the next, never half of one.
 *
 * @module
 */

import { dirname, join } from "node:path";
import type { JobTask } from "../sdk/instance.ts";

/** The file of a job's tasks: `<job dir>/tasks.json`. */
export function jobTasksPath(jobDir: string): string {
  return join(jobDir, "tasks.json");
}

/** What the runner tells about one task. */
export interface TaskEvent {
  /** The step (handler key). */
  step: string;
  /** The replica. */
  index: number;
  /** `start`, `row` (one more dataset row handled) or `end`. */
  phase: "start" | "row" | "end";
  /** At `end`: why the task failed, `null` when it succeeded. */
  error?: string | null;
  /** At `end`: the task stopped because the job was canceled. */
  canceled?: boolean;
}

/** Rows of progress between two writes of the file at most every this many ms. */
const ROW_WRITE_MS = 250;

/**
 * The tasks of one running job, written to its `tasks.json` as they change.
 *
 * @example Two replicas of a step
 * ```ts
 * import assert from "node:assert/strict";
 * import { readJobTasks, TaskBoard } from "./task_board.ts";
 * const dir = await Deno.makeTempDir();
 * const board = new TaskBoard(`${dir}/tasks.json`, {
 *   steps: [{ name: "m:C.predict", replicas: 2, predict: true }],
 *   rows: 3,
 * });
 * board.task({ step: "m:C.predict", index: 0, phase: "start" });
 * board.task({ step: "m:C.predict", index: 0, phase: "row" });
 * board.flush(); // rows are written at most every 250 ms
 * const [t0, t1] = (await readJobTasks(`${dir}/tasks.json`))!;
 * assert.deepEqual([t0.status, t0.rows, t0.total, t1.status, t1.total], ["RUNNING", 1, 2, "CREATED", 1]);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export class TaskBoard {
  readonly #path: string;
  readonly #tasks: JobTask[] = [];
  #lastWrite = 0;
  #pending = false;
  #timer: ReturnType<typeof setTimeout> | undefined;

  /**
   * Lists the job's tasks (all CREATED) and writes the file.
   *
   * @param path The file, from {@link jobTasksPath}.
   * @param job The steps in order with their replicas (`predict` steps handle dataset rows), and
   *   the rows the job's predict steps handle (`datasetHead` applied), if known.
   */
  constructor(
    path: string,
    job: { steps: { name: string; replicas: number; predict: boolean }[]; rows?: number | null },
  ) {
    this.#path = path;
    for (const step of job.steps) {
      const replicas = Math.max(1, step.replicas);
      for (let index = 0; index < replicas; index++) {
        const rows = job.rows;
        // Rows go to the replicas in turn (row n to replica n % replicas).
        const total = !step.predict || rows === undefined || rows === null
          ? null
          : Math.floor(rows / replicas) + (index < rows % replicas ? 1 : 0);
        this.#tasks.push({
          id: `${this.#tasks.length}`,
          step: step.name,
          index,
          status: "CREATED",
          startedAt: null,
          finishedAt: null,
          rows: 0,
          total,
          error: null,
        });
      }
    }
    this.#write();
  }

  /** Records what a task did; writes the file (row progress at most every 250 ms, and at most
   * 250 ms late). */
  task(event: TaskEvent): void {
    const t = this.#tasks.find((t) => t.step === event.step && t.index === event.index);
    if (!t) return;
    if (event.phase === "row") {
      t.rows++;
      const since = performance.now() - this.#lastWrite;
      if (since < ROW_WRITE_MS) {
        this.#pending = true;
        // Written by then at the latest, even if no other row comes (a slow or held row).
        if (this.#timer === undefined) {
          this.#timer = setTimeout(() => this.flush(), ROW_WRITE_MS - since);
          Deno.unrefTimer(this.#timer);
        }
        return;
      }
    } else if (event.phase === "start") {
      t.status = "RUNNING";
      t.startedAt = new Date().toISOString();
      t.finishedAt = null;
      t.error = null;
    } else {
      t.status = event.canceled ? "CANCELED" : event.error ? "FAIL" : "SUCCESS";
      t.error = event.error ?? null;
      t.finishedAt = new Date().toISOString();
    }
    this.#write();
  }

  /**
   * Marks the job paused or running again: its running tasks follow.
   *
   * @param paused Whether the job is paused.
   */
  pause(paused: boolean): void {
    for (const t of this.#tasks) {
      if (paused && t.status === "RUNNING") t.status = "PAUSED";
      else if (!paused && t.status === "PAUSED") t.status = "RUNNING";
    }
    this.#write();
  }

  /**
   * Ends the board with the job: tasks still running or waiting take the job's final status
   * (CANCELED for those never started when the job failed).
   *
   * @param status The job's final status.
   */
  end(status: "SUCCESS" | "FAIL" | "CANCELED"): void {
    const now = new Date().toISOString();
    for (const t of this.#tasks) {
      if (t.status === "CREATED") t.status = status === "SUCCESS" ? "SUCCESS" : "CANCELED";
      else if (t.status === "RUNNING" || t.status === "PAUSED") {
        t.status = status;
        t.finishedAt = now;
      }
    }
    this.#pending = true;
    this.#write();
  }

  #write(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#pending = false;
    this.#lastWrite = performance.now();
    const tmp = `${this.#path}.tmp`;
    try {
      Deno.writeTextFileSync(tmp, JSON.stringify({ version: 1, tasks: this.#tasks }) + "\n");
      Deno.renameSync(tmp, this.#path);
    } catch {
      // The board is a view of the run: a full disk must not fail the job.
    }
  }

  /** Writes what row progress is still unwritten. */
  flush(): void {
    if (this.#pending) this.#write();
  }
}

/**
 * Writes a job's tasks whole, as a copied job brings them (the runner writes through
 * {@link TaskBoard}): a temporary file, then a rename.
 *
 * @param path The file, from {@link jobTasksPath}.
 * @param tasks The tasks, in step order.
 */
export async function writeJobTasks(path: string, tasks: JobTask[]): Promise<void> {
  await Deno.mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${crypto.randomUUID().slice(0, 8)}.tmp`;
  try {
    await Deno.writeTextFile(tmp, JSON.stringify({ version: 1, tasks }) + "\n");
    await Deno.rename(tmp, path);
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    throw e;
  }
}

/**
 * Reads a job's tasks.
 *
 * @param path The file, from {@link jobTasksPath}.
 * @returns The tasks, or `undefined` for a job with no such file (one that ran before jobs kept it).
 */
export async function readJobTasks(path: string): Promise<JobTask[] | undefined> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw e;
  }
  const parsed = JSON.parse(text) as { tasks?: JobTask[] };
  return Array.isArray(parsed.tasks) ? parsed.tasks : undefined;
}
