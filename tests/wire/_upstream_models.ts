/**
 * The view objects of Starwhale's REST API as the Starwhale Python client validates them
 * (`client/starwhale/base/client/models/models.py` of star-whale/starwhale, pydantic models), as
 * field lists, and a checker that reports every way a value breaks them.
 *
 * Every field of those models is listed (nested models the server never fills, such as a step's
 * `fine_tune`, are `"any?"`). A field is `"str"`, `"int"`, `"float"`, `"bool"`, `"any"`,
 * `"list:<field>"`, `"dict:<field>"`, `"@Model"` or `"enum:Name"`; a trailing `?` makes it
 * optional (absent or null). Extra fields are allowed, as pydantic ignores them.
 *
 * @module
 */

/** A model: field name (upstream's alias, the JSON key) -> field, or a nested model. */
export type Model = { [field: string]: string | Model };

/** Enumerations. */
export const ENUMS: Record<string, readonly string[]> = {
  JobStatus: [
    "CREATED",
    "READY",
    "PAUSED",
    "RUNNING",
    "CANCELLING",
    "CANCELED",
    "SUCCESS",
    "FAIL",
    "UNKNOWN",
  ],
  TaskStatus: [
    "CREATED",
    "READY",
    "ASSIGNING",
    "PAUSED",
    "PREPARING",
    "RUNNING",
    "RETRYING",
    "SUCCESS",
    "CANCELLING",
    "CANCELED",
    "FAIL",
    "UNKNOWN",
  ],
  JobType: ["EVALUATION", "ONLINE_EVAL", "TRAIN", "FINE_TUNE", "SERVING", "BUILT_IN"],
  ExposedLinkType: ["DEV_MODE", "WEB_HANDLER"],
  RunStatus: ["PENDING", "RUNNING", "FINISHED", "FAILED"],
  EventType: ["INFO", "WARNING", "ERROR"],
  EventSource: ["CLIENT", "SERVER", "NODE"],
  EventResourceType: ["JOB", "TASK", "RUN"],
};

/** The models, by upstream class name. */
export const MODELS: Record<string, Model> = {
  UserVo: {
    id: "str",
    name: "str",
    createdTime: "int",
    isEnabled: "bool",
    systemRole: "str?",
    projectRoles: "dict:str?",
  },
  StatisticsVo: {
    modelCounts: "int",
    datasetCounts: "int",
    runtimeCounts: "int",
    memberCounts: "int",
    evaluationCounts: "int",
  },
  SystemVersionVo: { id: "str?", version: "str?" },
  TrashVo: {
    id: "str?",
    name: "str?",
    type: "str?",
    trashedTime: "int?",
    size: "int?",
    trashedBy: "str?",
    lastUpdatedTime: "int?",
    retentionTime: "int?",
  },
  RelatedResource: { eventResourceType: "enum:EventResourceType", id: "int" },
  EventVo: {
    eventType: "enum:EventType",
    source: "enum:EventSource",
    relatedResource: "@RelatedResource",
    message: "str",
    data: "str?",
    timestamp: "int?",
    id: "int?",
  },
  ProjectVo: {
    id: "str",
    name: "str",
    description: "str?",
    privacy: "str",
    createdTime: "int",
    owner: "@UserVo",
    statistics: "@StatisticsVo?",
  },
  ExposedLinkVo: { type: "enum:ExposedLinkType", name: "str", link: "str" },
  RuntimeResource: { type: "str?", request: "float?", limit: "float?" },
  StepSpec: {
    name: "str",
    concurrency: "int?",
    replicas: "int",
    backoffLimit: "int?",
    needs: "list:str?",
    resources: "list:@RuntimeResource?",
    expose: "int?",
    virtual: "bool?",
    job_name: "str?",
    show_name: "str",
    require_dataset: "bool?",
    ext_cmd_args: "str?",
    env: "list:any?",
    arguments: "dict:any?",
    fine_tune: "any?",
    container_spec: "any?",
    parameters_sig: "list:any?",
    service_spec: "any?",
  },
  ModelVersionVo: {
    latest: "bool",
    tags: "list:str?",
    stepSpecs: "list:@StepSpec",
    id: "str",
    name: "str",
    alias: "str",
    size: "int?",
    createdTime: "int",
    owner: "@UserVo?",
    shared: "bool",
    builtInRuntime: "str?",
    draft: "bool",
  },
  ModelVo: {
    id: "str",
    name: "str",
    createdTime: "int",
    owner: "@UserVo",
    version: "@ModelVersionVo",
  },
  DatasetVersionVo: {
    tags: "list:str?",
    latest: "bool",
    indexTable: "str?",
    id: "str",
    name: "str",
    alias: "str?",
    meta: "str?",
    createdTime: "int",
    owner: "@UserVo?",
    shared: "bool",
  },
  DatasetVo: {
    id: "str",
    name: "str",
    createdTime: "int",
    owner: "@UserVo?",
    version: "@DatasetVersionVo",
  },
  RuntimeVersionVo: {
    tags: "list:str?",
    latest: "bool",
    id: "str",
    runtimeId: "str",
    name: "str",
    alias: "str",
    meta: "str?",
    image: "str",
    builtImage: "str?",
    createdTime: "int",
    owner: "@UserVo?",
    shared: "bool",
  },
  RuntimeVo: {
    id: "str",
    name: "str",
    createdTime: "int",
    owner: "@UserVo",
    version: "@RuntimeVersionVo",
  },
  JobVo: {
    exposedLinks: "list:@ExposedLinkVo",
    id: "str",
    uuid: "str",
    modelName: "str",
    modelVersion: "str",
    model: "@ModelVo",
    jobName: "str?",
    jobType: "enum:JobType?",
    datasets: "list:str?",
    datasetList: "list:@DatasetVo?",
    runtime: "@RuntimeVo",
    isBuiltinRuntime: "bool?",
    device: "str?",
    deviceAmount: "int?",
    owner: "@UserVo",
    createdTime: "int",
    stopTime: "int?",
    jobStatus: "enum:JobStatus",
    comment: "str?",
    stepSpec: "str?",
    resourcePool: "str",
    duration: "int?",
    pinnedTime: "int?",
  },
  RunVo: {
    id: "int?",
    taskId: "int?",
    status: "enum:RunStatus?",
    ip: "str?",
    startTime: "int?",
    finishTime: "int?",
    failedReason: "str?",
  },
  TaskVo: {
    id: "str",
    uuid: "str",
    startedTime: "int?",
    finishedTime: "int?",
    taskStatus: "enum:TaskStatus",
    retryNum: "int?",
    resourcePool: "str",
    stepName: "str",
    exposedLinks: "list:@ExposedLinkVo?",
    failedReason: "str?",
    runs: "list:@RunVo?",
  },
  ModelInfoVo: {
    versionInfo: "@ModelVersionVo",
    id: "str",
    name: "str",
    versionAlias: "str",
    versionId: "str",
    versionName: "str",
    versionTag: "str?",
    createdTime: "int",
    shared: "bool",
  },
  DatasetInfoVo: {
    indexTable: "str?",
    versionInfo: "@DatasetVersionVo?",
    id: "str",
    name: "str",
    versionId: "str",
    versionName: "str",
    versionAlias: "str?",
    versionTag: "str?",
    shared: "bool",
    createdTime: "int",
    files: "list:any?",
    versionMeta: "str",
  },
};

