/**
 * Reading this server's datasets the way Starwhale's Python client reads a dataset: from
 * `project/{p}/dataset/{d}/_current/meta` as of the version's `data_datastore_revision`. A dataset
 * this package built or uploaded keeps each version's rows in a table of its own (its manifest
 * names it in `table`), so where no `_current/meta` table exists, a `scanTable` or `queryTable` of
 * it reads the version whose manifest records that revision (the newest without one) instead.
 *
 * @module
 */
import type { ArtifactRef, DatasetRecord, Instance } from "../../sdk/mod.ts";
import type { ServerContext } from "../_context.ts";

const CURRENT = /^project\/([^/]+)\/dataset\/([^/]+)\/_current\/meta$/;

type Manifests = Instance & {
  listDatasets(project: string, options?: { name?: string }): Promise<DatasetRecord[]>;
  datasetManifest(ref: ArtifactRef): Promise<Record<string, unknown>>;
};

/** The table (and whether to drop the revision) a `_current/meta` read stands for, if any. */
async function versionTable(
  ctx: ServerContext,
  table: string,
  revision: unknown,
): Promise<string | undefined> {
  const m = CURRENT.exec(table);
  if (!m || ctx.store.tables(table).includes(table)) return undefined;
  let instance: Manifests;
  try {
    instance = ctx.instance() as Manifests;
    if (typeof instance.datasetManifest !== "function") return undefined;
  } catch {
    return undefined;
  }
  const project = await ctx.project(m[1]).catch(() => undefined);
  if (!project) return undefined;
  const versions = await instance.listDatasets(project, { name: m[2] }).catch(() => []);
  const wanted = revision === undefined || revision === null || String(revision) === "" ||
      String(revision) === "0"
    ? undefined
    : String(revision);
  for (const v of versions) {
    const manifest = await instance.datasetManifest({ project, name: v.name, version: v.version });
    if (typeof manifest.table !== "string") continue;
    if (wanted === undefined || String(manifest.data_datastore_revision) === wanted) {
      return manifest.table;
    }
  }
  return undefined;
}

/**
 * Rewrites the tables of a `scanTable` (`tables[].tableName`) or `queryTable` (`tableName`) body
 * that name a `_current/meta` table this server keeps per version.
 *
 * @param ctx The server context.
 * @param body The request body; changed in place.
 * @returns The body.
 */
export async function aliasDatasetTables(
  ctx: ServerContext,
  body: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const descs = Array.isArray(body.tables) ? body.tables as Record<string, unknown>[] : [body];
  for (const d of descs) {
    if (!d || typeof d !== "object" || typeof d.tableName !== "string") continue;
    const own = await versionTable(ctx, d.tableName, d.revision ?? body.revision);
    if (!own) continue;
    d.tableName = own;
    delete d.revision;
  }
  return body;
}
