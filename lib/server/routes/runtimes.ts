/**
 * The runtime packages of a project (`/api/v1/project/{p}/runtime`), as far as Starwhale's Python
 * client needs them to copy a model that carries one (`swcli model copy`): `HEAD
 * …/runtime/{name}/version/{v}` answers 200 when the version is stored and 404 when not, `POST
 * …/version/{v}/file` stores the multipart part `file` (`force=1` replaces a stored version;
 * without it a stored version is a 409, as on a Starwhale Server), and `GET …/version/{v}/file`
 * serves it back. This server runs no runtime: jobs run on Deno.
 *
 * @module
 */
import type { Hono } from "../../_deps.ts";
import { NotFoundError } from "../../sdk/mod.ts";
import { RuntimeStore, StandaloneInstance } from "../../standalone/mod.ts";
import { ApiError } from "../api_error.ts";
import {
  ok,
  param,
  resource,
  type ServerContext,
  type ServerCtx,
  type ServerEnv,
} from "../_context.ts";

/** The largest runtime package this server takes, in bytes. */
const MAX_PACKAGE = 512 * 1024 * 1024;

/**
 * The runtimes sub-app, to mount at `/api/v1/project/:p/runtime`.
 *
 * @param ctx The server context.
 * @returns The sub-app.
 */
export function runtimeRoutes(ctx: ServerContext): Hono<ServerEnv> {
  const at = async (c: ServerCtx) => {
    const project = await ctx.project(param(c, "p"));
    const instance = ctx.instance();
    if (!(instance instanceof StandaloneInstance)) {
      throw ApiError.invalid("RUNTIME", "storing runtimes is not supported by this server");
    }
    return { store: new RuntimeStore(instance.root, project), name: param(c, "name") };
  };
  return resource("RUNTIME")
    // Hono answers a HEAD with the GET route, body left out.
    .get("/:name/version/:v", async (c) => {
      const { store, name } = await at(c);
      if (!await store.has(name, param(c, "v"))) {
        throw new NotFoundError("runtime version", `${name}/version/${param(c, "v")}`);
      }
      return ok(c, "");
    })
    .post("/:name/version/:v/file", async (c) => {
      const { store, name } = await at(c);
      const version = param(c, "v");
      if (Number(c.req.header("content-length") ?? 0) > MAX_PACKAGE) {
        throw new ApiError(
          413,
          "INVALID REQUEST: RUNTIME",
          `a runtime is at most ${MAX_PACKAGE} bytes`,
        );
      }
      const form = await c.req.parseBody();
      const file = form.file;
      if (!(file instanceof File)) {
        throw ApiError.invalid("RUNTIME", "the runtime package must be the multipart part 'file'");
      }
      const replace = String(form.force ?? c.req.query("force") ?? "") === "1";
      const data = new Uint8Array(await file.arrayBuffer());
      if (!await store.write(name, version, data, { replace })) {
        throw new ApiError(
          409,
          "INVALID REQUEST: RUNTIME",
          `Runtime version ${name}/version/${version} is stored already (force=1 replaces it)`,
        );
      }
      return ok(c, "");
    })
    .get("/:name/version/:v/file", async (c) => {
      const { store, name } = await at(c);
      const version = param(c, "v");
      const data = await store.read(name, version);
      if (!data) throw new NotFoundError("runtime version", `${name}/version/${version}`);
      return c.body(data as Uint8Array<ArrayBuffer>, 200, {
        "content-type": "application/octet-stream",
        "content-disposition": `attachment; filename="${version}.swrt"`,
      });
    });
}
