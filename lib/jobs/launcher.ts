/**
 * `WorkerLauncher`: runs each job created through the server in its own module Worker, so jobs
 * run asynchronously and isolated from the server and from each other, while the server's
 * process keeps the only open datastore (its LOCK is process-exclusive). The Worker's datastore
 * writes and scans arrive as messages and are served here (see `worker/calls.ts`).
 *
 * Status: CREATED -> READY (Worker starting) -> RUNNING -> SUCCESS/FAIL. `cancel` goes
 * CANCELLING -> CANCELED once the Worker has stopped (it is terminated if it does not stop within
 * `graceMs`); `pause` holds the job at its next row; `resume` lets it go on, or, for a job with no
 * live Worker (failed, canceled, or interrupted by a restart), starts a new one that skips the
 * dataset rows already in `results`. `ttl` cancels a job that runs too long. Every change is
 * mirrored into the `sys/*` columns of the job's summary row.
 *
 * @module
 */

import type { Datastore, Key } from "../../datastore/mod.ts";
import { type Lease, leaseDatastore } from "../standalone/datastore_pool.ts";
import { JobStateError } from "../sdk/errors.ts";
import type {
  CreateJobOptions,
  JobProgress,
  JobRecord,
  JobRef,
  JobStatus,
} from "../sdk/instance.ts";
import { JobControl, type JobControlRequest, runningJobs, watchJobControl } from "./control.ts";
import { settleAllOrphans, settleOrphans } from "./orphans.ts";
import { prepareJob } from "./plan.ts";
import { RunnerLock } from "./runner_lock.ts";
import type { FromWorker, ToWorker } from "./worker/messages.ts";
import { type LaunchPlan, preparedPlan, rebuiltPlan } from "./_worker_plans.ts";
import {
  JobStore,
  jobTableName,
  publicJob,
  type StoredJob,
  summaryTableName,
} from "../standalone/job_store.ts";
import { createdColumns, statusColumns, SYS_SCHEMA } from "./_sys_columns.ts";
import { WorkerCalls } from "./worker/calls.ts";
import { jobTasksPath, TaskBoard } from "./task_board.ts";
import { boardSteps, headRows } from "./local.ts";

/** Runs jobs created through the API; `launch` returns as soon as the job exists. */
export interface JobLauncher {
  /** Starts a job; resolves with its record once it exists (CREATED or later). */
  launch(project: string, options: CreateJobOptions): Promise<JobRecord>;
  /** Cancels a job: CANCELLING, then CANCELED once the work has stopped. */
  cancel(ref: JobRef): Promise<void>;
  /** Pauses a running job. */
  pause(ref: JobRef): Promise<void>;
  /** Resumes a paused, failed or canceled job. */
  resume(ref: JobRef): Promise<void>;
  /** Stops every running job. */
  close(): Promise<void>;
  /** The latest progress of each started step of a job this launcher runs (or ran). */
  progress?(jobId: string): JobProgress[];
}

/** Options of {@link WorkerLauncher}. */
export interface WorkerLauncherOptions {
  /** How long a canceled job may take to stop before its Worker is terminated. @default 2000 */
  graceMs?: number;
}

interface Running {
  job: StoredJob;
  worker: Worker;
  control: JobControl;
  calls: WorkerCalls;
  lock: RunnerLock;
  stopping: "cancel" | "ttl" | undefined;
  timers: ReturnType<typeof setTimeout>[];
  /** Stops watching the job's control row (requests from other processes). */
  unwatch: () => Promise<void>;
  ended: Promise<void>;
  end: () => void;
  /** The job's tasks, kept in its `tasks.json`. */
  board: TaskBoard;
}

/**
 * Runs server jobs in Workers over a storage root.
 *
 * Needs `--allow-read` and `--allow-write` on the root (Workers inherit the permissions).
 *
 * @example Launch nothing, then close
 * ```ts
 * import { WorkerLauncher } from "./launcher.ts";
 * const root = await Deno.makeTempDir();
 * const launcher = new WorkerLauncher(root);
 * await launcher.close();
 * await Deno.remove(root, { recursive: true });
 * ```
 */
