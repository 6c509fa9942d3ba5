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
const JOBS_KEPT = 256;
/** A count is reused for this long, however many pages poll the same job. */
const COUNT_TTL_MS = 3000;
const counts = new Map<string, { at: number; done: Promise<number> }>();

function remember<V>(map: Map<string, V>, key: string, value: V): V {
  if (map.size >= JOBS_KEPT) map.delete(map.keys().next().value as string);
  map.set(key, value);
  return value;
}

async function countResults(instance: Instance, job: JobRecord): Promise<number> {
  let done = 0;
  const ref = { project: job.project, id: job.id };
  const options = { columns: ["id"], limit: COUNT_LIMIT };
  for await (const _ of instance.scanJobTable(ref, "results", options)) done++;
  return done;
}

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
  const total = totals.get(job.id) ?? remember(totals, job.id, datasetRows(instance, job));
  const now = Date.now();
  let counted = counts.get(job.id);
  if (!counted || now - counted.at > COUNT_TTL_MS) {
    counted = remember(counts, job.id, { at: now, done: countResults(instance, job) });
    counted.done.catch(() => counts.delete(job.id));
  }
  const [done, rows] = await Promise.all([counted.done, total]);
  const count = done >= COUNT_LIMIT ? `at least ${done}` : String(done);
  return {
    done,
    total: rows,
    text: rows ? `${count} of ${rows} rows predicted` : `${count} rows predicted`,
  };
}
