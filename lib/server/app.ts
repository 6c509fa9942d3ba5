/**
 * The Hono app behind the server: routes, auth and the error envelope.
 *
 * @module
 */
import { ApiError } from "./http.ts";
import { type Context, Hono } from "../_deps.ts";
import type { Instance } from "../sdk/mod.ts";
import type { ServerStore } from "./store.ts";
import {
  checkAuth,
  DATASTORE_SUBJECT,
  errorResponse,
  jsonResponse,
  readJson,
  success,
} from "./http.ts";
import { listTables, queryTable, scanTable, updateTable } from "./routes/datastore.ts";
import { JobService } from "./routes/jobs.ts";
import type { JobLauncher } from "../jobs/mod.ts";
import { projectVo, USER_VO } from "../wire/mod.ts";
import { defaultLauncher, servedStore } from "./served_store.ts";
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
}

/** The server: a `fetch` handler plus a graceful `close`. */
export interface ServerApp {
  /** Answers one request. */
  fetch(request: Request): Promise<Response>;
  /** Stops running jobs and waits for in-flight requests to finish. */
  close(): Promise<void>;
}

function param(c: Context, name: string): string {
  return c.req.param(name) ?? "";
}

/**
 * Builds the API app over a standalone instance.
 *
 * @param options The instance, the token, and optional store, launcher and body limit.
 * @returns The app: `fetch` and `close`.
 * @throws {TypeError} When the token is empty or no datastore can be found.
 */
export function createApp(options: ServerOptions): ServerApp {
  if (typeof options.token !== "string" || options.token === "") {
    throw new TypeError("Cannot create the server: 'token' must be a non-empty string");
  }
  const { store, ready } = servedStore(options);
  const jobs = new JobService(
    options.instance,
    store,
    options.launcher ?? defaultLauncher(options.instance),
  );
  const instance = () => {
    if (!options.instance) {
      throw new ApiError(
        503,
        "Service is Unavailable: 001",
        "this server serves only the datastore",
      );
    }
    return options.instance;
  };
  const limit = options.maxBodyBytes ?? 64 * 1024 * 1024;
  const app = new Hono();
  let inFlight = 0;
  let drained: (() => void) | undefined;
  let closing = false;

  const handle =
    (subject: string, fn: (c: Context) => Promise<unknown> | unknown) => async (c: Context) => {
      try {
        return c.json(success(await fn(c)));
      } catch (e) {
        return errorResponse(e, subject);
      }
    };
  const body = (c: Context, subject: string, optional = false) =>
    readJson(c.req.raw, { limit, subject, optional });

  app.get("/health", (c) => c.json({ status: closing ? "closing" : "ok" }));
  app.use("/api/v1/*", async (c, next) => {
    const denied = checkAuth(c.req.raw, options.token);
    if (denied) return denied;
    await next();
    return undefined;
  });

  const DS = DATASTORE_SUBJECT;
  app.post(
    "/api/v1/datastore/updateTable",
    handle(DS, async (c) => updateTable(store, await body(c, DS))),
  );
  app.post(
    "/api/v1/datastore/scanTable",
    handle(DS, async (c) => scanTable(store, await body(c, DS), c.req.raw.signal)),
  );
  app.post(
    "/api/v1/datastore/queryTable",
    handle(DS, async (c) => queryTable(store, await body(c, DS), c.req.raw.signal)),
  );
  app.post(
    "/api/v1/datastore/listTables",
    handle(DS, async (c) => listTables(store, await body(c, DS, true))),
  );
  app.post(
    "/api/v1/datastore/flush",
    handle(DS, async () => {
      await store.flush();
      return "success";
    }),
  );

  app.get("/api/v1/user/current", handle("USER", () => USER_VO));
  app.get("/api/v1/system/version", handle("SYSTEM", () => "0.1.0"));
  app.get(
    "/api/v1/project",
    handle("PROJECT", async () => {
      const names = await instance().listProjects();
      return {
        list: names.map(projectVo),
        total: names.length,
        pageNum: 1,
        pageSize: names.length,
        size: names.length,
      };
    }),
  );
  app.get(
    "/api/v1/project/:p",
    handle("PROJECT", async (c) => projectVo(await jobs.project(param(c, "p")))),
  );

  const J = "JOB";
  app.get(
    "/api/v1/project/:p/job",
    handle(J, (c) =>
      jobs.list(param(c, "p"), {
        pageNum: c.req.query("pageNum"),
        pageSize: c.req.query("pageSize"),
        status: c.req.query("status"),
        model: c.req.query("model"),
      })),
  );
  app.post(
    "/api/v1/project/:p/job",
    handle(J, async (c) => jobs.create(param(c, "p"), await body(c, J))),
  );
  app.get(
    "/api/v1/project/:p/job/:j",
    handle(J, (c) => jobs.info(param(c, "p"), param(c, "j"))),
  );
  app.delete(
    "/api/v1/project/:p/job/:j",
    handle(J, async (c) => {
      await jobs.remove(param(c, "p"), param(c, "j"));
      return "success";
    }),
  );
  app.get(
    "/api/v1/project/:p/job/:j/task",
    handle(J, (c) => jobs.tasks(param(c, "p"), param(c, "j"))),
  );
  app.post(
    "/api/v1/project/:p/job/:j/:action",
    handle(J, async (c) => {
      const action = param(c, "action");
      await jobs.act(param(c, "p"), param(c, "j"), action);
      return `Success: ${action}`;
    }),
  );
  app.get(
    "/api/v1/project/:p/model/:name",
    handle(
      "MODEL",
      (c) => jobs.modelInfo(param(c, "p"), param(c, "name"), c.req.query("versionUrl")),
    ),
  );
  app.get(
    "/api/v1/project/:p/dataset/:name",
    handle(
      "DATASET",
      (c) => jobs.datasetInfo(param(c, "p"), param(c, "name"), c.req.query("versionUrl")),
    ),
  );
  app.route("/", createConsole({ ...options, api: (request) => app.fetch(request) }));
  app.notFound(() =>
    jsonResponse(404, { code: "NOT FOUND: 001", message: "Resource is not found", data: null })
  );
  app.onError((e) => errorResponse(e, "SERVER"));

  return {
    async fetch(request: Request): Promise<Response> {
      if (closing) {
        return jsonResponse(503, {
          code: "Service is Unavailable: 001",
          message: "server is shutting down",
          data: null,
        });
      }
      inFlight++;
      try {
        try {
          await ready;
        } catch (e) {
          return errorResponse(e, "SERVER");
        }
        return await app.fetch(request);
      } finally {
        if (--inFlight === 0) drained?.();
      }
    },
    async close(): Promise<void> {
      closing = true;
      if (inFlight > 0) await new Promise<void>((resolve) => (drained = resolve));
      await jobs.close();
    },
  };
}