export class WorkerLauncher implements JobLauncher {
  readonly #root: string;
  readonly #graceMs: number;
  #lease: Promise<Lease> | undefined;
  readonly #running = new Map<string, Running>();
  readonly #plans = new Map<string, LaunchPlan>();
  readonly #saving = new Map<string, Promise<unknown>>();
  readonly #progress = new Map<string, Map<string, JobProgress>>();
  #settled: Promise<void> = Promise.resolve();
  #closed = false;

  /**
   * Makes a launcher over a storage root.
   *
   * @param root The storage root whose standalone instance the server serves.
   * @param options `graceMs`.
   */
  constructor(root: string, options: WorkerLauncherOptions = {}) {
    if (typeof root !== "string" || root === "") {
      throw new TypeError(`Invalid storage root ${JSON.stringify(root)}`);
    }
    this.#root = root;
    this.#graceMs = options.graceMs ?? 2000;
  }

  async #ds(): Promise<Datastore> {
    if (this.#closed) throw new TypeError("Cannot run jobs: the launcher is closed");
    if (!this.#lease) {
      const lease = leaseDatastore(this.#root);
      this.#lease = lease;
      // The first use settles the jobs an earlier server left RUNNING when it stopped.
      this.#settled = lease.then((l) => settleAllOrphans(this.#root, l.ds)).then(() => {});
    }
    const { ds } = await this.#lease;
    await this.#settled;
    return ds;
  }

  /**
   * Opens the root's datastore and ends every job an earlier runner left unfinished (FAIL, or
   * CANCELED if it was being canceled; such a job can be resumed). A server calls it at start.
   *
   * @returns Once done.
   */
  async start(): Promise<void> {
    await this.#ds();
  }

  #store(project: string, ds: Datastore): JobStore {
    return new JobStore(this.#root, { project, ds });
  }

  /**
   * Saves a status change (serialized per job) and mirrors it into the summary row; a function
   * patch sees the current record and may return `undefined` to change nothing.
   */
  #save(
    job: StoredJob,
    patch: Partial<StoredJob> | ((current: StoredJob) => Partial<StoredJob> | undefined),
  ): Promise<StoredJob> {
    const next = (this.#saving.get(job.id) ?? Promise.resolve()).then(async () => {
      const ds = await this.#ds();
      const store = this.#store(job.project, ds);
      const current = await store.get(job.id, { removed: false });
      const change = typeof patch === "function" ? patch(current) : patch;
      if (!change) return current;
      const updated = { ...current, ...change };
      // The summary row first: whoever sees the new status in the job's record then sees it in
      // the summary's sys/job_status too.
      await ds.update(summaryTableName(job.project), [statusColumns(updated)]);
      await store.save(updated);
      return updated;
    });
    this.#saving.set(job.id, next.catch(() => {}));
    return next;
  }

  async launch(project: string, options: CreateJobOptions): Promise<JobRecord> {
    const ds = await this.#ds();
    const runner = "this server (it runs jobs on a standalone instance)";
    const prepared = await prepareJob(this.#root, { project, ds, runner }, options);
    const { job } = prepared;
    await ds.update(summaryTableName(project), [
      createdColumns(job, {
        steps: prepared.steps,
        resourcePool: prepared.resourcePool,
        datasetVersions: prepared.datasets.map((d) => `${d.ref.name}/version/${d.ref.version}`),
      }),
    ], { schema: SYS_SCHEMA }).catch(async (e) => {
      await prepared.lock.release();
      throw e;
    });
    this.#plans.set(job.id, await preparedPlan(this.#root, { ds, prepared }));
    return publicJob(await this.#start(job, { skip: [], lock: prepared.lock }));
  }

  async #start(job: StoredJob, from: { skip: Key[]; lock: RunnerLock }): Promise<StoredJob> {
    const { skip, lock } = from;
    let plan: LaunchPlan;
    let ready: StoredJob;
    try {
      plan = this.#plans.get(job.id) ?? await this.#rebuildPlan(job);
      ready = await this.#save(job, { status: "READY", finishedAt: null, errorMessage: null });
    } catch (e) {
      await lock.release();
      throw e;
    }
    const worker = new Worker(new URL("./worker/main.ts", import.meta.url), { type: "module" });
    let end!: () => void;
    const ended = new Promise<void>((r) => end = r);
    const ds = await this.#ds();
    const run: Running = {
      job,
      worker,
      control: new JobControl(),
      calls: new WorkerCalls(this.#root, { ds, plan }),
      lock,
      stopping: undefined,
      timers: [],
      // `swcli job cancel|pause|resume` in another process writes the job's control row.
      unwatch: watchJobControl(ds, job.id, (request) => this.#fromElsewhere(job, request)),
      ended,
      end,
      board: new TaskBoard(jobTasksPath(this.#store(job.project, ds).jobDir(job.id)), {
        steps: boardSteps(plan.steps),
        // A resumed run skips rows already done: its totals are unknown.
        rows: skip.length ? null : headRows(plan.datasetRows, plan.datasetHead),
      }),
    };
    this.#running.set(job.id, run);
    runningJobs(this.#root).set(job.id, run.control);
    run.control.signal.addEventListener("abort", () => void this.#stop(job.id, "cancel"));
    const post = (m: ToWorker) => this.#running.get(job.id) === run && worker.postMessage(m);
    worker.onmessage = (event: MessageEvent<FromWorker>) => {
      const m = event.data;
      if (m.type === "call") void run.calls.answer(m).then(post);
      else if (m.type === "started") {
        const running = (cur: StoredJob) =>
          cur.status === "READY" ? { status: "RUNNING" as const } : undefined;
        void this.#save(job, running).catch(() => {});
      } else if (m.type === "progress") {
        const steps = this.#progress.get(job.id) ?? new Map<string, JobProgress>();
        steps.set(m.progress.step, m.progress);
        this.#progress.set(job.id, steps);
      } else if (m.type === "task") run.board.task(m.event);
      else if (m.type === "done") void this.#finish(job, run, m.outcome);
    };
    worker.onerror = (event) => {
      event.preventDefault();
      void this.#finish(job, run, { status: "FAIL", error: event.message });
    };
    if (plan.ttl > 0) {
      run.timers.push(setTimeout(() => {
        void this.#stop(job.id, "ttl").catch(() => {});
      }, plan.ttl * 1000));
    }
    // A resumed run skips rows already done: its totals are unknown.
    const datasetRows = skip.length ? undefined : plan.datasetRows;
    this.#progress.delete(job.id);
    worker.postMessage({ type: "start", plan: { ...plan, skip, datasetRows } } satisfies ToWorker);
    return ready;
  }

  /**
   * How far a job run by this launcher is: the latest progress of each step its current (or last)
   * run has started, in the order the steps started.
   *
   * @param jobId The job's full id.
   * @returns The steps' progress; empty for a job this launcher has not run since it started.
   */
  progress(jobId: string): JobProgress[] {
    return [...this.#progress.get(jobId)?.values() ?? []];
  }

  /** A request another process wrote to the job's control row, run as this launcher's own. */
  #fromElsewhere(job: StoredJob, request: JobControlRequest): Promise<void> {
    const ref = { project: job.project, id: job.id };
    if (request === "cancel") return this.cancel(ref);
    return request === "pause" ? this.pause(ref) : this.resume(ref);
  }

  /** Ends a run: terminates the Worker and records the final status. */
  async #finish(
    job: StoredJob,
    run: Running,
    outcome: { status: JobStatus; error: string | null },
  ): Promise<void> {
    if (this.#running.get(job.id) !== run) return;
    this.#running.delete(job.id);
    if (runningJobs(this.#root).get(job.id) === run.control) runningJobs(this.#root).delete(job.id);
    for (const t of run.timers) clearTimeout(t);
    // Not awaited: the request being applied may be the cancel that ends this run.
    void run.unwatch();
    run.worker.terminate();
    await run.calls.close();
    let { status, error } = outcome;
    if (run.stopping) {
      status = "CANCELED";
      error = run.stopping === "ttl"
        ? `the job ran longer than its ttl of ${this.#plans.get(job.id)?.ttl} s`
        : "the job was canceled";
    }
    run.board.end(status === "SUCCESS" || status === "CANCELED" ? status : "FAIL");
    await this.#save(job, { status, errorMessage: error, finishedAt: new Date().toISOString() })
      .catch(() => {})
      .finally(() => run.lock.release().catch(() => {}))
      .finally(run.end);
  }

  /** A job by id, settled first if its runner is gone (not one of this launcher's). */
  async #job(ref: JobRef): Promise<StoredJob> {
    const ds = await this.#ds();
    const job = await this.#store(ref.project, ds).get(ref.id);
    return (await settleOrphans(this.#root, { project: ref.project, ds }, [job]))[0];
  }

  async #stop(id: string, why: "cancel" | "ttl"): Promise<void> {
    const run = this.#running.get(id);
    if (!run) return;
    if (run.stopping) return;
    run.stopping = why;
    const job = await this.#save(run.job, { status: "CANCELLING" });
    if (this.#running.get(id) !== run) return; // it ended while the status was saved
    run.worker.postMessage({ type: "cancel" } satisfies ToWorker);
    run.timers.push(setTimeout(() => {
      void this.#finish(job, run, { status: "CANCELED", error: null });
    }, this.#graceMs));
  }

  async cancel(ref: JobRef): Promise<void> {
    const job = await this.#job(ref);
    const ok: JobStatus[] = ["READY", "RUNNING", "PAUSED"];
    if (!ok.includes(job.status)) throw new JobStateError("cancel", job);
    if (this.#running.has(job.id)) return await this.#stop(job.id, "cancel");
    await this.#save(job, {
      status: "CANCELED",
      errorMessage: "the job was canceled",
      finishedAt: new Date().toISOString(),
    });
  }

  async pause(ref: JobRef): Promise<void> {
    const job = await this.#job(ref);
    const run = this.#running.get(job.id);
    if (!run || run.stopping || (job.status !== "RUNNING" && job.status !== "READY")) {
      throw new JobStateError("pause", job);
    }
    run.worker.postMessage({ type: "pause" } satisfies ToWorker);
    run.board.pause(true);
    await this.#save(job, { status: "PAUSED" });
  }

  async resume(ref: JobRef): Promise<void> {
    const job = await this.#job(ref);
    const run = this.#running.get(job.id);
    if (run && job.status === "PAUSED") {
      run.worker.postMessage({ type: "resume" } satisfies ToWorker);
      run.board.pause(false);
      await this.#save(job, { status: "RUNNING" });
      return;
    }
    if (run || !(job.status === "PAUSED" || job.status === "FAIL" || job.status === "CANCELED")) {
      throw new JobStateError("resume", job);
    }
    const skip: Key[] = [];
    const ds = await this.#ds();
    const results = jobTableName(job.project, job.id, "results");
    if (ds.tables(results).includes(results)) {
      for await (const row of ds.scan(results, { columns: ["id"] })) skip.push(row.id as Key);
    }
    await this.#start(job, { skip, lock: await RunnerLock.acquire(this.#root, job.id) });
  }

  /** Rebuilds what a job runs from its record (a job started before a restart). */
  async #rebuildPlan(job: StoredJob): Promise<LaunchPlan> {
    const plan = await rebuiltPlan(this.#root, { ds: await this.#ds(), job });
    this.#plans.set(job.id, plan);
    return plan;
  }

  /** Terminates every running job (they end FAIL, resumable) and releases the datastore. */
  async close(): Promise<void> {
    if (this.#closed) return;
    for (const run of [...this.#running.values()]) {
      await this.#finish(run.job, run, { status: "FAIL", error: "the server stopped" });
    }
    await Promise.all(this.#saving.values());
    this.#closed = true;
    const lease = this.#lease;
    this.#lease = undefined;
    if (lease) await (await lease.catch(() => undefined))?.release();
  }
}
