/**
 * `Job` and `job()`: the Job SDK of Starwhale's Python SDK (`starwhale.Job`, `starwhale.job`), in
 * TypeScript. A job is named by a URI (`xm5wnup`,
 * `local/project/self/job/<id>`, `https://host/project/1/job/7`, `cloud://alias/project/p/job/id`)
 * and read through the `Instance` that URI points at.
 *
 * @module
 */

import type { Key, Row } from "../../datastore/mod.ts";
import { type ClientOptions, openProject, openResource } from "./connect.ts";
import type {
  CreateJobOptions,
  Instance,
  JobRecord,
  JobStatus,
  ListJobsOptions,
  PageInfo,
} from "./instance.ts";
import { hasJobLogs } from "./roles.ts";
import { HandlerError, JobStateError, UnsupportedError } from "./errors.ts";
import { checkProject, jobTableRows, resolveJobRef } from "./job_lookup.ts";
import { checkCreateOptions } from "../jobs/mod.ts";
import { waitForJob, type WaitOptions } from "./job_wait.ts";
import { copyJob, type CopyJobOptions } from "./job_copy.ts";
import type { Config } from "./config.ts";
import { formatResourceUri, parseResourceUri, type ResourceUri } from "./uri.ts";

/** Options of {@link Job.getTableRows}. */
export interface TableRowsOptions {
  /** First key (inclusive). */
  start?: Key;
  /** Last key (exclusive unless `endInclusive`). */
  end?: Key;
  /** Keep columns whose value is `null`. */
  keepNone?: boolean;
  /** Include the `end` row. */
  endInclusive?: boolean;
}

/** Options of {@link Job.copy}. */
export interface JobCopyOptions extends CopyJobOptions {
  /** The swcli config; default loaded from `SW_CLI_CONFIG` / `~/.config/starwhale/config.yaml`. */
  config?: Config;
  /** Read the job from this instance instead of the one `src` names. */
  from?: Instance;
  /** Write the job to this instance instead of the one `dest` names. */
  to?: Instance;
}

/**
 * A Starwhale job on a standalone or server instance.
 *
 * @example Open a job and read it (standalone)
 * ```ts
 * import assert from "node:assert/strict";
 * import { Job, job } from "@starwhale/sdk";
 * const j = job("local/project/self/job/xm5wnup");
 * assert.equal(j.id, "xm5wnup");
 * assert.equal(j.uri, "local/project/self/job/xm5wnup");
 * assert.equal(Job.get("xm5wnup").project, "self");
 * ```
 */
export class Job {
  readonly #instance: Instance;
  readonly #uri: ResourceUri;
  #id: string;

  private constructor(instance: Instance, uri: ResourceUri) {
    this.#instance = instance;
    this.#uri = uri;
    this.#id = uri.name;
  }

  /**
   * A job by URI; no I/O beyond reading the config. A short id is resolved on first use.
   *
   * Needs `--allow-env` and `--allow-read` (config) unless `options.config` is given.
   *
   * @param uri Job URI or id (prefix).
   * @param options Config or explicit instance.
   * @returns The job.
   * @throws {TypeError} For a malformed URI.
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Job } from "@starwhale/sdk";
   * const j = Job.get("local/project/self/job/xm5wnup");
   * assert.equal(String(j), "Job[local/project/self/job/xm5wnup]");
   * ```
   */
  static get(uri: string, options: ClientOptions = {}): Job {
    const { uri: parsed, instance } = openResource(uri, { ...options, type: "job" });
    return new Job(instance, parsed);
  }

