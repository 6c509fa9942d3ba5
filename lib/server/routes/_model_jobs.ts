/**
 * A model version's step graphs, for the `stepSpecs` of the model views: read from the instance
 * where it keeps them (a standalone root's `jobs.yaml`).
 *
 * @module
 */
import type { ArtifactRef, Instance, StepSpec } from "../../sdk/mod.ts";

/** An instance that reads a model version's `jobs.yaml`. */
type JobsReader = { modelJobs(ref: ArtifactRef): Promise<Record<string, StepSpec[]>> };

/**
 * The step graphs of a model version, or `undefined` where the instance does not keep them.
 *
 * @param instance The served instance.
 * @param ref The model version (a full version, as its record names it).
 * @returns Handler key to its expanded steps.
 */
export async function modelJobs(
  instance: Instance,
  ref: ArtifactRef,
): Promise<Record<string, StepSpec[]> | undefined> {
  const reader = instance as Partial<JobsReader>;
  return typeof reader.modelJobs === "function" ? await reader.modelJobs(ref) : undefined;
}
