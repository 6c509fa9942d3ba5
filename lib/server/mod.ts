/**
 * A Starwhale Server REST API (`/api/v1`) over a standalone instance, as a Hono app: datastore
 * `updateTable`/`scanTable`/`queryTable`/`listTables`/`flush`, projects, the current user and
 * jobs, in upstream's `{code, message, data}` envelope behind a Bearer token.
 *
 * @example Serve a standalone instance in-process and ask who is logged in
 * ```ts ignore
 * import { createApp } from "@starwhale/sdk/server";
 * import { StandaloneInstance } from "@starwhale/sdk";
 * const instance = new StandaloneInstance(await Deno.makeTempDir());
 * const app = createApp({ instance, token: "secret" });
 * const res = await app.fetch(new Request("http://x/api/v1/user/current", {
 *   headers: { authorization: "Bearer secret" },
 * }));
 * console.assert((await res.json()).data.name === "starwhale");
 * await app.close();
 * ```
 *
 * @module
 */
export { createApp } from "./app.ts";
export type { ServerApp, ServerOptions } from "./app.ts";
export { ApiError } from "./http.ts";
export { serve } from "./serve.ts";
export type { RunningServer, ServeOptions } from "./serve.ts";
export type { ScanTableDesc, ServerStore, StoreScanOptions, StoreTableSchema } from "./store.ts";
export type { CreateJobOptions, Instance, JobRecord, JobRef } from "../sdk/mod.ts";
export type { Key, Row } from "../../datastore/mod.ts";
export type { JobLauncher } from "../jobs/mod.ts";
export { WorkerLauncher } from "../jobs/mod.ts";
export type { WorkerLauncherOptions } from "../jobs/mod.ts";
export { createConsole, serveConsole } from "./console/mod.ts";
export type { ConsoleOptions, ConsoleServer, ServeConsoleOptions } from "./console/mod.ts";
