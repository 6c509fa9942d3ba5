/**
 * The model and dataset lookups (`/api/v1/project/{p}/model/{name}` and `.../dataset/{name}`,
 * `?versionUrl=` a version, a unique prefix or a tag, default `latest`): what a client resolves a
 * model or dataset URI with before it creates a job.
 *
 * @module
 */
import type { Hono } from "../../_deps.ts";
import { datasetInfoVo, modelInfoVo } from "../../wire/mod.ts";
import { ok, param, resource, type ServerContext, type ServerEnv } from "../_context.ts";

/**
 * The models sub-app, to mount at `/api/v1/project/:p/model`.
 *
 * @param ctx The server context.
 * @returns The sub-app answering `ModelInfoVo`s.
 */
export function modelRoutes(ctx: ServerContext): Hono<ServerEnv> {
  return resource("MODEL").get("/:name", async (c) => {
    const project = await ctx.project(param(c, "p"));
    const version = c.req.query("versionUrl") || "latest";
    const m = await ctx.instance().getModel({ project, name: param(c, "name"), version });
    return ok(c, modelInfoVo(m));
  });
}

/**
 * The datasets sub-app, to mount at `/api/v1/project/:p/dataset`.
 *
 * @param ctx The server context.
 * @returns The sub-app answering `DatasetInfoVo`s.
 */
export function datasetRoutes(ctx: ServerContext): Hono<ServerEnv> {
  return resource("DATASET").get("/:name", async (c) => {
    const project = await ctx.project(param(c, "p"));
    const version = c.req.query("versionUrl") || "latest";
    const d = await ctx.instance().getDataset({ project, name: param(c, "name"), version });
    return ok(c, datasetInfoVo(d));
  });
}
