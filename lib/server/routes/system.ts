/**
 * The small resources: `/health` (no token needed), `/api/v1/user/current` (the one user of a
 * standalone server) and `/api/v1/system/version` (this package's version, from `deno.json`).
 *
 * @module
 */
import type { Hono } from "../../_deps.ts";
import { USER_VO } from "../../wire/mod.ts";
import { ok, resource, type ServerEnv } from "../_context.ts";
import manifest from "../../../deno.json" with { type: "json" };

/** This package's version, as `deno.json` declares it. */
export const SERVER_VERSION: string = manifest.version;

/**
 * The health sub-app, to mount at `/health`.
 *
 * @returns The sub-app answering `{status: "ok"}`.
 */
export function healthRoutes(): Hono<ServerEnv> {
  return resource("SERVER").get("/", (c) => c.json({ status: "ok" }));
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
 * @returns The sub-app answering the server's version.
 */
export function systemRoutes(): Hono<ServerEnv> {
  return resource("SYSTEM").get("/version", (c) => ok(c, SERVER_VERSION));
}
