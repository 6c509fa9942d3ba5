/**
 * Progress on long work (builds, job runs, table imports): a bar when the total is known, a
 * spinner with a count otherwise. Drawn on stderr, and only when a person watches a terminal;
 * otherwise every call is a no-op, so scripts and pipes see clean output.
 *
 * @module
 */

import type { TextWriter } from "../io.ts";

const FRAMES = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏";
const BAR = 24;

/** A progress display; call {@link Progress.done} once at the end. */
export interface Progress {
  /** Sets the amount of work done (rows, bytes, ...). */
  update(done: number): void;
  /** Erases the display. */
  done(): void;
}

/** Options of {@link startProgress}. */
export interface ProgressOptions {
  /** Where to draw (stderr). */
  writer: TextWriter;
  /** Draw at all: `true` only on a terminal. */
  enabled: boolean;
  /** The total, when known: draws a bar with a percentage. */
  total?: number;
  /** The unit after the count, e.g. `rows`. */
  unit?: string;
  /** Redraw at most this often (ms); default 80. A spinner also ticks on its own. */
  intervalMs?: number;
}

/**
 * Starts a progress display.
 *
 * @param label What is being done, e.g. `Building dataset mnist`.
 * @param options The writer, whether to draw, the total and the unit.
 * @returns The display; a no-op one when not enabled.
 * @example A disabled display writes nothing
 * ```ts
 * import { startProgress } from "./progress.ts";
 * let text = "";
 * const p = startProgress("Work", { writer: { write: (t) => void (text += t) }, enabled: false });
 * p.update(5);
 * p.done();
 * console.assert(text === "");
 * ```
 */
export function startProgress(label: string, options: ProgressOptions): Progress {
  if (!options.enabled) return { update() {}, done() {} };
  const { writer, total, unit = "" } = options;
  const interval = options.intervalMs ?? 80;
  let count = 0;
  let frame = 0;
  let last = 0;
  let width = 0;
  const draw = () => {
    last = Date.now();
    let text: string;
    if (total !== undefined && total > 0) {
      const ratio = Math.min(1, count / total);
      const filled = Math.round(ratio * BAR);
      text = `${label} [${"█".repeat(filled)}${"░".repeat(BAR - filled)}] ` +
        `${Math.floor(ratio * 100)}% ${count}/${total}${unit ? ` ${unit}` : ""}`;
    } else {
      text = `${FRAMES[frame++ % FRAMES.length]} ${label}${
        count ? ` ${count}${unit ? ` ${unit}` : ""}` : ""
      }`;
    }
    width = Math.max(width, text.length);
    void writer.write(`\r${text.padEnd(width)}`);
  };
  const timer = total === undefined ? setInterval(draw, Math.max(interval, 100)) : undefined;
  draw();
  return {
    update(done: number): void {
      count = done;
      if (Date.now() - last >= interval || (total !== undefined && done >= total)) draw();
    },
    done(): void {
      if (timer !== undefined) clearInterval(timer);
      void writer.write(`\r${" ".repeat(width)}\r`);
    },
  };
}
