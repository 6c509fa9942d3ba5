/**
 * The Worker side of a server job: receives a {@link WorkerPlan}, runs it with `runJob`, and
 * forwards every datastore write and scan to the launcher by messages (the launcher's process
 * owns the open datastore), and the steps' progress too; what the handlers print goes to the
 * job's log file. `cancel`, `pause` and `resume` messages drive the job's
 * `JobControl`. Loaded as a module Worker by `WorkerLauncher`; importing it elsewhere does nothing.
 *
 * @module
 */

import type { Key, Row } from "../../../datastore/mod.ts";
import { JobControl } from "../control.ts";
import type { DatasetRow, ScanTableOptions } from "../../sdk/instance.ts";
import {
  type Call,
  type FromWorker,
  packRow,
  type ToWorker,
  unpackRow,
  type WorkerPlan,
} from "./messages.ts";
import { runJob } from "../runner.ts";
import { captureTask, errorStack, JobLog } from "../task_logs.ts";
import { mapSourcePaths } from "../../standalone/model_store.ts";

/** The two ends of a message channel the job side needs (a Worker's global scope). */
export interface WorkerPort {
  /** Sends a message to the launcher. */
  postMessage(message: FromWorker): void;
  /** Receives the launcher's messages. */
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
}

type CallBody = Call extends infer C ? C extends Call ? Omit<C, "type" | "id"> : never : never;

/**
 * Serves one job over a message port: waits for `start`, runs the plan, posts `done`.
 *
 * @param port The Worker's global scope (or any port with the same shape).
 * @example Nothing happens until a `start` message arrives
 * ```ts
 * import assert from "node:assert/strict";
 * import { serveJob } from "./main.ts";
 * const sent: unknown[] = [];
 * const port = { postMessage: (m: unknown) => sent.push(m), onmessage: null };
 * serveJob(port);
 * assert(typeof port.onmessage === "function" && sent.length === 0);
 * ```
 */
export function serveJob(port: WorkerPort): void {
  const control = new JobControl();
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  const call = (body: CallBody): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      waiting.set(id, { resolve, reject });
      port.postMessage({ type: "call", id, ...body } as Call);
    });

  async function* cursor(open: Promise<unknown>): AsyncIterable<Row> {
    const id = await open as number;
    let done = false;
    try {
      while (!done) {
        const page = await call({ op: "next", cursor: id }) as { rows: unknown[]; done: boolean };
        done = page.done;
        for (const row of page.rows) yield unpackRow(row);
      }
    } finally {
      if (!done) await call({ op: "close", cursor: id });
    }
  }

  const start = async (plan: WorkerPlan) => {
    const skip = new Set(plan.skip.map(keyText));
    const toSource = (text: string) =>
      plan.sourceDir ? mapSourcePaths(text, { from: plan.srcDir, to: plan.sourceDir }) : text;
    const prefixed = plan.datasets.length > 1;
    port.postMessage({ type: "started" });
    let log: JobLog | undefined;
    try {
      log = plan.logPath ? JobLog.open(plan.logPath) : undefined;
    } catch {
      log = undefined; // no log rather than no job
    }
    const outcome = await runJob({
      ...plan,
      control,
      onProgress: (progress) => port.postMessage({ type: "progress", progress }),
      onTask: (event) => port.postMessage({ type: "task", event }),
      captureTask: (task, fn) =>
        log
          ? captureTask(log, task, fn).catch((e) => {
            // The stack goes to the log, naming the user's own files.
            if (!control.signal.aborted) {
              log!.write(task, { stream: "stderr", args: [toSource(errorStack(e))] });
            }
            throw e;
          })
          : fn(),
      write: async (table, rows) => {
        await call({ op: "write", table, rows: rows.map(packRow) });
      },
      scan: (table: string, options: ScanTableOptions = {}) =>
        cursor(call({ op: "scan", table, options })),
      scanDataset: async function* (ref, options): AsyncIterable<DatasetRow> {
        const dataset = plan.datasets.findIndex((d) =>
          d.ref.name === ref.name && d.ref.version === ref.version
        );
        const rows = cursor(call({ op: "dataset", dataset, head: options.head ?? 0 }));
        for await (const row of rows) {
          const id = row.id as Key;
          if (skip.has(keyText(prefixed ? `${ref.name}/${id}` : id))) continue;
          yield { id, features: row.features as Row };
        }
      },
    }).catch((e) => ({
      status: "FAIL" as const,
      error: e instanceof Error ? e.message : String(e),
    }));
    log?.close();
    if (outcome.error !== null) outcome.error = toSource(outcome.error);
    port.postMessage({ type: "done", outcome });
  };

  port.onmessage = (event) => {
    const m = event.data;
    if (m.type === "reply") {
      const w = waiting.get(m.id);
      waiting.delete(m.id);
      if (m.ok) w?.resolve(m.value);
      else w?.reject(new Error(m.error));
    } else if (m.type === "start") void start(m.plan);
    else if (m.type === "cancel") control.cancel();
    else if (m.type === "pause") control.pause();
    else if (m.type === "resume") control.resume();
  };
}

function keyText(key: Key): string {
  return `${typeof key === "string" ? "s" : "n"}:${key}`;
}

if (import.meta.main && "WorkerGlobalScope" in globalThis) {
  serveJob(globalThis as unknown as WorkerPort);
}
