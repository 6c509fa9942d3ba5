/** @jsxImportSource npm:hono@4.13.19/jsx */
/**
 * The web console as a Hono app: server-rendered pages over an `Instance` (Jobs, Job, a job's
 * table, Compare, Models, Datasets), a cookie session of its own when a token is set, and job
 * actions through the server's own API when one is given.
 *
 * @module
 */

import { type Context, Hono } from "../../_deps.ts";
import {
  type Instance,
  Job,
  JobStateError,
  NotFoundError,
  readJobProgress,
} from "../../sdk/mod.ts";
import { RemoteInstance } from "../../remote/mod.ts";
import { asset } from "./_assets.ts";
import { ComparePage, readCompared } from "./_compare_page.tsx";
import { DatasetPage, DatasetsPage, ModelsPage } from "./_artifacts_page.tsx";
import { errorStatus, NoInstanceError, pageHeaders } from "./_errors.ts";
import { readForm } from "./_form.ts";
import { liveState } from "./_format.ts";
import { allowedActions, JobPage } from "./_job_page.tsx";
import { JobsPage } from "./_jobs_page.tsx";
import { type Frame, projectPath } from "./_layout.tsx";
import { readArtifacts, readDataset, readJob, readJobs } from "./_read.ts";
import { safeNext, sameText, type Session, sessionCookie, Sessions } from "./_session.ts";
import { ErrorPage, SignInPage } from "./_signin_page.tsx";
import { readTablePage, tableQuery } from "./_table_view.tsx";

/** Options of {@link createConsole}. */
export interface ConsoleOptions {
  /** The instance every page reads through; without one, pages say there is nothing to show. */
  instance?: Instance;
  /** Visitors sign in with this token (the server's); without it the console is open. */
  token?: string;
  /**
   * The server's API, in-process: job actions (cancel, pause, resume, remove) go through it, with
   * the token, exactly as an API client's would. Without it the console is read-only.
   */
  api?: (request: Request) => Response | Promise<Response>;
  /** The project `/` opens. @default "self" */
  project?: string;
}

const ACTIONS = ["cancel", "pause", "resume", "remove"] as const;

function param(c: Context, name: string): string {
  return c.req.param(name) ?? "";
}

/**
 * Builds the console app; mount it at `/` (`app.route("/", createConsole(...))`).
 *
 * @param options The instance, the sign-in token and the API for actions.
 * @returns The Hono app.
 * @throws {TypeError} When `api` is given without `token` (actions need the API's token).
 */
