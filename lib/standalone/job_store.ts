/**
 * Standalone jobs on disk: the manifest of Starwhale's Python SDK,
 * `<root>/<project>/job/<id[:2]>/<id>/_manifest.yaml` (read by the Python swcli too), plus an
 * index table in the SDK's datastore (`sdk/jobs/<project>`, one row per job) that makes listing,
 * paging and prefix lookup fast.
 * The manifest is written first at every change; the index follows.
 *
 * @module
 */

import { join } from "node:path";
import type { Datastore, Row } from "../../datastore/mod.ts";
import { AmbiguousError, JobStateError, NotFoundError } from "../sdk/errors.ts";
import { exists, formatManifestTime, listDir, manifestTime, readYaml, writeYaml } from "./files.ts";
import {
  FINAL_STATUSES,
  JOB_STATUSES,
  type JobRecord,
  type JobStatus,
  type ListJobsOptions,
  type PageInfo,
} from "../sdk/instance.ts";

/** Full datastore name of a job table. */
export function jobTableName(project: string, id: string, table: string): string {
  return `project/${project}/eval/${id.slice(0, 2)}/${id}/${table}`;
}

/** Full datastore name of a project's summary table. */
export function summaryTableName(project: string): string {
  return `project/${project}/eval/summary`;
}

/** A job as stored: the record plus where its package was. */
export interface StoredJob extends JobRecord {
  /** Removed (in `job/.recover/`). */
  removed: boolean;
  /** The model package directory the job ran from. */
  modelSrcDir: string;
}

/**
 * The record of a stored job as the SDK shows it (without the storage-only fields).
 *
 * @param job The stored job.
 * @returns The record.
 */
export function publicJob(job: StoredJob): JobRecord {
  const { removed: _, modelSrcDir: __, ...record } = job;
  return record;
}

/** What listing needs of one job's index row. */
interface Listing {
  id: string;
  created: number;
  removed: boolean;
  status: string;
  model: string | undefined;
}

