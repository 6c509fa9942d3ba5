/**
 * Building the model and dataset view objects the server answers with from the SDK's records:
 * `ModelVersionVo`, `ModelVo`, `ModelInfoVo`, `DatasetVersionVo`, `DatasetVo` and
 * `DatasetInfoVo`. A model's or dataset's id is its name; a version's id is the version.
 *
 * @module
 */
import { stringifyYaml } from "../_deps.ts";
import type { DatasetRecord, ModelRecord } from "../sdk/instance.ts";
import type { StepSpec } from "../sdk/handlers.ts";
import type {
  DatasetInfoVo,
  DatasetVersionVo,
  DatasetVo,
  ModelInfoVo,
  ModelVersionVo,
  ModelVo,
  StepSpecVo,
} from "./views.ts";
import { USER_VO } from "./write_views.ts";

function aliasOf(tags: string[]): string {
  return tags.find((t) => /^v\d+$/.test(t)) ?? "";
}

/** The fields of a step a Starwhale Server keeps (it drops the others, e.g. `func_name`). */
const STEP_FIELDS = [
  "name",
  "show_name",
  "concurrency",
  "replicas",
  "backoffLimit",
  "needs",
  "resources",
  "env",
  "expose",
  "virtual",
  "require_dataset",
  "fine_tune",
  "container_spec",
  "ext_cmd_args",
  "parameters_sig",
  "service_spec",
  "arguments",
] as const;

/**
 * A model version's `stepSpecs` as a Starwhale Server lists them: for each runnable handler (a
 * job of `jobs.yaml`), every step of its graph (the steps it needs first, then itself), each with
 * `job_name` set to that handler. A client picks a job's steps by `job_name` and names a step by
 * `name` (what `overwriteSpecs` and `stepSpecOverWrites` patch).
 *
 * @param jobs The version's `jobs.yaml`: handler key to its expanded steps.
 * @returns The flat list, handlers in sorted order.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { modelStepSpecs } from "./artifact_views.ts";
 * const step = (name: string, needs: string[]) => ({
 *   name, show_name: name.split(".").pop()!, func_name: "", module_name: "m", cls_name: "C",
 *   replicas: 1, concurrency: 1, needs, resources: [], expose: 0, require_dataset: false,
 * });
 * const specs = modelStepSpecs({
 *   "m:C.evaluate": [step("m:C.predict", []), step("m:C.evaluate", ["m:C.predict"])],
 *   "m:C.predict": [step("m:C.predict", [])],
 * });
 * assert.deepEqual(specs.map((s) => `${s.job_name} ${s.name}`), [
 *   "m:C.evaluate m:C.predict",
 *   "m:C.evaluate m:C.evaluate",
 *   "m:C.predict m:C.predict",
 * ]);
 * assert.equal("func_name" in specs[0], false);
 * ```
 */
export function modelStepSpecs(jobs: Record<string, StepSpec[]>): StepSpecVo[] {
  return Object.keys(jobs).sort().flatMap((job) =>
    jobs[job].map((step) => {
      const fields = step as unknown as Record<string, unknown>;
      const vo: Record<string, unknown> = { job_name: job, show_name: step.name, replicas: 1 };
      for (const key of STEP_FIELDS) if (fields[key] != null) vo[key] = fields[key];
      return vo as StepSpecVo;
    })
  );
}

/** What a server knows of a model version besides its record. */
export interface ModelVersionFacts {
  /** The version's step graphs (`jobs.yaml`): handler key to its expanded steps. */
  jobs?: Record<string, StepSpec[]>;
  /** The version of the runtime packaged with the model, if any. */
  builtInRuntime?: string;
}

/**
 * A `ModelVersionVo`.
 *
 * @param m The model record.
 * @param facts The version's step graphs and packaged runtime, when known; without the step
 *   graphs each handler is listed as a single step of its own.
 * @returns The view object.
 */
