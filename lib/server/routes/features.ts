/**
 * `GET /api/v1/system/features` (`FeaturesVo`): the server's features, as a Starwhale Server
 * answers them (`disabled`: the features turned off), plus this server's extension list
 * `extensions`. A client that finds `dataset-version-table` there may name a dataset version's
 * own rows table in the uploaded manifest (`table`); a Starwhale Server has no such list, and a
 * client then writes the rows to `_current/meta` as Starwhale's Python client does.
 *
 * @module
 */
import type { Hono } from "../../_deps.ts";
import { ok, resource, type ServerEnv } from "../_context.ts";

/** The extensions this server announces. */
export const SERVER_EXTENSIONS: readonly string[] = ["dataset-version-table"];

/**
 * The features sub-app, to mount at `/api/v1/system`.
 *
 * @returns `GET /features`.
 */
export function featureRoutes(): Hono<ServerEnv> {
  return resource("SYSTEM").get(
    "/features",
    (c) =>
      ok(c, {
        disabled: ["online-eval", "job-dev", "job-proxy", "fine-tune"],
        extensions: SERVER_EXTENSIONS,
      }),
  );
}
