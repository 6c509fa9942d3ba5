/**
 * @starwhale/sdk: the Starwhale Job SDK for Deno. Create jobs from model packages and datasets on
 * the embedded standalone instance (or a Starwhale server), list and inspect them, read their
 * summary and tables.
 *
 * @example List the newest jobs of the selected project
 * ```ts ignore
 * import { Job } from "@starwhale/sdk";
 * const [jobs, page] = await Job.list("self", { pageSize: 5 });
 * for (const j of jobs) console.log(j.id, await j.status);
 * console.log(page.total);
 * ```
 *
 * @module
 */
export { Job, job } from "./lib/job.ts";
export type { CreateOptions, TableRowsOptions } from "./lib/job.ts";
export { Model } from "./lib/model.ts";
export type { ModelBuildOptions } from "./lib/model.ts";
export { Dataset } from "./lib/dataset.ts";
export type { DatasetBuildOptions, DatasetSource } from "./lib/dataset.ts";
export { readCsv, readJsonl } from "./lib/dataset_sources.ts";
export { handler, parseResources, PipelineHandler } from "./lib/handlers.ts";
export type { HandlerFunction, HandlerOptions, ResourceValue, StepSpec } from "./lib/handlers.ts";
export { currentContext, flattenRow, log, logSummary, scan } from "./lib/evaluation.ts";
export type { PredictContext, ResultRow, TaskContext } from "./lib/evaluation.ts";
export { StandaloneInstance } from "./lib/standalone.ts";
export type { StandaloneOptions } from "./lib/standalone.ts";
export type { Durability } from "./lib/datastore_pool.ts";
export { FINAL_STATUSES, JOB_STATUSES } from "./lib/instance.ts";
export type {
  ArtifactRef,
  BuildDatasetOptions,
  BuildModelOptions,
  CreateJobOptions,
  DatasetRecord,
  DatasetRow,
  HandlerSpecOverride,
  Instance,
  JobRecord,
  JobRef,
  JobStatus,
  ListJobsOptions,
  ModelRecord,
  PageInfo,
  ScanTableOptions,
  UpdateTableOptions,
} from "./lib/instance.ts";
export type { ClientOptions } from "./lib/connect.ts";
export { Config, CONFIG_VERSION, DEFAULT_PROJECT, LOCAL_ALIAS } from "./lib/config.ts";
export type { ConfigOptions, InstanceConfig } from "./lib/config.ts";
export { checkName, formatResourceUri, parseProjectUri, parseResourceUri } from "./lib/uri.ts";
export type {
  InstanceTarget,
  ParseUriOptions,
  ProjectUri,
  ResourceType,
  ResourceUri,
} from "./lib/uri.ts";
export { formatManifestTime, newVersion } from "./lib/files.ts";
export {
  AmbiguousError,
  HandlerError,
  JobStateError,
  NotFoundError,
  RemoteError,
  UnsupportedError,
} from "./lib/errors.ts";
export {
  CorruptionError,
  Datastore,
  DatastoreClosedError,
  DatastoreLockedError,
  isTuple,
  SwObject,
  tuple,
} from "./datastore/mod.ts";
export type { ColumnSchema, Key, Row, Value } from "./datastore/mod.ts";
