/**
 * What the `WorkerLauncher` hands a job's Worker: the plan of a job just prepared, or one rebuilt
 * from the job's record (a job started before a restart, resumed now). Both name the job's log
 * file and count the rows of each dataset for the progress totals.
 *
 * @module
 */

import type { Datastore } from "../../datastore/mod.ts";
import { DatasetStore } from "../standalone/dataset_store.ts";
import { JobStore, type StoredJob } from "../standalone/job_store.ts";
import { ModelStore } from "../standalone/model_store.ts";
import { resolveDatasets } from "./_inputs.ts";
import { jobLogPath } from "./local.ts";
import type { PreparedJob } from "./plan.ts";
import type { WorkerPlan } from "./worker/messages.ts";

/** A Worker's plan and the job's time to live in seconds (0: none). */
export type LaunchPlan = WorkerPlan & { ttl: number };

/**
 * The plan of a job `prepareJob` just saved.
 *
 * @param root The storage root.
 * @param where The root's open datastore and the prepared job.
 * @returns Its plan, skipping nothing.
 */
export async function preparedPlan(
  root: string,
  where: { ds: Datastore; prepared: PreparedJob },
): Promise<LaunchPlan> {
  const { ds, prepared } = where;
  const { job } = prepared;
  return await completed(root, ds, {
    project: job.project,
    jobId: job.id,
    srcDir: job.modelSrcDir,
    sourceDir: prepared.sourceDir,
    steps: prepared.steps,
    datasets: prepared.datasets,
    datasetHead: prepared.datasetHead,
    ttl: prepared.ttl,
  });
}

/**
 * Rebuilds a job's plan from its record: its model version's steps for its handler and its
 * datasets resolved again (all rows, no ttl).
 *
 * @param root The storage root.
 * @param where The root's open datastore and the job.
 * @returns Its plan, skipping nothing.
 * @throws {NotFoundError} When its model or a dataset is gone.
 */
export async function rebuiltPlan(
  root: string,
  where: { ds: Datastore; job: StoredJob },
): Promise<LaunchPlan> {
  const { ds, job } = where;
  const { project } = job;
  const model = await new ModelStore(root, project).resolve({
    project,
    name: job.model ?? "",
    version: job.modelVersion ?? "",
  });
  return await completed(root, ds, {
    project,
    jobId: job.id,
    srcDir: model.srcDir,
    sourceDir: model.sourceDir,
    steps: model.jobs[job.handler ?? ""] ?? [],
    datasets: await resolveDatasets(root, { project, ds }, job.datasets),
    datasetHead: 0,
    ttl: 0,
  });
}

/** A plan that skips nothing, with the job's log file and the rows of each dataset. */
async function completed(
  root: string,
  ds: Datastore,
  plan: Omit<LaunchPlan, "skip" | "logPath" | "datasetRows">,
): Promise<LaunchPlan> {
  const { project, jobId } = plan;
  const store = new DatasetStore(root, { project, ds });
  const datasetRows: number[] = [];
  for (const d of plan.datasets) datasetRows.push((await store.get(d.ref)).rows);
  const logPath = jobLogPath(new JobStore(root, { project, ds }).jobDir(jobId));
  return { ...plan, skip: [], logPath, datasetRows };
}
