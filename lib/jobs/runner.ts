/**
 * Runs a job's steps in-process: the handler's expanded step list as a dependency graph, in waves
 * (steps whose needs are done run together), each step as `replicas` concurrent tasks. A failed
 * wave stops the job; cancellation and pause are honoured between tasks and between rows.
 *
 * @module
 */

import type { Key, Row } from "../../datastore/mod.ts";
import type { JobControl } from "./control.ts";
import { HandlerError } from "../sdk/errors.ts";
import {
  type PredictContext,
  type ResultRow,
  runInContext,
  type TaskContext,
  TaskWriter,
} from "../sdk/evaluation.ts";
import type { StepSpec } from "../sdk/handlers.ts";
import type { ArtifactRef, DatasetRow, JobProgress, ScanTableOptions } from "../sdk/instance.ts";
import { importModule } from "../standalone/model_package.ts";

/** A dataset given to a job: the URI as given and the resolved reference. */
export interface JobDataset {
  /** As passed to `Job.create`. */
  uri: string;
  /** The resolved dataset version. */
  ref: ArtifactRef;
}

/** What a job runs, as plain data (a Worker receives it in a message, so it stays clonable). */
export interface RunInputs {
  /** The project. */
  project: string;
  /** The job id. */
  jobId: string;
  /** The model package sources. */
  srcDir: string;
  /** The steps, in dependency order, with replicas already overridden. */
  steps: StepSpec[];
  /** The datasets, as given and resolved. */
  datasets: JobDataset[];
  /** First N rows of each dataset (0: all). */
  datasetHead: number;
  /** Rows of each dataset, in the order of `datasets` (progress totals; unknown without). */
  datasetRows?: number[];
}

/** Everything the runner needs; the standalone instance (or a Worker) provides the I/O. */
export interface RunPlan extends RunInputs {
  control: JobControl;
  /** Upserts rows into a job table (`summary` = the summary row). */
  write(table: string, rows: Row[]): Promise<void>;
  /** Streams a job table. */
  scan(table: string, options?: ScanTableOptions): AsyncIterable<Row>;
  /** Streams a dataset. */
  scanDataset(ref: ArtifactRef, options: { head?: number }): AsyncIterable<DatasetRow>;
  /** Told when a step starts, after each row a `predict` step handles, and when a step ends. */
  onProgress?: (progress: JobProgress) => void;
  /** Runs a task with its console output captured (standalone); default: not captured. */
  captureTask?: <T>(task: { step: string; index: number }, fn: () => Promise<T>) => Promise<T>;
}

/** The progress of one step, shared by its replicas. */
class StepProgress {
  readonly #plan: RunPlan;
  readonly #step: StepSpec;
  readonly #started = performance.now();
  readonly #failed: (error: unknown) => void;
  rows = 0;

  constructor(plan: RunPlan, what: { step: StepSpec; failed: (error: unknown) => void }) {
    this.#plan = plan;
    this.#step = what.step;
    this.#failed = what.failed;
  }

  get #total(): number | null {
    const rows = this.#plan.datasetRows;
    if (this.#step.func_name !== "predict" || !rows) return null;
    const head = this.#plan.datasetHead;
    return rows.reduce((sum, n) => sum + (head > 0 ? Math.min(head, n) : n), 0);
  }

  /** Tells `onProgress`; what it throws is kept for the job's outcome, not thrown here. */
  emit(phase: JobProgress["phase"]): void {
    if (!this.#plan.onProgress) return;
    try {
      this.#plan.onProgress({
        jobId: this.#plan.jobId,
        step: this.#step.name,
        phase,
        rows: this.rows,
        total: this.#total,
        elapsedMs: performance.now() - this.#started,
      });
    } catch (e) {
      this.#failed(e);
    }
  }

  row(): void {
    this.rows++;
    this.emit("row");
  }
}

/** One replica of a step: its index, the shared module loader and the step's progress. */
interface Task {
  index: number;
  load: (m: string) => Promise<Record<string, unknown>>;
  progress: StepProgress;
}

/** How a run ended. */
export interface RunOutcome {
  status: "SUCCESS" | "FAIL" | "CANCELED";
  error: string | null;
}

/**
 * Runs the plan to its end. Never throws for handler failures: they make a `FAIL` outcome.
 *
 * @param plan The job.
 * @returns The final status and the error message.
 */
export async function runJob(plan: RunPlan): Promise<RunOutcome> {
  const names = new Set(plan.steps.map((s) => s.name));
  const done = new Set<string>();
  let remaining = [...plan.steps];
  const modules = new Map<string, Promise<Record<string, unknown>>>();
  const load = (module: string) => {
    if (!modules.has(module)) modules.set(module, importModule(plan.srcDir, module));
    return modules.get(module)!;
  };
  let progressError: { error: unknown } | undefined;
  const failed = (error: unknown) => progressError ??= { error };
  while (remaining.length) {
    const wave = remaining.filter((s) => s.needs.every((n) => done.has(n) || !names.has(n)));
    remaining = remaining.filter((s) => !wave.includes(s));
    const results = (await Promise.all(wave.map(async (step) => {
      const progress = new StepProgress(plan, { step, failed });
      progress.emit("start");
      const tasks = await Promise.allSettled(
        Array.from(
          { length: Math.max(1, step.replicas) },
          (_, index) => runTask(plan, step, { index, load, progress }),
        ),
      );
      progress.emit("end");
      return tasks;
    }))).flat();
    const errors = results.filter((r) => r.status === "rejected").map((r) =>
      (r as PromiseRejectedResult).reason
    );
    if (plan.control.signal.aborted) return { status: "CANCELED", error: "the job was canceled" };
    if (progressError) {
      const e = progressError.error;
      return { status: "FAIL", error: `onProgress threw: ${e instanceof Error ? e.message : e}` };
    }
    if (errors.length) {
      const messages = [...new Set(errors.map((e) => e instanceof Error ? e.message : String(e)))];
      return { status: "FAIL", error: messages.join("; ") };
    }
    for (const s of wave) done.add(s.name);
  }
  return { status: "SUCCESS", error: null };
}

