/**
 * A fake Starwhale Server that answers as the Java controllers do (status, `{code, message,
 * data}` envelope, field names), written from the Java server's source, not from this package's
 * server: `JobController`, `TrashController`, `ModelController`, `DatasetController`,
 * `RuntimeController`, `ProjectController`, `SystemController`, `LogController`, the
 * `CommonExceptionHandler` and
 * the token filter. It serves on 127.0.0.1 and records every request it gets.
 *
 * What it models, as the Java code does it:
 * - projects are named by id, `owner:name` or a name unique across owners; there is no `self`
 *   (an unknown project is a 404 from the token filter, code `ValidationException`);
 * - the token must come as `Bearer <token>`;
 * - `GET .../job` takes only `swmpId` (a model version id), `pageNum`, `pageSize` (default 10) and
 *   lists live jobs by id, descending; other parameters are ignored;
 * - a job in the path is found by its numeric id (a removed job too) or the uuid of a live job;
 *   an unknown one is a 404 from the project filter (`ValidationException`, "Resource is not
 *   found Starwhale Bundle");
 * - `POST .../job/{j}/recover` is always a 500 (the service throws UnsupportedOperationException);
 *   removing a job puts it into the trash (type = the job type, name = the job uuid), and
 *   `PUT .../trash/{id}` brings it back;
 * - `JobVo` has no `errorMessage` and no `datasets`; a job's failure is an `ERROR` event of
 *   `GET .../job/{j}/event` and the task's `failedReason`;
 * - a `JobRequest` names versions by `modelVersionId`, `runtimeVersionId`, `datasetVersionIds`
 *   (numeric ids), or by the deprecated `*Url` fields; `stepSpecOverWrites` resources are floats
 *   (memory in bytes), anything else is a 400 "invalid step spec";
 * - `ModelInfoVo` keeps the size and tags in `versionInfo`, `DatasetInfoVo` the row count in the
 *   `versionMeta` YAML (`dataset_summary.rows`);
 * - `GET /system/version` answers `SystemVersionVo {id, version}`;
 * - a task's logs are files: `GET /log/offline/{taskId}` lists their names, `.../{fileName}` is
 *   the bare text (`LogController`); tasks carry no row counts.
 *
 * @module
 */
import { Hono, parseYaml, stringifyYaml } from "../../lib/_deps.ts";
import type { Context } from "../../lib/_deps.ts";

/** The token the fake accepts (after `Bearer `). */
export const JAVA_TOKEN = "jwt-of-starwhale";

/** The server version the fake reports. */
export const JAVA_VERSION = "0.6.3";

/** A recorded request. */
export interface Recorded {
  method: string;
  path: string;
  query: Record<string, string>;
  body?: unknown;
}

/** A job as the fake stores it. */
export interface FakeJob {
  id: number;
  uuid: string;
  modelVersionId: number;
  status: string;
  created: number;
  finished: number;
  deleted: boolean;
  type: string;
  /** The task's failedReason and the job's ERROR event, for failed jobs. */
  failure?: string;
  request?: Record<string, unknown>;
  /** Its one task's saved log files (name -> text), as the log collector leaves them. */
  logs?: Record<string, string>;
}

interface Version {
  id: number;
  name: string;
  order: number;
  tags: string[];
  size?: number;
  created: number;
}

const USER = { id: "1", name: "starwhale", createdTime: 1, isEnabled: true };
const PROJECT = {
  id: "7",
  name: "mnist",
  description: "",
  privacy: "PRIVATE",
  createdTime: 1,
  owner: USER,
  statistics: {
    modelCounts: 1,
    datasetCounts: 1,
    runtimeCounts: 1,
    memberCounts: 1,
    evaluationCounts: 0,
  },
};
const STEP = {
  name: "mnist.evaluator:MNISTInference.predict",
  job_name: "mnist.evaluator:MNISTInference.predict",
  show_name: "predict",
  replicas: 1,
  concurrency: 1,
  needs: [],
  resources: [],
  expose: 0,
  require_dataset: true,
};
/**
 * The model's `stepSpecs` as `ModelVersionConverter` answers them (`JobSpecParser
 * .parseAllStepFromYaml` of its `jobs.yaml`): every step of each job, `job_name` set to the job.
 * Here the job `predict` (one step) and the job `evaluate` (predict, then evaluate).
 */
