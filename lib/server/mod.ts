/**
 * A Starwhale Server REST API (`/api/v1`) over a standalone instance, as a Hono app: datastore
 * `updateTable`/`scanTable`/`queryTable`/`listTables`/`flush`, projects, the current user, jobs
 * and the model and dataset lookups, in upstream's `{code, message, data}` envelope behind a
 * Bearer token. `createApp` builds the app (test it in-process with `app.hono.request(...)`);
 * `serve` puts it on a socket.
 *
 * @example Serve a datastore in-process and ask who is logged in
 * ```ts
 * import assert from "node:assert/strict";
 * import { Datastore } from "@starwhale/sdk/datastore";
 * import { createApp } from "@starwhale/sdk/server";
 * const dir = await Deno.makeTempDir();
 * await using store = await Datastore.open(dir, { durability: "none" });
 * const app = createApp({ store, token: "secret" });
 * const res = await app.fetch(new Request("http://x/api/v1/user/current", {
 *   headers: { authorization: "Bearer secret" },
 * }));
 * assert.equal((await res.json()).data.name, "starwhale");
 * await app.close();
 * ```
 *
 * @module
 */
export { createApp } from "./app.ts";
export type { HonoApp, ServerApp, ServerOptions } from "./app.ts";
export { ApiError, DATASTORE_SUBJECT } from "./api_error.ts";
export type { Envelope } from "./api_error.ts";
export { DURABILITY_GUARANTEES, serve } from "./serve.ts";
export type { RunningServer, ServeOptions } from "./serve.ts";
export type {
  ScanTableDesc,
  ServerStore,
  StoreRows,
  StoreScanOptions,
  StoreTableSchema,
} from "./store.ts";
export { SERVER_VERSION } from "./routes/system.ts";
export type * from "../sdk/instance.ts";
export type {
  ColumnSchema,
  ColumnType,
  Durability,
  Key,
  Row,
  ScalarType,
  ScanOptions,
  SwObject,
  TableWrite,
  Value,
} from "../../datastore/mod.ts";
export type { JobLauncher } from "../jobs/mod.ts";
export { WorkerLauncher } from "../jobs/mod.ts";
export type { WorkerLauncherOptions } from "../jobs/mod.ts";
export { serveConsole } from "./console/mod.ts";
export type { ConsoleServer, ServeConsoleOptions } from "./console/mod.ts";
