/**
 * Lets other requests in during long work: a scan or query calls `breathe()` as it goes, and once
 * a slice of time has passed since the last pause it waits for one turn of the event loop, so
 * `/health` and other requests are answered between slices. The wait is a timer: after a timer
 * Deno polls its sockets, after a microtask or `setImmediate` it does not.
 *
 * @module
 */

/** Paces one long piece of work. */
export class Breather {
  readonly #sliceMs: number;
  #last = performance.now();
  #count = 0;
  /** How many times the work paused. */
  pauses = 0;

  /** @param sliceMs Longest stretch of work between two pauses, in ms (0: every 64 rows). */
  constructor(sliceMs: number) {
    this.#sliceMs = sliceMs;
  }

  /**
   * Pauses for one turn of the event loop when the slice is used up; cheap otherwise (the clock
   * is read once every 64 calls).
   */
  breathe(): Promise<void> | undefined {
    if ((++this.#count & 63) !== 0) return undefined;
    if (performance.now() - this.#last < this.#sliceMs) return undefined;
    return this.pause();
  }

  /** Waits for one turn of the event loop, whatever the time. */
  async pause(): Promise<void> {
    this.pauses++;
    await new Promise((resolve) => setTimeout(resolve, 0));
    this.#last = performance.now();
  }
}
