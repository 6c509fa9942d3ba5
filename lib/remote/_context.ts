/**
 * What the internal job, log and copy functions of `RemoteInstance` need from it: the API client,
 * its calls with the errors mapped, the project-id and version lookups, and its job reads.
 *
 * @module
 */
import type { JobRecord, JobRef } from "../sdk/instance.ts";
import type { ApiClient } from "./http.ts";

/** The `[kind, name, project?]` a 404 names, for a `NotFoundError`. */
export type NotFoundOf = [string, string, string?];

/** The instance's plumbing, as the internal functions take it. */
export interface RemoteContext {
  /** The API client. */
  readonly api: ApiClient;
  /** The server's base URL. */
  readonly url: string;
  /** One API call (refused once the instance is closed), its errors mapped to the SDK's. */
  call(
    path: string,
    request: Parameters<ApiClient["request"]>[1],
    notFound?: NotFoundOf,
  ): Promise<unknown>;
  /** The project's id on the server. */
  projectId(project: string): Promise<string>;
  /** A model, dataset or runtime version's info, by its URI. */
  versionId<T extends { versionId: string }>(
    project: string,
    kind: "model" | "dataset" | "runtime",
    uri: string,
  ): Promise<T>;
  /** A job's record. */
  getJob(ref: JobRef): Promise<JobRecord>;
}

/** Encodes a path segment. */
export const enc = encodeURIComponent;