  /**
   * One page of a project's jobs, newest first, optionally filtered by status and model.
   *
   * @param project Project URI; `""` is the selected project.
   * @param options `pageIndex` (from 1), `pageSize` (default 20), `status`, `model`.
   * @returns The jobs and the pagination record (the Python SDK's pagination dict, camelCase).
   * @throws {RangeError} Bad paging. {TypeError} Bad project or status. {NotFoundError} No such
   *   project (the message lists the projects there are).
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Job, StandaloneInstance } from "@starwhale/sdk";
   * const root = await Deno.makeTempDir();
   * {
   *   await using instance = new StandaloneInstance(root);
   *   const [jobs, page] = await Job.list("self", { pageIndex: 1, pageSize: 10, instance });
   *   assert.deepEqual([jobs.length, page.total, page.page.pageNum], [0, 0, 1]);
   * }
   * await Deno.remove(root, { recursive: true });
   * ```
   */
  static async list(
    project = "",
    options: ListJobsOptions & ClientOptions = {},
  ): Promise<[Job[], PageInfo]> {
    const { uri: p, instance } = openProject(project, options);
    await checkProject(instance, p.project);
    const { pageIndex, pageSize, status, model } = options;
    const [records, page] = await instance.listJobs(p.project, {
      pageIndex,
      pageSize,
      status,
      model,
    });
    return [
      records.map((r) => Job.#of(instance, { ...p, type: "job", name: r.id, version: "" })),
      page,
    ];
  }

  /**
   * Creates a job. Standalone: runs it to its end in this process (SUCCESS or FAIL; a failing
   * handler gives a FAIL job with its error, not an exception). Server: submits it.
   *
   * The options are those of the Python SDK's `Job.create`, in camelCase, checked the same way
   * whatever the instance. As there, `datasetHead` applies only to a standalone instance, and
   * `runtime`, `resourcePool`, `ttl`, `devMode` and `devModePassword` only to a server: elsewhere
   * they are checked and ignored, except that a standalone instance (and this package's server,
   * which runs jobs the same way) refuses `runtime` and `devMode`, which it cannot honour.
   *
   * Needs `--allow-read`/`--allow-write` on the storage root (standalone), `--allow-net` (server).
   *
   * @param options The project URI, the model URI, `runHandler`, dataset URIs and the other
   *   options; `config` or `instance` choose where; `throwOnFailure` (standalone) throws unless
   *   the job ended SUCCESS (as {@link Job.ok}).
   * @returns The job.
   * @throws {NotFoundError} Unknown model, dataset or handler. {TypeError}/{RangeError} Bad
   *   options. {UnsupportedError} An option the instance cannot honour. Nothing is written then.
   *   {HandlerError}/{JobStateError} With `throwOnFailure`, a job that failed or was canceled.
   * @example See the README and `examples/demo.ts`
   * ```ts ignore
   * import { Job } from "@starwhale/sdk";
   * const done = await Job.create({
   *   project: "self",
   *   model: "mnist",
   *   runHandler: "mnist.evaluator:MNISTInference.evaluate",
   *   datasets: ["mnist"],
   * });
   * console.log(await done.status);
   * ```
   */
  static async create(
    options: CreateJobOptions & ClientOptions & { project: string; throwOnFailure?: boolean },
  ): Promise<Job> {
    checkCreateOptions(options);
    const { config, uri: p, instance } = openProject(options.project, options);
    if (options.onProgress && instance.kind !== "standalone") {
      throw new UnsupportedError(
        "onProgress",
        `the server ${instance.url}: it reports no progress to this SDK (poll the job's status)`,
      );
    }
    if (options.throwOnFailure && instance.kind !== "standalone") {
      throw new UnsupportedError(
        "throwOnFailure",
        `the server ${instance.url}: its jobs run on after create(); call job.ok() once it ended`,
      );
    }
    const local = (uri: string, type: "model" | "dataset") => {
      const r = parseResourceUri(uri, { type, config, project: p.project });
      if (r.instance.url !== p.instance.url || r.project !== p.project) {
        throw new TypeError(
          `Invalid ${type} ${
            JSON.stringify(uri)
          }: it must be in project '${p.project}' on ${p.instance.url}`,
        );
      }
      if (!r.name) {
        throw new TypeError(`Invalid ${type} ${JSON.stringify(uri)}: it names no ${type}`);
      }
      return r.version ? `${r.name}/version/${r.version}` : r.name;
    };
    const record = await instance.createJob(p.project, {
      model: local(options.model, "model"),
      runHandler: options.runHandler,
      datasets: options.datasets?.map((d) => local(d, "dataset")),
      datasetHead: options.datasetHead,
      runtime: options.runtime,
      resourcePool: options.resourcePool,
      ttl: options.ttl,
      devMode: options.devMode,
      devModePassword: options.devModePassword,
      overwriteSpecs: options.overwriteSpecs,
      signal: options.signal,
      onProgress: options.onProgress,
    });
    const created = Job.#of(instance, { ...p, type: "job", name: record.id, version: "" });
    if (options.throwOnFailure) await created.ok();
    return created;
  }

  /**
   * Copies a job that has ended to another instance: its record, manifest, summary row and every
   * table it wrote, under the same id. Evaluate offline on a standalone instance, then publish
   * the job to the team's server, or bring a server's job home. The job is listed on the
   * destination only once everything is written; a job already there is left alone, so a
   * repeated copy is a no-op. A server receives copies through this SDK's job-copy extension
   * route (`swcli server start` has it; Starwhale's own server does not).
   *
   * Needs `--allow-read`/`--allow-write` on a standalone root, `--allow-net` for a server.
   *
   * @param src The job URI (`local/project/self/job/<id>`, an id prefix, `latest`,
   *   `cloud://dev/project/self/job/<id>`).
   * @param dest The destination project URI (`cloud://dev/project/self`, `local/project/self`).
   * @param options `onProgress` (after every batch of rows), `signal`, `config`, and `from`/`to`
   *   instances to use instead of those the URIs name.
   * @returns The job on the destination.
   * @throws {JobStateError} The job has not ended. {UnsupportedError} The destination server
   *   cannot receive copied jobs (nothing is written then). {NotFoundError} No such job or
   *   destination project.
   * @example Copy a standalone job to another root
   * ```ts
   * import assert from "node:assert/strict";
   * import { Job, StandaloneInstance } from "@starwhale/sdk";
   * const [a, b] = [await Deno.makeTempDir(), await Deno.makeTempDir()];
   * const pkg = await Deno.makeTempDir();
   * const sdk = new URL("../../mod.ts", import.meta.url).href;
   * await Deno.writeTextFile(
   *   `${pkg}/steps.ts`,
   *   `import { handler } from "${sdk}";\nexport const run = handler((ctx) => ctx.logSummary({ ok: 1 }));\n`,
   * );
   * {
   *   await using from = new StandaloneInstance(a);
   *   await using to = new StandaloneInstance(b);
   *   await from.buildModel("self", { dir: pkg, name: "m", modules: ["steps"] });
   *   const done = await Job.create({ project: "self", model: "m", runHandler: "steps:run", instance: from });
   *   const copy = await Job.copy(done.uri, "local/project/self", { from, to });
   *   assert.equal(copy.id, done.id);
   *   assert.deepEqual(await copy.summary, { id: done.id, ok: 1 });
   * }
   * for (const dir of [a, b, pkg]) await Deno.remove(dir, { recursive: true });
   * ```
   */
  static async copy(src: string, dest: string, options: JobCopyOptions = {}): Promise<Job> {
    const { config, from, to, ...copyOptions } = options;
    const source = openResource(src, { config, instance: from, type: "job" });
    const target = openProject(dest, { config, instance: to });
    const ref = await resolveJobRef(source.instance, {
      project: source.uri.project,
      id: source.uri.name,
    });
    const { record } = await copyJob(
      { instance: source.instance, ref },
      { instance: target.instance, project: target.uri.project },
      copyOptions,
    );
    return Job.#of(target.instance, { ...target.uri, type: "job", name: record.id, version: "" });
  }

  static #of(instance: Instance, uri: ResourceUri): Job {
    return new Job(instance, uri);
  }

