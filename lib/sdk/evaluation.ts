/**
 * The logging API handlers use while a job runs: {@link log} rows into the job's tables,
 * {@link logSummary} into the project's summary row for the job, and {@link scan} the job's own
 * tables. Nested objects are flattened with `/` and keys are lower-cased, as Starwhale's Python
 * SDK does. The same functions are on the `ctx` every handler receives.
 *
 * @module
 */

import { AsyncLocalStorage } from "node:async_hooks";
import { type Key, type Row, SwObject, type Value } from "../../datastore/mod.ts";
import type { ScanTableOptions } from "./instance.ts";

/** What a handler task knows and can do. */
export interface TaskContext {
  /** The project the job runs in. */
  readonly project: string;
  /** The job id. */
  readonly jobId: string;
  /** The handler key of this step. */
  readonly step: string;
  /** This replica, `0..total-1`. */
  readonly index: number;
  /** Replicas of this step. */
  readonly total: number;
  /** Dataset URIs given to the job. */
  readonly datasets: readonly string[];
  /** First N rows of each dataset (0 = all). */
  readonly datasetHead: number;
  /** Aborted when the job is canceled. */
  readonly signal: AbortSignal;
  /** Buffers a row for the job table `table`; the row needs an `id` (string or integer). */
  log(table: string, row: Record<string, unknown>): void;
  /** Merges metrics into the job's summary row (nested objects flattened with `/`). */
  logSummary(metrics: Record<string, unknown>): void;
  /** Streams one of the job's tables (flushing this task's buffered rows first). */
  scan(table: string, options?: ScanTableOptions): AsyncIterable<Row>;
  /** Writes buffered rows and summary now. */
  flush(): Promise<void>;
}

/** The context of one `predict` call. */
export interface PredictContext extends TaskContext {
  /** The dataset row key. */
  readonly rowId: Key;
  /** Position of the row in its dataset. */
  readonly rowIndex: number;
  /** The dataset the row comes from. */
  readonly datasetUri: string;
}

/** A row of the `results` table as `evaluate` receives it. */
export interface ResultRow {
  /** The dataset row key. */
  id: Key;
  /** What `predict` returned (objects come back as objects). */
  output: unknown;
  /** The logged dataset features. */
  input: Row;
  /** Seconds `predict` took. */
  duration_seconds: number;
  /** Other columns. */
  [column: string]: unknown;
}

/** Where a task's writes go: the runner supplies it. */
export interface TaskSink {
  /** Upserts rows into the job table `table` (short name; `summary` is the summary row). */
  write(table: string, rows: Row[]): Promise<void>;
  /** Streams the job table `table`. */
  scan(table: string, options?: ScanTableOptions): AsyncIterable<Row>;
}

const STORAGE_KEY = Symbol.for("starwhale.taskContext");
const BATCH = 1000;

function storage(): AsyncLocalStorage<TaskContext> {
  const g = globalThis as unknown as Record<symbol, AsyncLocalStorage<TaskContext>>;
  return g[STORAGE_KEY] ??= new AsyncLocalStorage<TaskContext>();
}

/** Runs `fn` with `ctx` as the current task context (used by the runner). */
export function runInContext<T>(ctx: TaskContext, fn: () => T): T {
  return storage().run(ctx, fn);
}

/**
 * The current task's context.
 *
 * @returns The context of the handler that is running.
 * @throws {Error} Outside a running handler.
 * @example Outside a job there is none
 * ```ts
 * import assert from "node:assert/strict";
 * import { currentContext } from "@starwhale/sdk";
 * assert.throws(() => currentContext(), /outside/);
 * ```
 */
export function currentContext(): TaskContext {
  const ctx = storage().getStore();
  if (!ctx) {
    throw new Error("Cannot log: called outside a running job handler (use it inside a handler)");
  }
  return ctx;
}

/**
 * Logs a row into a table of the running job (`project/<p>/eval/<id[:2]>/<id>/<table>`).
 *
 * @param table Table short name, e.g. `labels` or `confusion_matrix/binarylabel`.
 * @param row Columns, including `id` (string or integer); nested objects become `a/b` columns.
 * @throws {TypeError} Bad table name or id. {Error} Outside a running handler.
 * @example Inside a handler
 * ```ts
 * import { handler, log } from "@starwhale/sdk";
 * export const count = handler(() => log("counts", { id: 1, Value: { a: 2 } })); // -> value/a
 * ```
 */
export function log(table: string, row: Record<string, unknown>): void {
  currentContext().log(table, row);
}

/**
 * Merges metrics into the running job's summary row. Nested objects are flattened with `/`, keys
 * lower-cased, a key `id` dropped.
 *
 * @param metrics e.g. `{ accuracy: 0.9, "macro avg": { precision: 0.8 } }`.
 * @throws {TypeError} When `metrics` is not an object. {Error} Outside a running handler.
 * @example
 * ```ts
 * import { handler, logSummary } from "@starwhale/sdk";
 * export const score = handler(() => logSummary({ Accuracy: 0.9 })); // column `accuracy`
 * ```
 */
