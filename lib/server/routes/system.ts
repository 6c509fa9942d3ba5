/**
 * The small resources: `/health` (no token needed), `/api/v1/user/current` (the one user of a
 * standalone server) and `/api/v1/system/version` (`{id, version}`: this package's version, from `deno.json`).
 *
 * @module
 */
import type { Hono } from "../../_deps.ts";
import { USER_VO } from "../../wire/mod.ts";
import { ok, resource, type ServerContext, type ServerEnv } from "../_context.ts";
import manifest from "../../../deno.json" with { type: "json" };

/** This package's version, as `deno.json` declares it. */
export const SERVER_VERSION: string = manifest.version;

/** The table the health check writes to while writes fail, to learn whether they work again. */
const PROBE_TABLE = "sys/server/health";

/**
 * The health sub-app, to mount at `/health`: `{status: "ok"}`, or a 503
 * `{status: "unavailable", reason}` while writes cannot be made durable (a full disk, an I/O
 * error). While they fail, each check tries one small write, so the answer turns back to ok by
 * itself once they work again.
 *
 * @param ctx The server context.
 * @returns The sub-app.
 */
export function healthRoutes(ctx: ServerContext): Hono<ServerEnv> {
  return resource("SERVER").get("/", async (c) => {
    if (ctx.store.writeFailure !== undefined) {
      try {
        await ctx.store.update(PROBE_TABLE, [{ id: "probe", checkedAt: Date.now() }]);
      } catch (e) {
        const reason = `writes cannot be made durable: ${(e as Error)?.message ?? e}`;
        return c.json({ status: "unavailable", reason }, 503);
      }
    }
    return c.json({ status: "ok" });
  });
}

/**
 * The user sub-app, to mount at `/api/v1/user`.
 *
 * @returns The sub-app answering the current `UserVo`.
 */
export function userRoutes(): Hono<ServerEnv> {
  return resource("USER").get("/current", (c) => ok(c, USER_VO));
}

/**
 * The system sub-app, to mount at `/api/v1/system`.
 *
 * @returns The sub-app answering the server's version as a `SystemVersionVo`.
 */
export function systemRoutes(): Hono<ServerEnv> {
  return resource("SYSTEM").get("/version", (c) => ok(c, { id: "", version: SERVER_VERSION }));
}
