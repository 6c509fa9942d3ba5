/**
 * The recycle bin (`/api/v1/project/{p}/trash`), as a Starwhale Server has it: the paged list of
 * removed jobs (`TrashVo`s, `?name=` a prefix of the job id, `?type=`), and `PUT .../trash/{id}`
 * to bring one back. A removed job's trash id is its numeric id.
 *
 * @module
 */
import type { Hono } from "../../_deps.ts";
import type { JobRecord } from "../../sdk/mod.ts";
import { StandaloneInstance } from "../../standalone/mod.ts";
import { pageInfo, trashVo } from "../../wire/mod.ts";
import { ApiError } from "../api_error.ts";
import { show } from "../_body.ts";
import { ok, paging, param, resource, type ServerContext, type ServerEnv } from "../_context.ts";

const T = "TRASH";

/**
 * The trash sub-app, to mount at `/api/v1/project/:p/trash`.
 *
 * @param ctx The server context.
 * @param recover Brings a removed job back (the job routes' `recover`).
 * @returns The sub-app.
 */
export function trashRoutes(
  ctx: ServerContext,
  recover: (project: string, jobId: string) => Promise<void>,
): Hono<ServerEnv> {
  const removed = async (project: string): Promise<JobRecord[]> => {
    const instance = ctx.instance();
    if (!(instance instanceof StandaloneInstance)) {
      throw ApiError.invalid(T, "the recycle bin is not supported by this server");
    }
    return await instance.listRemovedJobs(project);
  };
  return resource(T)
    .get("/", async (c) => {
      const project = await ctx.project(param(c, "p"));
      const { pageNum, pageSize } = paging(c);
      const name = c.req.query("name") ?? "", type = c.req.query("type") ?? "";
      const jobs = (type === "" || type === "EVALUATION")
        ? (await removed(project)).filter((j) => j.id.startsWith(name))
        : [];
      const list = [];
      for (const job of jobs.slice((pageNum - 1) * pageSize, pageNum * pageSize)) {
        list.push(trashVo(job, await ctx.ids.numericId(job.id)));
      }
      return ok(c, pageInfo(list, { total: jobs.length, pageNum, pageSize }));
    })
    .put("/:id", async (c) => {
      const project = await ctx.project(param(c, "p"));
      const id = param(c, "id");
      if (!/^\d+$/.test(id)) {
        throw ApiError.invalid(T, `invalid trash id ${show(id)}: expected a number`);
      }
      const uuid = await ctx.ids.uuidOf(Number(id));
      if (!uuid || !(await removed(project)).some((j) => j.id === uuid)) {
        throw ApiError.invalid(T, "Can not find trash.");
      }
      await recover(project, uuid);
      return ok(c, "success");
    });
}
