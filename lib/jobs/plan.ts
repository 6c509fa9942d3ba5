/**
 * Creating a standalone job record without running it: resolve the model, the handler, its steps
 * (with `overwriteSpecs` applied) and the datasets, and save the job as CREATED. A launcher then
 * runs the plan elsewhere (a Worker) and moves the status on. The checks are the ones
 * `StandaloneInstance.createJob` makes before it runs a job in-process.
 *
 * @module
 */

import type { Datastore } from "../../datastore/mod.ts";
import { nextCreatedTime } from "../standalone/datastore_pool.ts";
import { newVersion } from "../standalone/files.ts";
import type { StepSpec } from "../sdk/handlers.ts";
import type { CreateJobOptions } from "../sdk/instance.ts";
import { resolveJobInputs } from "./inputs.ts";
import { JobStore, type StoredJob } from "../standalone/job_store.ts";
import type { JobDataset } from "./runner.ts";
import { checkName } from "../sdk/uri.ts";

/** A job saved as CREATED, with everything needed to run it. */
export interface PreparedJob {
  /** The stored record (status CREATED). */
  job: StoredJob;
  /** The steps to run, in dependency order, overrides applied. */
  steps: StepSpec[];
  /** The resolved datasets. */
  datasets: JobDataset[];
  /** First N rows of each dataset (0 = all). */
  datasetHead: number;
  /** Time to live in seconds (0 = none). */
  ttl: number;
  /** The resource pool asked for. */
  resourcePool: string;
}

/**
 * Validates the options, resolves what the job runs and saves the job record as CREATED.
 *
 * Needs `--allow-read` and `--allow-write` on the root.
 *
 * @param root The storage root.
 * @param where The project and the root's open datastore.
 * @param options What to run (as `Instance.createJob`).
 * @returns The saved job and its plan.
 * @throws {TypeError} Malformed options. {RangeError} Bad `datasetHead`, `ttl` or replicas.
 *   {NotFoundError} Unknown model, handler, step or dataset. {UnsupportedError} `devMode`.
 * @example Reject a job without a model before touching the disk
 * ```ts
 * import { prepareJob } from "./plan.ts";
 * const where = { project: "self", ds: undefined as never };
 * await prepareJob("/nonexistent", where, { model: "", runHandler: "0" })
 *   .catch((e) => console.assert(e instanceof TypeError));
 * ```
 */
export async function prepareJob(
  root: string,
  where: { project: string; ds: Datastore },
  options: CreateJobOptions,
): Promise<PreparedJob> {
  const project = checkName("project", where.project);
  if (options === null || typeof options !== "object") {
    throw new TypeError("Cannot create a job: expected an options object");
  }
  const { model, handler, steps, datasets, datasetHead: head } = await resolveJobInputs(
    root,
    { project, ds: where.ds },
    options,
  );
  const ttl = options.ttl ?? 0;
  if (typeof ttl !== "number" || !Number.isFinite(ttl) || ttl < 0) {
    throw new RangeError(`Invalid ttl ${ttl}: expected a number of seconds >= 0`);
  }
  const job: StoredJob = {
    id: newVersion(),
    project,
    status: "CREATED",
    model: model.name,
    modelVersion: model.version,
    datasets: options.datasets ?? [],
    handler,
    createdAt: new Date(nextCreatedTime(root)).toISOString(),
    finishedAt: null,
    errorMessage: null,
    removed: false,
    modelSrcDir: model.srcDir,
  };
  await new JobStore(root, { project, ds: where.ds }).save(job);
  return {
    job,
    steps,
    datasets,
    datasetHead: head,
    ttl,
    resourcePool: options.resourcePool ?? "default",
  };
}
