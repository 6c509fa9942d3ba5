/**
 * Handlers of a model package: plain functions marked with {@link handler} (with `needs`,
 * `replicas`, `resources`) and {@link PipelineHandler} classes with `predict`/`evaluate`.
 * Markers are `Symbol.for` keys, so packages that import another copy of the SDK still work.
 *
 * @module
 */

import type { Row } from "../../datastore/mod.ts";
import type { PredictContext, ResultRow, TaskContext } from "./evaluation.ts";

const HANDLER_MARK: unique symbol = Symbol.for("starwhale.handler") as never;
const PIPELINE_MARK: unique symbol = Symbol.for("starwhale.pipeline") as never;

/** A resource request: a number/string (request = limit) or `{request, limit}`. */
export type ResourceValue = number | string | {
  request?: number | string;
  limit?: number | string;
};

/** Options of {@link handler}. */
export interface HandlerOptions {
  /** Display name; default the export name. */
  name?: string;
  /** Handlers that must finish first: the functions themselves, or keys / export names. */
  needs?: (HandlerFunction | string)[];
  /** Parallel tasks; default 1. Each gets `ctx.index` in `0..replicas-1`. */
  replicas?: number;
  /** `cpu`, `memory` (e.g. `"1GiB"`), `nvidia.com/gpu`; informational on standalone. */
  resources?: Record<string, ResourceValue>;
  /** The job must be given at least one dataset. */
  requireDataset?: boolean;
}

/** A plain handler: called once per replica with the task context. */
export type HandlerFunction = (ctx: TaskContext) => unknown;

/** One step of `jobs.yaml`, with the field names of Starwhale's Python SDK. */
export interface StepSpec {
  /** The handler key, `module.path:Qualname`. */
  name: string;
  /** Display name. */
  show_name: string;
  /** Function or method name. */
  func_name: string;
  /** Module path, e.g. `mnist.evaluator`. */
  module_name: string;
  /** Class name (`""` for plain functions). */
  cls_name: string;
  /** Parallel tasks. */
  replicas: number;
  /** Always 1. */
  concurrency: number;
  /** Keys of the steps that must finish first. */
  needs: string[];
  /** Resource requests, memory in bytes. */
  resources: { type: string; request: number; limit: number }[];
  /** Exposed port (0: none). */
  expose: number;
  /** The step reads the job's datasets. */
  require_dataset: boolean;
  /** Pipeline predict: the dataset features copied into `results` (`input/<feature>`). */
  extra_kwargs?: { log_dataset_features?: string[] };
}

/**
 * Marks a function as a handler of a model package. Export it from a module the package scans.
 *
 * @param fn The function, called with a {@link TaskContext}.
 * @param options `needs`, `replicas`, `resources`, `name`, `requireDataset`.
 * @returns `fn` itself, marked.
 * @throws {TypeError} For a non-function or malformed options. {RangeError} For replicas < 1.
 * @example Two steps, the second after the first
 * ```ts
 * import { handler } from "@starwhale/sdk";
 * export const prepare = handler((ctx) => ctx.log("notes", { id: ctx.index, ok: true }), {
 *   replicas: 2,
 * });
 * export const report = handler((ctx) => ctx.logSummary({ done: true }), { needs: [prepare] });
 * ```
 */
export function handler<F extends HandlerFunction>(fn: F, options: HandlerOptions = {}): F {
  if (typeof fn !== "function") {
    throw new TypeError(`handler() expects a function, got ${typeof fn}`);
  }
  checkReplicas(fn.name || "(anonymous)", options.replicas);
  parseResources(options.resources ?? {});
  for (const need of options.needs ?? []) {
    if (typeof need !== "function" && typeof need !== "string") {
      throw new TypeError(`handler() needs must be functions or keys, got ${typeof need}`);
    }
  }
  Object.defineProperty(fn, HANDLER_MARK, { value: { ...options }, configurable: true });
  return fn;
}

/**
 * Base class of evaluation pipelines. `predict` runs once per dataset row (its return value goes
 * to the job's `results` table, keyed by the row id), `evaluate` runs after all predictions with
 * the results and logs the summary. Set the static `predictOptions` for replicas and resources.
 *
 * @example A tiny pipeline
 * ```ts
 * import { PipelineHandler, type ResultRow, type TaskContext } from "@starwhale/sdk";
 * export class Echo extends PipelineHandler {
 *   static override predictOptions = { replicas: 2, logDatasetFeatures: ["label"] };
 *   override predict(data: Record<string, unknown>) {
 *     return { guess: data.label };
 *   }
 *   override async evaluate(results: AsyncIterable<ResultRow>, ctx: TaskContext) {
 *     let n = 0;
 *     for await (const _ of results) n++;
 *     ctx.logSummary({ rows: n });
 *   }
 * }
 * ```
 */
