/**
 * The view objects of the Starwhale Server REST API, with upstream's field names: what the server
 * writes into the `data` of its `{code, message, data}` envelope and what the remote adapter reads
 * back. One set of types for both sides; {@link jobVo} and friends build them from SDK records,
 * {@link jobRecord} and friends read them back.
 *
 * The fields and their optionality follow the pydantic models Starwhale's Python client validates
 * answers with (`starwhale/base/client/models/models.py`): what upstream requires is required
 * here, so the server cannot leave it out; what upstream marks optional is optional, so readers
 * must not rely on it (a Starwhale Server may leave it out).
 *
 * @module
 */
import type { JobStatus } from "../sdk/instance.ts";

/** A user (`UserVo`). */
export interface UserVo {
  /** User id, decimal. */
  id: string;
  /** Login name. */
  name: string;
  /** Creation time, ms since the epoch. */
  createdTime: number;
  /** Whether the user may log in. */
  isEnabled: boolean;
  /** `OWNER`, `MAINTAINER`, `GUEST`... */
  systemRole?: string | null;
  /** Project id -> role. */
  projectRoles?: Record<string, string> | null;
}

/** Counts of a project's resources (`StatisticsVo`). */
export interface StatisticsVo {
  /** Models (names, not versions). */
  modelCounts: number;
  /** Datasets (names, not versions). */
  datasetCounts: number;
  /** Runtimes. */
  runtimeCounts: number;
  /** Members. */
  memberCounts: number;
  /** Jobs. */
  evaluationCounts: number;
}

/** A project (`ProjectVo`). */
export interface ProjectVo {
  /** Project id; this package's server uses the project name. */
  id: string;
  /** Project name. */
  name: string;
  /** Free text. */
  description?: string | null;
  /** `PRIVATE` or `PUBLIC`. */
  privacy: string;
  /** Creation time, ms. */
  createdTime: number;
  /** The owner. */
  owner: UserVo;
  /** Counts of the project's resources. */
  statistics?: StatisticsVo | null;
}

/** A model version inside a {@link JobVo} (`ModelVersionVo`). */
export interface ModelVersionVo {
  /** Version id. */
  id: string;
  /** Version name. */
  name: string;
  /** `v0`, `v1`... */
  alias: string;
  /** Whether it is the newest version. */
  latest: boolean;
  /** Tags of the version. */
  tags?: string[] | null;
  /** Bytes of the package. */
  size?: number | null;
  /** Shared with other projects. */
  shared: boolean;
  /** Not yet committed. */
  draft: boolean;
  /** The runtime built into the model, if any. */
  builtInRuntime?: string | null;
  /** Creation time, ms. */
  createdTime: number;
  /** Who built it. */
  owner?: UserVo | null;
  /** The steps of the model's handlers. */
  stepSpecs: StepSpecVo[];
}

/** A model and one of its versions (`ModelVo`). */
export interface ModelVo {
  /** Model id. */
  id: string;
  /** Model name. */
  name: string;
  /** Creation time, ms. */
  createdTime: number;
  /** Who built it. */
  owner: UserVo;
  /** The version. */
  version: ModelVersionVo;
}

/** A runtime version inside a {@link JobVo} (`RuntimeVersionVo`). */
export interface RuntimeVersionVo {
  /** Version id. */
  id: string;
  /** The runtime's id. */
  runtimeId: string;
  /** Version name. */
  name: string;
  /** `v0`, `v1`... */
  alias: string;
  /** Whether it is the newest version. */
  latest: boolean;
  /** Tags of the version. */
  tags?: string[] | null;
  /** The container image jobs of this runtime run in (`""`: none, this package's server). */
  image: string;
  /** The image built from the runtime, if any. */
  builtImage?: string | null;
  /** The runtime's manifest, YAML. */
  meta?: string | null;
  /** Shared with other projects. */
  shared: boolean;
  /** Creation time, ms. */
  createdTime: number;
  /** Who built it. */
  owner?: UserVo | null;
}

/** The runtime a job ran on (`RuntimeVo`). */
export interface RuntimeVo {
  /** Runtime id. */
  id: string;
  /** Runtime name. */
  name: string;
  /** Creation time, ms. */
  createdTime: number;
  /** Who built it. */
  owner: UserVo;
  /** The version. */
  version: RuntimeVersionVo;
}

