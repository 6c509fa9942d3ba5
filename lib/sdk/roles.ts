/**
 * Which roles an instance has beyond those of every `Instance`: the standalone-only
 * `ArtifactStore` and `JobLogs`. `Model`, `Dataset`, `Job` and the command line ask here before
 * they use one, so a remote instance refuses with an `UnsupportedError` that names the operation.
 *
 * @module
 */

import { UnsupportedError } from "./errors.ts";
import type { ArtifactStore, Instance, JobLogs } from "./instance.ts";

const STORE_METHODS = [
  "buildModel",
  "listModels",
  "removeModel",
  "buildDataset",
  "listDatasets",
  "removeDataset",
  "scanDataset",
] as const;

/**
 * Tells whether an instance has the {@link ArtifactStore} role.
 *
 * @param instance Any instance.
 * @returns `true` for a standalone instance.
 */
export function hasArtifactStore(instance: Instance): instance is Instance & ArtifactStore {
  const methods = instance as unknown as Record<string, unknown>;
  return STORE_METHODS.every((m) => typeof methods[m] === "function");
}

/**
 * The instance as an {@link ArtifactStore}, or a clear error naming what the caller wanted.
 *
 * @param instance Any instance.
 * @param operation What the caller is doing, in the user's words (`building a model`).
 * @returns The same instance, typed with the role.
 * @throws {UnsupportedError} When the instance has no such role (a remote instance).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { Instance } from "./instance.ts";
 * import { artifactStore } from "./roles.ts";
 * const remote = { kind: "cloud", url: "https://h" } as unknown as Instance;
 * assert.throws(() => artifactStore(remote, "building a model"), {
 *   name: "UnsupportedError",
 *   message: /^Building a model is not supported on the server https:\/\/h/,
 * });
 * ```
 */
export function artifactStore(
  instance: Instance,
  operation: string,
): Instance & ArtifactStore {
  if (hasArtifactStore(instance)) return instance;
  throw new UnsupportedError(
    operation,
    `the server ${instance.url}: this SDK builds, lists, removes and reads models and datasets` +
      " only on a standalone instance",
    { operation: true },
  );
}

/**
 * Tells whether an instance has the {@link JobLogs} role.
 *
 * @param instance Any instance.
 * @returns `true` for a standalone instance and the remote adapter.
 */
export function hasJobLogs(instance: Instance): instance is Instance & JobLogs {
  return typeof (instance as unknown as Record<string, unknown>).jobLogs === "function";
}
