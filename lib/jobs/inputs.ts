/**
 * What a job is made of, checked and resolved before anything is written: the model version,
 * the handler and its steps (with `overwriteSpecs` applied), and the dataset versions. Shared by
 * the standalone instance (which runs the job at once) and the server (which runs it in a Worker).
 *
 * @module
 */

import type { Datastore } from "../../datastore/mod.ts";
import { DatasetStore } from "../standalone/dataset_store.ts";
import { NotFoundError, UnsupportedError } from "../sdk/errors.ts";
import { checkReplicas, parseResources, type StepSpec } from "../sdk/handlers.ts";
import type { CreateJobOptions } from "../sdk/instance.ts";
import { selectHandler } from "../standalone/model_package.ts";
import { ModelStore, type ResolvedModel } from "../standalone/model_store.ts";
import type { JobDataset } from "./runner.ts";

/** The resolved inputs of a job. */
export interface JobInputs {
  model: ResolvedModel;
  /** The resolved handler key, e.g. `mnist.evaluator:MNISTInference.evaluate`. */
  handler: string;
  /** The handler's steps, with `overwriteSpecs` applied. */
  steps: StepSpec[];
  datasets: JobDataset[];
  /** Rows of each dataset to use (0: all). */
  datasetHead: number;
}

/**
 * Checks the options of a new job and resolves its model, handler, steps and datasets.
 *
 * @param root The storage root.
 * @param where The project and the open datastore of the root.
 * @param options The job's options.
 * @returns The resolved inputs; nothing is written.
 * @throws {TypeError} For malformed options, {RangeError} for a bad `datasetHead`,
 *   {NotFoundError} for an unknown model, handler step or dataset, {UnsupportedError} for
 *   `devMode` (a standalone instance has no remote IDE).
 */
export async function resolveJobInputs(
  root: string,
  where: { project: string; ds: Datastore },
  options: CreateJobOptions,
): Promise<JobInputs> {
  const { project } = where;
  if (typeof options.model !== "string" || options.model === "") {
    throw new TypeError(
      `Invalid model ${JSON.stringify(options.model)}: expected a model name or URI`,
    );
  }
  if (typeof options.runHandler !== "string") {
    throw new TypeError(
      `Invalid runHandler ${
        JSON.stringify(options.runHandler)
      }: expected 'module:Qualname' or an index`,
    );
  }
  if (options.devMode) {
    throw new UnsupportedError("devMode", "a standalone instance (there is no remote IDE)");
  }
  const datasetHead = options.datasetHead ?? 0;
  if (!Number.isInteger(datasetHead) || datasetHead < 0) {
    throw new RangeError(`Invalid datasetHead ${datasetHead}: expected an integer >= 0`);
  }
  const uris = options.datasets ?? [];
  if (!Array.isArray(uris) || uris.some((d) => typeof d !== "string" || d === "")) {
    throw new TypeError(
      `Invalid datasets ${JSON.stringify(uris)}: expected an array of dataset names or URIs`,
    );
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
  return { model, handler, steps, datasets, datasetHead };
}

/**
 * Splits a model or dataset reference: `name`, `name/version/v` or `name/v`.
 *
 * @param text The reference.
 * @returns The name and the version, if any.
 * @throws {TypeError} For any other shape.
 * @example
 * ```ts
 * import { splitVersioned } from "./inputs.ts";
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