/** PageHelper's `PageInfo` around items of `item` (upstream `PageInfoJobVo` and the like). */
export function pageModel(item: string): Model {
  return {
    total: "int?",
    list: `list:${item}?`,
    pageNum: "int?",
    pageSize: "int?",
    size: "int?",
    startRow: "int?",
    endRow: "int?",
    pages: "int?",
    prePage: "int?",
    nextPage: "int?",
    isFirstPage: "bool?",
    isLastPage: "bool?",
    hasPreviousPage: "bool?",
    hasNextPage: "bool?",
    navigatePages: "int?",
    navigatepageNums: "list:int?",
    navigateFirstPage: "int?",
    navigateLastPage: "int?",
  };
}

/** The `{code, message, data}` envelope (`ResponseMessage<T>`). */
export function envelopeModel(data: string | Model): Model {
  return { code: "str", message: "str", data };
}

/**
 * Every way `value` breaks `field`, as `path: what` lines; empty when it validates.
 *
 * @param value The JSON value.
 * @param field A field (`"@JobVo"`, `"list:@TaskVo"`, ...) or a model.
 * @param path How the value is named in the lines.
 */
export function violations(value: unknown, field: string | Model, path = "$"): string[] {
  const out: string[] = [];
  check(value, field, path, out);
  return out;
}

function check(value: unknown, field: string | Model, path: string, out: string[]): void {
  if (typeof field !== "string") return checkModel(value, field, path, out);
  const optional = field.endsWith("?");
  const f = optional ? field.slice(0, -1) : field;
  if (value === undefined || value === null) {
    if (!optional) out.push(`${path}: required ${f}, got ${value}`);
    return;
  }
  const bad = (what: string): void => {
    out.push(`${path}: expected ${what}, got ${JSON.stringify(value)}`);
  };
  if (f === "any") return;
  if (f === "str") return void (typeof value !== "string" && bad("a string"));
  if (f === "bool") return void (typeof value !== "boolean" && bad("a boolean"));
  if (f === "int") return void (!Number.isSafeInteger(value) && bad("an integer"));
  if (f === "float") return void (typeof value !== "number" && bad("a number"));
  if (f.startsWith("enum:")) {
    const values = ENUMS[f.slice(5)];
    if (!values) throw new Error(`unknown enum ${f}`);
    return void (!values.includes(value as string) && bad(`one of ${values.join(", ")}`));
  }
  if (f.startsWith("list:")) {
    if (!Array.isArray(value)) return bad("a list");
    value.forEach((v, i) => check(v, f.slice(5), `${path}[${i}]`, out));
    return;
  }
  if (f.startsWith("dict:")) {
    if (typeof value !== "object" || Array.isArray(value)) return bad("an object");
    for (const [k, v] of Object.entries(value)) check(v, f.slice(5), `${path}.${k}`, out);
    return;
  }
  if (f.startsWith("@")) {
    const model = MODELS[f.slice(1)];
    if (!model) throw new Error(`unknown model ${f}`);
    return checkModel(value, model, path, out);
  }
  throw new Error(`unknown field ${field}`);
}

function checkModel(value: unknown, model: Model, path: string, out: string[]): void {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    out.push(`${path}: expected an object, got ${JSON.stringify(value)}`);
    return;
  }
  const o = value as Record<string, unknown>;
  for (const [name, field] of Object.entries(model)) check(o[name], field, `${path}.${name}`, out);
}
