/**
 * The messages between a job launcher and the Worker that runs one job, and the packing of
 * datastore values for `postMessage`: structured clone keeps numbers, bigints, bytes, maps and
 * arrays, but not the TUPLE mark nor the `SwObject` class, so those travel tagged.
 *
 * @module
 */

import {
  isTuple,
  type Key,
  type Row,
  SwObject,
  tuple,
  type Value,
} from "../../../datastore/mod.ts";
import type { JobProgress, ScanTableOptions } from "../../sdk/instance.ts";
import type { RunInputs, RunOutcome } from "../runner.ts";
import type { TaskEvent } from "../task_board.ts";

/** What a Worker needs to run a job (all clonable). */
export interface WorkerPlan extends RunInputs {
  /** Result ids already logged: the dataset rows `predict` skips on a resumed run. */
  skip: Key[];
  /** The job's log file, appended to by the Worker (it has the launcher's permissions). */
  logPath?: string;
  /** The folder the model package was built from, if known: stacks and errors name its files. */
  sourceDir?: string;
}

/** A request from the Worker to the launcher, answered by a {@link Reply} with the same `id`. */
export type Call =
  | { type: "call"; id: number; op: "write"; table: string; rows: unknown[] }
  | { type: "call"; id: number; op: "scan"; table: string; options: ScanTableOptions }
  | { type: "call"; id: number; op: "dataset"; dataset: number; head: number }
  | { type: "call"; id: number; op: "next"; cursor: number }
  | { type: "call"; id: number; op: "close"; cursor: number };

/** The launcher's answer to a {@link Call}. */
export type Reply =
  | { type: "reply"; id: number; ok: true; value: unknown }
  | { type: "reply"; id: number; ok: false; error: string };

/** Messages from the Worker. */
export type FromWorker =
  | Call
  | { type: "started" }
  | { type: "progress"; progress: JobProgress }
  | { type: "task"; event: TaskEvent }
  | { type: "done"; outcome: RunOutcome };

/** Messages to the Worker. */
export type ToWorker =
  | Reply
  | { type: "start"; plan: WorkerPlan }
  | { type: "cancel" }
  | { type: "pause" }
  | { type: "resume" };

const TAG = "\u0000sw";

/**
 * Packs a value for `postMessage`: tuples and objects become tagged plain objects.
 *
 * @param value A datastore value.
 * @returns A structured-clone-safe value.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { packValue, unpackValue } from "./messages.ts";
 * import { isTuple, tuple, type Value } from "../../../datastore/mod.ts";
 * const packed = structuredClone(packValue(tuple(1, 2) as unknown as Value));
 * assert(isTuple(unpackValue(packed)));
 * ```
 */
export function packValue(value: Value): unknown {
  if (value === null || typeof value !== "object" || value instanceof Uint8Array) return value;
  if (value instanceof SwObject) {
    return { [TAG]: "object", type: value.pythonType, attributes: packRow(value.attributes) };
  }
  if (Array.isArray(value)) {
    const items = value.map(packValue);
    return isTuple(value) ? { [TAG]: "tuple", items } : items;
  }
  if (value instanceof Map) {
    return new Map([...value].map(([k, v]) => [packValue(k), packValue(v)]));
  }
  const out = packRow(value as Row);
  return TAG in value ? { [TAG]: "record", fields: out } : out;
}

/**
 * Reverses {@link packValue}.
 *
 * @param packed What `packValue` returned, after a structured clone.
 * @returns The datastore value.
 */
export function unpackValue(packed: unknown): Value {
  if (packed === null || typeof packed !== "object" || packed instanceof Uint8Array) {
    return packed as Value;
  }
  if (Array.isArray(packed)) return packed.map(unpackValue);
  if (packed instanceof Map) {
    return new Map([...packed].map(([k, v]) => [unpackValue(k), unpackValue(v)]));
  }
  const o = packed as Record<string, unknown>;
  switch (o[TAG]) {
    case "object":
      return new SwObject(String(o.type), unpackRow(o.attributes));
    case "tuple":
      return tuple(...(o.items as unknown[]).map(unpackValue)) as Value;
    case "record":
      return unpackRow(o.fields);
    default:
      return unpackRow(o);
  }
}

/** Packs every value of a row. */
export function packRow(row: Row): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) out[k] = packValue(v);
  return out;
}

/** Unpacks every value of a packed row. */
export function unpackRow(packed: unknown): Row {
  const out: Row = {};
  for (const [k, v] of Object.entries(packed as Record<string, unknown>)) {
    out[k] = unpackValue(v);
  }
  return out;
}