/** A dataset version (`DatasetVersionVo`). */
export interface DatasetVersionVo {
  /** Version id. */
  id: string;
  /** Version name. */
  name: string;
  /** `v0`, `v1`... */
  alias?: string | null;
  /** Whether it is the newest version. */
  latest: boolean;
  /** Tags of the version. */
  tags?: string[] | null;
  /** The datastore table of the rows. */
  indexTable?: string | null;
  /** The version's manifest, YAML. */
  meta?: string | null;
  /** Shared with other projects. */
  shared: boolean;
  /** Creation time, ms. */
  createdTime: number;
  /** Who built it. */
  owner?: UserVo | null;
}

/** A dataset and one of its versions (`DatasetVo`), as a job's `datasetList` holds them. */
export interface DatasetVo {
  /** Dataset id. */
  id: string;
  /** Dataset name. */
  name: string;
  /** Creation time, ms. */
  createdTime: number;
  /** Who built it. */
  owner?: UserVo | null;
  /** The version. */
  version: DatasetVersionVo;
}

/** A link to a job's dev-mode IDE or web handler (`ExposedLinkVo`). */
export interface ExposedLinkVo {
  /** `DEV_MODE` or `WEB_HANDLER`. */
  type: "DEV_MODE" | "WEB_HANDLER";
  /** Display name. */
  name: string;
  /** The URL. */
  link: string;
}

/** One run of a task (`RunVo`). */
export interface RunVo {
  /** Run id. */
  id?: number | null;
  /** `PENDING`, `RUNNING`, `FINISHED` or `FAILED`. */
  status?: string | null;
  /** Start time, ms. */
  startTime?: number | null;
  /** End time, ms. */
  finishTime?: number | null;
  /** Why the run failed. */
  failedReason?: string | null;
}

/** One step of a handler (`StepSpec`, upstream's snake_case keys). */
export interface StepSpecVo {
  /** Step name. */
  name: string;
  /** The handler the step belongs to. */
  job_name?: string;
  /** Display name. */
  show_name: string;
  /** Concurrent replicas. */
  replicas: number;
  /** Other step fields (resources, needs, ...). */
  [field: string]: unknown;
}

/**
 * A job (`JobVo`). `errorMessage` is this package's extension; upstream clients ignore it, and a
 * Starwhale Server does not send it (a failure's reason is in the job's events, {@link EventVo}).
 */
export interface JobVo {
  /** The server's numeric id, decimal. */
  id: string;
  /** The job uuid: the evaluation id in table names (the standalone job id). */
  uuid: string;
  /** Model name. */
  modelName: string;
  /** Model version name. */
  modelVersion: string;
  /** The model and version. */
  model: ModelVo;
  /** Handler name. */
  jobName?: string | null;
  /** `EVALUATION`, `TRAIN`, ... */
  jobType?: string | null;
  /** Dataset URIs; declared by upstream, filled by this package's server. */
  datasets?: string[] | null;
  /** Dataset versions, as a Starwhale Server fills them. */
  datasetList?: DatasetVo[] | null;
  /** The runtime. */
  runtime: RuntimeVo;
  /** Whether the runtime is the model's built-in one. */
  isBuiltinRuntime?: boolean | null;
  /** `CPU`, `GPU`, ... */
  device?: string | null;
  /** Devices per task. */
  deviceAmount?: number | null;
  /** Who created the job. */
  owner: UserVo;
  /** Creation time, ms. */
  createdTime: number;
  /** End time, ms; -1 or absent while the job runs. */
  stopTime?: number | null;
  /** Status. */
  jobStatus: JobStatus;
  /** Free text. */
  comment?: string | null;
  /** The step specs as YAML. */
  stepSpec?: string | null;
  /** Resource pool. */
  resourcePool: string;
  /** Run time so far, ms. */
  duration?: number | null;
  /** Links to dev-mode IDEs and web handlers. */
  exposedLinks: ExposedLinkVo[];
  /** When the job was pinned, ms. */
  pinnedTime?: number | null;
  /** Project name (this package's server). */
  project?: string;
  /** Why the job failed (this package's server). */
  errorMessage?: string | null;
}

/** A task of a job (`TaskVo`). */
export interface TaskVo {
  /** Task id, decimal. */
  id: string;
  /** Task uuid. */
  uuid: string;
  /** Start time, ms. */
  startedTime?: number | null;
  /** End time, ms; -1 while running. */
  finishedTime?: number | null;
  /** Status. */
  taskStatus: string;
  /** Retries so far. */
  retryNum?: number | null;
  /** Resource pool. */
  resourcePool: string;
  /** The step the task runs. */
  stepName: string;
  /** Links to dev-mode IDEs and web handlers. */
  exposedLinks?: ExposedLinkVo[] | null;
  /** Why the task failed. */
  failedReason?: string | null;
  /** Runs of the task. */
  runs?: RunVo[] | null;
}

