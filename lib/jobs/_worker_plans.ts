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
import type { JobDataset } from "./runner.ts";
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
  return {
    project: job.project,
    jobId: job.id,
    srcDir: job.modelSrcDir,
    steps: prepared.steps,
    datasets: prepared.datasets,
    datasetHead: prepared.datasetHead,
    skip: [],
    ttl: prepared.ttl,
    logPath: jobLogPath(new JobStore(root, { project: job.project, ds }).jobDir(job.id)),
    datasetRows: await datasetRows(root, { project: job.project, ds }, prepared.datasets),
  };
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
  const datasets = await resolveDatasets(root, { project, ds }, job.datasets);
  return {
    project,
    jobId: job.id,
    srcDir: model.srcDir,
    steps: model.jobs[job.handler ?? ""] ?? [],
    datasets,
    datasetHead: 0,
    skip: [],
    ttl: 0,
    logPath: jobLogPath(new JobStore(root, { project, ds }).jobDir(job.id)),
    datasetRows: await datasetRows(root, { project, ds }, datasets),
  };
}

async function datasetRows(
  root: string,
  where: { project: string; ds: Datastore },
  datasets: JobDataset[],
): Promise<number[]> {
  const store = new DatasetStore(root, where);
  const rows: number[] = [];
  for (const d of datasets) rows.push((await store.get(d.ref)).rows);
  return rows;
}