  /** The job id (the full id once resolved by any call). */
  get id(): string {
    return this.#id;
  }

  /** The project name (or id, on a server). */
  get project(): string {
    return this.#uri.project;
  }

  /** The full URI, e.g. `local/project/self/job/<id>`. */
  get uri(): string {
    return formatResourceUri({ ...this.#uri, name: this.#id });
  }

  /** The instance serving the job. */
  get instance(): Instance {
    return this.#instance;
  }

  get #ref() {
    return { project: this.#uri.project, id: this.#id };
  }

  /**
   * The job's record: status, model, datasets, times, error. Resolves a short id, and `latest`
   * to the project's newest job (as for models and datasets).
   *
   * @throws {NotFoundError} No such job (for `latest`: the project has no jobs).
   * {AmbiguousError} A prefix of several jobs.
   */
  async record(): Promise<JobRecord> {
    this.#id = (await resolveJobRef(this.#instance, this.#ref)).id;
    const r = await this.#instance.getJob(this.#ref);
    this.#id = r.id;
    return r;
  }

  /**
   * Checks that the job ended well, for scripts that need not read `status`.
   *
   * @returns The job, once it ended SUCCESS.
   * @throws {HandlerError} The job failed: the message is its recorded error.
   * {JobStateError} The job was canceled, or has not ended yet.
   */
  async ok(): Promise<Job> {
    const r = await this.record();
    if (r.status === "SUCCESS") return this;
    if (r.status === "FAIL") {
      const recorded = r.errorMessage ?? "no error was recorded";
      const prefix = `Handler '${r.handler}' failed: `;
      const message = recorded.startsWith(prefix) ? recorded.slice(prefix.length) : recorded;
      throw new HandlerError(r.handler ?? "?", message, { cause: r });
    }
    const reason = r.status === "CANCELED"
      ? `it was canceled${r.errorMessage ? ` (${r.errorMessage})` : ""}`
      : `it is ${r.status}, it has not ended`;
    throw new JobStateError("succeed", { id: r.id, status: r.status, reason });
  }

  /**
   * Waits for the job to end. A server runs its jobs after `create()` returns, so this is how a
   * script follows one; a standalone job made by `Job.create` has ended already, and resolves at
   * once (a job another process runs on the same root is followed the same way as on a server).
   *
   * @param options `signal` stops waiting (the job runs on); `timeoutMs` gives up after that
   *   long.
   * @returns The final status: `SUCCESS`, `FAIL` or `CANCELED`.
   * @throws {JobStateError} Still not ended after `timeoutMs`. {RangeError} A bad `timeoutMs`.
   *   The signal's reason once it aborts. {NotFoundError} No such job.
   * @example Wait for a server job, at most ten minutes
   * ```ts ignore
   * import { Job } from "@starwhale/sdk";
   * const j = await Job.create({ project: "cloud://dev/project/self", model: "mnist",
   *   runHandler: "mnist.evaluator:MNISTInference.evaluate", datasets: ["mnist"] });
   * console.log(await j.wait({ timeoutMs: 600_000 })); // "SUCCESS"
   * ```
   */
  async wait(options: WaitOptions = {}): Promise<JobStatus> {
    await this.record();
    return (await waitForJob(this.#instance, this.#ref, options)).status;
  }

  /** The current status. */
  get status(): Promise<JobStatus> {
    return this.record().then((r) => r.status);
  }

  /** The job's row of the project summary table (with `id`), `{}` if nothing was logged. */
  get summary(): Promise<Row> {
    return this.record().then(() => this.#instance.jobSummary(this.#ref));
  }

  /** Short names of the job's tables (the summary table excluded). */
  get tables(): Promise<string[]> {
    return this.record().then(() => this.#instance.jobTables(this.#ref));
  }

  /**
   * Streams rows of one of the job's tables in key order.
   *
   * @param name A name from {@link Job.tables}, e.g. `results`.
   * @param options `start` (inclusive), `end` (exclusive unless `endInclusive`), `keepNone`.
   * @returns The rows, each with its `id`.
   * @throws {NotFoundError} The job has no such table (the message lists its tables).
   */
  async *getTableRows(name: string, options: TableRowsOptions = {}): AsyncIterable<Row> {
    await this.record();
    yield* jobTableRows(this.#instance, { ref: this.#ref, table: name }, {
      start: options.start,
      end: options.end,
      keepNone: options.keepNone,
      endInclusive: options.endInclusive,
    });
  }

  /** Local: `{manifest, report: {summary, kind}}`; server: `{job, tasks, report}`. */
  async info(): Promise<Record<string, unknown>> {
    await this.record();
    return await this.#instance.jobInfo(this.#ref);
  }

  /**
   * Streams what the job's handlers printed (`console.log` and friends), oldest first, one line
   * each: `<ISO time> <step>#<replica> <stdout|stderr>: <text>`.
   *
   * @returns The lines so far (a running job's later lines are not waited for).
   * @throws {UnsupportedError} For a job on a server (it keeps no logs this SDK can read yet).
   * @example See `Job.create`: a standalone job's handler output is kept
   * ```ts ignore
   * for await (const line of job("xm5wnup").logs()) console.log(line);
   * ```
   */
  async *logs(): AsyncIterable<string> {
    const instance = this.#instance;
    if (!hasJobLogs(instance)) {
      throw new UnsupportedError(
        "reading a job's logs",
        `the server ${instance.url}: it keeps no job logs this SDK can read`,
        { operation: true },
      );
    }
    await this.record();
    yield* instance.jobLogs(this.#ref);
  }

  /** Cancels the job (JobStateError once it has ended). */
  async cancel(): Promise<void> {
    await this.record();
    await this.#instance.cancelJob(this.#ref);
  }

  /** Pauses the running job. */
  async pause(): Promise<void> {
    await this.record();
    await this.#instance.pauseJob(this.#ref);
  }

  /** Resumes the paused job. */
  async resume(): Promise<void> {
    await this.record();
    await this.#instance.resumeJob(this.#ref);
  }

  /** Removes the job; recoverable with {@link Job.recover} unless `force`. */
  async remove(options: { force?: boolean } = {}): Promise<void> {
    await this.#instance.removeJob(this.#ref, options);
  }

  /** Brings a removed job back. */
  async recover(): Promise<void> {
    await this.#instance.recoverJob(this.#ref);
  }

  /** `Job[<uri>]`, as the Python SDK prints a job. */
  toString(): string {
    return `Job[${this.uri}]`;
  }
}

/**
 * Same as {@link Job.get}: the Python SDK's `job(uri)`.
 *
 * @param uri Job URI or id (prefix).
 * @param options Config or explicit instance.
 * @returns The job.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { job } from "@starwhale/sdk";
 * assert.match(job("xm5wnup").uri, /\/project\/self\/job\/xm5wnup$/);
 * ```
 */
export function job(uri: string, options: ClientOptions = {}): Job {
  return Job.get(uri, options);
}
