/**
 * Copying a job between instances (standalone to server, server to standalone, or any two):
 * every table the job wrote, row by row through the tables role (`scanTable` / `updateTable`)
 * with each table's column types (`tableSchema`),
 * then its summary row, then its tasks and log lines, then its record, which makes it listed on
 * the destination. A copy that
 * stops half-way leaves only unlisted tables, which the next copy overwrites; a job already on
 * the destination is left alone, so a repeated copy is a no-op.
 *
 * @module
 */

import type { ColumnSchema, Row } from "../../datastore/mod.ts";
import { JobStateError, NotFoundError, RemoteError, UnsupportedError } from "./errors.ts";
import { hasJobLogs } from "./roles.ts";
import { checkProject } from "./job_lookup.ts";
import {
  FINAL_STATUSES,
  type Instance,
  type JobCopyTasks,
  type JobRecord,
  type JobRef,
  type JobTask,
} from "./instance.ts";

/** The key column of a job's tables and of the summary table (a server lists it among the types). */
const KEY = "id";

/** How far a copy is, as `Job.copy({ onProgress })` reports it: after every batch of rows. */
export interface JobCopyProgress {
  /** The job id. */
  jobId: string;
  /** The table being copied (short name; `summary` for the job's summary row). */
  table: string;
  /** Rows copied so far, over every table. */
  rows: number;
  /** Tables copied so far. */
  tablesDone: number;
  /** Tables to copy (the summary row counts as one). */
  tables: number;
}

/** Options of {@link copyJob}. */
export interface CopyJobOptions {
  /** Called after every batch of rows. */
  onProgress?: (progress: JobCopyProgress) => void;
  /** Stops the copy between batches (the job is then not published on the destination). */
  signal?: AbortSignal;
  /** Rows per `updateTable` call; default 1000 (a server's cap per request). */
  batchSize?: number;
}

/** What {@link copyJob} did. */
export interface CopyJobResult {
  /** The job as the destination has it now. */
  record: JobRecord;
  /** `false` when the job was on the destination already (nothing was written). */
  copied: boolean;
  /** The job was there already, in the destination's recycle bin (recover it to see it). */
  removed: boolean;
  /** Tables written (the summary table excluded). */
  tables: number;
  /** Rows written, the summary row included. */
  rows: number;
  /** What was left out, and why: the tasks and logs where the source or destination has none. */
  notes: string[];
}

/**
 * Copies one job that has ended from one instance to a project of another.
 *
 * @param from The source instance and the job (full id).
 * @param to The destination instance and project.
 * @param options Progress, a signal, the batch size.
 * @returns The job on the destination, and what was written.
 * @throws {JobStateError} The job has not ended. {UnsupportedError} The destination cannot
 *   receive copied jobs (checked before anything is written). {NotFoundError} No such job or
 *   project. The signal's reason once it aborts.
 */