export function createConsole(options: ConsoleOptions): Hono {
  if (options.api && !options.token) {
    throw new TypeError("Cannot create the console: job actions through 'api' need a 'token'");
  }
  const sessions = options.token ? new Sessions(options.token) : undefined;
  const actor = options.api && options.token
    ? new RemoteInstance({
      url: "http://console.internal",
      token: options.token,
      fetch: async (request) => await options.api!(request),
    })
    : undefined;
  const readOnly = !actor;
  const app = new Hono();
  const session = (c: Context): Session | undefined => sessions?.find(c.req.header("cookie"));

  const instance = (): Instance => {
    if (!options.instance) {
      throw new NoInstanceError("This server serves only the datastore: no jobs to show");
    }
    return options.instance;
  };
  const frame = async (c: Context, extra: Omit<Frame, "csrf" | "readOnly">): Promise<Frame> => ({
    ...extra,
    projects: extra.project ? await instance().listProjects() : undefined,
    csrf: session(c)?.csrf,
    readOnly,
  });
  const html = (c: Context, page: unknown, status = 200) =>
    c.body(
      `<!DOCTYPE html>${String(page)}`,
      status as 200,
      pageHeaders("text/html; charset=utf-8"),
    );
  const page = (fn: (c: Context) => Promise<Response>) => async (c: Context) => {
    try {
      return await fn(c);
    } catch (e) {
      const status = errorStatus(e);
      const message = e instanceof Error ? e.message : String(e);
      if (status === 500) console.error("console:", e); // unexpected: keep the stack for the operator
      if (c.req.header("accept")?.includes("application/json")) {
        return c.json({ error: message }, status as 400);
      }
      return html(
        c,
        <ErrorPage frame={{ title: "Error", readOnly }} status={status} message={message} />,
        status,
      );
    }
  };

  app.get("/assets/:name", async (c) => {
    const found = asset(param(c, "name"));
    if (!found) return c.text("Not found", 404);
    try {
      const a = await found;
      return c.body(a.body as string, 200, {
        "content-type": a.type,
        "cache-control": "public, max-age=3600",
        "x-content-type-options": "nosniff",
      });
    } catch (e) {
      return c.text(e instanceof Error ? e.message : String(e), 503);
    }
  });

  app.get("/signin", (c) => html(c, <SignInPage next={safeNext(c.req.query("next"))} />));
  app.post(
    "/signin",
    page(async (c) => {
      const form = await readForm(c.req.raw);
      const next = safeNext(form.get("next") ?? "");
      const s = sessions?.signIn(form.get("token") ?? "");
      if (!sessions) return c.redirect(next, 303);
      if (!s) return html(c, <SignInPage next={next} failed />, 401);
      c.header("set-cookie", sessionCookie(s, new URL(c.req.url).protocol === "https:"));
      return c.redirect(next, 303);
    }),
  );
  app.post(
    "/signout",
    page(async (c) => {
      const s = session(c);
      const form = await readForm(c.req.raw);
      if (s && sameText(form.get("csrf") ?? "", s.csrf)) sessions?.signOut(s);
      c.header("set-cookie", sessionCookie(undefined, false));
      return c.redirect("/signin", 303);
    }),
  );

  const guard = async (c: Context, next: () => Promise<void>) => {
    if (sessions && !session(c)) {
      if (c.req.method !== "GET" || c.req.header("accept")?.includes("application/json")) {
        return c.json({ error: "sign in first" }, 401);
      }
      const url = new URL(c.req.url);
      return c.redirect(`/signin?next=${encodeURIComponent(url.pathname + url.search)}`, 303);
    }
    await next();
    return undefined;
  };
  app.use("/", guard);
  app.use("/projects", guard);
  app.use("/projects/*", guard);

  const home = options.project ?? "self";
  app.get("/", (c) => c.redirect(projectPath(home, "/jobs"), 302));
  app.get(
    "/projects",
    (c) => c.redirect(projectPath(c.req.query("project") || home, "/jobs"), 303),
  );
  app.get("/projects/:p", (c) => c.redirect(projectPath(param(c, "p"), "/jobs"), 302));

  app.get(
    "/projects/:p/jobs",
    page(async (c) => {
      const p = param(c, "p");
      const view = await readJobs(instance(), p, c.req.query());
      return html(
        c,
        <JobsPage
          view={view}
          frame={await frame(c, { title: "Jobs", project: p, section: "jobs" })}
        />,
      );
    }),
  );
  app.get(
    "/projects/:p/jobs-status",
    page(async (c) => {
      const p = param(c, "p");
      const ids = (c.req.query("ids") ?? "").split(",").filter(Boolean).slice(0, 100);
      const jobs: Record<string, unknown> = {};
      await Promise.all(ids.map(async (id) => {
        try {
          jobs[id] = liveState(await instance().getJob({ project: p, id }));
        } catch (e) {
          if (!(e instanceof NotFoundError)) throw e; // a removed job: the others still answer
        }
      }));
      return c.json({ jobs }, 200, pageHeaders("application/json"));
    }),
  );
  app.get(
    "/projects/:p/jobs/:id",
    page(async (c) => {
      const ref = { project: param(c, "p"), id: param(c, "id") };
      const view = await readJob(instance(), ref);
      const fallback = view.tables.find((t) => t === "results") ?? view.tables[0];
      const table = fallback
        ? await readTablePage(instance(), {
          ref: view.job,
          query: tableQuery(new URLSearchParams(), fallback),
        })
        : undefined;
      const f = await frame(c, {
        title: `Job ${ref.id.slice(0, 12)}`,
        project: ref.project,
        section: "jobs",
        charts: true,
      });
      return html(
        c,
        <JobPage view={view} table={table} frame={f} csrf={f.csrf} flash={c.req.query("flash")} />,
      );
    }),
  );
  app.get(
    "/projects/:p/jobs/:id/table",
    page(async (c) => {
      const ref = { project: param(c, "p"), id: param(c, "id") };
      const view = await readJob(instance(), ref);
      const query = tableQuery(new URL(c.req.url).searchParams, view.tables[0] ?? "results");
      const table = await readTablePage(instance(), { ref: view.job, query });
      const f = await frame(c, {
        title: `Job ${ref.id.slice(0, 12)} · ${query.name}`,
        project: ref.project,
        section: "jobs",
        charts: true,
      });
      return html(c, <JobPage view={view} table={table} frame={f} csrf={f.csrf} />);
    }),
  );
  app.get(
    "/projects/:p/jobs/:id/live",
    page(async (c) => {
      const job = await instance().getJob({ project: param(c, "p"), id: param(c, "id") });
      const actions = readOnly ? [] : allowedActions(job.status);
      return c.json(
        { ...liveState(job), progress: await readJobProgress(instance(), job), actions },
        200,
        pageHeaders("application/json"),
      );
    }),
  );
  app.post(
    "/projects/:p/jobs/:id/:action",
    page(async (c) => {
      const action = param(c, "action") as typeof ACTIONS[number];
      const s = session(c);
      const form = await readForm(c.req.raw);
      if (!actor || !s || !ACTIONS.includes(action)) return c.text("Not allowed", 403);
      if (!sameText(form.get("csrf") ?? "", s.csrf)) {
        return c.text("Stale form: reload the page", 403);
      }
      const origin = c.req.header("origin");
      if (origin && origin !== new URL(c.req.url).origin) {
        return c.text("Cross-origin form", 403);
      }
      const project = param(c, "p"), id = param(c, "id");
      const back = projectPath(project, `/jobs/${encodeURIComponent(id)}`);
      const job = Job.get(`local/project/${project}/job/${id}`, { instance: actor });
      try {
        await job[action]();
      } catch (e) {
        if (!(e instanceof JobStateError)) throw e;
        return c.redirect(`${back}?flash=${encodeURIComponent(e.message)}`, 303);
      }
      return c.redirect(action === "remove" ? projectPath(project, "/jobs") : back, 303);
    }),
  );
  app.get(
    "/projects/:p/compare",
    page(async (c) => {
      const p = param(c, "p");
      const ids = c.req.queries("jobs") ?? [];
      const f = await frame(c, { title: "Compare", project: p, section: "compare" });
      if (ids.length === 0) return html(c, <ComparePage frame={f} project={p} />);
      try {
        const jobs = await readCompared(instance(), { project: p, ids });
        return html(c, <ComparePage frame={f} project={p} jobs={jobs} />);
      } catch (e) {
        if (!(e instanceof RangeError)) throw e;
        return html(c, <ComparePage frame={f} project={p} error={e.message} />, 400);
      }
    }),
  );
  app.get(
    "/projects/:p/models",
    page(async (c) => {
      const p = param(c, "p");
      const { models } = await readArtifacts(instance(), p);
      return html(
        c,
        <ModelsPage
          frame={await frame(c, { title: "Models", project: p, section: "models" })}
          models={models}
        />,
      );
    }),
  );
  app.get(
    "/projects/:p/datasets",
    page(async (c) => {
      const p = param(c, "p");
      const { datasets } = await readArtifacts(instance(), p);
      const f = await frame(c, { title: "Datasets", project: p, section: "datasets" });
      return html(c, <DatasetsPage frame={f} project={p} datasets={datasets} />);
    }),
  );
  app.get(
    "/projects/:p/datasets/:name",
    page(async (c) => {
      const p = param(c, "p"), name = param(c, "name");
      const { record, rows } = await readDataset(instance(), {
        project: p,
        name,
        version: c.req.query("version"),
      });
      const f = await frame(c, { title: `Dataset ${name}`, project: p, section: "datasets" });
      return html(c, <DatasetPage frame={f} record={record} rows={rows} />);
    }),
  );
  return app;
}
