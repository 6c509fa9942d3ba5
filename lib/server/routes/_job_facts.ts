/**
 * What a `JobVo` tells beyond the job's record, as a Starwhale Server answers it: `datasetList`,
 * the job's datasets as `DatasetVo`s at the version it ran on (what Starwhale's `swcli job list`
 * shows), and `stepSpec`, the steps the job runs as YAML, each under the job's name. Both come
 * from the job's summary row where the server recorded them (`sys/_dataset_uris`,
 * `sys/step_spec`).
 *
 * @module
 */
import { parseYaml, stringifyYaml } from "../../_deps.ts";
import type { JobRecord, StepSpec } from "../../sdk/mod.ts";
import { NotFoundError } from "../../sdk/mod.ts";
import { type DatasetVo, datasetVo, modelStepSpecs } from "../../wire/mod.ts";
import type { ServerContext } from "../_context.ts";

/** The `JobVo` fields {@link jobFacts} fills. */
export interface JobFacts {
  /** The job's datasets. */
  datasetList: DatasetVo[];
  /** The job's steps as YAML, `""` where the server did not record them. */
  stepSpec: string;
}

/**
 * Reads the facts of a job. A dataset named without a version is taken at the version the server
 * recorded for the job, else at `latest`; one that is no longer stored is left out of
 * `datasetList` (`JobVo.datasets` still names it).
 *
 * @param ctx The server context.
 * @param job The job.
 * @returns Its datasets and steps.
 */
export async function jobFacts(ctx: ServerContext, job: JobRecord): Promise<JobFacts> {
  const row = await summaryRow(ctx, job);
  const ran = new Map<string, string>();
  const uris = row?.["sys/_dataset_uris"];
  for (const uri of Array.isArray(uris) ? uris : []) {
    const m = /\/dataset\/([^/]+)\/version\/([^/]+)$/.exec(String(uri));
    if (m) ran.set(m[1], m[2]);
  }
  const datasetList: DatasetVo[] = [];
  for (const given of job.datasets) {
    const m = /^([^/]+)(?:\/(?:version\/)?([^/]+))?$/.exec(given);
    if (!m) continue;
    const version = m[2] ?? ran.get(m[1]) ?? "latest";
    try {
      const record = await ctx.instance().getDataset({ project: job.project, name: m[1], version });
      datasetList.push(datasetVo(record));
    } catch (e) {
      if (!(e instanceof NotFoundError)) throw e;
    }
  }
  return { datasetList, stepSpec: stepSpecOf(job, row?.["sys/step_spec"]) };
}

/** The recorded steps, each under the job's handler, as a Starwhale Server lists them. */
function stepSpecOf(job: JobRecord, recorded: unknown): string {
  if (typeof recorded !== "string" || !recorded || !job.handler) return "";
  let steps: unknown;
  try {
    steps = parseYaml(recorded);
  } catch {
    return "";
  }
  if (!Array.isArray(steps)) return "";
  return stringifyYaml(modelStepSpecs({ [job.handler]: steps as StepSpec[] }));
}

/** The job's row of its project's summary table, where the server keeps one. */
async function summaryRow(
  ctx: ServerContext,
  job: JobRecord,
): Promise<Record<string, unknown> | undefined> {
  const table = `project/${job.project}/eval/summary`;
  if (!ctx.store.tables(table).includes(table)) return undefined;
  const rows = ctx.store.scan(table, { start: job.id, end: job.id, endInclusive: true, limit: 1 });
  for await (const row of rows) return row;
  return undefined;
}