/** A page of items (PageHelper's `PageInfo`, as upstream's `PageInfoJobVo` and the like). */
export interface PageInfoVo<T> {
  /** Items over all pages. */
  total?: number;
  /** The items of this page. */
  list?: T[];
  /** 1-based page number. */
  pageNum?: number;
  /** Items per page. */
  pageSize?: number;
  /** Items on this page. */
  size?: number;
  /** 1-based index of the first item of this page, 0 when empty. */
  startRow?: number;
  /** 1-based index of the last item of this page, 0 when empty. */
  endRow?: number;
  /** Number of pages. */
  pages?: number;
  /** Previous page number, 0 when none. */
  prePage?: number;
  /** Next page number, 0 when none. */
  nextPage?: number;
  /** Whether this is the first page. */
  isFirstPage?: boolean;
  /** Whether this is the last page. */
  isLastPage?: boolean;
  /** Whether a previous page exists. */
  hasPreviousPage?: boolean;
  /** Whether a next page exists. */
  hasNextPage?: boolean;
  /** Page numbers shown in a navigation bar. */
  navigatePages?: number;
  /** The page numbers of the navigation bar. */
  navigatepageNums?: number[];
  /** First page of the navigation bar. */
  navigateFirstPage?: number;
  /** Last page of the navigation bar. */
  navigateLastPage?: number;
}

/** A model version looked up by name and version (`ModelInfoVo`). */
export interface ModelInfoVo {
  /** Model id. */
  id: string;
  /** Model name. */
  name: string;
  /** What a `JobRequest` names the version by. */
  versionId: string;
  /** Version name. */
  versionName: string;
  /** `v0`, `v1`... */
  versionAlias: string;
  /** Tags, comma-separated. */
  versionTag?: string | null;
  /** Creation time, ms. */
  createdTime: number;
  /** Shared with other projects. */
  shared: boolean;
  /** The version. */
  versionInfo: ModelVersionVo;
}

/** A dataset version looked up by name and version (`DatasetInfoVo`). */
export interface DatasetInfoVo {
  /** Dataset id. */
  id: string;
  /** Dataset name. */
  name: string;
  /** What a `JobRequest` names the version by. */
  versionId: string;
  /** Version name. */
  versionName: string;
  /** `v0`, `v1`... */
  versionAlias?: string | null;
  /** Tags, comma-separated. */
  versionTag?: string | null;
  /** The version's manifest, YAML (`dataset_summary.rows` counts the rows). */
  versionMeta: string;
  /** The version. */
  versionInfo?: DatasetVersionVo | null;
  /** Creation time, ms. */
  createdTime: number;
  /** Shared with other projects. */
  shared: boolean;
  /** The datastore table of the rows. */
  indexTable?: string | null;
  /** Number of rows (this package's server). */
  rows?: number;
}

/** The server's version (`SystemVersionVo`). */
export interface SystemVersionVo {
  /** Build id (`""` when none). */
  id?: string | null;
  /** The version, e.g. `0.6.3`. */
  version?: string | null;
}

/** An entry of a project's recycle bin (`TrashVo`); `PUT .../trash/{id}` recovers it. */
export interface TrashVo {
  /** Trash id, decimal: what the recover route takes. */
  id?: string | null;
  /** The removed object's name; a job's uuid. */
  name?: string | null;
  /** `MODEL`, `DATASET`, `RUNTIME`, `EVALUATION`, `TRAIN`, `FINE_TUNE`, `REPORT`. */
  type?: string | null;
  /** When it was removed, ms. */
  trashedTime?: number | null;
  /** Bytes. */
  size?: number | null;
  /** Who removed it. */
  trashedBy?: string | null;
  /** When the object last changed, ms. */
  lastUpdatedTime?: number | null;
  /** When it will be deleted for good, ms. */
  retentionTime?: number | null;
}

/** Something that happened to a job, task or run (`EventVo`). */
export interface EventVo {
  /** `INFO`, `WARNING` or `ERROR`. */
  eventType: "INFO" | "WARNING" | "ERROR";
  /** `CLIENT`, `SERVER` or `NODE`. */
  source: "CLIENT" | "SERVER" | "NODE";
  /** What the event is about. */
  relatedResource: { eventResourceType: "JOB" | "TASK" | "RUN"; id: number };
  /** The text. */
  message: string;
  /** Extra data, JSON. */
  data?: string | null;
  /** When, ms. */
  timestamp?: number | null;
  /** Event id. */
  id?: number | null;
}
