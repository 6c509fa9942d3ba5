/**
 * Jobs left behind by a runner that died: a job saved RUNNING (or CREATED, READY, PAUSED,
 * CANCELLING) by a process that was killed, or by a server that stopped without ending it, would
 * keep that status forever. Whoever opens the store next settles such a job: a job whose runner
 * lock ({@link RunnerLock}) no live process holds ends FAIL (CANCELED if it was being canceled),
 * with the reason in its error message. A server job that ended so can be resumed.
 *
 * @module
 */

import type { Datastore } from "../../datastore/mod.ts";
import {
  isUnfinished,
  JobStore,
  type StoredJob,
  summaryTableName,
} from "../standalone/job_store.ts";
import { runningJobs, withJobRecord } from "./control.ts";
import { goneReason, type RunnerInfo, RunnerLock } from "./runner_lock.ts";
import { statusColumns } from "./_sys_columns.ts";

/**
 * Settles the given jobs of one project whose runner is gone; jobs that ended, or that a live
 * process (this one or another) runs, are returned unchanged.
 *
 * Needs `--allow-read` and `--allow-write` on the root.
 *
 * @param root The storage root.
 * @param where The project and the root's open datastore.
 * @param jobs Jobs just read from the project.
 * @param options `cancel`: end them CANCELED (a user canceled them), not FAIL.
 * @returns The same jobs, in order, the settled ones with their new record (on a datastore open
 *   read-only: shown ended, not saved; a process that may write settles them).
 */
export async function settleOrphans(
  root: string,
  where: { project: string; ds: Datastore },
  jobs: StoredJob[],
  options: { cancel?: boolean } = {},
): Promise<StoredJob[]> {
  const here = runningJobs(root);
  // A reader without write permission shows them ended, and leaves the record to a writer.
  if (where.ds.readOnly) {
    return await Promise.all(jobs.map(async (job) => {
      if (!isUnfinished(job.status) || here.has(job.id)) return job;
      const previous = await RunnerLock.probe(root, job.id);
      return previous === undefined ? job : ended(job, {
        canceled: options.cancel === true || job.status === "CANCELLING",
        reason: goneReason(previous.pid === undefined ? undefined : previous as RunnerInfo),
      });
    }));
  }
  const out: StoredJob[] = [];
  for (const job of jobs) {
    if (!isUnfinished(job.status) || here.has(job.id)) out.push(job);
    else out.push(await settle(root, { ...where, cancel: options.cancel === true }, job));
  }
  return out;
}

async function settle(
  root: string,
  where: { project: string; ds: Datastore; cancel: boolean },
  job: StoredJob,
): Promise<StoredJob> {
  const claim = await RunnerLock.claim(root, job.id);
  if (!claim) return job;
  try {
    return await withJobRecord(job.id, async () => {
      const store = new JobStore(root, { project: where.project, ds: where.ds });
      const current = await store.get(job.id);
      if (!isUnfinished(current.status) || runningJobs(root).has(job.id)) return current;
      const canceled = where.cancel || current.status === "CANCELLING";
      const settled = ended(current, { canceled, reason: goneReason(claim.previous) });
      const summary = summaryTableName(where.project);
      const row = await where.ds.get(summary, job.id);
      if (row && "sys/job_status" in row) await where.ds.update(summary, [statusColumns(settled)]);
      await store.save(settled);
      return settled;
    });
  } finally {
    await claim.release();
  }
}

/** A job whose runner is gone, as it ends: FAIL (interrupted) or CANCELED, with why. */
function ended(job: StoredJob, why: { canceled: boolean; reason: string }): StoredJob {
  return {
    ...job,
    status: why.canceled ? "CANCELED" : "FAIL",
    errorMessage: `the job was ${why.canceled ? "canceled" : "interrupted"}: ${why.reason}`,
    finishedAt: new Date().toISOString(),
  };
}

/**
 * Settles every job of every project on the root whose runner is gone (a server at start, a
 * standalone instance when it opens the store).
 *
 * @param root The storage root.
 * @param ds The root's open datastore.
 * @returns The jobs that were settled.
 */
export async function settleAllOrphans(root: string, ds: Datastore): Promise<StoredJob[]> {
  const settled: StoredJob[] = [];
  for (const table of ds.tables(JobStore.INDEX_PREFIX)) {
    const project = table.slice(JobStore.INDEX_PREFIX.length);
    const store = new JobStore(root, { project, ds });
    const unfinished = await store.unfinished();
    const after = await settleOrphans(root, { project, ds }, unfinished);
    settled.push(...after.filter((j, i) => j.status !== unfinished[i].status));
  }
  return settled;
}
