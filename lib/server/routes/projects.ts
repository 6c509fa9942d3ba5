/**
 * The projects resource (`/api/v1/project`): the list of projects and one project by name.
 *
 * @module
 */
import type { Hono } from "../../_deps.ts";
import { projectVo } from "../../wire/mod.ts";
import { ok, param, resource, type ServerContext, type ServerEnv } from "../_context.ts";

/**
 * The projects sub-app, to mount at `/api/v1/project`.
 *
 * @param ctx The server context.
 * @returns The sub-app answering `ProjectVo`s.
 */
export function projectRoutes(ctx: ServerContext): Hono<ServerEnv> {
  return resource("PROJECT")
    .get("/", async (c) => {
      const names = await ctx.instance().listProjects();
      return ok(c, {
        list: names.map(projectVo),
        total: names.length,
        pageNum: 1,
        pageSize: names.length,
        size: names.length,
      });
    })
    .get("/:p", async (c) => ok(c, projectVo(await ctx.project(param(c, "p")))));
}
