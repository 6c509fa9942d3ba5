/**
 * @starwhale/sdk: the Starwhale Job SDK for Deno. Create jobs from model packages and datasets on
 * the embedded standalone instance (or a Starwhale server), list and inspect them, read their
 * summary and tables. The datastore engine underneath has its own door,
 * `@starwhale/sdk/datastore`.
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
export { Job, job } from "./lib/sdk/mod.ts";
export type { TableRowsOptions, WaitOptions } from "./lib/sdk/mod.ts";
export type {
  CopyJobOptions,
  JobCopyOptions,
  JobCopyProgress,
  JobCopyRecord,
  JobTransfer,
} from "./lib/sdk/mod.ts";
export { Model } from "./lib/sdk/mod.ts";
export { Dataset } from "./lib/sdk/mod.ts";
export type { DatasetSource } from "./lib/sdk/mod.ts";
export { handler, PipelineHandler } from "./lib/sdk/mod.ts";
export type { HandlerFunction, HandlerOptions, ResourceValue, StepSpec } from "./lib/sdk/mod.ts";
export { currentContext, log, logSummary, scan } from "./lib/sdk/mod.ts";
export type { PredictContext, ResultRow, TaskContext } from "./lib/sdk/mod.ts";
export { StandaloneInstance } from "./lib/standalone/mod.ts";
export type { StandaloneOptions } from "./lib/standalone/mod.ts";
export { FINAL_STATUSES, JOB_STATUSES } from "./lib/sdk/mod.ts";
export type {
  ArtifactLookup,
  ArtifactRef,
  ArtifactStore,
  BuildDatasetOptions,
  BuildModelOptions,
  CreateJobOptions,
  DatasetRecord,
  DatasetRow,
  HandlerSpecOverride,
  Instance,
  JobLogs,
  JobOperations,
  JobProgress,
  JobRecord,
  JobRef,
  JobStatus,
  ListJobsOptions,
  ModelRecord,
  PageInfo,
  ScanTableOptions,
  TableOperations,
  UpdateTableOptions,
} from "./lib/sdk/mod.ts";
export type { ClientOptions } from "./lib/sdk/mod.ts";
export { Config } from "./lib/sdk/mod.ts";
export type { ConfigOptions, InstanceConfig } from "./lib/sdk/mod.ts";
export {
  AmbiguousError,
  HandlerError,
  JobStateError,
  NotFoundError,
  RemoteError,
  StarwhaleError,
  UnsupportedError,
} from "./lib/sdk/mod.ts";
export {
  CorruptionError,
  DatastoreClosedError,
  DatastoreLockedError,
  SwObject,
  tuple,
} from "./datastore/mod.ts";
export type {
  ColumnSchema,
  ColumnType,
  Durability,
  Key,
  Row,
  ScalarType,
  ScanOptions,
  Value,
} from "./datastore/mod.ts";