/** Newest first; the larger id first among jobs created in the same millisecond. */
function newerFirst(a: Listing, b: Listing): number {
  return b.created - a.created || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

/** Datastore -> index table -> its listing and the table version it was read at. */
const LISTINGS = new WeakMap<Datastore, Map<string, { version: string; entries: Listing[] }>>();

/** The jobs of one standalone project. */
export class JobStore {
  readonly #root: string;
  readonly #project: string;
  readonly #ds: Datastore;

  /**
   * Creates it.
   *
   * @param root The storage root.
   * @param where The project and the open datastore.
   */
  constructor(root: string, where: { project: string; ds: Datastore }) {
    this.#root = root;
    this.#project = where.project;
    this.#ds = where.ds;
  }

  /** Prefix of the index tables: `sdk/jobs/<project>`. */
  static readonly INDEX_PREFIX = "sdk/jobs/";

  get #index(): string {
    return `${JobStore.INDEX_PREFIX}${this.#project}`;
  }

  /** Directory of a job (or of a removed job). */
  jobDir(id: string, removed = false): string {
    const base = join(this.#root, this.#project, "job");
    return removed ? join(base, ".recover", id.slice(0, 2), id) : join(base, id.slice(0, 2), id);
  }

  /** Writes the manifest and the index row of a job. */
  async save(job: StoredJob): Promise<void> {
    const created = Date.parse(job.createdAt);
    const finished = job.finishedAt ? Date.parse(job.finishedAt) : null;
    await writeYaml(join(this.jobDir(job.id, job.removed), "_manifest.yaml"), {
      created_at: formatManifestTime(new Date(created)),
      datasets: job.datasets,
      error_message: job.errorMessage ?? "",
      finetune_validation_datasets: [],
      finished_at: finished === null ? "" : formatManifestTime(new Date(finished)),
      handler_name: job.handler,
      model: job.model,
      model_src_dir: job.modelSrcDir,
      project: job.project,
      scheduler_run_args: {},
      status: job.status.toLowerCase(),
      version: job.id,
      // Extra keys (ignored by the Python client): exact times and the model version.
      created_time: created,
      finished_time: finished,
      model_version: job.modelVersion,
    });
    const cached = LISTINGS.get(this.#ds)?.get(this.#index);
    const before = cached && await this.#version();
    await this.#ds.update(this.#index, [{
      id: job.id,
      status: job.status,
      model: job.model,
      model_version: job.modelVersion,
      datasets: JSON.stringify(job.datasets),
      handler: job.handler,
      created,
      finished,
      error: job.errorMessage,
      removed: job.removed,
      src: job.modelSrcDir,
    }]);
    if (cached && before !== undefined && cached.version === before.key) {
      // The listing was current before this write; if the table changed by this one row only
      // (one more version in memory, the same segments), it is current with the row patched in.
      const after = await this.#version();
      if (after?.segments === before.segments && after.versions === before.versions + 1) {
        const entry = {
          id: job.id,
          created,
          removed: job.removed,
          status: job.status,
          model: job.model ?? undefined,
        };
        const entries = cached.entries.filter((e) => e.id !== job.id);
        const at = entries.findIndex((e) => newerFirst(entry, e) < 0);
        entries.splice(at < 0 ? entries.length : at, 0, entry);
        LISTINGS.get(this.#ds)?.set(this.#index, { version: after.key, entries });
      }
    }
  }

  /** The index table's version (see {@link JobStore.#listing}), or undefined when it is absent. */
  async #version(): Promise<{ key: string; segments: string; versions: number } | undefined> {
    const stats = (await this.#ds.readStats(this.#index)).find((t) => t.name === this.#index);
    if (!stats) return undefined;
    const segments = stats.segments.map((s) => s.file).join(",");
    return {
      key: `${segments}|${stats.memtableVersions}`,
      segments,
      versions: stats.memtableVersions,
    };
  }

  /** The index rows; none while the project's folder is gone (a removed project). */
  async *#indexRows(options: { start?: string; columns?: string[] }): AsyncIterable<Row> {
    if (!(await exists(join(this.#root, this.#project)))) return;
    yield* this.#ds.scan(this.#index, options);
  }

  /**
   * Finds a job by full id or unique prefix.
   *
   * @throws {NotFoundError} Nothing matches (or only removed jobs, unless `removed`).
   *   {AmbiguousError} Several jobs match.
   */
  async get(prefix: string, options: { removed?: boolean } = {}): Promise<StoredJob> {
    const found: StoredJob[] = [];
    for await (const row of this.#indexRows({ start: prefix })) {
      if (!String(row.id).startsWith(prefix)) break;
      found.push(fromRow(this.#project, row));
    }
    if (found.length === 0) {
      const imported = await this.#importFromDisk(prefix);
      if (imported) return imported;
    }
    const live = found.filter((j) => !j.removed);
    const wanted = options.removed ? found.filter((j) => j.removed) : live;
    if (wanted.length === 1) return wanted[0];
    if (wanted.length > 1) throw new AmbiguousError("job", prefix, wanted.map((j) => j.id));
    const detail = options.removed
      ? (live.length ? "it is not removed" : undefined)
      : (found.length ? "it was removed (recover it first)" : undefined);
    throw new NotFoundError("job", prefix, { project: this.#project, detail });
  }

  /** One page of live jobs, newest first, after the filters. */
  async list(options: ListJobsOptions = {}): Promise<[StoredJob[], PageInfo]> {
    const pageIndex = options.pageIndex ?? 1;
    const pageSize = options.pageSize ?? 20;
    if (!Number.isInteger(pageIndex) || pageIndex < 1) {
      throw new RangeError(`Invalid pageIndex ${pageIndex}: expected an integer >= 1`);
    }
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100_000) {
      throw new RangeError(`Invalid pageSize ${pageSize}: expected an integer in 1..100000`);
    }
    if (options.status !== undefined && !JOB_STATUSES.includes(options.status)) {
      throw new TypeError(
        `Invalid status filter ${JSON.stringify(options.status)}: expected one of ${
          JOB_STATUSES.join(", ")
        }`,
      );
    }
    const matches = (await this.#listing()).filter((e) =>
      !e.removed && (options.status === undefined || e.status === options.status) &&
      (options.model === undefined || e.model === options.model)
    );
    const total = matches.length;
    const pages = Math.ceil(total / pageSize);
    const jobs: StoredJob[] = [];
    for (const m of matches.slice((pageIndex - 1) * pageSize, pageIndex * pageSize)) {
      const row = await this.#ds.get(this.#index, m.id);
      if (row) jobs.push(fromRow(this.#project, row));
    }
    return [jobs, {
      total,
      current: jobs.length,
      remain: total - jobs.length,
      page: {
        pageNum: pageIndex,
        pageSize,
        pages,
        prePage: pageIndex > 1 ? pageIndex - 1 : 0,
        nextPage: pageIndex < pages ? pageIndex + 1 : 0,
        hasPreviousPage: pageIndex > 1,
        hasNextPage: pageIndex < pages,
      },
    }];
  }

  /** The removed jobs (those `recover` brings back), newest first. */
  async removedJobs(): Promise<StoredJob[]> {
    const out: StoredJob[] = [];
    for await (const row of this.#indexRows({})) {
      if (row.removed === true) out.push(fromRow(this.#project, row));
    }
    return out.sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
  }

  /**
   * Every job of the index, newest first, as far as listing needs it. Kept per datastore and
   * project while the index table is unchanged (same segment files, same count of versions in
   * memory: any write to the table changes one of them), so paging and polling do not read the
   * whole index again; a job saved through this process patches it in place.
   */
  async #listing(): Promise<Listing[]> {
    if (!(await exists(join(this.#root, this.#project)))) return [];
    const version = (await this.#version())?.key;
    if (version === undefined) return [];
    let byTable = LISTINGS.get(this.#ds);
    if (!byTable) LISTINGS.set(this.#ds, byTable = new Map());
    const cached = byTable.get(this.#index);
    if (cached?.version === version) return cached.entries;
    // Read after the version: a write in between makes the next call read again, never less.
    const entries: Listing[] = [];
    const columns = ["id", "created", "removed", "status", "model"];
    for await (const row of this.#ds.scan(this.#index, { columns })) {
      entries.push({
        id: String(row.id),
        created: Number(row.created),
        removed: row.removed === true,
        status: row.status as string,
        model: row.model as string | undefined,
      });
    }
    entries.sort(newerFirst);
    byTable.set(this.#index, { version, entries });
    return entries;
  }

  /** Every live job of the project a runner has not ended ({@link isUnfinished}). */
  async unfinished(): Promise<StoredJob[]> {
    const out: StoredJob[] = [];
    for await (const row of this.#ds.scan(this.#index)) {
      if (row.removed !== true && isUnfinished(row.status as JobStatus)) {
        out.push(fromRow(this.#project, row));
      }
    }
    return out;
  }

  /** Moves a job to `job/.recover/` (or deletes it and its tables when `force`). */
  async remove(
    job: StoredJob,
    options: { force?: boolean; running?: boolean } = {},
  ): Promise<void> {
    if (options.running) throw new JobStateError("remove", { id: job.id, status: job.status });
    const dir = this.jobDir(job.id, job.removed);
    if (options.force) {
      await Deno.remove(dir, { recursive: true }).catch((e) => {
        if (!(e instanceof Deno.errors.NotFound)) throw e;
      });
      for (const table of this.#ds.tables(jobTableName(this.#project, job.id, ""))) {
        await this.#dropRows(table);
      }
      await this.#ds.delete(summaryTableName(this.#project), [job.id]);
      await this.#ds.delete(this.#index, [job.id]);
      return;
    }
    if (job.removed) {
      throw new JobStateError("remove", {
        id: job.id,
        status: job.status,
        reason: "it is already removed",
      });
    }
    const dest = this.jobDir(job.id, true);
    await Deno.mkdir(join(dest, ".."), { recursive: true });
    if (await exists(dest)) await Deno.remove(dest, { recursive: true });
    if (await exists(dir)) await Deno.rename(dir, dest);
    await this.save({ ...job, removed: true });
  }

  /** Moves a removed job back. */
  async recover(job: StoredJob): Promise<StoredJob> {
    if (!job.removed) {
      throw new JobStateError("recover", {
        id: job.id,
        status: job.status,
        reason: "it is not removed",
      });
    }
    const dest = this.jobDir(job.id);
    if (await exists(dest)) {
      throw new JobStateError("recover", {
        id: job.id,
        status: job.status,
        reason: `'${dest}' exists`,
      });
    }
    await Deno.mkdir(join(dest, ".."), { recursive: true });
    if (await exists(this.jobDir(job.id, true))) await Deno.rename(this.jobDir(job.id, true), dest);
    const back = { ...job, removed: false };
    await this.save(back);
    return back;
  }

  async #dropRows(table: string): Promise<void> {
    let keys: (string | number | bigint)[] = [];
    for await (const row of this.#ds.scan(table, { keepNone: true })) {
      keys.push(row.id as string | number);
      if (keys.length >= 1000) {
        await this.#ds.delete(table, keys);
        keys = [];
      }
    }
    if (keys.length) await this.#ds.delete(table, keys);
  }

  /** Adds jobs made by another client (a manifest without an index row) to the index. */
  async #importFromDisk(prefix: string): Promise<StoredJob | undefined> {
    if (prefix.length < 2) return undefined;
    const dir = join(this.#root, this.#project, "job", prefix.slice(0, 2));
    const hits = (await listDir(dir)).filter((e) => e.isDirectory && e.name.startsWith(prefix));
    if (hits.length !== 1) return undefined;
    const m = await readYaml(join(dir, hits[0].name, "_manifest.yaml"));
    if (!m || typeof m.version !== "string") return undefined;
    const job = fromManifest(this.#project, m);
    if (!this.#ds.readOnly) await this.save(job); // a reader that may not write only shows it
    return job;
  }
}

const UNFINISHED: readonly JobStatus[] = ["CREATED", "READY", "RUNNING", "PAUSED", "CANCELLING"];

/**
 * Tells whether a status is one a runner sets while it owns the job (CREATED, READY, RUNNING,
 * PAUSED, CANCELLING): such a job needs a live runner. UNKNOWN (e.g. a job another client
 * started) is not one.
 */
export function isUnfinished(status: JobStatus): boolean {
  return UNFINISHED.includes(status);
}

/** Tells whether a status is final. */
export function isFinal(status: JobStatus): boolean {
  return FINAL_STATUSES.includes(status);
}

function iso(ms: unknown): string | null {
  return typeof ms === "number" && Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

function fromRow(project: string, row: Row): StoredJob {
  return {
    id: String(row.id),
    project,
    status: (row.status as JobStatus) ?? "UNKNOWN",
    model: (row.model as string) ?? null,
    modelVersion: (row.model_version as string) ?? null,
    datasets: typeof row.datasets === "string" ? JSON.parse(row.datasets) : [],
    handler: (row.handler as string) ?? null,
    createdAt: iso(row.created) ?? new Date(0).toISOString(),
    finishedAt: iso(row.finished),
    errorMessage: (row.error as string) ?? null,
    removed: row.removed === true,
    modelSrcDir: (row.src as string) ?? "",
  };
}

/**
 * Maps the status of a Python SDK job manifest (`success`, `failed`, `start`, ...) to a
 * {@link JobStatus}.
 */
export function statusFromManifest(text: unknown): JobStatus {
  const s = String(text ?? "").toUpperCase();
  if (s === "FAILED") return "FAIL";
  if (s === "START") return "UNKNOWN";
  return JOB_STATUSES.includes(s as JobStatus) ? s as JobStatus : "UNKNOWN";
}

function fromManifest(project: string, m: Record<string, unknown>): StoredJob {
  const created = manifestTime(m, "created");
  const finished = manifestTime(m, "finished");
  return {
    id: String(m.version),
    project,
    status: statusFromManifest(m.status),
    model: typeof m.model === "string" ? m.model : null,
    modelVersion: typeof m.model_version === "string" ? m.model_version : null,
    datasets: Array.isArray(m.datasets) ? m.datasets.map(String) : [],
    handler: typeof m.handler_name === "string" ? m.handler_name : null,
    createdAt: iso(created) ?? new Date(0).toISOString(),
    finishedAt: iso(finished),
    errorMessage: typeof m.error_message === "string" && m.error_message ? m.error_message : null,
    removed: false,
    modelSrcDir: String(m.model_src_dir ?? ""),
  };
}
