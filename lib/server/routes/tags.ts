/**
 * Tags of a model or dataset version, with Starwhale's routes and shapes (`TagApi` of the Python
 * client, `ModelController`/`DatasetController` of the Java server):
 * `GET /api/v1/project/{p}/{model|dataset}/{name}/version/{v}/tag` → the version's tags
 * (`ResponseMessage<List<String>>`, `latest` and `vN` left out: they are aliases), and `POST` of
 * `{tag, force}` to add one (`force` moves it from another version; without it, a tag another
 * version holds is a 400).
 *
 * @module
 */
import type { Hono } from "../../_deps.ts";
import { StandaloneInstance, tagBundle } from "../../standalone/mod.ts";
import { ApiError } from "../api_error.ts";
import { ok, param, resource, type ServerContext, type ServerEnv } from "../_context.ts";

const BUILTIN = /^(latest|v\d+)$/;

/**
 * The tag sub-app of models or datasets, to mount at `/api/v1/project/:p/{kind}`.
 *
 * @param ctx The server context.
 * @param kind `model` or `dataset`.
 * @returns The sub-app.
 */
export function tagRoutes(ctx: ServerContext, kind: "model" | "dataset"): Hono<ServerEnv> {
  const subject = kind.toUpperCase();
  return resource(subject)
    .get("/:name/version/:v/tag", async (c) => {
      const project = await ctx.project(param(c, "p"));
      const ref = { project, name: param(c, "name"), version: param(c, "v") };
      const instance = ctx.instance();
      const record = kind === "model"
        ? await instance.getModel(ref)
        : await instance.getDataset(ref);
      return ok(c, record.tags.filter((t) => !BUILTIN.test(t)));
    })
    .post("/:name/version/:v/tag", async (c) => {
      const project = await ctx.project(param(c, "p"));
      const body = await ctx.body(c);
      const instance = ctx.instance();
      if (!(instance instanceof StandaloneInstance)) {
        throw ApiError.invalid(subject, `tagging a ${kind} is not supported by this server`);
      }
      if (typeof body.tag !== "string" || body.tag === "") {
        throw ApiError.invalid(subject, "'tag' must be a non-empty string");
      }
      const ref = {
        root: instance.root,
        project,
        type: kind,
        name: param(c, "name"),
        version: param(c, "v"),
      };
      await tagBundle(ref, { tags: [body.tag], force: body.force === true });
      return ok(c, "success");
    });
}
