/**
 * The embedded standalone instance: its stores on disk (jobs, models, datasets), bundles,
 * files and the shared datastore of a storage root.
 *
 * @module
 */
export { recoverBundle, tagBundle } from "./bundle_versions.ts";
export type { BundleRef } from "./bundle_versions.ts";
export { leaseDatastore, repairDatastore } from "./datastore_pool.ts";
export { formatManifestTime, listDir, writeFileAtomic } from "./files.ts";
export { StandaloneInstance } from "./instance.ts";
export type { StandaloneOptions } from "./instance.ts";
export { createProject, recoverProject, removeProject } from "./projects.ts";
export { RuntimeStore } from "./runtime_store.ts";
