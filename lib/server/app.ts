/**
 * The Hono app behind the server: one sub-app per resource mounted with `app.route`, the token
 * check in front of `/api/v1`, and one `onError` that answers every thrown error through the
 * status table of `api_error.ts` in the `{code, message, data}` envelope.
 *
 * @module
 */
import { resolve } from "node:path";
import { Hono } from "../_deps.ts";
import type { Instance } from "../sdk/mod.ts";
import { type JobLauncher, WorkerLauncher } from "../jobs/mod.ts";
import { StandaloneInstance } from "../standalone/mod.ts";
import { ApiError, errorResponse, jsonResponse, toApiError } from "./api_error.ts";
import { checkAuth } from "./_auth.ts";
import { ServerContext, type ServerEnv } from "./_context.ts";
import { instanceStore } from "./_instance_store.ts";
import type { ServerStore } from "./store.ts";
import { datasetRoutes, modelRoutes } from "./routes/artifacts.ts";
import { modelTransferRoutes } from "./routes/model_transfer.ts";
import { blobRoutes, signedRoutes } from "./routes/blobs.ts";
import { datasetTransferRoutes } from "./routes/dataset_transfer.ts";
import { runtimeRoutes } from "./routes/runtimes.ts";
import { tagRoutes } from "./routes/tags.ts";
import { featureRoutes } from "./routes/features.ts";
import { BlobStore } from "./_blob_store.ts";
import { datastoreRoutes } from "./routes/datastore.ts";
import { READ_LIMITS } from "./routes/_scan.ts";
import { jobRoutes, Jobs } from "./routes/jobs.ts";
import { jobCopyRoutes } from "./routes/job_copy.ts";
import { logRoutes, Tasks } from "./routes/tasks.ts";
import { trashRoutes } from "./routes/trash.ts";
import { projectRoutes } from "./routes/projects.ts";
import { healthRoutes, systemRoutes, userRoutes } from "./routes/system.ts";
import { createConsole } from "./console/mod.ts";

/** Options of {@link createApp}. */
export interface ServerOptions {
  /** The standalone instance served; without one, only the datastore routes answer. */
  instance?: Instance;
  /** The token clients send as `Authorization: Bearer <token>`. */
  token: string;
  /** The datastore to serve; default the instance's own (opened in the background if needed). */
  store?: ServerStore;
  /** Runs jobs created through the API; default: a Worker per job. */
  launcher?: JobLauncher;
  /** Largest accepted request body in bytes. @default 67108864 */
  maxBodyBytes?: number;
  /**
   * Longest stretch in ms a scan or query works before it lets other requests in (0: every 64
   * rows). @default 10
   */
  sliceMs?: number;
  /**
   * Most rows a `queryTable` with `orderBy` keeps in memory to order them: its `start` + `limit`
   * may not exceed this (a 400 names the limit). @default 100000
   */
  maxOrderRows?: number;
}

/** The public face of the server's Hono app. */
export interface HonoApp {
  /** Answers a request in-process: a path (`"/health"`), a URL or a `Request`. */
  request(input: string | URL | Request, init?: RequestInit): Response | Promise<Response>;
  /** Answers a request. */
  fetch(request: Request): Response | Promise<Response>;
}

/** The server: the Hono app, a `fetch` handler and a graceful `close`. */
export interface ServerApp {
  /** The Hono app itself: `hono.request(path, init)` answers a request in-process. */
  readonly hono: HonoApp;
  /** Answers one request. */
  fetch(request: Request): Promise<Response>;
  /** Refuses new requests, waits for in-flight ones, stops running jobs; every call resolves. */
  close(): Promise<void>;
}

/**
 * Builds the API app over a standalone instance.
 *
 * @param options The instance, the token, and optional store, launcher and body limit.
 * @returns The app.
 * @throws {TypeError} When the token is empty or no datastore can be found.
 * @example Ask who is logged in, in-process
 * ```ts
 * import assert from "node:assert/strict";
 * import { Datastore } from "@starwhale/sdk/datastore";
 * import { createApp } from "@starwhale/sdk/server";
 * const dir = await Deno.makeTempDir();
 * await using store = await Datastore.open(dir, { durability: "none" });
 * const app = createApp({ store, token: "secret" });
 * const res = await app.hono.request("/api/v1/user/current", {
 *   headers: { authorization: "Bearer secret" },
 * });
 * assert.equal((await res.json()).data.name, "starwhale");
 * await app.close();
 * ```
 */
