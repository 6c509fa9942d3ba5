/**
 * The datasets of a job as `DatasetVo`s, for `JobVo.datasetList` (what Starwhale's `swcli job
 * list` shows): each dataset the job names, at the version it ran on.
 *
 * @module
 */
import type { JobRecord } from "../../sdk/mod.ts";
import { NotFoundError } from "../../sdk/mod.ts";
import { type DatasetVo, datasetVo } from "../../wire/mod.ts";
import type { ServerContext } from "../_context.ts";

/**
 * Looks up the datasets of a job. A dataset named without a version is taken at the version the
 * server recorded for the job (`sys/_dataset_uris` of its summary row), else at `latest`; one
 * that is no longer stored is left out (`JobVo.datasets` still names it).
 *
 * @param ctx The server context.
 * @param job The job.
 * @returns One `DatasetVo` per stored dataset, in the job's order.
 */
export async function jobDatasetVos(ctx: ServerContext, job: JobRecord): Promise<DatasetVo[]> {
  if (job.datasets.length === 0) return [];
  const ran = await recordedVersions(ctx, job);
  const list: DatasetVo[] = [];
  for (const given of job.datasets) {
    const m = /^([^/]+)(?:\/(?:version\/)?([^/]+))?$/.exec(given);
    if (!m) continue;
    const version = m[2] ?? ran.get(m[1]) ?? "latest";
    try {
      const record = await ctx.instance().getDataset({ project: job.project, name: m[1], version });
      list.push(datasetVo(record));
    } catch (e) {
      if (!(e instanceof NotFoundError)) throw e;
    }
  }
  return list;
}

/** Dataset name -> version, from the `sys/_dataset_uris` of the job's summary row. */
async function recordedVersions(ctx: ServerContext, job: JobRecord): Promise<Map<string, string>> {
  const versions = new Map<string, string>();
  const table = `project/${job.project}/eval/summary`;
  if (!ctx.store.tables(table).includes(table)) return versions;
  const rows = ctx.store.scan(table, { start: job.id, end: job.id, endInclusive: true, limit: 1 });
  for await (const row of rows) {
    const uris = row["sys/_dataset_uris"];
    for (const uri of Array.isArray(uris) ? uris : []) {
      const m = /\/dataset\/([^/]+)\/version\/([^/]+)$/.exec(String(uri));
      if (m) versions.set(m[1], m[2]);
    }
  }
  return versions;
}