const EVALUATE_JOB = "mnist.evaluator:MNISTInference.evaluate";
const STEP_SPECS = [
  STEP,
  { ...STEP, job_name: EVALUATE_JOB },
  {
    ...STEP,
    name: EVALUATE_JOB,
    job_name: EVALUATE_JOB,
    show_name: "evaluate",
    needs: [STEP.name],
    require_dataset: false,
  },
];
const MODEL = { id: 11, name: "mnist" };
const MODEL_VERSIONS: Version[] = [
  { id: 101, name: "m1a2b3c4d5e6", order: 0, tags: ["first"], size: 1000, created: 10 },
  { id: 102, name: "m9f8e7d6c5b4", order: 1, tags: ["t1", "prod"], size: 123456, created: 20 },
];
const DATASET = { id: 21, name: "mnist-ds" };
const DATASET_VERSIONS: Version[] = [
  { id: 201, name: "d1a2b3c4d5e6", order: 0, tags: ["base"], created: 30 },
];
const RUNTIME = { id: 31, name: "pytorch" };
const RUNTIME_VERSIONS: Version[] = [
  { id: 301, name: "r1a2b3c4d5e6", order: 0, tags: [], created: 5 },
];

/** What a fake Java server gives a test. */
export interface JavaFake extends AsyncDisposable {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** Every request, in order. */
  requests: Recorded[];
  /** The jobs (mutable), by numeric id. */
  jobs: Map<number, FakeJob>;
}

/** A PageHelper `PageInfo` over all `items`, as `PageHelper.startPage(pageNum, pageSize)` pages. */
function pageHelper<T>(items: T[], pageNum: number, pageSize: number) {
  const total = items.length;
  const pages = Math.ceil(total / pageSize);
  const list = items.slice((pageNum - 1) * pageSize, pageNum * pageSize);
  const startRow = list.length ? (pageNum - 1) * pageSize + 1 : 0;
  return {
    total,
    list,
    pageNum,
    pageSize,
    size: list.length,
    startRow,
    endRow: list.length ? startRow + list.length - 1 : 0,
    pages,
    prePage: pageNum > 1 ? pageNum - 1 : 0,
    nextPage: pageNum < pages ? pageNum + 1 : 0,
    isFirstPage: pageNum === 1,
    isLastPage: pageNum === pages,
    hasPreviousPage: pageNum > 1,
    hasNextPage: pageNum < pages,
    navigatePages: 8,
    navigatepageNums: [],
    navigateFirstPage: 0,
    navigateLastPage: 0,
  };
}

/** A `StarwhaleApiException`/`StarwhaleException` answer. */
class JavaError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
  static invalid(subject: string, tip: string): JavaError {
    return new JavaError(
      400,
      `INVALID REQUEST: ${subject}`,
      `invalid request on subject ${subject}\n${tip}`,
    );
  }
  static notFound(code: string, subject: string, tip: string): JavaError {
    return new JavaError(404, `NOT FOUND: ${code}`, `Resource is not found ${subject}\n${tip}`);
  }
}

function alias(order: number): string {
  return `v${order + 1}`;
}

/** The version a `versionUrl` names: id, name, alias or tag; the latest when empty. */
function findVersion(versions: Version[], url: string | undefined): Version | undefined {
  const latest = versions.reduce((a, b) => (b.order > a.order ? b : a));
  if (!url) return latest;
  if (/^\d+$/.test(url)) return versions.find((v) => v.id === Number(url));
  if (url === "latest") return latest;
  return versions.find((v) => v.name === url || alias(v.order) === url || v.tags.includes(url));
}