export function createApp(options: ServerOptions): ServerApp {
  if (typeof options.token !== "string" || options.token === "") {
    throw new TypeError("Cannot create the server: 'token' must be a non-empty string");
  }
  const { store, ready } = options.store
    ? { store: options.store, ready: () => Promise.resolve() }
    : instanceStore(options.instance);
  const ctx = new ServerContext({
    instance: options.instance,
    store,
    launcher: options.launcher ?? defaultLauncher(options.instance),
    maxBodyBytes: options.maxBodyBytes ?? 64 * 1024 * 1024,
    readLimits: {
      sliceMs: options.sliceMs ?? READ_LIMITS.sliceMs,
      maxOrderRows: options.maxOrderRows ?? READ_LIMITS.maxOrderRows,
    },
  });
  let inFlight = 0, closing = false;
  const drained = Promise.withResolvers<void>();
  let closed: Promise<void> | undefined;

  const app = new Hono<ServerEnv>();
  app.use(async (_c, next) => {
    if (closing) throw ApiError.unavailable("server is shutting down");
    inFlight++;
    try {
      await ready();
      await next();
    } finally {
      if (--inFlight === 0 && closing) drained.resolve();
    }
  });
  app.route("/health", healthRoutes(ctx));
  const blobs = options.instance instanceof StandaloneInstance
    ? new BlobStore(options.instance.root, options.token)
    : undefined;
  if (blobs) app.route("/signed", signedRoutes(ctx, blobs));
  app.use("/api/v1/*", async (c, next) => {
    const denied = checkAuth(c.req.raw, options.token);
    if (denied) return denied;
    await next();
    return undefined;
  });
  app.route("/api/v1/datastore", datastoreRoutes(ctx));
  app.route("/api/v1/user", userRoutes());
  app.route("/api/v1/system", systemRoutes());
  app.route("/api/v1/project", projectRoutes(ctx));
  const tasks = new Tasks(ctx);
  const jobs = new Jobs(ctx, tasks);
  app.route("/api/v1/project/:p/job", jobRoutes(ctx, jobs));
  app.route("/api/v1/project/:p/job", jobCopyRoutes(ctx));
  app.route("/api/v1/project/:p/trash", trashRoutes(ctx, (p, id) => jobs.act(p, id, "recover")));
  app.route("/api/v1/log", logRoutes(tasks));
  app.route("/api/v1/project/:p/model", modelRoutes(ctx));
  app.route("/api/v1/project/:p/dataset", datasetRoutes(ctx));
  if (blobs) {
    app.route("/api/v1/blob", blobRoutes(ctx, blobs));
    app.route("/api/v1/project/:p/model", modelTransferRoutes(ctx, blobs));
    app.route("/api/v1/project/:p/dataset", datasetTransferRoutes(ctx, blobs));
    app.route("/api/v1/system", featureRoutes());
    app.route("/api/v1/project/:p/model", tagRoutes(ctx, "model"));
    app.route("/api/v1/project/:p/dataset", tagRoutes(ctx, "dataset"));
    app.route("/api/v1/project/:p/runtime", runtimeRoutes(ctx));
  }
  app.route("/", createConsole({ ...options, api: (request) => app.fetch(request) }));
  app.notFound(() =>
    jsonResponse(404, { code: "NOT FOUND: 001", message: "Resource is not found", data: null })
  );
  const roots = options.instance instanceof StandaloneInstance
    ? [...new Set([resolve(options.instance.root), options.instance.root])]
    : [];
  app.onError((e, c) => {
    let answer = toApiError(e, c.get("subject") ?? "SERVER");
    const failure = store.writeFailure;
    if (answer.status === 500 && failure !== undefined) {
      // The disk is full or failing: the write was refused, not acknowledged; clients may retry.
      answer = ApiError.unavailable(`writes cannot be made durable: ${failure.message}`, {
        cause: e,
      });
    }
    // File system errors name absolute paths: the storage root is the server's own business.
    for (const root of roots) {
      if (!answer.message.includes(root)) continue;
      const message = answer.message.replaceAll(root, "<root>");
      answer = new ApiError(answer.status, answer.code, message, { cause: e });
    }
    return errorResponse(answer, "SERVER");
  });

  return {
    hono: app,
    fetch: async (request) => await app.fetch(request),
    close(): Promise<void> {
      closed ??= (async () => {
        closing = true;
        if (inFlight > 0) await drained.promise;
        tasks.close();
        await ctx.close();
      })();
      return closed;
    },
  };
}

/** A Worker per job over a standalone instance's root; none for other instances. */
function defaultLauncher(instance: Instance | undefined): JobLauncher | undefined {
  return instance instanceof StandaloneInstance ? new WorkerLauncher(instance.root) : undefined;
}
