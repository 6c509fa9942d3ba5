/**
 * Waiting for a job to end: polls its record until the status is final, backing off from 100 ms
 * to 2 s, stopped by a signal or a time limit. `Job.wait` and `swcli job create --wait` share it.
 *
 * @module
 */

import { JobStateError } from "./errors.ts";
import { FINAL_STATUSES, type Instance, type JobRecord, type JobRef } from "./instance.ts";

/** Options of {@link waitForJob} and `Job.wait`. */
export interface WaitOptions {
  /** Stops waiting: the promise rejects with the signal's reason. The job runs on. */
  signal?: AbortSignal;
  /** Gives up after this many milliseconds with a `JobStateError`; default: no limit. */
  timeoutMs?: number;
}

/**
 * Polls a job until its status is final (SUCCESS, FAIL or CANCELED).
 *
 * @param instance The job's instance.
 * @param ref The job.
 * @param options A signal and a time limit.
 * @returns The job's record in its final status.
 * @throws {RangeError} A `timeoutMs` that is not a number >= 0. {JobStateError} The job had not
 *   ended within `timeoutMs`. The signal's reason, once it aborts. Whatever reading the job
 *   throws (`NotFoundError`, ...).
 * @example A job that has ended resolves at once
 * ```ts
 * import assert from "node:assert/strict";
 * import type { Instance } from "./instance.ts";
 * import { waitForJob } from "./job_wait.ts";
 * const job = { id: "abc", project: "self", status: "SUCCESS" };
 * const instance = { getJob: () => Promise.resolve(job) } as unknown as Instance;
 * assert.equal((await waitForJob(instance, job, { timeoutMs: 0 })).status, "SUCCESS");
 * ```
 */
export async function waitForJob(
  instance: Instance,
  ref: JobRef,
  options: WaitOptions = {},
): Promise<JobRecord> {
  const { signal, timeoutMs } = options;
  if (
    timeoutMs !== undefined &&
    (typeof timeoutMs !== "number" || Number.isNaN(timeoutMs) || timeoutMs < 0)
  ) {
    throw new RangeError(`Invalid timeoutMs ${String(timeoutMs)}: expected a number >= 0`);
  }
  const deadline = timeoutMs === undefined ? Infinity : Date.now() + timeoutMs;
  let delay = 100;
  for (;;) {
    signal?.throwIfAborted();
    const job = await instance.getJob(ref);
    if (FINAL_STATUSES.includes(job.status)) return job;
    const left = deadline - Date.now();
    if (left <= 0) {
      throw new JobStateError("wait for", {
        id: job.id,
        status: job.status,
        reason: `it is still ${job.status} after ${timeoutMs} ms`,
      });
    }
    await sleep(Math.min(delay, left), signal);
    delay = Math.min(2000, delay * 2);
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", aborted);
    };
    const aborted = () => {
      done();
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      done();
      resolve();
    }, ms);
    signal?.addEventListener("abort", aborted, { once: true });
  });
}
