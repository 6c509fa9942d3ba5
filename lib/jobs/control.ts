/**
 * Jobs running in this process: the pause/cancel switches of each ({@link JobControl}), the
 * registry of running jobs per storage root ({@link runningJobs}), the lock that orders the saves
 * of one job's record ({@link withJobRecord}) and the creation clock that orders jobs created in
 * the same millisecond ({@link nextCreatedTime}).
 *
 * @module
 */

import { resolve } from "node:path";
import type { Datastore } from "../../datastore/mod.ts";
import type { JobStatus } from "../sdk/instance.ts";
import { KeyedMutex } from "../standalone/keyed_mutex.ts";

/**
 * Pause/cancel switches of a job running in this process.
 *
 * @example Pause, resume, cancel
 * ```ts
 * import assert from "node:assert/strict";
 * import { JobControl } from "./control.ts";
 * const control = new JobControl();
 * control.pause();
 * assert.equal(control.paused, true);
 * control.resume();
 * await control.checkpoint();
 * control.cancel();
 * await assert.rejects(() => control.checkpoint(), { name: "AbortError" });
 * ```
 */
export class JobControl {
  readonly #abort = new AbortController();
  #paused: { promise: Promise<void>; resolve: () => void } | undefined;
  /** Set by the runner when the status changes. */
  status: JobStatus = "CREATED";

  /** Aborted by {@link cancel}. */
  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  /** Whether the job is paused. */
  get paused(): boolean {
    return this.#paused !== undefined;
  }

  /** Requests cancellation; the runner stops at its next checkpoint. */
  cancel(): void {
    this.resume();
    this.#abort.abort(new DOMException("the job was canceled", "AbortError"));
  }

  /** Holds the runner at its next checkpoint until {@link resume}. */
  pause(): void {
    if (this.#paused) return;
    let resolve!: () => void;
    const promise = new Promise<void>((r) => resolve = r);
    this.#paused = { promise, resolve };
  }

  /** Lets a paused runner go on. */
  resume(): void {
    const p = this.#paused;
    this.#paused = undefined;
    p?.resolve();
  }

  /** Waits while paused; throws the abort reason once canceled. */
  async checkpoint(): Promise<void> {
    while (this.#paused) await this.#paused.promise;
    this.#abort.signal.throwIfAborted();
  }
}

interface RootJobs {
  running: Map<string, JobControl>;
  lastCreated: number;
}

const roots = new Map<string, RootJobs>();

function of(root: string): RootJobs {
  const key = resolve(root);
  let s = roots.get(key);
  if (!s) {
    s = { running: new Map(), lastCreated: 0 };
    roots.set(key, s);
  }
  return s;
}

/**
 * Jobs running in this process on a storage root, by id.
 *
 * @param root The storage root.
 * @returns The live map (runners add and delete their entries).
 */
export function runningJobs(root: string): Map<string, JobControl> {
  return of(root).running;
}

/**
 * A creation time for a new job: now, but strictly after every earlier one on this root, so
 * "newest first" is a total order even for jobs created in the same millisecond.
 *
 * @param root The storage root.
 * @returns Epoch milliseconds.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { nextCreatedTime } from "./control.ts";
 * const a = nextCreatedTime("/r"), b = nextCreatedTime("/r");
 * assert.ok(b > a);
 * ```
 */
export function nextCreatedTime(root: string): number {
  const s = of(root);
  s.lastCreated = Math.max(Date.now(), s.lastCreated + 1);
  return s.lastCreated;
}

const records = new KeyedMutex();

/**
 * Runs `fn` holding this process's lock on one job's record, so a runner's status changes and a
 * user's cancel or pause are saved one at a time, in order.
 *
 * @param jobId The job.
 * @param fn Reads and saves the record.
 * @returns What `fn` returns.
 */
export function withJobRecord<T>(jobId: string, fn: () => Promise<T>): Promise<T> {
  return records.lock(jobId, fn);
}

/** The table of requests to jobs that run in another process: one row per job, by id. */
export const JOB_CONTROL_TABLE = "sys/job_control";

/** What another process may ask of a running job. */
export type JobControlRequest = "cancel" | "pause" | "resume";

/** How often a running job looks for a request from another process (one `get`). */
const CONTROL_POLL_MS = 200;
/** How long a request waits for the running process to take it. */
const CONTROL_WAIT_MS = 3000;

/**
 * Asks the process running a job to cancel, pause or resume it: writes the request to
 * {@link JOB_CONTROL_TABLE}, which that process's runner polls ({@link watchJobControl}), and
 * waits (up to 3 s) until the runner has acted on it and saved the job's new status.
 *
 * @param ds The root's datastore (shared with the running process).
 * @param jobId The job.
 * @param request What to do.
 * @returns Whether the runner took the request (false: nobody polls for this job).
 */
export async function requestJobControl(
  ds: Datastore,
  jobId: string,
  request: JobControlRequest,
): Promise<boolean> {
  const at = crypto.randomUUID();
  await ds.update(JOB_CONTROL_TABLE, [{ id: jobId, request, at, done: null }]);
  const deadline = Date.now() + CONTROL_WAIT_MS;
  while (Date.now() < deadline) {
    if ((await ds.get(JOB_CONTROL_TABLE, jobId))?.done === at) return true;
    await new Promise((resolve) => setTimeout(resolve, CONTROL_POLL_MS / 4));
  }
  return false;
}

/**
 * Polls the control row of a job running in this process, at most every 200 ms, and runs
 * `apply` for each new request, one at a time, then marks it done.
 *
 * @param ds The root's datastore.
 * @param jobId The job.
 * @param apply Acts on a request (the in-process control, and the saved status).
 * @returns Stops polling (resolves once a running `apply` is done).
 */
export function watchJobControl(
  ds: Datastore,
  jobId: string,
  apply: (request: JobControlRequest) => Promise<void>,
): () => Promise<void> {
  let seen: unknown;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let current: Promise<void> = Promise.resolve();
  const tick = () => {
    current = (async () => {
      const row = await ds.get(JOB_CONTROL_TABLE, jobId).catch(() => undefined);
      // A request some earlier run already took (its `done` is its `at`) is not taken again.
      if (row !== undefined && row.at !== seen && row.done !== row.at && !stopped) {
        seen = row.at;
        await apply(row.request as JobControlRequest).catch(() => {});
        await ds.update(JOB_CONTROL_TABLE, [{ id: jobId, done: row.at }]).catch(() => {});
      }
    })();
    current.finally(() => {
      if (stopped) return;
      const next = setTimeout(tick, CONTROL_POLL_MS);
      Deno.unrefTimer(next);
      timer = next;
    });
  };
  tick();
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await current;
  };
}
