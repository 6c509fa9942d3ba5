/**
 * The `sys/*` columns a server keeps in a job's row of the project summary table
 * (`project/<project>/eval/summary`, key = job id), as the Starwhale Server writes them: the full set at
 * creation, `sys/job_status` and `sys/modified_time` at every status change, `sys/finished_time`
 * and `sys/duration_ms` at the end, `sys/_is_deleted` on remove and recover.
 *
 * @module
 */

import { stringifyYaml as toYaml } from "../_deps.ts";
import type { ColumnSchema, Row } from "../../datastore/mod.ts";
import type { StepSpec } from "../sdk/handlers.ts";
import type { JobRecord } from "../sdk/instance.ts";

/** Column types that inference would get wrong (the Starwhale Server writes these as INT32). */
export const SYS_SCHEMA: ColumnSchema[] = [
  { name: "sys/dev_mode", type: "INT32" },
  { name: "sys/_is_deleted", type: "INT32" },
];

/**
 * The summary row written when a job is created.
 *
 * @param job The job record (status CREATED).
 * @param extra The steps, the resource pool and the datasets' resolved versions.
 * @returns The row, keyed by the job id.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createdColumns } from "./_sys_columns.ts";
 * const row = createdColumns({
 *   id: "ab12", project: "self", status: "CREATED", model: "m", modelVersion: "v1",
 *   datasets: ["d"], handler: "h:F", createdAt: new Date(0).toISOString(), finishedAt: null,
 *   errorMessage: null,
 * }, { steps: [], resourcePool: "default", datasetVersions: ["d/version/x"] });
 * assert(row["sys/job_status"] === "CREATED" && row["sys/model_name"] === "m");
 * ```
 */
export function createdColumns(
  job: JobRecord,
  extra: { steps: StepSpec[]; resourcePool: string; datasetVersions: string[] },
): Row {
  const created = Date.parse(job.createdAt);
  const model = `${job.model}/version/${job.modelVersion}`;
  return {
    id: job.id,
    "sys/name": job.handler ?? "",
    "sys/project_id": job.project,
    "sys/model_name": job.model ?? "",
    "sys/model_version": job.modelVersion ?? "",
    "sys/model_uri": `project/${job.project}/model/${model}`,
    "sys/_model_uri": `project/${job.project}/model/${model}`,
    "sys/runtime_name": "deno",
    "sys/runtime_version": Deno.version.deno,
    "sys/dataset_uris": job.datasets.join(","),
    "sys/_dataset_uris": extra.datasetVersions.map((d) => `project/${job.project}/dataset/${d}`),
    "sys/owner_id": 1,
    "sys/owner_name": "starwhale",
    "sys/created_time": created,
    "sys/modified_time": created,
    "sys/job_status": job.status,
    "sys/job_type": "EVALUATION",
    "sys/result_output_path": "",
    "sys/step_spec": toYaml(extra.steps),
    "sys/resource_pool": extra.resourcePool,
    "sys/dev_mode": 0,
    "sys/_is_deleted": 0,
  };
}

/**
 * The columns written at a status change, plus the end columns once the job has ended.
 *
 * @param job The job record after the change.
 * @returns The partial row, keyed by the job id.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { statusColumns } from "./_sys_columns.ts";
 * const row = statusColumns({
 *   id: "ab12", project: "self", status: "SUCCESS", model: null, modelVersion: null,
 *   datasets: [], handler: null, createdAt: new Date(0).toISOString(),
 *   finishedAt: new Date(1500).toISOString(), errorMessage: null,
 * });
 * assert(row["sys/duration_ms"] === 1500 && row["sys/job_status"] === "SUCCESS");
 * ```
 */
export function statusColumns(job: JobRecord): Row {
  const row: Row = {
    id: job.id,
    "sys/job_status": job.status,
    "sys/modified_time": Date.now(),
  };
  if (job.finishedAt) {
    const finished = Date.parse(job.finishedAt);
    row["sys/finished_time"] = finished;
    row["sys/duration_ms"] = finished - Date.parse(job.createdAt);
  }
  return row;
}

/**
 * The columns a server writes for a job copied onto it (it did not run the job, so the steps are
 * unknown): those of creation, then of its final status, times from the record.
 *
 * @param job The copied job's record (its status final).
 * @returns The row, keyed by the job id.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { copiedColumns } from "./_sys_columns.ts";
 * const row = copiedColumns({
 *   id: "ab12", project: "self", status: "SUCCESS", model: "m", modelVersion: "v1",
 *   datasets: ["d/version/x"], handler: "h:F", createdAt: new Date(0).toISOString(),
 *   finishedAt: new Date(1500).toISOString(), errorMessage: null,
 * });
 * assert(row["sys/job_status"] === "SUCCESS" && row["sys/modified_time"] === 1500);
 * ```
 */
export function copiedColumns(job: JobRecord): Row {
  const created = createdColumns(job, {
    steps: [],
    resourcePool: "default",
    datasetVersions: job.datasets,
  });
  const ended = statusColumns(job);
  ended["sys/modified_time"] = Date.parse(job.finishedAt ?? job.createdAt);
  return { ...created, ...ended };
}