export class PipelineHandler {
  /** Marks pipeline classes (shared across SDK copies). */
  static readonly [PIPELINE_MARK]: boolean = true;
  /** Options of the predict step. */
  static predictOptions?: {
    replicas?: number;
    resources?: Record<string, ResourceValue>;
    logDatasetFeatures?: string[];
  };
  /** Options of the evaluate step (always one replica). */
  static evaluateOptions?: { resources?: Record<string, ResourceValue> };

  /** Predicts one dataset row; return `undefined` to log nothing for it. */
  predict?(data: Row, ctx: PredictContext): unknown;
  /** Reads the predictions and logs the summary and any tables. */
  evaluate?(results: AsyncIterable<ResultRow>, ctx: TaskContext): unknown;
}

/** Handler options of a marked function, or `undefined`. */
export function handlerOptionsOf(value: unknown): HandlerOptions | undefined {
  return typeof value === "function"
    ? (value as unknown as Record<symbol, HandlerOptions>)[HANDLER_MARK]
    : undefined;
}

/** Tells whether a value is a pipeline class (a subclass of any copy of {@link PipelineHandler}). */
export function isPipelineClass(value: unknown): value is typeof PipelineHandler {
  return typeof value === "function" &&
    (value as unknown as Record<symbol, unknown>)[PIPELINE_MARK] === true;
}

const UNITS: Record<string, number> = {
  "": 1,
  k: 1e3,
  kb: 1e3,
  m: 1e6,
  mb: 1e6,
  g: 1e9,
  gb: 1e9,
  ki: 1024,
  kib: 1024,
  mi: 1024 ** 2,
  mib: 1024 ** 2,
  gi: 1024 ** 3,
  gib: 1024 ** 3,
};

/**
 * Converts handler resources to the Starwhale Server's `[{type, request, limit}]` (memory in
 * bytes).
 *
 * @param resources e.g. `{ memory: "1GiB", cpu: { request: 1, limit: 2 } }`.
 * @returns The list, in the given key order.
 * @throws {TypeError} Unknown resource names or value shapes. {RangeError} Negative values.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseResources } from "./handlers.ts";
 * assert(parseResources({ memory: "1GiB" })[0].request === 1073741824);
 * ```
 */
export function parseResources(
  resources: Record<string, ResourceValue>,
): { type: string; request: number; limit: number }[] {
  if (resources === null || typeof resources !== "object" || Array.isArray(resources)) {
    throw new TypeError(`Invalid resources ${JSON.stringify(resources)}: expected an object`);
  }
  return Object.entries(resources).map(([type, value]) => {
    if (!["cpu", "memory", "nvidia.com/gpu"].includes(type)) {
      throw new TypeError(
        `Invalid resource '${type}': expected one of cpu, memory, nvidia.com/gpu`,
      );
    }
    const one = (v: number | string | undefined): number => {
      let n: number;
      if (typeof v === "number") n = v;
      else if (typeof v === "string" && type === "memory") {
        const m = /^\s*([0-9.]+)\s*([a-z]*)\s*$/i.exec(v);
        const unit = m ? UNITS[m[2].toLowerCase()] : undefined;
        if (!m || unit === undefined) {
          throw new TypeError(`Invalid memory ${JSON.stringify(v)}: expected e.g. 512Mi, 1GiB, 2g`);
        }
        n = Number(m[1]) * unit;
      } else {
        throw new TypeError(`Invalid ${type} resource ${JSON.stringify(v)}: expected a number`);
      }
      if (!Number.isFinite(n) || n < 0) {
        throw new RangeError(`Invalid ${type} resource ${JSON.stringify(v)}: must be >= 0`);
      }
      if (type === "nvidia.com/gpu" && !Number.isInteger(n)) {
        throw new TypeError(`Invalid nvidia.com/gpu resource ${v}: expected an integer`);
      }
      return n;
    };
    if (typeof value === "object" && value !== null) {
      const extra = Object.keys(value).filter((k) => k !== "request" && k !== "limit");
      if (extra.length) {
        throw new TypeError(`Invalid ${type} resource: unknown keys ${extra.join(", ")}`);
      }
      const request = one(value.request ?? value.limit);
      return { type, request, limit: value.limit === undefined ? request : one(value.limit) };
    }
    const v = one(value);
    return { type, request: v, limit: v };
  });
}

/** Checks a replicas count. */
export function checkReplicas(what: string, replicas: unknown): void {
  if (replicas === undefined) return;
  if (typeof replicas !== "number" || !Number.isInteger(replicas) || replicas < 1) {
    throw new RangeError(
      `Invalid replicas ${String(replicas)} for '${what}': expected an integer >= 1`,
    );
  }
}
