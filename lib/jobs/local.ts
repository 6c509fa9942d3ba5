/**
 * Runs a prepared job here, in this process, to its end: the standalone instance's way (its
 * `Job.create` returns when the job has ended). Status CREATED -> RUNNING -> SUCCESS, FAIL or
 * CANCELED; `cancel`/`pause`/`resume` reach the run through its {@link JobControl}, registered in
 * {@link runningJobs} while it runs. The job's runner lock is released once the final status is
 * saved, so another process never takes a live run for a dead one. What the handlers print is
 * kept in the job's log ({@link jobLogPath}); `onProgress` hears how far each step is.
 *
 * @module
 */

import { join } from "node:path";
import type { Datastore, Row } from "../../datastore/mod.ts";
import type { JobProgress, JobRecord, ScanTableOptions } from "../sdk/instance.ts";
import { DatasetStore } from "../standalone/dataset_store.ts";
import { mapSourcePaths } from "../standalone/model_store.ts";
import {
  JobStore,
  jobTableName,
  publicJob,
  type StoredJob,
  summaryTableName,
} from "../standalone/job_store.ts";
import { JobControl, runningJobs, watchJobControl, withJobRecord } from "./control.ts";
import type { PreparedJob } from "./plan.ts";
import { runJob } from "./runner.ts";
import { captureTask, errorStack, JobLog } from "./task_logs.ts";
import { jobTasksPath, TaskBoard } from "./task_board.ts";

/** The log file of a job: `<job dir>/logs/job.log` (see `task_logs.ts`). */
export function jobLogPath(jobDir: string): string {
  return join(jobDir, "logs", "job.log");
}

/**
 * Runs the job in this process and saves its final status.
 *
 * Needs `--allow-read` and `--allow-write` on the root, and what the handlers need.
 *
 * @param root The storage root.
 * @param run The root's open datastore, the prepared job (its lock is released here), an
 *   optional signal that cancels the run and an optional progress listener.
 * @returns The final record (a failing handler gives a FAIL record, not an exception).
 * @throws Only when the datastore or the disk fails; the job is then saved FAIL if it can be.
 */
export async function runHere(
  root: string,
  run: {
    ds: Datastore;
    prepared: PreparedJob;
    signal?: AbortSignal;
    onProgress?: (progress: JobProgress) => void;
  },
): Promise<JobRecord> {
  const { ds, prepared, signal } = run;
  const toSource = (text: string) =>
    prepared.sourceDir
      ? mapSourcePaths(text, { from: prepared.job.modelSrcDir, to: prepared.sourceDir })
      : text;
  const { project } = prepared.job;
  const store = new JobStore(root, { project, ds });
  const datasetStore = new DatasetStore(root, { project, ds });
  const control = new JobControl();
  let job: StoredJob = prepared.job;
  const save = (patch: Partial<StoredJob>) =>
    withJobRecord(job.id, async () => {
      job = { ...job, ...patch };
      control.status = job.status;
      await store.save(job);
    });
  const running = runningJobs(root);
  running.set(job.id, control);
  // Requests from other processes (`swcli job cancel` beside a script) arrive as a control row.
  const stopWatching = watchJobControl(ds, job.id, async (request) => {
    if (request === "cancel") {
      control.cancel();
      await save({ status: "CANCELLING" });
    } else if (request === "pause" && job.status === "RUNNING") {
      control.pause();
      await save({ status: "PAUSED" });
    } else if (request === "resume" && job.status === "PAUSED") {
      control.resume();
      await save({ status: "RUNNING" });
    }
  });
  const onAbort = () => control.cancel();
  signal?.addEventListener("abort", onAbort);
  let log: JobLog | undefined;
  let board: TaskBoard | undefined;
  try {
    if (signal?.aborted) control.cancel();
    log = JobLog.open(jobLogPath(store.jobDir(job.id)));
    const datasetRows: number[] = [];
    for (const d of prepared.datasets) datasetRows.push((await datasetStore.get(d.ref)).rows);
    board = new TaskBoard(jobTasksPath(store.jobDir(job.id)), {
      steps: boardSteps(prepared.steps),
      rows: headRows(datasetRows, prepared.datasetHead),
    });
    await save({ status: "RUNNING" });
    const outcome = await runJob({
      project,
      jobId: job.id,
      srcDir: prepared.job.modelSrcDir,
      steps: prepared.steps,
      datasets: prepared.datasets,
      datasetHead: prepared.datasetHead,
      control,
      write: async (table, rows) => {
        if (table === "summary") {
          await ds.update(summaryTableName(project), rows.map((r) => ({ ...r, id: job.id })));
        } else await ds.update(jobTableName(project, job.id, table), rows);
      },
      scan: (table, options) => scanExisting(ds, jobTableName(project, job.id, table), options),
      scanDataset: (ref, options) => datasetStore.scan(ref, options),
      datasetRows,
      onProgress: run.onProgress,
      onTask: (event) => board?.task(event),
      captureTask: (task, fn) =>
        captureTask(log!, task, fn).catch((e) => {
          // The stack goes to the log (not the terminal), naming the user's own files.
          if (!control.signal.aborted) {
            const stack = errorStack(e);
            log!.write(task, { stream: "stderr", args: [toSource(stack)] });
          }
          throw e;
        }),
    });
    board.end(outcome.status);
    await save({
      status: outcome.status,
      errorMessage: outcome.error === null ? null : toSource(outcome.error),
      finishedAt: new Date().toISOString(),
    });
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    board?.end("FAIL");
    await save({ status: "FAIL", errorMessage: message, finishedAt: new Date().toISOString() })
      .catch(() => {});
    throw e;
  } finally {
    log?.close();
    signal?.removeEventListener("abort", onAbort);
    await stopWatching();
    running.delete(job.id);
    await prepared.lock.release();
  }
  return publicJob(job);
}

/** The steps as a {@link TaskBoard} lists them. */
export function boardSteps(
  steps: readonly { name: string; replicas: number; func_name: string; cls_name?: string }[],
): { name: string; replicas: number; predict: boolean }[] {
  return steps.map((s) => ({
    name: s.name,
    replicas: s.replicas,
    predict: s.func_name === "predict" && !!s.cls_name,
  }));
}

/** The rows a job's predict steps handle: the datasets' rows, `datasetHead` applied. */
export function headRows(datasetRows: readonly number[] | undefined, head: number): number | null {
  if (!datasetRows) return null;
  return datasetRows.reduce((sum, n) => sum + (head > 0 ? Math.min(head, n) : n), 0);
}

/**
 * Streams a datastore table, or nothing when it does not exist.
 *
 * @param ds The datastore.
 * @param table Full table name.
 * @param options Scan options.
 * @returns The rows.
 */
export async function* scanExisting(
  ds: Datastore,
  table: string,
  options: ScanTableOptions = {},
): AsyncIterable<Row> {
  if (!ds.tables(table).includes(table)) return;
  yield* ds.scan(table, options);
}
