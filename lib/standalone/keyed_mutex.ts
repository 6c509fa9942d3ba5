/**
 * `KeyedMutex`: one lock per key within this process; work under a key runs after every earlier
 * work under that key has settled, work under different keys runs concurrently.
 *
 * @module
 */

/**
 * A mutex per key (a tag manifest's path, a job id, ...), for this process.
 *
 * @example Work under one key runs in call order
 * ```ts
 * import assert from "node:assert/strict";
 * import { KeyedMutex } from "./keyed_mutex.ts";
 * const mutex = new KeyedMutex();
 * const order: number[] = [];
 * const slow = mutex.lock("k", async () => {
 *   await new Promise((r) => setTimeout(r, 5));
 *   order.push(1);
 * });
 * const fast = mutex.lock("k", () => Promise.resolve(order.push(2)));
 * await Promise.all([slow, fast]);
 * assert.deepEqual(order, [1, 2]);
 * ```
 */
export class KeyedMutex {
  readonly #tails = new Map<string, Promise<unknown>>();

  /**
   * Runs `fn` holding the lock of `key`: after every earlier `lock(key, ...)` has settled
   * (fulfilled or rejected).
   *
   * @param key The lock's name.
   * @param fn The work.
   * @returns What `fn` returns.
   */
  lock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.#tails.get(key) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const tail = next.catch(() => {});
    this.#tails.set(key, tail);
    tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return next;
  }

  /** Number of keys with work queued or running. */
  get size(): number {
    return this.#tails.size;
  }
}