export async function copyJob(
  from: { instance: Instance; ref: JobRef },
  to: { instance: Instance; project: string },
  options: CopyJobOptions = {},
): Promise<CopyJobResult> {
  const { signal, onProgress } = options;
  const batchSize = options.batchSize ?? 1000;
  const source = await from.instance.exportJob(from.ref);
  const id = source.record.id;
  if (!FINAL_STATUSES.includes(source.record.status)) {
    throw new JobStateError("copy", {
      id,
      status: source.record.status,
      reason: `it is ${source.record.status}: only a job that has ended can be copied`,
    });
  }
  const dest: JobRef = { project: to.project, id };
  await checkProject(to.instance, to.project);
  const there = await to.instance.copiedJob(dest);
  if (there) {
    const live = await to.instance.getJob(dest).then(() => true, (e) => {
      if (e instanceof NotFoundError) return false;
      throw e;
    });
    return { record: there, copied: false, removed: !live, tables: 0, rows: 0, notes: [] };
  }

  const src = await from.instance.jobTableLocation({ project: from.ref.project, id });
  const dst = await to.instance.jobTableLocation(dest);
  const names = await from.instance.jobTables({ project: from.ref.project, id });
  let rows = 0, tablesDone = 0;
  const report = (table: string) =>
    onProgress?.({ jobId: id, table, rows, tablesDone, tables: names.length + 1 });
  const write = async (table: string, batch: Row[], schema?: ColumnSchema[]) => {
    signal?.throwIfAborted();
    try {
      await to.instance.updateTable(table, batch, { schema });
    } catch (e) {
      // A column whose type changed over the table's history holds values the last type does
      // not fit: such a batch keeps the types its values carry (nothing of it was written).
      if (!(e instanceof TypeError) || !schema?.length) throw e;
      await to.instance.updateTable(table, batch);
    }
    rows += batch.length;
  };
  for (const name of names) {
    report(name);
    // The source's column types go with the rows, so an INT32 column stays INT32 there.
    const schema = (await from.instance.tableSchema(src.prefix + name))
      .filter((c) => c.name !== KEY);
    let batch: Row[] = [];
    for await (const row of from.instance.scanTable(src.prefix + name, { keepNone: true })) {
      batch.push(row);
      if (batch.length < batchSize) continue;
      await write(dst.prefix + name, batch, schema);
      batch = [];
      report(name);
    }
    if (batch.length) await write(dst.prefix + name, batch, schema);
    tablesDone++;
    report(name);
  }
  const range = { start: id, end: id, endInclusive: true, keepNone: true, limit: 1 };
  const summary = await Array.fromAsync(from.instance.scanTable(src.summary, range));
  if (summary.length) await write(dst.summary, summary, await summaryTypes(from, src, summary));
  tablesDone++;
  report("summary");
  signal?.throwIfAborted();
  const notes: string[] = [];
  const run = await jobRun(from.instance, { project: from.ref.project, id }, notes);
  if (run) {
    try {
      await to.instance.importJobTasks(dest, run);
    } catch (e) {
      if (!(e instanceof UnsupportedError)) throw e;
      notes.push(`The job's tasks and logs were not copied: ${e.message}`);
    }
  }
  signal?.throwIfAborted();
  const record = await to.instance.importJob(to.project, {
    record: { ...source.record, project: to.project },
    manifest: source.manifest,
  });
  return { record, copied: true, removed: false, tables: names.length, rows, notes };
}

/**
 * The job's tasks and log lines on the source, or `undefined` (with a note) where it keeps none
 * that can be read: a server without task routes. A server without log routes gives the tasks.
 */
async function jobRun(
  instance: Instance,
  ref: JobRef,
  notes: string[],
): Promise<JobCopyTasks | undefined> {
  const missing = (e: unknown) =>
    e instanceof UnsupportedError ||
    (e instanceof RemoteError && (e.status === 404 || e.status === 405));
  if (!hasJobLogs(instance)) {
    notes.push(`The job's tasks and logs were not copied: ${instance.url} keeps none`);
    return undefined;
  }
  let tasks: JobTask[];
  try {
    tasks = await instance.jobTasks(ref);
  } catch (e) {
    if (!missing(e)) throw e;
    notes.push(`The job's tasks and logs were not copied: ${(e as Error).message}`);
    return undefined;
  }
  try {
    return { tasks, log: await Array.fromAsync(instance.jobLogs(ref)) };
  } catch (e) {
    if (!missing(e)) throw e;
    notes.push(`The job's logs were not copied: ${(e as Error).message}`);
    return { tasks, log: [] };
  }
}

/** The summary table's types of the columns the job's row has. */
async function summaryTypes(
  from: { instance: Instance },
  src: { summary: string },
  [row]: Row[],
): Promise<ColumnSchema[]> {
  return (await from.instance.tableSchema(src.summary)).filter((c) =>
    c.name !== KEY && c.name! in row
  );
}