export function logSummary(metrics: Record<string, unknown>): void {
  currentContext().logSummary(metrics);
}

/**
 * Streams a table of the running job.
 *
 * @param table Table short name.
 * @param options Range and `keepNone`.
 * @returns The rows in key order.
 * @example
 * ```ts
 * import { handler, scan } from "@starwhale/sdk";
 * export const total = handler(async () => {
 *   for await (const row of scan("results")) console.log(row.id);
 * });
 * ```
 */
export function scan(table: string, options?: ScanTableOptions): AsyncIterable<Row> {
  return currentContext().scan(table, options);
}

/**
 * Flattens nested plain objects with `/` and lower-cases every key.
 *
 * @param row The object.
 * @returns A flat row.
 * @throws {TypeError} For values the datastore cannot store (functions, symbols, undefined).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { flattenRow } from "./evaluation.ts";
 * const row = flattenRow({ ID: 1, Macro: { Precision: 0.5 } });
 * assert(row.id === 1 && row["macro/precision"] === 0.5);
 * ```
 */
export function flattenRow(row: Record<string, unknown>): Row {
  if (row === null || typeof row !== "object" || Array.isArray(row)) {
    throw new TypeError(`Cannot log ${JSON.stringify(row)}: expected an object of columns`);
  }
  const out: Row = {};
  const walk = (obj: Record<string, unknown>, prefix: string) => {
    for (const [k, v] of Object.entries(obj)) {
      const key = `${prefix}${k.toLowerCase()}`;
      if (isPlainObject(v)) walk(v as Record<string, unknown>, `${key}/`);
      else if (v === undefined || typeof v === "function" || typeof v === "symbol") {
        throw new TypeError(`Cannot log column '${key}': a ${typeof v} cannot be stored`);
      } else out[key] = v as Value;
    }
  };
  walk(row, "");
  return out;
}

function isPlainObject(v: unknown): boolean {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return false;
  if (v instanceof Map || v instanceof Uint8Array || v instanceof SwObject) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Checks a short job table name. */
export function checkTableName(table: string): string {
  if (typeof table !== "string" || !/^[A-Za-z0-9_\-/: ]+$/.test(table) || table.startsWith("/")) {
    throw new TypeError(
      `Invalid table name ${
        JSON.stringify(table)
      }: expected letters, digits, '_', '-', '/', ':' or ' '`,
    );
  }
  return table;
}

/** Buffers one task's writes and hands them to the sink in batches. */
export class TaskWriter {
  readonly #sink: TaskSink;
  readonly #tables = new Map<string, Row[]>();
  #summary: Row | undefined;
  #pending: Promise<void> = Promise.resolve();
  #error: unknown;

  /**
   * Creates it.
   *
   * @param sink Where rows go.
   */
  constructor(sink: TaskSink) {
    this.#sink = sink;
  }

  /** Buffers a row (see {@link log}). */
  log(table: string, row: Record<string, unknown>): void {
    checkTableName(table);
    const flat = flattenRow(row);
    const id = flat.id;
    if (id === undefined) throw new TypeError(`Cannot log into '${table}': the row has no 'id'`);
    if (!(typeof id === "string" || typeof id === "bigint" || Number.isInteger(id))) {
      throw new TypeError(
        `Cannot log into '${table}': id ${
          JSON.stringify(String(id))
        } must be a string or an integer`,
      );
    }
    const rows = this.#tables.get(table) ?? [];
    rows.push(flat);
    this.#tables.set(table, rows);
    if (rows.length >= BATCH) this.#schedule(table);
  }

  /** Merges metrics into the buffered summary row (see {@link logSummary}). */
  logSummary(metrics: Record<string, unknown>): void {
    const flat = flattenRow(metrics);
    delete flat.id;
    this.#summary = { ...this.#summary, ...flat };
  }

  /** Writes everything buffered; rethrows the first write error. */
  async flush(): Promise<void> {
    for (const table of [...this.#tables.keys()]) this.#schedule(table);
    if (this.#summary) {
      const summary = this.#summary;
      this.#summary = undefined;
      this.#chain(() => this.#sink.write("summary", [summary]));
    }
    await this.#pending;
    if (this.#error !== undefined) throw this.#error;
  }

  #schedule(table: string): void {
    const rows = this.#tables.get(table) ?? [];
    this.#tables.delete(table);
    if (rows.length) this.#chain(() => this.#sink.write(table, rows));
  }

  #chain(fn: () => Promise<void>): void {
    this.#pending = this.#pending.then(fn).catch((e) => {
      this.#error ??= e;
    });
  }
}
