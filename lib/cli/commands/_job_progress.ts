/**
 * How far a running job is, as `swcli job info` shows it: the rows its `results` table holds
 * (one per dataset row a `predict` step has handled; written in batches, so the count moves in
 * steps) against the rows of its datasets. Read through the instance, so it works for a job
 * another process runs, and on a server.
 *
 * @module
 */

import { FINAL_STATUSES, type Instance, type JobRecord } from "../../sdk/mod.ts";

/** Rows counted at most (the count then reads "at least"). */
const COUNT_LIMIT = 1_000_000;

/** How far a running job is. */
export interface JobProgressText {
  /** Rows in the results table so far. */
  done: number;
  /** Rows of the job's datasets, when they can be looked up. */
  total?: number;
  /** e.g. `1200 of 60000 rows predicted (2%)`. */
  text: string;
}

/**
 * Reads the progress of a job that has not ended.
 *
 * @param instance The job's instance.
 * @param job The job's record.
 * @returns The progress, or `undefined` for an ended job.
 */
export async function readJobProgress(
  instance: Instance,
  job: JobRecord,
): Promise<JobProgressText | undefined> {
  if (FINAL_STATUSES.includes(job.status)) return undefined;
  const ref = { project: job.project, id: job.id };
  let done = 0;
  const rows = instance.scanJobTable(ref, "results", { columns: ["id"], limit: COUNT_LIMIT });
  for await (const _ of rows) done++;
  const total = await datasetRows(instance, job);
  const count = done >= COUNT_LIMIT ? `at least ${done}` : String(done);
  const share = total ? ` (${Math.floor(Math.min(1, done / total) * 100)}%)` : "";
  return {
    done,
    total,
    text: total ? `${count} of ${total} rows predicted${share}` : `${count} rows predicted`,
  };
}

async function datasetRows(instance: Instance, job: JobRecord): Promise<number | undefined> {
  if (job.datasets.length === 0) return undefined;
  let rows = 0;
  for (const uri of job.datasets) {
    const [path, version] = uri.split("/version/");
    const name = path.split("/").at(-1) ?? path;
    try {
      rows += (await instance.getDataset({ project: job.project, name, version })).rows;
    } catch {
      return undefined; // a dataset removed since, or not visible here: show the count only
    }
  }
  return rows;
}
