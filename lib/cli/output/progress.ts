/**
 * Progress on long work (builds, table imports): a bar with the rate and the time left when the
 * total is known, a spinner with a count otherwise. Drawn on stderr, and only when a person
 * watches a terminal; otherwise every call is a no-op, so scripts and pipes see clean output.
 *
 * @module
 */

import type { TextWriter } from "../io.ts";
import { formatDuration } from "./cells.ts";

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
  /** The total, when known: draws a bar with a percentage, the rate and the time left. */
  total?: number;
  /** The unit after the count, e.g. `rows`. */
  unit?: string;
  /** Redraw at most this often (ms); default 80. A spinner also ticks on its own. */
  intervalMs?: number;
  /** The clock (ms); default `Date.now`. */
  now?: () => number;
}

/**
 * The text of a bar: `label [███░░░] 50% 500/1000 rows, 250 rows/s, 2s left`.
 *
 * @param label What is being done.
 * @param state Done, total, unit and the seconds since the start.
 * @returns One line.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { barText } from "./progress.ts";
 * assert.equal(
 *   barText("predict", { done: 500, total: 1000, unit: "rows", seconds: 2 }),
 *   "predict [████████████░░░░░░░░░░░░] 50% 500/1000 rows, 250 rows/s, 2s left",
 * );
 * ```
 */
export function barText(
  label: string,
  state: { done: number; total: number; unit?: string; seconds: number },
): string {
  const { done, total, unit = "", seconds } = state;
  const ratio = total > 0 ? Math.min(1, done / total) : 1;
  const filled = Math.round(ratio * BAR);
  const u = unit ? ` ${unit}` : "";
  let text = `${label} [${"█".repeat(filled)}${"░".repeat(BAR - filled)}] ` +
    `${Math.floor(ratio * 100)}% ${done}/${total}${u}`;
  if (seconds > 0 && done > 0) {
    const rate = done / seconds;
    text += `, ${rateText(rate)}${unit ? ` ${unit}` : ""}/s`;
    if (done < total) text += `, ${formatDuration((total - done) / rate)} left`;
  }
  return text;
}

/**
 * A rate with two or three significant digits: `0.52`, `8.3`, `250`, `12k`.
 *
 * @param rate Units per second.
 * @returns The text.
 */
export function rateText(rate: number): string {
  if (rate >= 10_000) return `${Math.round(rate / 1000)}k`;
  if (rate >= 100) return String(Math.round(rate));
  if (rate >= 1) return rate.toFixed(1).replace(/\.0$/, "");
  return rate.toFixed(2);
}

/**
 * Starts a progress display.
 *
 * @param label What is being done, e.g. `Building dataset mnist`.
 * @param options The writer, whether to draw, the total and the unit.
 * @returns The display; a no-op one when not enabled.
 * @example A disabled display writes nothing
 * ```ts
 * import assert from "node:assert/strict";
 * import { startProgress } from "./progress.ts";
 * let text = "";
 * const p = startProgress("Work", { writer: { write: (t) => void (text += t) }, enabled: false });
 * p.update(5);
 * p.done();
 * assert.equal(text, "");
 * ```
 */
export function startProgress(label: string, options: ProgressOptions): Progress {
  if (!options.enabled) return { update() {}, done() {} };
  const { writer, total, unit = "" } = options;
  const now = options.now ?? Date.now;
  const interval = options.intervalMs ?? 80;
  const start = now();
  let count = 0;
  let frame = 0;
  let last = 0;
  let width = 0;
  const draw = () => {
    last = now();
    let text: string;
    if (total !== undefined && total > 0) {
      text = barText(label, { done: count, total, unit, seconds: (last - start) / 1000 });
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
      if (now() - last >= interval || (total !== undefined && done >= total)) draw();
    },
    done(): void {
      if (timer !== undefined) clearInterval(timer);
      void writer.write(`\r${" ".repeat(width)}\r`);
    },
  };
}
