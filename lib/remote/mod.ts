/**
 * `RemoteInstance`: the `Instance` seam over the Starwhale Server REST API, so `Job`, `Model` and
 * `Dataset` work the same against a Starwhale Server/Cloud (or this package's own server) as
 * against the standalone instance, and throw the same error classes.
 *
 * @example List the jobs of a project on a server (by name, `owner:name` or id)
 * ```ts ignore
 * import { RemoteInstance } from "@starwhale/sdk/remote";
 * await using server = new RemoteInstance({ url: "http://127.0.0.1:8082", token: "secret" });
 * const [jobs, page] = await server.listJobs("starwhale:mnist", { pageSize: 5 });
 * console.log(jobs.map((j) => j.status), page.total);
 * ```
 *
 * @module
 */
export { RemoteInstance } from "./instance.ts";
export type { RemoteInstanceOptions } from "./instance.ts";
export { ApiClient } from "./http.ts";
export type * from "../sdk/instance.ts";
export type {
  ColumnSchema,
  ColumnType,
  Key,
  Row,
  ScalarType,
  ScanOptions,
  SwObject,
  Value,
} from "../../datastore/mod.ts";
export type { ApiClientOptions, ApiRequest } from "./http.ts";
