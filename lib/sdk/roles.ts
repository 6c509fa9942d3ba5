/**
 * Which roles an instance has beyond those of every `Instance`: the standalone-only
 * `ArtifactStore` and `JobLogs`. `Model`, `Dataset`, `Job` and the command line ask here before
 * they use one, so a remote instance refuses with an `UnsupportedError` that names the operation.
 *
 * @module
 */

import { UnsupportedError } from "./errors.ts";
import type {
  ArtifactReads,
  ArtifactStore,
  ArtifactTransfer,
  Instance,
  JobLogs,
} from "./instance.ts";

const READ_METHODS = ["listModels", "listDatasets", "scanDataset"] as const;
const STORE_METHODS = [
  ...READ_METHODS,
  "buildModel",
  "removeModel",
  "buildDataset",
  "removeDataset",
] as const;
const TRANSFER_METHODS = [
  "exportModel",
  "importModel",
  "exportDataset",
  "importDataset",
  "addTags",
] as const;

function hasMethods(instance: Instance, methods: readonly string[]): boolean {
  const record = instance as unknown as Record<string, unknown>;
  return methods.every((m) => typeof record[m] === "function");
}

/**
 * Tells whether an instance has the {@link ArtifactStore} role.
 *
 * @param instance Any instance.
 * @returns `true` for a standalone instance.
 */
export function hasArtifactStore(instance: Instance): instance is Instance & ArtifactStore {
  return hasMethods(instance, STORE_METHODS);
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
    `the server ${instance.url}: this SDK builds and removes models and datasets only on a` +
      " standalone instance (build locally, then copy)",
    { operation: true },
  );
}

/**
 * The instance as an {@link ArtifactReads} (list models and datasets, read a dataset's rows), or
 * a clear error naming what the caller wanted.
 *
 * @param instance Any instance.
 * @param operation What the caller is doing, in the user's words (`listing models`).
 * @returns The same instance, typed with the role.
 * @throws {UnsupportedError} When the instance cannot read models and datasets.
 */
export function artifactReads(
  instance: Instance,
  operation: string,
): Instance & ArtifactReads {
  if (hasMethods(instance, READ_METHODS)) return instance as Instance & ArtifactReads;
  throw new UnsupportedError(operation, `the instance ${instance.url}`, { operation: true });
}

/**
 * The instance as an {@link ArtifactTransfer} (export and import whole versions), or a clear
 * error naming what the caller wanted.
 *
 * @param instance Any instance.
 * @param operation What the caller is doing, in the user's words (`copying a model`).
 * @returns The same instance, typed with the role.
 * @throws {UnsupportedError} When the instance cannot move versions.
 */
export function artifactTransfer(
  instance: Instance,
  operation: string,
): Instance & ArtifactTransfer {
  if (hasMethods(instance, TRANSFER_METHODS)) return instance as Instance & ArtifactTransfer;
  throw new UnsupportedError(operation, `the instance ${instance.url}`, { operation: true });
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
