/**
 * Lets other requests in during long work: a scan or query calls `breathe()` as it goes, and once
 * a slice of time has passed since it last ran on, it waits its turn. Turns are handed out one per
 * turn of the event loop, in order, to every paused read of the process: however many heavy reads
 * run, each loop turn runs at most one slice of them, so `/health` and other requests are answered
 * within about a slice. The wait is a timer: after a timer Deno polls its sockets, after a
 * microtask or `setImmediate` it does not.
 *
 * @module
 */

/** Paused reads, in the order they paused. */
const waiting: (() => void)[] = [];
let timer: ReturnType<typeof setTimeout> | undefined;

function release(): void {
  timer = undefined;
  waiting.shift()?.();
  if (waiting.length) timer = setTimeout(release, 0);
}

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
   * Pauses when the slice is used up; cheap otherwise (the clock is read once every 64 calls).
   */
  breathe(): Promise<void> | undefined {
    if ((++this.#count & 63) !== 0) return undefined;
    if (performance.now() - this.#last < this.#sliceMs) return undefined;
    return this.pause();
  }

  /** Waits for this work's next turn, whatever the time. */
  async pause(): Promise<void> {
    this.pauses++;
    await new Promise<void>((resolve) => {
      waiting.push(resolve);
      timer ??= setTimeout(release, 0);
    });
    this.#last = performance.now();
  }
}
