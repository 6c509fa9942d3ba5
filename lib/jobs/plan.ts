/**
 * The one way a job is created on this package's own instances: check the options
 * (`checkCreateOptions`), refuse what cannot be honoured, resolve the model, the handler, its
 * steps (with `overwriteSpecs` applied) and the datasets, take the job's runner lock and save the
 * job as CREATED. The standalone instance then runs the plan in-process ({@link runHere}); the
 * server's `WorkerLauncher` runs it in a Worker. Both see the same checks and the same errors.
 *
 * @module
 */

import type { Datastore } from "../../datastore/mod.ts";
import { newUniqueId } from "../standalone/unique_id.ts";
import type { StepSpec } from "../sdk/handlers.ts";
import type { CreateJobOptions } from "../sdk/instance.ts";
import { nextCreatedTime } from "./control.ts";
import { resolveJobInputs } from "./_inputs.ts";
import { checkCreateOptions, refuseUnsupported } from "./options.ts";
import { JobStore, type StoredJob } from "../standalone/job_store.ts";
import { RunnerLock } from "./runner_lock.ts";
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
  /** Time to live in seconds (0 = none; a negative ttl is saved as 0). */
  ttl: number;
  /** The resource pool asked for. */
  resourcePool: string;
  /** Held by this process from before the record was saved; release it when the run ends. */
  lock: RunnerLock;
  /** The folder the model package was built from, when recorded (errors are mapped to it). */
  sourceDir: string | undefined;
}

/**
 * Validates the options, resolves what the job runs and saves the job record as CREATED.
 *
 * Needs `--allow-read` and `--allow-write` on the root.
 *
 * @param root The storage root.
 * @param where The project, the root's open datastore, and who runs it (for messages:
 *   `a standalone instance`, `this server`).
 * @param options What to run (as `Instance.createJob`).
 * @returns The saved job and its plan.
 * @throws {TypeError} Malformed options. {RangeError} Bad `datasetHead`, `ttl` or replicas.
 *   {NotFoundError} Unknown model, handler, step or dataset. {UnsupportedError} `runtime` or
 *   `devMode`. Nothing is written then.
 * @example Reject a job without a model before touching the disk
 * ```ts
 * import assert from "node:assert/strict";
 * import { prepareJob } from "./plan.ts";
 * const where = { project: "self", ds: undefined as never, runner: "a test" };
 * await assert.rejects(prepareJob("/nonexistent", where, { model: "", runHandler: "0" }), TypeError);
 * ```
 */
export async function prepareJob(
  root: string,
  where: { project: string; ds: Datastore; runner: string },
  options: CreateJobOptions,
): Promise<PreparedJob> {
  const project = checkName("project", where.project);
  checkCreateOptions(options);
  refuseUnsupported(options, where.runner);
  const { model, handler, steps, datasets, datasetHead } = await resolveJobInputs(
    root,
    { project, ds: where.ds },
    options,
  );
  const job: StoredJob = {
    id: newUniqueId(),
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
  const lock = await RunnerLock.acquire(root, job.id);
  try {
    await new JobStore(root, { project, ds: where.ds }).save(job);
  } catch (e) {
    await lock.release();
    throw e;
  }
  return {
    job,
    steps,
    datasets,
    datasetHead,
    ttl: Math.max(0, options.ttl ?? 0),
    resourcePool: options.resourcePool ?? "default",
    lock,
    sourceDir: model.sourceDir,
  };
}
