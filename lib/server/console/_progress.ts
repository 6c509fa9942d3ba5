/**
 * How far a running job is, read through the SDK while it runs: the rows its `results` table
 * holds (one per dataset row a `predict` step has handled) against the rows of its datasets.
 * A finished job has no progress; a job whose datasets cannot be looked up shows its count only.
 *
 * @module
 */

import type { Instance, JobRecord } from "../../sdk/mod.ts";
import { isFinal } from "./_format.ts";

/** Progress of a running job. */
export interface Progress {
  /** Rows done. */
  done: number;
  /** Rows to do, when known. */
  total?: number;
  /** The same, as text. */
  text: string;
}

/** Rows counted per poll at most (the count then reads "at least"). */
const COUNT_LIMIT = 1_000_000;
/** Dataset sizes remembered per job (a running job's datasets do not change). */
const totals = new Map<string, Promise<number | undefined>>();
const TOTALS_KEPT = 256;

function datasetRef(uri: string): { name: string; version?: string } {
  const [path, version] = uri.split("/version/");
  return { name: path.split("/").at(-1) ?? path, version: version || undefined };
}

async function datasetRows(instance: Instance, job: JobRecord): Promise<number | undefined> {
  if (job.datasets.length === 0) return undefined;
  try {
    let rows = 0;
    for (const uri of job.datasets) {
      rows += (await instance.getDataset({ project: job.project, ...datasetRef(uri) })).rows;
    }
    return rows;
  } catch {
    return undefined; // an instance that cannot look datasets up still shows the count
  }
}

/**
 * The progress of a running job, or `undefined` once it has ended.
 *
 * @param instance The instance it runs on.
 * @param job Its record.
 * @returns Rows done and, when the datasets can be looked up, rows to do.
 */
export async function readProgress(
  instance: Instance,
  job: JobRecord,
): Promise<Progress | undefined> {
  if (isFinal(job.status)) return undefined;
  let total = totals.get(job.id);
  if (!total) {
    if (totals.size >= TOTALS_KEPT) totals.delete(totals.keys().next().value as string);
    total = datasetRows(instance, job);
    totals.set(job.id, total);
  }
  let done = 0;
  const ref = { project: job.project, id: job.id };
  for await (
    const _ of instance.scanJobTable(ref, "results", { columns: ["id"], limit: COUNT_LIMIT })
  ) {
    done++;
  }
  const rows = await total;
  const count = done >= COUNT_LIMIT ? `at least ${done}` : String(done);
  return {
    done,
    total: rows,
    text: rows ? `${count} of ${rows} rows predicted` : `${count} rows predicted`,
  };
}
