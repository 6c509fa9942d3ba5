/**
 * The projects resource (`/api/v1/project`): the paged list of projects (`pageNum`, `pageSize`,
 * default 10) and one project by name, each with the counts of its models, datasets and jobs.
 *
 * @module
 */
import type { Hono } from "../../_deps.ts";
import type { Instance } from "../../sdk/mod.ts";
import { StandaloneInstance } from "../../standalone/mod.ts";
import { pageInfo, projectVo, type StatisticsVo } from "../../wire/mod.ts";
import { ok, paging, param, resource, type ServerContext, type ServerEnv } from "../_context.ts";

/**
 * The projects sub-app, to mount at `/api/v1/project`.
 *
 * @param ctx The server context.
 * @returns The sub-app answering `ProjectVo`s.
 */
export function projectRoutes(ctx: ServerContext): Hono<ServerEnv> {
  return resource("PROJECT")
    .get("/", async (c) => {
      const instance = ctx.instance();
      const { pageNum, pageSize } = paging(c);
      const names = await instance.listProjects();
      const list = [];
      for (const name of names.slice((pageNum - 1) * pageSize, pageNum * pageSize)) {
        list.push(projectVo(name, await statistics(instance, name)));
      }
      return ok(c, pageInfo(list, { total: names.length, pageNum, pageSize }));
    })
    .get("/:p", async (c) => {
      const name = await ctx.project(param(c, "p"));
      return ok(c, projectVo(name, await statistics(ctx.instance(), name)));
    });
}

/** Models and datasets by name (on a standalone instance), jobs, one member, no runtimes. */
async function statistics(instance: Instance, project: string): Promise<StatisticsVo> {
  const [, page] = await instance.listJobs(project, { pageSize: 1 });
  const names = (records: { name: string }[]) => new Set(records.map((r) => r.name)).size;
  const local = instance instanceof StandaloneInstance;
  return {
    modelCounts: local ? names(await instance.listModels(project)) : 0,
    datasetCounts: local ? names(await instance.listDatasets(project)) : 0,
    runtimeCounts: 0,
    memberCounts: 1,
    evaluationCounts: page.total,
  };
}