async function runTask(plan: RunPlan, step: StepSpec, task: Task): Promise<void> {
  const capture = plan.captureTask ?? ((_: unknown, fn: () => Promise<void>) => fn());
  await capture({ step: step.name, index: task.index }, () => runTaskHere(plan, step, task));
}

async function runTaskHere(plan: RunPlan, step: StepSpec, task: Task): Promise<void> {
  await plan.control.checkpoint();
  const writer = new TaskWriter({ write: plan.write, scan: plan.scan });
  const ctx: TaskContext = {
    project: plan.project,
    jobId: plan.jobId,
    step: step.name,
    index: task.index,
    total: Math.max(1, step.replicas),
    datasets: plan.datasets.map((d) => d.uri),
    datasetHead: plan.datasetHead,
    signal: plan.control.signal,
    log: (table, row) => writer.log(table, row),
    logSummary: (metrics) => writer.logSummary(metrics),
    scan: (table, options) => flushThenScan(writer, plan, { table, options }),
    flush: () => writer.flush(),
  };
  try {
    const exports = await task.load(step.module_name);
    await runInContext(ctx, async () => {
      if (!step.cls_name) {
        const fn = exports[step.func_name];
        if (typeof fn !== "function") {
          throw new Error(`${step.module_name} exports no function '${step.func_name}'`);
        }
        await fn(ctx);
        return;
      }
      const Cls = exports[step.cls_name];
      if (typeof Cls !== "function") {
        throw new Error(`${step.module_name} exports no class '${step.cls_name}'`);
      }
      const instance = new (Cls as new () => Record<string, (...args: unknown[]) => unknown>)();
      if (step.func_name === "predict") {
        await predict(plan, { step, ctx, instance, writer, progress: task.progress });
      } else if (step.func_name === "evaluate") await instance.evaluate(results(ctx), ctx);
      else await instance[step.func_name](ctx);
    });
    await writer.flush();
  } catch (e) {
    if (plan.control.signal.aborted) throw plan.control.signal.reason;
    if (e instanceof HandlerError) throw e;
    const message = e instanceof Error ? e.message : String(e);
    throw new HandlerError(step.name, message, { cause: e });
  }
}

async function predict(
  plan: RunPlan,
  run: {
    step: StepSpec;
    ctx: TaskContext;
    instance: Record<string, (...args: unknown[]) => unknown>;
    writer: TaskWriter;
    progress: StepProgress;
  },
): Promise<void> {
  const { step, ctx, instance, writer, progress } = run;
  if (plan.datasets.length === 0) {
    throw new Error(`${step.name} requires a dataset, and the job has none`);
  }
  const logged = step.extra_kwargs?.log_dataset_features;
  const prefixed = plan.datasets.length > 1;
  let position = 0;
  for (const dataset of plan.datasets) {
    let rowIndex = 0;
    for await (const row of plan.scanDataset(dataset.ref, { head: plan.datasetHead })) {
      const mine = position++ % ctx.total === ctx.index;
      const index = rowIndex++;
      if (!mine) continue;
      await plan.control.checkpoint();
      const id: Key = prefixed ? `${dataset.ref.name}/${row.id}` : row.id;
      const pctx: PredictContext = Object.assign(Object.create(ctx), {
        rowId: id,
        rowIndex: index,
        datasetUri: dataset.uri,
      });
      const started = performance.now();
      const output = await instance.predict(row.features, pctx);
      const seconds = (performance.now() - started) / 1000;
      progress.row();
      if (output === undefined) continue;
      const input: Row = {};
      for (const [k, v] of Object.entries(row.features)) {
        if (!logged || logged.includes(k)) input[k] = v;
      }
      writer.log("results", {
        id,
        output: output as Row,
        duration_seconds: seconds,
        input,
      });
    }
  }
}

async function* flushThenScan(
  writer: TaskWriter,
  plan: RunPlan,
  what: { table: string; options?: ScanTableOptions },
): AsyncIterable<Row> {
  await writer.flush();
  yield* plan.scan(what.table, what.options);
}

async function* results(ctx: TaskContext): AsyncIterable<ResultRow> {
  for await (const row of ctx.scan("results")) {
    const out: ResultRow = { id: row.id as Key, output: undefined, input: {}, duration_seconds: 0 };
    let output: Row | undefined;
    for (const [k, v] of Object.entries(row)) {
      if (k === "output") out.output = v;
      else if (k.startsWith("output/")) (output ??= {})[k.slice(7)] = v;
      else if (k.startsWith("input/")) out.input[k.slice(6)] = v;
      else out[k] = v;
    }
    if (output) out.output = output;
    yield out;
  }
}
