/**
 * The models and datasets of a project (`/api/v1/project/{p}/model` and `.../dataset`): the
 * paged list (`PageInfo<ModelVo>`, one entry per name with its newest version; `?name=` keeps the
 * names that contain it), a name's versions (`.../{name}/version`, `PageInfo<ModelVersionVo>`)
 * and one version (`.../{name}?versionName=` or the older `?versionUrl=`: a version, a unique
 * prefix or a tag, default `latest`), which is what a client resolves a URI with before it
 * creates a job.
 *
 * @module
 */
import type { Hono } from "../../_deps.ts";
import {
  type ArtifactRef,
  type ArtifactStore,
  hasArtifactStore,
  type ModelRecord,
} from "../../sdk/mod.ts";
import {
  datasetInfoVo,
  datasetVersionVo,
  datasetVo,
  modelInfoVo,
  modelVersionVo,
  modelVo,
  pageInfo,
} from "../../wire/mod.ts";
import { ApiError } from "../api_error.ts";
import {
  ok,
  paging,
  param,
  resource,
  type ServerContext,
  type ServerCtx,
  type ServerEnv,
} from "../_context.ts";
import { modelFacts } from "./_model_facts.ts";

/** A standalone instance reads a dataset version's stored manifest. */
type ManifestReader = { datasetManifest(ref: ArtifactRef): Promise<Record<string, unknown>> };

/** The version a lookup names: `versionName` (the Python client) or `versionUrl`. */
function versionOf(c: ServerCtx): string {
  return c.req.query("versionName") || c.req.query("versionUrl") || "latest";
}

function store(ctx: ServerContext, what: "models" | "datasets"): ArtifactStore {
  const instance = ctx.instance();
  if (!hasArtifactStore(instance)) {
    const subject = what === "models" ? "MODEL" : "DATASET";
    throw ApiError.invalid(subject, `listing ${what} is not supported by this server`);
  }
  return instance;
}

/** One page of `items`. */
function page<T>(c: ServerCtx, items: T[]) {
  const { pageNum, pageSize } = paging(c);
  const list = items.slice((pageNum - 1) * pageSize, pageNum * pageSize);
  return pageInfo(list, { total: items.length, pageNum, pageSize });
}

/**
 * The records whose name contains `?name=`, as a Starwhale Server matches it (SQL `like
 * '%name%'`); all of them without it.
 */
function matching<T extends { name: string }>(c: ServerCtx, records: T[]): T[] {
  const name = c.req.query("name");
  return name ? records.filter((r) => r.name.includes(name)) : records;
}

/** The newest record of each name, in the order the names first appear (newest first). */
function newestPerName<T extends { name: string }>(records: T[]): T[] {
  const seen = new Map<string, T>();
  for (const r of records) if (!seen.has(r.name)) seen.set(r.name, r);
  return [...seen.values()];
}

/**
 * The models sub-app, to mount at `/api/v1/project/:p/model`.
 *
 * @param ctx The server context.
 * @returns The sub-app answering `ModelVo`s, `ModelVersionVo`s and `ModelInfoVo`s.
 */
export function modelRoutes(ctx: ServerContext): Hono<ServerEnv> {
  const list = async (c: ServerCtx, name?: string) => {
    const project = await ctx.project(param(c, "p"));
    return await store(ctx, "models").listModels(project, name ? { name } : {});
  };
  /** One page of records, each with its step graphs and packaged runtime. */
  const pageWithFacts = async (c: ServerCtx, records: ModelRecord[]) => {
    const { pageNum, pageSize } = paging(c);
    const list = records.slice((pageNum - 1) * pageSize, pageNum * pageSize);
    const withFacts = await Promise.all(
      list.map(async (m) => ({ m, facts: await modelFacts(ctx.instance(), m) })),
    );
    return { withFacts, total: records.length, pageNum, pageSize };
  };
  return resource("MODEL")
    .get("/", async (c) => {
      const { withFacts, ...at } = await pageWithFacts(
        c,
        newestPerName(matching(c, await list(c))),
      );
      return ok(c, pageInfo(withFacts.map(({ m, facts }) => modelVo(m, facts)), at));
    })
    .get("/:name/version", async (c) => {
      const { withFacts, ...at } = await pageWithFacts(c, await list(c, param(c, "name")));
      return ok(c, pageInfo(withFacts.map(({ m, facts }) => modelVersionVo(m, facts)), at));
    })
    .get("/:name", async (c) => {
      const project = await ctx.project(param(c, "p"));
      const ref = { project, name: param(c, "name"), version: versionOf(c) };
      const record = await ctx.instance().getModel(ref);
      return ok(c, modelInfoVo(record, await modelFacts(ctx.instance(), record)));
    });
}

/**
 * The datasets sub-app, to mount at `/api/v1/project/:p/dataset`.
 *
 * @param ctx The server context.
 * @returns The sub-app answering `DatasetVo`s, `DatasetVersionVo`s and `DatasetInfoVo`s.
 */
export function datasetRoutes(ctx: ServerContext): Hono<ServerEnv> {
  const list = async (c: ServerCtx, name?: string) => {
    const project = await ctx.project(param(c, "p"));
    return await store(ctx, "datasets").listDatasets(project, name ? { name } : {});
  };
  return resource("DATASET")
    .get(
      "/",
      async (c) => ok(c, page(c, newestPerName(matching(c, await list(c))).map(datasetVo))),
    )
    .get(
      "/:name/version",
      async (c) =>
        ok(c, page(c, (await list(c, param(c, "name"))).map((d) => datasetVersionVo(d)))),
    )
    .get("/:name", async (c) => {
      const project = await ctx.project(param(c, "p"));
      const ref = { project, name: param(c, "name"), version: versionOf(c) };
      const instance = ctx.instance();
      const record = await instance.getDataset(ref);
      const stored = instance as Partial<ManifestReader>;
      const manifest = typeof stored.datasetManifest === "function"
        ? await stored.datasetManifest({ ...ref, version: record.version })
        : undefined;
      return ok(c, datasetInfoVo(record, manifest));
    });
}
