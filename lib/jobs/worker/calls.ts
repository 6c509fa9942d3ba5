/**
 * The launcher's side of a job Worker's datastore calls: writes into the job's tables and its
 * summary row, and scans (job tables, datasets) served as cursors the Worker pages through.
 *
 * @module
 */

import type { Datastore, Row } from "../../../datastore/mod.ts";
import { DatasetStore } from "../../standalone/dataset_store.ts";
import type { Call, Reply, WorkerPlan } from "./messages.ts";
import { packRow, unpackRow } from "./messages.ts";
import { jobTableName, summaryTableName } from "../../standalone/job_store.ts";

const PAGE = 256;

/**
 * Answers the calls of one job's Worker against the open datastore.
 *
 * @example A write lands in the job's table
 * ```ts
 * import assert from "node:assert/strict";
 * import { Datastore } from "../../../datastore/mod.ts";
 * import { WorkerCalls } from "./calls.ts";
 * const dir = await Deno.makeTempDir();
 * const ds = await Datastore.open(dir, { durability: "none" });
 * const plan = { project: "self", jobId: "ab12", srcDir: "", steps: [], datasets: [],
 *   datasetHead: 0, skip: [] };
 * const calls = new WorkerCalls(dir, { ds, plan });
 * const reply = await calls.answer({ type: "call", id: 1, op: "write", table: "t", rows: [{ id: 1 }] });
 * assert(reply.ok && ds.tables("project/self/eval/ab/ab12/t").length === 1);
 * await calls.close();
 * await ds.close();
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export class WorkerCalls {
  readonly #root: string;
  readonly #ds: Datastore;
  readonly #plan: WorkerPlan;
  readonly #cursors = new Map<number, AsyncIterator<Row>>();
  #nextCursor = 1;

  /**
   * @param root The storage root.
   * @param job The open datastore and the job's plan.
   */
  constructor(root: string, job: { ds: Datastore; plan: WorkerPlan }) {
    this.#root = root;
    this.#ds = job.ds;
    this.#plan = job.plan;
  }

  /**
   * Answers one call; never throws (a failure is an `ok: false` reply naming the error).
   *
   * @param call The Worker's call.
   * @returns The reply to post back.
   */
  async answer(call: Call): Promise<Reply> {
    try {
      return { type: "reply", id: call.id, ok: true, value: await this.#answer(call) };
    } catch (e) {
      return {
        type: "reply",
        id: call.id,
        ok: false,
        error: e instanceof Error ? e.message : String(e),
      };
    }
  }

  async #answer(call: Call): Promise<unknown> {
    const { project, jobId } = this.#plan;
    switch (call.op) {
      case "write": {
        const rows = call.rows.map(unpackRow);
        if (call.table === "summary") {
          await this.#ds.update(summaryTableName(project), rows.map((r) => ({ ...r, id: jobId })));
        } else await this.#ds.update(jobTableName(project, jobId, call.table), rows);
        return null;
      }
      case "scan": {
        const table = jobTableName(project, jobId, call.table);
        if (!this.#ds.tables(table).includes(table)) return this.#open(empty());
        return this.#open(this.#ds.scan(table, call.options));
      }
      case "dataset": {
        const dataset = this.#plan.datasets[call.dataset];
        if (!dataset) throw new RangeError(`The job has no dataset number ${call.dataset}`);
        const store = new DatasetStore(this.#root, { project, ds: this.#ds });
        return this.#open(store.scan(dataset.ref, { head: call.head }) as AsyncIterable<Row>);
      }
      case "next": {
        const it = this.#cursor(call.cursor);
        const rows: unknown[] = [];
        while (rows.length < PAGE) {
          const r = await it.next();
          if (r.done) {
            this.#cursors.delete(call.cursor);
            return { rows, done: true };
          }
          rows.push(packRow(r.value));
        }
        return { rows, done: false };
      }
      case "close": {
        const it = this.#cursor(call.cursor);
        this.#cursors.delete(call.cursor);
        await it.return?.();
        return null;
      }
    }
  }

  #open(rows: AsyncIterable<Row>): number {
    const id = this.#nextCursor++;
    this.#cursors.set(id, rows[Symbol.asyncIterator]());
    return id;
  }

  #cursor(id: number): AsyncIterator<Row> {
    const it = this.#cursors.get(id);
    if (!it) throw new RangeError(`Unknown scan cursor ${id}: it ended or was closed`);
    return it;
  }

  /** Closes every open cursor (the Worker is gone). */
  async close(): Promise<void> {
    const open = [...this.#cursors.values()];
    this.#cursors.clear();
    await Promise.all(open.map((it) => it.return?.()));
  }
}

// deno-lint-ignore require-yield
async function* empty(): AsyncIterable<Row> {
  return;
}
