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
  /** The model version and its package. */
  model: ResolvedModel;
  /** The resolved handler key, e.g. `mnist.evaluator:MNISTInference.evaluate`. */
  handler: string;
  /** The handler's steps, with `overwriteSpecs` applied. */
  steps: StepSpec[];
  /** The datasets, as given and resolved. */
  datasets: JobDataset[];
  /** Rows of each dataset to use (0: all). */
  datasetHead: number;
}

/**
 * Resolves the model, handler, steps and datasets of a new job whose options passed
 * `checkCreateOptions`.
 *
 * @param root The storage root.
 * @param where The project and the open datastore of the root.
 * @param options The job's options.
 * @returns The resolved inputs; nothing is written.
 * @throws {NotFoundError} For an unknown model, handler, step or dataset. {RangeError} For bad
 *   replicas. {TypeError} For a handler that needs a dataset when none is given.
 */
export async function resolveJobInputs(
  root: string,
  where: { project: string; ds: Datastore },
  options: CreateJobOptions,
): Promise<JobInputs> {
  const { project } = where;
  const datasetHead = options.datasetHead ?? 0;
  const uris = options.datasets ?? [];
  const model = await new ModelStore(root, project).resolve({
    project,
    ...splitVersioned(options.model),
  });
  if (model.language === "python") {
    throw new UnsupportedError(
      `running the model ${model.name}/version/${model.version}`,
      "this instance: it is a Python model package, and this server runs " +
        "TypeScript/JavaScript model packages only (a Python one is stored, listed and copied)",
      { operation: true },
    );
  }
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
  const datasets = await resolveDatasets(root, where, uris);
  const needy = steps.find((s) => s.require_dataset);
  if (needy && datasets.length === 0) {
    throw new TypeError(
      `Cannot run handler '${handler}': its step '${needy.name}' requires a dataset, and none was given`,
    );
  }
  return { model, handler, steps, datasets, datasetHead };
}

/**
 * Resolves the datasets a job names to their versions (a tag or prefix to the full version).
 *
 * @param root The storage root.
 * @param where The project and the open datastore of the root.
 * @param uris The datasets as given: `name`, `name/version/v` or `name/v`.
 * @returns Each as given and resolved, in order.
 * @throws {NotFoundError} For an unknown dataset or version. {TypeError} For a malformed one.
 */
export async function resolveDatasets(
  root: string,
  where: { project: string; ds: Datastore },
  uris: readonly string[],
): Promise<JobDataset[]> {
  const { project } = where;
  const store = new DatasetStore(root, where);
  const datasets: JobDataset[] = [];
  for (const uri of uris) {
    const found = await store.get({ project, ...splitVersioned(uri) });
    datasets.push({ uri, ref: { project, name: found.name, version: found.version } });
  }
  return datasets;
}

/**
 * Splits a model or dataset reference: `name`, `name/version/v` or `name/v`.
 *
 * @param text The reference.
 * @returns The name and the version, if any.
 * @throws {TypeError} For any other shape.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { splitVersioned } from "./_inputs.ts";
 * assert.deepEqual(splitVersioned("mnist/version/ab"), { name: "mnist", version: "ab" });
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
