/**
 * The SDK's concepts: jobs, models, datasets, URIs, config, errors, the `Instance` seam and its
 * roles, the evaluation logging API and handler declarations. The package's public door
 * (`mod.ts`) re-exports the concepts; the helpers here serve the command line and the server.
 *
 * @module
 */
export type { Key, Row } from "../../datastore/mod.ts";
export { Config, CONFIG_VERSION, DEFAULT_PROJECT, LOCAL_ALIAS } from "./config.ts";
export type { ConfigOptions, InstanceConfig } from "./config.ts";
export type { ClientOptions } from "./connect.ts";
export { copyArtifact } from "./copy.ts";
export type { CopyOptions, CopyResult } from "./copy.ts";
export { Dataset } from "./dataset.ts";
export type { DatasetSource } from "./dataset.ts";
export { readCsv, readJsonl } from "./dataset_sources.ts";
export {
  AmbiguousError,
  HandlerError,
  JobStateError,
  NotFoundError,
  RemoteError,
  StarwhaleError,
  UnsupportedError,
} from "./errors.ts";
export { currentContext, flattenRow, log, logSummary, scan } from "./evaluation.ts";
export type { PredictContext, ResultRow, TaskContext } from "./evaluation.ts";
export { handler, parseResources, PipelineHandler } from "./handlers.ts";
export type { HandlerFunction, HandlerOptions, ResourceValue, StepSpec } from "./handlers.ts";
export {
  bundleChunks,
  FINAL_STATUSES,
  JOB_STATUSES,
  jobOwnRow,
  jobOwnSummary,
  SYSTEM_COLUMN_PREFIX,
} from "./instance.ts";
export {
  artifactReads,
  artifactStore,
  artifactTransfer,
  hasArtifactStore,
  hasJobLogs,
} from "./roles.ts";
export type {
  ArtifactLookup,
  ArtifactReads,
  ArtifactRef,
  ArtifactStore,
  ArtifactTransfer,
  BuildDatasetOptions,
  BuildModelOptions,
  BundleFile,
  CreateJobOptions,
  DatasetExport,
  DatasetRecord,
  DatasetRow,
  HandlerSpecOverride,
  ImportOptions,
  ImportResult,
  Instance,
  JobLogs,
  JobOperations,
  JobProgress,
  JobRecord,
  JobRef,
  JobStatus,
  JobTask,
  ListJobsOptions,
  ModelExport,
  ModelRecord,
  PageInfo,
  ScanTableOptions,
  TableOperations,
  TaskStatus,
  TransferProgress,
  UpdateTableOptions,
} from "./instance.ts";
export { Job, job } from "./job.ts";
export { followJobLogs, followJobProgress } from "./job_watch.ts";
export type { FollowOptions } from "./job_watch.ts";
export { readJobProgress, taskProgress } from "./job_progress.ts";
export type { JobRunProgress } from "./job_progress.ts";
export { waitForJob } from "./job_wait.ts";
export type { WaitOptions } from "./job_wait.ts";
export { copyJob } from "./job_copy.ts";
export type { CopyJobOptions, CopyJobResult, JobCopyProgress } from "./job_copy.ts";
export type { JobCopyOptions } from "./job.ts";
export type { JobCopyRecord, JobCopyTasks, JobTransfer } from "./instance.ts";
export { checkProject, checkRemoved, jobTableRows, resolveJobRef } from "./job_lookup.ts";
export type { TableRowsOptions } from "./job.ts";
export { Model } from "./model.ts";
export { checkName, formatResourceUri, parseProjectUri, parseResourceUri } from "./uri.ts";
export type {
  InstanceTarget,
  ParseUriOptions,
  ProjectUri,
  ResourceType,
  ResourceUri,
} from "./uri.ts";
