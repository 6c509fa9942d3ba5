/**
 * Creating a standalone job record without running it: resolve the model, the handler, its steps
 * (with `overwriteSpecs` applied) and the datasets, and save the job as CREATED. A launcher then
 * runs the plan elsewhere (a Worker) and moves the status on. The checks are the ones
 * `StandaloneInstance.createJob` makes before it runs a job in-process.
 *
 * @module
 */

import type { Datastore } from "../datastore/mod.ts";
import { nextCreatedTime } from "./datastore_pool.ts";
import { DatasetStore } from "./dataset_store.ts";
import { NotFoundError, UnsupportedError } from "./errors.ts";
import { newVersion } from "./files.ts";
import { checkReplicas, parseResources, type StepSpec } from "./handlers.ts";
import type { CreateJobOptions } from "./instance.ts";
import { JobStore, type StoredJob } from "./job_store.ts";
import { selectHandler } from "./model_package.ts";
import { ModelStore } from "./model_store.ts";
import type { JobDataset } from "./runner.ts";
import { checkName } from "./uri.ts";

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
 * import { prepareJob } from "./job_plan.ts";
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
  if (typeof options.model !== "string" || options.model === "") {
    throw new TypeError(`Invalid model ${JSON.stringify(options.model)}: expected a model name`);
  }
  if (typeof options.runHandler !== "string") {
    throw new TypeError(
      `Invalid runHandler ${JSON.stringify(options.runHandler)}: expected 'module:Qualname'`,
    );
  }
  if (options.devMode) {
    throw new UnsupportedError("devMode", "a standalone server (there is no remote IDE)");
  }
  const head = options.datasetHead ?? 0;
  if (!Number.isInteger(head) || head < 0) {
    throw new RangeError(`Invalid datasetHead ${head}: expected an integer >= 0`);
  }
  const ttl = options.ttl ?? 0;
  if (typeof ttl !== "number" || !Number.isFinite(ttl) || ttl < 0) {
    throw new RangeError(`Invalid ttl ${ttl}: expected a number of seconds >= 0`);
  }
  const uris = options.datasets ?? [];
  if (!Array.isArray(uris) || uris.some((d) => typeof d !== "string" || d === "")) {
    throw new TypeError(`Invalid datasets ${JSON.stringify(uris)}: expected dataset names`);
  }
  const model = await new ModelStore(root, project).resolve({
    project,
    ...splitVersioned(options.model),
  });
  const handler = selectHandler(model.jobs, options.runHandler);
  const steps = model.jobs[handler].map((s) => ({ ...s }));
  for (const [key, spec] of Object.entries(options.overwriteSpecs ?? {})) {
    const step = steps.find((s) => s.name === key);
    if (!step) {
      throw new NotFoundError("handler", key, {
        detail: `overwriteSpecs must name steps of '${handler}': ${
          steps.map((s) => s.name).join(", ")
        }`,
      });
    }
    checkReplicas(key, spec.replicas);
    if (spec.replicas !== undefined) step.replicas = spec.replicas;
    if (spec.resources !== undefined) step.resources = parseResources(spec.resources as never);
  }
  const datasetStore = new DatasetStore(root, { project, ds: where.ds });
  const datasets: JobDataset[] = [];
  for (const uri of uris) {
    const found = await datasetStore.get({ project, ...splitVersioned(uri) });
    datasets.push({ uri, ref: { project, name: found.name, version: found.version } });
  }
  const needy = steps.find((s) => s.require_dataset);
  if (needy && datasets.length === 0) {
    throw new TypeError(
      `Cannot run handler '${handler}': its step '${needy.name}' requires a dataset, and none was given`,
    );
  }
  const job: StoredJob = {
    id: newVersion(),
    project,
    status: "CREATED",
    model: model.name,
    modelVersion: model.version,
    datasets: uris,
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

/**
 * Splits a model or dataset reference: `name`, `name/version/v` or `name/v`.
 *
 * @param text The reference.
 * @returns The name and the version, if any.
 * @throws {TypeError} For any other shape.
 * @example
 * ```ts
 * import { splitVersioned } from "./job_plan.ts";
 * console.assert(splitVersioned("mnist/version/ab").version === "ab");
 * ```
 */
export function splitVersioned(text: string): { name: string; version?: string } {
  const parts = text.split("/");
  if (parts.length === 1) return { name: parts[0] };
  if (parts.length === 2) return { name: parts[0], version: parts[1] };
  if (parts.length === 3 && parts[1] === "version") return { name: parts[0], version: parts[2] };
  throw new TypeError(
    `Invalid reference ${JSON.stringify(text)}: expected '<name>[/version/<version>]'`,
  );
}