export function modelVersionVo(m: ModelRecord, facts: ModelVersionFacts = {}): ModelVersionVo {
  return {
    id: m.version,
    name: m.version,
    alias: aliasOf(m.tags),
    latest: m.tags.includes("latest"),
    tags: m.tags,
    size: m.size,
    shared: false,
    draft: false,
    createdTime: Date.parse(m.createdAt),
    owner: USER_VO,
    builtInRuntime: facts.builtInRuntime ?? null,
    stepSpecs: facts.jobs
      ? modelStepSpecs(facts.jobs)
      : m.handlers.map((h) => ({ name: h, job_name: h, show_name: h, replicas: 1 })),
  };
}

/**
 * A `ModelVo`: the model with one of its versions (a list shows the newest).
 *
 * @param m The model record of the version.
 * @param facts The version's step graphs and packaged runtime, when known.
 * @returns The view object.
 */
export function modelVo(m: ModelRecord, facts?: ModelVersionFacts): ModelVo {
  const version = modelVersionVo(m, facts);
  return { id: m.name, name: m.name, createdTime: version.createdTime, owner: USER_VO, version };
}

/**
 * A `ModelInfoVo` for a model version; `versionId` is what a `JobRequest` names it by.
 *
 * @param m The model record.
 * @param facts The version's step graphs and packaged runtime, when known.
 * @returns The view object.
 */
export function modelInfoVo(m: ModelRecord, facts?: ModelVersionFacts): ModelInfoVo {
  const versionInfo = modelVersionVo(m, facts);
  return {
    id: m.name,
    name: m.name,
    versionId: `${m.name}/version/${m.version}`,
    versionName: m.version,
    versionAlias: versionInfo.alias,
    versionTag: m.tags.join(","),
    createdTime: versionInfo.createdTime,
    shared: false,
    versionInfo,
  };
}

/**
 * The version's manifest: the stored one when given, else what Starwhale's manifest says at the
 * least (`dataset_summary.rows` counts the rows).
 */
function datasetMeta(d: DatasetRecord, manifest?: Record<string, unknown>): string {
  const { rows: _, ...rest } = (manifest?.dataset_summary ?? {}) as Record<string, unknown>;
  const summary = { rows: d.rows, ...rest };
  return stringifyYaml({ ...manifest, version: d.version, dataset_summary: summary });
}

/**
 * A `DatasetVersionVo`.
 *
 * @param d The dataset record.
 * @param manifest The version's stored manifest, if known.
 * @returns The view object.
 */
export function datasetVersionVo(
  d: DatasetRecord,
  manifest?: Record<string, unknown>,
): DatasetVersionVo {
  return {
    id: d.version,
    name: d.version,
    alias: aliasOf(d.tags),
    latest: d.tags.includes("latest"),
    tags: d.tags,
    indexTable: "",
    meta: datasetMeta(d, manifest),
    shared: false,
    createdTime: Date.parse(d.createdAt),
    owner: USER_VO,
  };
}

/**
 * A `DatasetVo`: the dataset with one of its versions (a list shows the newest).
 *
 * @param d The dataset record of the version.
 * @returns The view object.
 */
export function datasetVo(d: DatasetRecord): DatasetVo {
  const version = datasetVersionVo(d);
  return { id: d.name, name: d.name, createdTime: version.createdTime, owner: USER_VO, version };
}

/**
 * A `DatasetInfoVo` for a dataset version.
 *
 * @param d The dataset record.
 * @param manifest The version's stored manifest, if known (its `versionMeta`).
 * @returns The view object.
 */
export function datasetInfoVo(
  d: DatasetRecord,
  manifest?: Record<string, unknown>,
): DatasetInfoVo {
  const versionInfo = datasetVersionVo(d, manifest);
  return {
    id: d.name,
    name: d.name,
    versionId: `${d.name}/version/${d.version}`,
    versionName: d.version,
    versionAlias: versionInfo.alias,
    versionTag: d.tags.join(","),
    versionMeta: versionInfo.meta ?? "",
    versionInfo,
    createdTime: versionInfo.createdTime,
    shared: false,
    indexTable: "",
    rows: d.rows,
  };
}