/** Starts a fake Java server with `jobs` jobs (ids 1..n; odd ones on model version 101). */
export function startJavaFake(options: { jobs?: number } = {}): JavaFake {
  const requests: Recorded[] = [];
  const jobs = new Map<number, FakeJob>();
  const trash = new Map<number, { id: number; jobId: number; name: string; type: string }>();
  let nextTrash = 900;
  for (let i = 1; i <= (options.jobs ?? 25); i++) {
    const fail = i % 3 === 0;
    jobs.set(i, {
      id: i,
      uuid: `${String(i).padStart(4, "0")}${"ab12".repeat(7)}`,
      modelVersionId: i % 2 ? 101 : 102,
      status: fail ? "FAIL" : "SUCCESS",
      created: 1_700_000_000_000 + i * 1000,
      finished: 1_700_000_000_000 + i * 1000 + 500,
      deleted: false,
      type: "EVALUATION",
      failure: fail ? `OOMKilled: task ${i} ran out of memory` : undefined,
      logs: { [`${i * 10}-worker.log`]: `starting task ${i * 10}\nhandled 10 rows\n` },
    });
  }
  const latestModel = () => findVersion(MODEL_VERSIONS, undefined)!;

  const modelVersionVo = (v: Version) => ({
    id: String(v.id),
    name: v.name,
    alias: alias(v.order),
    latest: v.id === latestModel().id,
    tags: v.tags,
    size: v.size,
    createdTime: v.created,
    owner: USER,
    shared: false,
    builtInRuntime: "r1a2b3c4d5e6",
    stepSpecs: STEP_SPECS,
    draft: false,
  });
  const runtimeVersion = RUNTIME_VERSIONS[0];
  const runtimeVo = {
    id: String(RUNTIME.id),
    name: RUNTIME.name,
    createdTime: 5,
    owner: USER,
    version: {
      id: String(runtimeVersion.id),
      runtimeId: String(RUNTIME.id),
      name: runtimeVersion.name,
      alias: "v1",
      latest: true,
      tags: [],
      image: "docker-registry.starwhale.cn/star-whale/starwhale:latest",
      createdTime: 5,
      owner: USER,
      shared: false,
    },
  };
  const datasetMeta = (v: Version) =>
    stringifyYaml({
      version: v.name,
      dataset_summary: { rows: 60, updated_rows: 60, deleted_rows: 0, blobs_byte_size: 4096 },
      created_at: "2023-01-01 00:00:00",
    });
  const datasetVersionVo = (v: Version) => ({
    id: String(v.id),
    name: v.name,
    alias: alias(v.order),
    latest: true,
    tags: v.tags,
    indexTable: `project/7/dataset/${DATASET.name}/_current/meta`,
    meta: datasetMeta(v),
    createdTime: v.created,
    owner: USER,
    shared: false,
  });
  const jobVo = (j: FakeJob) => {
    const v = MODEL_VERSIONS.find((m) => m.id === j.modelVersionId)!;
    return {
      id: String(j.id),
      uuid: j.uuid,
      modelName: MODEL.name,
      modelVersion: v.name,
      model: {
        id: String(MODEL.id),
        name: MODEL.name,
        createdTime: 10,
        owner: USER,
        version: modelVersionVo(v),
      },
      jobName: STEP.job_name,
      jobType: j.type,
      datasetList: [{
        id: String(DATASET.id),
        name: DATASET.name,
        createdTime: 30,
        owner: USER,
        version: datasetVersionVo(DATASET_VERSIONS[0]),
      }],
      runtime: runtimeVo,
      builtinRuntime: true,
      owner: USER,
      createdTime: j.created,
      stopTime: j.finished,
      jobStatus: j.status,
      comment: null,
      stepSpec: stringifyYaml([STEP]),
      resourcePool: "default",
      duration: j.finished > 0 ? j.finished - j.created : 0,
      exposedLinks: [],
      pinnedTime: null,
    };
  };

  const app = new Hono();
  const json = (c: Context, data: unknown) => c.json({ code: "success", message: "Success", data });
  app.onError((e, c) => {
    if (e instanceof JavaError) {
      return c.json({ code: e.code, message: e.message, data: null }, e.status as 400);
    }
    return c.json({ code: "internalServerError", message: String(e), data: null }, 500);
  });
  app.use("*", async (c, next) => {
    const url = new URL(c.req.url);
    const rec: Recorded = {
      method: c.req.method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
    };
    if (c.req.method === "POST" || c.req.method === "PUT") {
      const text = await c.req.text();
      rec.body = text ? JSON.parse(text) : undefined;
    }
    requests.push(rec);
    const auth = c.req.header("authorization") ?? "";
    if (!auth.startsWith("Bearer ")) {
      return c.json({ code: "Unauthorized", message: "Not logged in." }, 401);
    }
    if (auth.split(" ")[1].trim() !== JAVA_TOKEN) {
      return c.json({ code: "Unauthorized", message: "JWT token is expired or invalid." }, 401);
    }
    // ProjectDetectionFilter + the token filter: an unknown project is a 404 before any controller.
    const m = /^\/api\/v1\/project\/([^/]+)/.exec(url.pathname);
    if (m) {
      const p = decodeURIComponent(m[1]);
      const known = p === PROJECT.id || p === PROJECT.name || p === `${USER.name}:${PROJECT.name}`;
      if (!known) {
        return c.json({
          code: "ValidationException",
          message: `Resource is not found Project\nUnable to find project ${p}`,
        }, 404);
      }
    }
    // The same filter checks that a job named in the path is the project's: by numeric id any
    // job (a removed one too), by uuid a live one; else a 404 before any controller.
    const j = /^\/api\/v1\/project\/[^/]+\/job\/([^/]+)/.exec(url.pathname);
    if (j) {
      const jobUrl = decodeURIComponent(j[1]);
      const found = /^\d+$/.test(jobUrl)
        ? jobs.has(Number(jobUrl))
        : [...jobs.values()].some((x) => x.uuid === jobUrl && !x.deleted);
      if (!found) {
        return c.json({
          code: "ValidationException",
          message: `Resource is not found Starwhale Bundle\n${jobUrl}`,
        }, 404);
      }
    }
    return await next();
  });

  const page = (c: Context) => ({
    pageNum: Number(c.req.query("pageNum") ?? 1),
    pageSize: Number(c.req.query("pageSize") ?? 10),
  });
  const findJob = (url: string): FakeJob => {
    const job = /^\d+$/.test(url)
      ? jobs.get(Number(url))
      : [...jobs.values()].find((j) => j.uuid === url && !j.deleted);
    if (!job) {
      throw new JavaError(
        400,
        "INVALID REQUEST: JOB",
        `invalid request on subject JOB\nUnable to find job ${url}`,
      );
    }
    return job;
  };
  const P = "/api/v1/project/:p";

  app.get("/api/v1/system/version", (c) => json(c, { id: "", version: JAVA_VERSION }));
  app.get("/api/v1/user/current", (c) => json(c, USER));
  app.get("/api/v1/project", (c) => json(c, pageHelper([PROJECT], 1, 1)));
  app.get(P, (c) => json(c, PROJECT));

  app.get(`${P}/job`, (c) => {
    const { pageNum, pageSize } = page(c);
    const swmpId = c.req.query("swmpId");
    const live = [...jobs.values()]
      .filter((j) => !j.deleted && (!swmpId || j.modelVersionId === Number(swmpId)))
      .sort((a, b) => b.id - a.id);
    return json(c, pageHelper(live.map(jobVo), pageNum, pageSize));
  });
  app.get(`${P}/job/:j`, (c) => json(c, jobVo(findJob(c.req.param("j")))));
  app.get(`${P}/job/:j/task`, (c) => {
    const j = findJob(c.req.param("j"));
    const task = {
      id: String(j.id * 10),
      uuid: `${j.uuid}-t`,
      startedTime: j.created,
      finishedTime: j.finished,
      taskStatus: j.status,
      retryNum: 0,
      resourcePool: "default",
      stepName: STEP.name,
      exposedLinks: [],
      failedReason: j.failure ?? null,
      runs: [],
    };
    const { pageNum, pageSize } = page(c);
    return json(c, pageHelper([task], pageNum, pageSize));
  });
  // LogController: a task's log files (`TaskService.offLineLogFiles`, the names in its log dir,
  // enveloped) and one file's text (`produces = TEXT_PLAIN`: the bare text, no envelope). The
  // fake's task ids are the job id * 10; an unknown task fails in the mapper (a 500).
  const taskJob = (taskId: string): FakeJob => {
    const job = jobs.get(Number(taskId) / 10);
    if (!job) throw new Error(`NullPointerException: no task ${taskId}`);
    return job;
  };
  app.get("/api/v1/log/offline/:taskId", (c) => {
    return json(c, Object.keys(taskJob(c.req.param("taskId")).logs ?? {}));
  });
  app.get("/api/v1/log/offline/:taskId/:fileName", (c) => {
    const text = taskJob(c.req.param("taskId")).logs?.[c.req.param("fileName")];
    if (text === undefined) throw new Error("IOException: no such log file");
    return c.text(text, 200, { "content-type": "text/plain;charset=UTF-8" });
  });
  app.get(`${P}/job/:j/event`, (c) => {
    const j = findJob(c.req.param("j"));
    const related = { eventResourceType: "JOB", id: j.id };
    const events = [{
      eventType: "INFO",
      source: "SERVER",
      relatedResource: related,
      message: "Job created",
      data: null,
      timestamp: j.created,
      id: j.id * 100,
    }];
    if (j.failure) {
      events.push({
        eventType: "ERROR",
        source: "NODE",
        relatedResource: related,
        message: j.failure,
        data: null,
        timestamp: j.finished,
        id: j.id * 100 + 1,
      });
    }
    return json(c, events);
  });
  app.post(`${P}/job`, async (c) => {
    const body = await c.req.json() as Record<string, unknown>;
    if (typeof body.resourcePool !== "string") {
      throw new JavaError(400, "validationException", "must not be null");
    }
    const idOf = (id: unknown, url: unknown, versions: Version[], what: string) => {
      if (typeof id === "string" && id !== "") {
        if (!/^\d+$/.test(id)) {
          throw new JavaError(500, "internalServerError", "Convert ID: number format error.");
        }
        return Number(id);
      }
      if (typeof url === "string" && url !== "") {
        const name = /([^/]+)$/.exec(url)![1];
        const v = versions.find((x) => x.name === name);
        if (!v) throw JavaError.invalid("JOB", `${what} ${url} not found`);
        return v.id;
      }
      return undefined;
    };
    const model = idOf(body.modelVersionId, body.modelVersionUrl, MODEL_VERSIONS, "model version");
    if (model === undefined || !MODEL_VERSIONS.some((v) => v.id === model)) {
      throw JavaError.invalid("JOB", "model version is required");
    }
    idOf(body.runtimeVersionId, body.runtimeVersionUrl, RUNTIME_VERSIONS, "runtime version");
    if (Array.isArray(body.datasetVersionIds)) {
      for (const d of body.datasetVersionIds) {
        if (!/^\d+$/.test(String(d))) {
          throw new JavaError(500, "internalServerError", "Convert ID: number format error.");
        }
      }
    }
    if (typeof body.stepSpecOverWrites === "string" && body.stepSpecOverWrites) {
      const steps = parseYaml(body.stepSpecOverWrites) as { resources?: unknown[] }[];
      for (const s of steps) {
        for (const r of (s.resources ?? []) as Record<string, unknown>[]) {
          for (const k of ["request", "limit"]) {
            if (r[k] !== undefined && r[k] !== null && typeof r[k] !== "number") {
              throw new JavaError(
                400,
                "INVALID REQUEST: Starwhale Model",
                `invalid request on subject Starwhale Model\nCannot deserialize value of type ` +
                  `\`java.lang.Float\` from String ${JSON.stringify(r[k])}\ninvalid step spec`,
              );
            }
          }
        }
      }
    }
    const id = Math.max(0, ...jobs.keys()) + 1;
    jobs.set(id, {
      id,
      uuid: `${String(id).padStart(4, "0")}${"cd34".repeat(7)}`,
      modelVersionId: model,
      status: "CREATED",
      created: Date.now(),
      finished: -1,
      deleted: false,
      type: String(body.type ?? "EVALUATION"),
      request: body,
    });
    return json(c, String(id));
  });
  app.post(`${P}/job/:j/recover`, () => {
    throw new JavaError(500, "internalServerError", "Please use TrashService.recover() instead.");
  });
  app.post(`${P}/job/:j/:action`, (c) => {
    const action = c.req.param("action");
    if (!["cancel", "pause", "resume"].includes(action)) {
      throw JavaError.invalid("JOB", "failed to invoke action");
    }
    findJob(c.req.param("j"));
    return json(c, `Success: ${action}`);
  });
  app.delete(`${P}/job/:j`, (c) => {
    const j = findJob(c.req.param("j"));
    const id = nextTrash++;
    trash.set(id, { id, jobId: j.id, name: j.uuid, type: j.type });
    j.deleted = true;
    return json(c, "success");
  });
  app.get(`${P}/trash`, (c) => {
    const { pageNum, pageSize } = page(c);
    const name = c.req.query("name") ?? "", type = c.req.query("type") ?? "";
    const list = [...trash.values()]
      .filter((t) => t.name.startsWith(name) && (!type || t.type === type))
      .sort((a, b) => b.id - a.id)
      .map((t) => ({
        id: String(t.id),
        name: t.name,
        type: t.type,
        trashedTime: 1_800_000_000_000,
        size: 0,
        trashedBy: USER.name,
        lastUpdatedTime: 1_800_000_000_000,
        retentionTime: 1_800_000_000_000,
      }));
    return json(c, pageHelper(list, pageNum, pageSize));
  });
  app.put(`${P}/trash/:id`, (c) => {
    const t = trash.get(Number(c.req.param("id")));
    if (!t) throw JavaError.invalid("TRASH", "Can not find trash.");
    jobs.get(t.jobId)!.deleted = false;
    trash.delete(t.id);
    return json(c, "success");
  });

  app.get(`${P}/model/:m`, (c) => {
    const m = c.req.param("m");
    if (m !== MODEL.name && m !== String(MODEL.id)) {
      throw JavaError.notFound("003", "Starwhale Bundle", `Unable to find model ${m}`);
    }
    const v = findVersion(MODEL_VERSIONS, c.req.query("versionUrl"));
    if (!v) throw JavaError.notFound("004", "Starwhale Bundle Version", "Unable to find version");
    return json(c, {
      id: String(MODEL.id),
      name: MODEL.name,
      versionAlias: alias(v.order),
      versionId: String(v.id),
      versionName: v.name,
      versionTag: null,
      createdTime: v.created,
      shared: false,
      versionInfo: modelVersionVo(v),
    });
  });
  app.get(`${P}/dataset/:d`, (c) => {
    const d = c.req.param("d");
    if (d !== DATASET.name && d !== String(DATASET.id)) {
      throw JavaError.notFound("003", "Starwhale Bundle", `Unable to find dataset ${d}`);
    }
    const v = findVersion(DATASET_VERSIONS, c.req.query("versionUrl"));
    if (!v) throw JavaError.notFound("004", "Starwhale Bundle Version", "Unable to find version");
    return json(c, {
      id: String(DATASET.id),
      name: DATASET.name,
      versionId: String(v.id),
      versionName: v.name,
      versionAlias: alias(v.order),
      indexTable: `project/7/dataset/${DATASET.name}/_current/meta`,
      versionTag: null,
      shared: false,
      createdTime: v.created,
      files: [],
      versionMeta: datasetMeta(v),
      versionInfo: datasetVersionVo(v),
    });
  });
  app.get(`${P}/runtime/:r`, (c) => {
    const r = c.req.param("r");
    if (r !== RUNTIME.name && r !== String(RUNTIME.id)) {
      throw JavaError.notFound("003", "Starwhale Bundle", `Unable to find runtime ${r}`);
    }
    const v = findVersion(RUNTIME_VERSIONS, c.req.query("versionUrl"));
    if (!v) throw JavaError.notFound("004", "Starwhale Bundle Version", "Unable to find version");
    return json(c, {
      id: String(RUNTIME.id),
      name: RUNTIME.name,
      versionId: String(v.id),
      versionName: v.name,
      versionAlias: alias(v.order),
      versionTag: null,
      versionMeta: "",
      manifest: "",
      shared: false,
      createdTime: v.created,
      versionInfo: runtimeVo.version,
    });
  });

  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    (r) => app.fetch(r),
  );
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    requests,
    jobs,
    async [Symbol.asyncDispose]() {
      await server.shutdown();
    },
  };
}
