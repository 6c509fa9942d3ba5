/**
 * Jobs running in this process: the pause/cancel switches of each ({@link JobControl}), the
 * registry of running jobs per storage root ({@link runningJobs}), the lock that orders the saves
 * of one job's record ({@link withJobRecord}) and the creation clock that orders jobs created in
 * the same millisecond ({@link nextCreatedTime}).
 *
 * @module
 */

import { resolve } from "node:path";
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
