/**
 * What the model views tell of a version besides its record: its step graphs (`stepSpecs`) and
 * its packaged runtime (`builtInRuntime`), read from the instance where it keeps them (a
 * standalone root's package files).
 *
 * @module
 */
import type { ArtifactRef, Instance } from "../../sdk/mod.ts";
import type { ModelVersionFacts } from "../../wire/mod.ts";

/** An instance that reads them. */
type FactsReader = { modelPackageFacts(ref: ArtifactRef): Promise<ModelVersionFacts> };

/**
 * The facts of a model version, or `undefined` where the instance does not keep them.
 *
 * @param instance The served instance.
 * @param ref The model version (a full version, as its record names it).
 * @returns Its step graphs and packaged runtime.
 */
export async function modelFacts(
  instance: Instance,
  ref: ArtifactRef,
): Promise<ModelVersionFacts | undefined> {
  const reader = instance as Partial<FactsReader>;
  return typeof reader.modelPackageFacts === "function"
    ? await reader.modelPackageFacts(ref)
    : undefined;
}
