/**
 * Progress of a running job, step by step. On a terminal: one live line per step with a bar,
 * rows done / total, the rate and the time left, redrawn in place (steps that run together get
 * a line each). Elsewhere (scripts, CI logs): one plain line per step when it ends, with its
 * counts and rate, so a log shows how far a job got, without carriage returns.
 *
 * @module
 */

import type { TextWriter } from "../io.ts";
import { formatDuration } from "./cells.ts";
import { barText, rateText } from "./progress.ts";

/** How far one step is. */
export interface StepState {
  /** The step, e.g. `mnist.evaluator:MNISTInference.predict`. */
  step: string;
  /** Rows (or tasks) done so far. */
  done: number;
  /** Rows (or tasks) in all, when known. */
  total?: number;
  /** Milliseconds since the step started. */
  elapsedMs: number;
  /** The step has ended (every task of it). */
  ended?: boolean;
}

/** A live view of a job's steps; call {@link StepProgressView.end} once at the end. */
export interface StepProgressView {
  /** Records the state of one step; redraws at most every `intervalMs`, and when a step ends. */
  update(state: StepState): void;
  /** Writes a line of other output (a handler's print) above the live lines, which follow it. */
  above(text: string): void;
  /** Draws the final state: on a terminal the last lines, else the line of every step not yet printed. */
  end(): void;
}

/** Options of {@link stepProgressView}. */
export interface StepProgressOptions {
  /** Where to write (stderr). */
  writer: TextWriter;
  /** A person watches: redraw lines in place. Else write one line per ended step. */
  terminal: boolean;
  /** Redraw at most this often on a terminal (ms); default 100. */
  intervalMs?: number;
  /** The clock (ms); default `Date.now`. */
  now?: () => number;
}

/**
 * The plain line of a finished step: `predict: 1000/1000 rows in 8s, 125 rows/s`.
 *
 * @param state The step's last state.
 * @returns One line, without a line break.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { stepLine } from "./step_progress.ts";
 * assert.equal(
 *   stepLine({ step: "m:C.predict", done: 1000, total: 1000, elapsedMs: 8000 }),
 *   "step m:C.predict: 1000/1000 rows in 8s, 125 rows/s",
 * );
 * ```
 */
export function stepLine(state: StepState): string {
  const seconds = state.elapsedMs / 1000;
  if (state.total === undefined && state.done === 0) {
    return `step ${state.step}: done in ${formatDuration(seconds)}`;
  }
  const counts = state.total === undefined ? `${state.done}` : `${state.done}/${state.total}`;
  const rate = seconds > 0 && state.done > 0 ? `, ${rateText(state.done / seconds)} rows/s` : "";
  return `step ${state.step}: ${counts} rows in ${formatDuration(seconds)}${rate}`;
}

/**
 * The live line of a step on a terminal: a bar when its total is known, else how long it ran.
 *
 * @param state The step's state.
 * @returns One line, without a line break.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { liveLine } from "./step_progress.ts";
 * assert.equal(liveLine({ step: "m:C.evaluate", done: 0, elapsedMs: 3000 }), "m:C.evaluate running, 3s");
 * assert.equal(
 *   liveLine({ step: "m:C.evaluate", done: 0, elapsedMs: 3000, ended: true }),
 *   "m:C.evaluate done in 3s",
 * );
 * ```
 */
export function liveLine(state: StepState): string {
  const seconds = state.elapsedMs / 1000;
  if (state.total !== undefined) {
    return barText(state.step, { done: state.done, total: state.total, unit: "rows", seconds });
  }
  const rows = state.done > 0 ? ` ${state.done} rows` : "";
  return state.ended
    ? `${state.step}${rows} done in ${formatDuration(seconds)}`
    : `${state.step}${rows} running, ${formatDuration(seconds)}`;
}

/**
 * Starts a view of a job's steps.
 *
 * @param options The writer, whether a person watches, the redraw interval.
 * @returns The view.
 * @example Without a terminal, one line per step as it ends
 * ```ts
 * import assert from "node:assert/strict";
 * import { stepProgressView } from "./step_progress.ts";
 * let text = "";
 * const view = stepProgressView({ writer: { write: (t) => void (text += t) }, terminal: false });
 * view.update({ step: "predict", done: 1, total: 2, elapsedMs: 500 });
 * view.update({ step: "predict", done: 2, total: 2, elapsedMs: 1000, ended: true });
 * view.update({ step: "evaluate", done: 0, elapsedMs: 10 });
 * assert.equal(text, "step predict: 2/2 rows in 1s, 2 rows/s\n");
 * view.end();
 * assert.equal(text, "step predict: 2/2 rows in 1s, 2 rows/s\nstep evaluate: done in 0s\n");
 * ```
 */
export function stepProgressView(options: StepProgressOptions): StepProgressView {
  const { writer, terminal } = options;
  const now = options.now ?? Date.now;
  const interval = options.intervalMs ?? 100;
  const steps = new Map<string, StepState>();
  const printed = new Set<string>();
  let drawnLines = 0;
  let last = -Infinity;

  const draw = () => {
    last = now();
    const lines = [...steps.values()].map(liveLine);
    const up = drawnLines > 1 ? `\x1b[${drawnLines - 1}A` : "";
    void writer.write(`\r${up}${lines.map((l) => `${l}\x1b[K`).join("\n")}`);
    drawnLines = lines.length;
  };
  const print = (s: StepState) => {
    printed.add(s.step);
    void writer.write(`${stepLine(s)}\n`);
  };

  return {
    update(state: StepState): void {
      steps.set(state.step, { ...state });
      if (terminal) {
        if (state.ended || now() - last >= interval) draw();
      } else if (state.ended && !printed.has(state.step)) print(state);
    },
    above(text: string): void {
      const line = text.endsWith("\n") ? text : `${text}\n`;
      if (!terminal || drawnLines === 0) return void writer.write(line);
      const up = drawnLines > 1 ? `\x1b[${drawnLines - 1}A` : "";
      void writer.write(`\r${up}\x1b[J${line}`);
      drawnLines = 0;
      draw();
    },
    end(): void {
      if (terminal) {
        if (steps.size) (draw(), void writer.write("\n"));
        return;
      }
      for (const s of steps.values()) if (!printed.has(s.step)) print(s);
    },
  };
}
