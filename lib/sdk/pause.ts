/**
 * The wait between two polls of a job that a signal cuts short, shared by the SDK's followers
 * and the remote adapter's log follower.
 *
 * @module
 */

/**
 * Waits `ms`, or less when the signal aborts (then it resolves: the caller checks the signal).
 *
 * @param ms Milliseconds to wait.
 * @param signal Ends the wait early.
 */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
  });
}
