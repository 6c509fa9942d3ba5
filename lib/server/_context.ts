/**
 * What the route modules share: the Hono environment (the request's error subject), a factory
 * for per-resource sub-apps, and the {@link ServerContext} handed to each of them.
 *
 * @module
 */
import { type Context, Hono } from "../_deps.ts";
import type { Instance } from "../sdk/mod.ts";
import type { JobLauncher } from "../jobs/mod.ts";
import { ApiError, success } from "./api_error.ts";
import { readJson, show } from "./_body.ts";
import { JobIds } from "./_job_ids.ts";
import type { ServerStore } from "./store.ts";
import type { ReadLimits } from "./routes/_scan.ts";

/** The Hono environment of the server: `subject` names the resource in 400 codes. */
export type ServerEnv = { Variables: { subject: string } };

/** A request context of the server. */
export type ServerCtx = Context<ServerEnv>;

/**
 * A sub-app for one resource: its requests' errors are answered with `subject` in the code.
 *
 * @param subject `JOB`, `PROJECT`, `Starwhale Internal DataStore`, ...
 * @returns The sub-app, to mount with `app.route`.
 */
export function resource(subject: string): Hono<ServerEnv> {
  const app = new Hono<ServerEnv>();
  app.use(async (c, next) => {
    c.set("subject", subject);
    await next();
  });
  return app;
}

/** A path parameter, `""` when absent. */
export function param(c: ServerCtx, name: string): string {
  return c.req.param(name) ?? "";
}

/**
 * The `pageNum` (default 1) and `pageSize` (default 10) query parameters.
 *
 * @throws {ApiError} 400 when one is not a positive integer.
 */
export function paging(c: ServerCtx): { pageNum: number; pageSize: number } {
  const int = (name: string) => {
    const v = c.req.query(name);
    if (v === undefined || v === "") return undefined;
    if (!/^\d+$/.test(v) || Number(v) < 1) {
      throw ApiError.invalid(
        c.get("subject"),
        `'${name}' must be a positive integer, got ${show(v)}`,
      );
    }
    return Number(v);
  };
  return { pageNum: int("pageNum") ?? 1, pageSize: int("pageSize") ?? 10 };
}

/** The success envelope around `data`. */
export function ok(c: ServerCtx, data: unknown): Response {
  return c.json(success(data));
}

/** Options of {@link ServerContext}. */
export interface ServerContextOptions {
  /** The instance served; without one, only the datastore routes answer. */
  instance?: Instance;
  /** The datastore. */
  store: ServerStore;
  /** Runs the jobs created through the API. */
  launcher?: JobLauncher;
  /** Largest accepted request body in bytes. */
  maxBodyBytes: number;
  /** How long reads run before letting other requests in; the `orderBy` bound. */
  readLimits: ReadLimits;
}

/** The served instance, its datastore, the job id table and the body limit. */
export class ServerContext {
  /** The datastore operations. */
  readonly store: ServerStore;
  /** Numeric job ids. */
  readonly ids: JobIds;
  /** Numeric task ids: of `<job id>-<task position>`. */
  readonly taskIds: JobIds;
  /** Runs the jobs created through the API, if any. */
  readonly launcher: JobLauncher | undefined;
  /** How long reads run before letting other requests in; the `orderBy` bound. */
  readonly readLimits: ReadLimits;
  readonly #instance: Instance | undefined;
  readonly #limit: number;

  /** @param options The instance, store, launcher and body limit. */
  constructor(options: ServerContextOptions) {
    this.store = options.store;
    this.ids = new JobIds(options.store);
    this.taskIds = new JobIds(options.store, { table: "sys/server/task_ids" });
    this.launcher = options.launcher;
    this.readLimits = options.readLimits;
    this.#instance = options.instance;
    this.#limit = options.maxBodyBytes;
  }

  /** The served instance; a 503 when the server serves only the datastore. */
  instance(): Instance {
    if (!this.#instance) throw ApiError.unavailable("this server serves only the datastore");
    return this.#instance;
  }

  /** Resolves a project segment (a name, or `id:name`) to a project name; 404 when unknown. */
  async project(p: string): Promise<string> {
    const names = await this.instance().listProjects();
    const name = p.includes(":") ? p.slice(p.indexOf(":") + 1) : p;
    if (!names.includes(name)) {
      throw new ApiError(
        404,
        "ValidationException",
        `Resource is not found Project\nUnable to find project ${p}`,
      );
    }
    return name;
  }

  /** The request's JSON object body (`{}` for an empty one when `optional`). */
  body(c: ServerCtx, options: { optional?: boolean } = {}): Promise<Record<string, unknown>> {
    return readJson(c.req.raw, {
      limit: this.#limit,
      subject: c.get("subject"),
      optional: options.optional,
    });
  }

  /** Stops the launcher's running jobs and waits for pending id writes. */
  async close(): Promise<void> {
    await this.launcher?.close();
    await this.ids.close();
    await this.taskIds.close();
  }
}
